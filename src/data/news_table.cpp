#include "unbert/data/news_table.h"

#include "tsv.h"
#include "unbert/common/error.h"
#include "unbert/common/mapped_file.h"

namespace unbert {

namespace {
constexpr std::size_t kNewsColumns = 8;
}

LoadReport NewsTable::load(const std::string& path, const LoadOptions& options) {
  MappedFile file(path);
  std::string_view text = tsv::without_bom(file.text(), path);
  LoadReport report;
  const uint32_t first_of_file = static_cast<uint32_t>(size());
  std::size_t pos = 0, line_number = 0;
  std::string_view fields[kNewsColumns];
  while (pos < text.size()) {
    std::string_view line = tsv::next_line(text, &pos);
    ++line_number;
    if (tsv::is_blank(line)) continue;
    ++report.lines;
    std::size_t count = tsv::split(line, fields, kNewsColumns);
    std::string problem;
    if (count != kNewsColumns)
      problem =
          "expected 8 tab-separated fields (id, category, subcategory, title, abstract, url, "
          "title_entities, abstract_entities), got " +
          std::to_string(count) + " (is this a MIND news.tsv?)";
    else if (fields[0].empty())
      problem = "empty news id";
    if (!problem.empty()) {
      if (options.on_error == OnError::Fail) throw DataError(path, line_number, problem);
      report.note_skip(path + ":" + std::to_string(line_number) + ": " + problem);
      continue;
    }
    if (auto known = ids_.find(fields[0])) {
      ++(*known >= first_of_file ? report.repeated_in_file : report.duplicate_news);
      continue;
    }
    add(fields[0], fields[1], fields[2], fields[3], fields[4]);
  }
  return report;
}

uint32_t NewsTable::add_bare(std::string_view id) {
  if (auto found = ids_.find(id)) return *found;
  add(id, "", "", "", "");
  return static_cast<uint32_t>(ids_.size() - 1);
}

void NewsTable::add(std::string_view id, std::string_view category, std::string_view subcategory,
                    std::string_view title, std::string_view abstract) {
  ids_.intern(id);
  category_.push_back(labels_.intern(category));
  subcategory_.push_back(labels_.intern(subcategory));
  titles_.add(title);
  abstracts_.add(abstract);
}

}  // namespace unbert
