// JSON <-> RunConfig through each section's visit().
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <type_traits>

#include "unbert/common/error.h"
#include "unbert/common/utf8.h"
#include "unbert/config/config_io.h"

namespace unbert {
namespace {

using nlohmann::json;

template <class T, class = void>
struct is_section : std::false_type {};
struct ProbeVisitor {
  template <class F>
  void operator()(const char*, F&, const char*) {}
};
template <class T>
struct is_section<T, std::void_t<decltype(std::declval<T&>().visit(std::declval<ProbeVisitor&>()))>>
    : std::true_type {};

std::string json_type(const json& value) {
  if (value.is_number_integer()) return "an integer (" + value.dump() + ")";
  if (value.is_number()) return "a number (" + value.dump() + ")";
  if (value.is_string()) return "a string (" + value.dump() + ")";
  if (value.is_boolean()) return std::string("a boolean (") + value.dump() + ")";
  if (value.is_null()) return "null";
  if (value.is_array()) return "a list";
  return "an object";
}

void expect(bool ok, const json& value, const std::string& key, const char* wanted) {
  if (!ok) throw ConfigError(key, std::string("expected ") + wanted + ", got " + json_type(value));
}

struct Reader {
  const json& object;
  std::string prefix;
  std::vector<std::string> known;

  template <class T>
  void operator()(const char* name, T& field, const char*) {
    known.emplace_back(name);
    auto it = object.find(name);
    if (it != object.end()) read(*it, prefix + name, field);
  }

  static void read(const json& value, const std::string& key, std::string& out) {
    expect(value.is_string(), value, key, "a string");
    out = value.get<std::string>();
  }
  static void read(const json& value, const std::string& key, bool& out) {
    expect(value.is_boolean(), value, key, "true or false");
    out = value.get<bool>();
  }
  static void read(const json& value, const std::string& key, double& out) {
    expect(value.is_number(), value, key, "a number");
    out = value.get<double>();
  }
  static void read(const json& value, const std::string& key, int64_t& out) {
    bool whole_float =
        value.is_number_float() &&
        value.get<double>() == static_cast<double>(static_cast<int64_t>(value.get<double>()));
    expect(value.is_number_integer() || whole_float, value, key, "an integer");
    out = whole_float ? static_cast<int64_t>(value.get<double>()) : value.get<int64_t>();
  }
  template <class T>
  static void read(const json& value, const std::string& key, T& out) {
    if constexpr (std::is_enum_v<T>) {
      if (value.is_string()) {
        for (const auto& [v, name] : enum_table(T{}))
          if (value.get<std::string>() == name) {
            out = v;
            return;
          }
      }
      throw ConfigError(key, "expected one of " + enum_choices<T>() + ", got " + json_type(value));
    } else {
      static_assert(is_section<T>::value, "unsupported config field type");
      read_section(value, key, out);
    }
  }

  template <class Section>
  static void read_section(const json& value, const std::string& key, Section& out) {
    expect(value.is_object(), value, key.empty() ? "(top level)" : key, "an object");
    Reader reader{value, key.empty() ? "" : key + ".", {}};
    out.visit(reader);
    for (const auto& item : value.items()) {
      if (std::find(reader.known.begin(), reader.known.end(), item.key()) != reader.known.end())
        continue;
      throw ConfigError(reader.prefix + item.key(), "unknown key; did you mean '" + reader.prefix +
                                                        nearest_word(item.key(), reader.known) +
                                                        "'?");
    }
  }
};

struct Writer {
  json& object;

  template <class T>
  void operator()(const char* name, const T& field, const char*) {
    if constexpr (std::is_enum_v<T>) {
      object[name] = enum_name(field);
    } else if constexpr (is_section<T>::value) {
      json child = json::object();
      Writer writer{child};
      const_cast<T&>(field).visit(writer);
      object[name] = child;
    } else {
      object[name] = field;
    }
  }
};

struct KeyLister {
  std::string prefix;
  std::vector<ConfigKeyInfo>& rows;

  template <class T>
  void operator()(const char* name, T& field, const char* help) {
    if constexpr (is_section<T>::value) {
      KeyLister child{prefix + name + ".", rows};
      field.visit(child);
    } else {
      json value;
      Writer{value}(name, field, help);
      rows.push_back({prefix + name, value[name].dump(), help});
    }
  }
};

std::pair<std::size_t, std::size_t> line_and_column(const std::string& text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// nlohmann keeps the last of two equal keys; a config that says "train"
// twice would lose the first silently. The parse callback sees each key.
struct DuplicateKey {
  std::string path;
};

json parse_rejecting_duplicates(const std::string& text) {
  std::vector<std::pair<std::set<std::string>, std::string>> objects;  // keys seen, last key
  return json::parse(text, [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) objects.emplace_back();
    if (event == json::parse_event_t::object_end && !objects.empty()) objects.pop_back();
    if (event == json::parse_event_t::key && !objects.empty()) {
      std::string key = parsed.get<std::string>();
      if (!objects.back().first.insert(key).second) {
        std::string path;
        for (std::size_t i = 0; i + 1 < objects.size(); ++i) path += objects[i].second + ".";
        throw DuplicateKey{path + key};
      }
      objects.back().second = key;
    }
    return true;
  });
}

// The line of the second `"name":` in the text (the duplicate's first).
std::size_t line_of_second_key(const std::string& text, const std::string& name) {
  const std::string quoted = "\"" + name + "\"";
  std::size_t found = 0, seen = 0, at = 0;
  while ((at = text.find(quoted, at)) != std::string::npos) {
    std::size_t after = text.find_first_not_of(" \t\r\n", at + quoted.size());
    if (after != std::string::npos && text[after] == ':' && ++seen == 2) {
      found = at;
      break;
    }
    at += quoted.size();
  }
  return seen == 2 ? line_and_column(text, found).first : 0;
}

}  // namespace

json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(path + ": cannot open the file (check the path)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  try {
    return parse_rejecting_duplicates(text);
  } catch (const DuplicateKey& duplicate) {
    const std::string name = duplicate.path.substr(duplicate.path.rfind('.') + 1);
    const std::size_t line = line_of_second_key(text, name);
    throw UsageError(path + (line ? ":" + std::to_string(line) : std::string()) +
                     ": duplicate key '" + duplicate.path +
                     "' (JSON would keep only the last one); merge the two into one");
  } catch (const json::parse_error& e) {
    auto [line, column] = line_and_column(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    auto cut = what.find("syntax error");
    throw UsageError(path + ":" + std::to_string(line) + ":" + std::to_string(column) +
                     ": invalid JSON: " + (cut == std::string::npos ? what : what.substr(cut)));
  } catch (const json::exception& e) {  // a number past double's range, say
    std::string what = e.what();
    throw UsageError(path + ": invalid JSON: " + what.substr(what.find(']') + 2));
  }
}

void apply_override(json& tree, const std::string& assignment) {
  if (std::size_t bad = invalid_utf8_at(assignment); bad != std::string::npos)
    throw UsageError("--set: byte " + std::to_string(bad + 1) +
                     " of the assignment is not valid UTF-8; retype it in a UTF-8 terminal");
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--set '" + assignment + "': expected key=value, e.g. --set train.lr=3e-5");
  std::string key = assignment.substr(0, eq);
  std::string text = assignment.substr(eq + 1);
  json value;
  try {
    value = json::parse(text);
  } catch (const json::exception&) {
    value = text;  // a bare word such as `attention` or a path
  }
  json* node = &tree;
  std::size_t start = 0;
  while (true) {
    auto dot = key.find('.', start);
    std::string part =
        key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty())
      throw UsageError("--set '" + assignment + "': empty part in key '" + key + "'");
    if (!node->is_object()) *node = json::object();
    node = &(*node)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  *node = value;
}

RunConfig config_from_json(const json& tree) {
  RunConfig config;
  Reader::read_section(tree, "", config);
  return config;
}

json config_to_json(const RunConfig& config) {
  json tree = json::object();
  Writer writer{tree};
  const_cast<RunConfig&>(config).visit(writer);
  return tree;
}

std::vector<ConfigKeyInfo> config_keys() {
  std::vector<ConfigKeyInfo> rows;
  RunConfig defaults;
  KeyLister lister{"", rows};
  defaults.visit(lister);
  return rows;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  // Levenshtein distance with one rolling row.
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
      diagonal = up;
    }
  }
  return row.back();
}

std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const auto& candidate : candidates) {
    std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace unbert
