#include "error_sites.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "unbert/common/fs.h"

namespace unbert::test {
namespace {

std::string unescape(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char c = text[++i];
    out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
  }
  return out;
}

// The literals of the statement that starts at `begin`, up to its `;`
// (outside literals); literals separated by white space alone are one.
std::vector<std::string> statement_literals(const std::string& s, std::size_t begin) {
  std::vector<std::string> literals;
  std::size_t i = begin, last_end = std::string::npos;
  while (i < s.size() && s[i] != ';') {
    if (s[i] == '\'') {
      i += s[i + 1] == '\\' ? 4 : 3;
      continue;
    }
    if (s[i] != '"') {
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    std::string text;
    while (j < s.size() && s[j] != '"') {
      if (s[j] == '\\') text += s[j++];
      text += s[j++];
    }
    const bool joined = last_end != std::string::npos && !literals.empty() &&
                        s.find_first_not_of(" \t\n", last_end) == i;
    if (joined)
      literals.back() += text;
    else
      literals.push_back(text);
    last_end = j + 1;
    i = j + 1;
  }
  for (auto& literal : literals) literal = unescape(literal);
  return literals;
}

std::string key_of(const std::vector<std::string>& literals) {
  std::string key;
  for (const auto& literal : literals)
    if (literal.size() > key.size()) key = literal;
  const auto meaningful = std::count_if(key.begin(), key.end(), [](char c) {
    return std::string(" :;,.()'\"").find(c) == std::string::npos;
  });
  return meaningful >= 6 ? key : "";
}

}  // namespace

std::vector<ErrorSite> error_sites(const std::string& source_dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(source_dir + "/src")) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".cpp" || ext == ".h") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  const std::regex throw_call(R"(\bthrow\s+[\w:]+\s*\()");
  std::vector<ErrorSite> sites;
  for (const auto& path : files) {
    const std::string text = read_text_file(path);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), throw_call);
         it != std::sregex_iterator(); ++it) {
      const auto begin = static_cast<std::size_t>(it->position() + it->length());
      ErrorSite site;
      site.file = fs::relative(path, source_dir + "/src").string();
      site.line =
          static_cast<int>(std::count(text.begin(), text.begin() + it->position(), '\n')) + 1;
      site.key = key_of(statement_literals(text, begin));
      sites.push_back(site);
    }
  }
  return sites;
}

}  // namespace unbert::test
