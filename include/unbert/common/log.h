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

// Also writes every log line at info or above to `path` (appending), e.g.
// run_dir/unbert.log, whatever the console's level.
void add_log_file(const std::string& path);

// A data-parallel worker other than rank 0: its console shows warnings and
// errors only, prefixed with the rank; everything at info goes to `path`
// (the run's unbert.rank<N>.log; none when empty).
void log_as_rank(int rank, const std::string& path);

// Writes `message` to the log files only (the console already showed it,
// e.g. the final "error: ..." line).
void log_to_files(spdlog::level::level_enum level, const std::string& message);

}  // namespace unbert
