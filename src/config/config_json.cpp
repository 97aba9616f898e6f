// JSON <-> RunConfig through each section's visit().
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
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
    constexpr double kPastInt64 = 9223372036854775808.0;  // 2^63
    const bool past_range =
        (value.is_number_unsigned() &&
         value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) ||
        (value.is_number_float() && std::isfinite(value.get<double>()) &&
         std::fabs(value.get<double>()) >= kPastInt64 &&
         value.get<double>() == std::floor(value.get<double>()));
    if (past_range)
      throw ConfigError(key, value.dump() + " is too large for an integer (at most " +
                                 std::to_string(std::numeric_limits<int64_t>::max()) + ")");
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
// twice would lose the first silently. The parser's events show each key.
struct DuplicateKey {
  std::string path;
};

// An integer literal past uint64's range, which nlohmann would read as a
// double: the error shows it as written.
struct HugeInteger {
  std::string path, text;
};

bool is_integer_literal(const std::string& text) {
  const std::size_t digits = text.rfind('-', 0) == 0 ? 1 : 0;
  return text.size() > digits && text.find_first_not_of("0123456789", digits) == std::string::npos;
}

bool is_integer_key(const std::string& key);

// nlohmann's own tree builder, with the keys and number spellings looked at on the way.
class CheckingSax {
 public:
  explicit CheckingSax(json& root) : tree_(root) {}
  bool null() { return tree_.null(); }
  bool boolean(bool value) { return tree_.boolean(value); }
  bool number_integer(json::number_integer_t value) { return tree_.number_integer(value); }
  bool number_unsigned(json::number_unsigned_t value) {
    if (value > static_cast<json::number_unsigned_t>(std::numeric_limits<int64_t>::max()) &&
        is_integer_key(path()))
      throw HugeInteger{path(), std::to_string(value)};
    return tree_.number_unsigned(value);
  }
  bool number_float(json::number_float_t value, const std::string& text) {
    if (is_integer_literal(text) && is_integer_key(path())) throw HugeInteger{path(), text};
    return tree_.number_float(value, text);
  }
  bool string(std::string& value) { return tree_.string(value); }
  bool binary(json::binary_t& value) { return tree_.binary(value); }
  bool start_object(std::size_t size) {
    objects_.emplace_back();
    return tree_.start_object(size);
  }
  bool key(std::string& name) {
    if (!objects_.back().first.insert(name).second) throw DuplicateKey{path(name)};
    objects_.back().second = name;
    return tree_.key(name);
  }
  bool end_object() {
    objects_.pop_back();
    return tree_.end_object();
  }
  bool start_array(std::size_t size) { return tree_.start_array(size); }
  bool end_array() { return tree_.end_array(); }
  template <class Exception>  // its own type, so that the caller still sees the line and column
  bool parse_error(std::size_t position, const std::string& token, const Exception& error) {
    return tree_.parse_error(position, token, error);
  }

 private:
  // The dotted key of the value being read (`last` replaces the innermost key).
  std::string path(const std::string& last = "") const {
    std::string out;
    for (std::size_t i = 0; i < objects_.size(); ++i) {
      const std::string& part =
          i + 1 == objects_.size() && !last.empty() ? last : objects_[i].second;
      out += (out.empty() ? "" : ".") + part;
    }
    return out;
  }

  nlohmann::detail::json_sax_dom_parser<json> tree_;
  std::vector<std::pair<std::set<std::string>, std::string>> objects_;  // keys seen, last key
};

json parse_checking_keys_and_numbers(const std::string& text) {
  json root;
  CheckingSax sax(root);
  json::sax_parse(text, &sax);
  return root;
}

// The number nlohmann could not hold, from "number overflow parsing '1e400'".
std::string overflowing_literal(const json::out_of_range& e) {
  const std::string what = e.what();
  const std::size_t open = what.find('\''), close = what.rfind('\'');
  return open < close ? what.substr(open + 1, close - open - 1) : std::string();
}

std::string too_large(const std::string& key, const std::string& written) {
  return "config key '" + key + "': " + written + " is too large for an integer (at most " +
         std::to_string(std::numeric_limits<int64_t>::max()) + ")";
}

// The line of the nth `"name":` in the text (0 when there is none), and of
// the first `"name": literal`.
std::size_t line_of_key(const std::string& text, const std::string& name, int nth,
                        const std::string& literal = "") {
  const std::string quoted = "\"" + name + "\"";
  int seen = 0;
  for (std::size_t at = 0; (at = text.find(quoted, at)) != std::string::npos; at += quoted.size()) {
    std::size_t after = text.find_first_not_of(" \t\r\n", at + quoted.size());
    if (after == std::string::npos || text[after] != ':') continue;
    std::size_t value = text.find_first_not_of(" \t\r\n", after + 1);
    if (!literal.empty() &&
        (value == std::string::npos || text.compare(value, literal.size(), literal) != 0))
      continue;
    if (++seen == nth) return line_and_column(text, at).first;
  }
  return 0;
}

}  // namespace

json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(path + ": cannot open the file (check the path)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  try {
    return parse_checking_keys_and_numbers(text);
  } catch (const HugeInteger& huge) {
    const std::string name = huge.path.substr(huge.path.rfind('.') + 1);
    const std::size_t line = line_of_key(text, name, 1, huge.text);
    throw UsageError(path + (line ? ":" + std::to_string(line) : std::string()) + ": " +
                     too_large(huge.path, huge.text));
  } catch (const DuplicateKey& duplicate) {
    const std::string name = duplicate.path.substr(duplicate.path.rfind('.') + 1);
    const std::size_t line = line_of_key(text, name, 2);
    throw UsageError(path + (line ? ":" + std::to_string(line) : std::string()) +
                     ": duplicate key '" + duplicate.path +
                     "' (JSON would keep only the last one); merge the two into one");
  } catch (const json::parse_error& e) {
    auto [line, column] = line_and_column(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    auto cut = what.find("syntax error");
    throw UsageError(path + ":" + std::to_string(line) + ":" + std::to_string(column) +
                     ": invalid JSON: " + (cut == std::string::npos ? what : what.substr(cut)));
  } catch (const json::out_of_range& e) {
    const std::string literal = overflowing_literal(e);
    const std::size_t at = literal.empty() ? std::string::npos : text.find(literal);
    const std::string where =
        at == std::string::npos ? "" : ":" + std::to_string(line_and_column(text, at).first);
    throw UsageError(path + where + ": " + (literal.empty() ? e.what() : literal) +
                     " is past the range of a number (at most about 1.8e308); write the value "
                     "you meant");
  } catch (const json::exception& e) {
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
  } catch (const json::out_of_range& e) {  // 1e400: a number, past double's range
    const std::string literal = overflowing_literal(e);
    throw UsageError("--set " + key + "=" + text + ": " + (literal.empty() ? text : literal) +
                     " is past the range of a number (at most about 1.8e308); retype it");
  } catch (const json::exception&) {
    value = text;  // a bare word such as `attention` or a path
  }
  if (value.is_number_float() && is_integer_literal(text) && is_integer_key(key))
    throw UsageError("--set: " + too_large(key, text));
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

namespace {

// The config keys that hold integers (model.hidden_size, train.batch_size, ...).
bool is_integer_key(const std::string& key) {
  static const std::set<std::string> keys = [] {
    std::set<std::string> out;
    for (const auto& row : config_keys())
      if (json::parse(row.default_value).is_number_integer()) out.insert(row.key);
    return out;
  }();
  return keys.count(key) > 0;
}

}  // namespace

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
