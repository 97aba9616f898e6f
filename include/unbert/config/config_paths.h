// The config keys that hold paths, and the two bases they are read against:
// a config file given with --config is read from the working folder; a run's
// own config.json stores its relative paths relative to the run folder, so a
// run moved together with its data (the demo's folder, a copied experiment)
// keeps working.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "unbert/config/config.h"

namespace unbert {

// (key, field) for every path-valued key; run_dir is not among them.
std::vector<std::pair<std::string, std::string*>> path_fields(RunConfig& config);

// Relative paths become `base / path`; absolute and empty ones stay.
void resolve_paths(RunConfig& config, const std::filesystem::path& base);

// Relative paths (read from the working folder) become relative to `base`.
void paths_relative_to(RunConfig& config, const std::filesystem::path& base);

}  // namespace unbert
