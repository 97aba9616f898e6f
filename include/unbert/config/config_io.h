// Config files and overrides: JSON <-> RunConfig, `--set key=value`, checks.
// Precedence: struct defaults < --config file < --set overrides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "unbert/config/config.h"

namespace unbert {

// Reads a JSON file; a syntax error names file:line:column.
nlohmann::json read_json_file(const std::string& path);

// Applies "a.b.c=value" to a JSON tree. The value is parsed as JSON when it
// can be (numbers, true/false, quoted strings, lists), else taken as a string.
void apply_override(nlohmann::json& tree, const std::string& assignment);

// Strict conversion: unknown keys (with the nearest valid key), wrong types.
RunConfig config_from_json(const nlohmann::json& tree);
nlohmann::json config_to_json(const RunConfig& config);

// Every rule on values and their combinations; throws ConfigError.
void validate(const RunConfig& config);

// defaults < file < overrides, then validate. `name` defaults to the file stem.
RunConfig load_config(const std::optional<std::string>& path,
                      const std::vector<std::string>& overrides);
// The same for a config already read (a JSON object).
RunConfig load_config_tree(nlohmann::json tree, const std::vector<std::string>& overrides);

// Where a command's config comes from: a file (or none: the defaults) and
// `--set` overrides.
struct ConfigSource {
  std::string path;
  std::vector<std::string> overrides;
  RunConfig load() const;  // defaults < file < overrides, validated
};

// One row per leaf key, for docs and `unbert config --keys`.
struct ConfigKeyInfo {
  std::string key;
  std::string default_value;
  std::string help;
};
std::vector<ConfigKeyInfo> config_keys();

// Levenshtein distance: insertions, deletions and substitutions.
std::size_t edit_distance(const std::string& a, const std::string& b);
// The candidate with the smallest edit distance to `word` (for "did you mean").
std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace unbert
