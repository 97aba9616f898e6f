// Logging: spdlog behind three calls. Logs go to stderr (and a run's log
// file); results go to stdout.
#pragma once

#include <string>

#include <spdlog/spdlog.h>

namespace unbert {

// Parses "trace|debug|info|warn|error|off"; throws UsageError otherwise.
spdlog::level::level_enum parse_log_level(const std::string& name);

// Sets up the console logger on stderr at the given level.
void init_logging(spdlog::level::level_enum level);

// Also writes every log line to `path` (appending), e.g. run_dir/unbert.log.
void add_log_file(const std::string& path);

}  // namespace unbert
