// A run's config.json: the config the run was started with (and the
// operational keys changed on --resume since), its relative paths relative
// to the run folder (config/config_paths.h).
#pragma once

#include <string>
#include <vector>

#include "unbert/config/config.h"

namespace unbert {

// The run's config with its paths resolved, `overrides` (from the working
// folder) on top, validated; run_dir is `run_dir`.
RunConfig read_run_config(const std::string& run_dir, const std::vector<std::string>& overrides);

void write_run_config(const std::string& run_dir, RunConfig config);

// The run folder holding a checkpoint (its best/ or checkpoints/step-N/), or
// "" for a checkpoint that lives outside any run.
std::string run_of_checkpoint(const std::string& checkpoint);

}  // namespace unbert
