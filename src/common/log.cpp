#include "unbert/common/log.h"

#include <algorithm>
#include <memory>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "unbert/common/error.h"
#include "unbert/common/progress.h"

namespace unbert {

spdlog::level::level_enum parse_log_level(const std::string& name) {
  static const char* kNames[] = {"trace", "debug", "info", "warn", "error", "off"};
  static const spdlog::level::level_enum kLevels[] = {spdlog::level::trace, spdlog::level::debug,
                                                      spdlog::level::info,  spdlog::level::warn,
                                                      spdlog::level::err,   spdlog::level::off};
  for (int i = 0; i < 6; ++i)
    if (name == kNames[i]) return kLevels[i];
  throw UsageError("--log-level: unknown level '" + name +
                   "'; use one of trace, debug, info, warn, error, off");
}

void init_logging(spdlog::level::level_enum level) {
  auto logger = spdlog::get("unbert");
  if (!logger) {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    logger = std::make_shared<spdlog::logger>("unbert", sink);
    spdlog::set_default_logger(logger);
  }
  logger->set_pattern("[%H:%M:%S] %^%l%$ %v");
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
}

void add_log_file(const std::string& path) {
  auto logger = spdlog::default_logger();
  auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, /*truncate=*/false);
  sink->set_pattern("[%Y-%m-%d %H:%M:%S.%e] %l %v");
  sink->set_level(spdlog::level::info);
  // The file gets info and above whatever the console level: the console
  // sink keeps the user's level, the logger lets through what either wants.
  if (logger->sinks().size() == 1) logger->sinks().front()->set_level(logger->level());
  logger->set_level(std::min(logger->level(), spdlog::level::info));
  logger->sinks().push_back(sink);
  logger->flush_on(spdlog::level::info);
}

void log_as_rank(int rank, const std::string& path) {
  auto logger = spdlog::default_logger();
  const auto console_level = std::max(logger->level(), spdlog::level::warn);
  set_terminal_progress(false);  // rank 0 draws the bar
  logger->sinks().front()->set_pattern("[%H:%M:%S] rank " + std::to_string(rank) + " %^%l%$ %v");
  if (!path.empty()) add_log_file(path);
  logger->sinks().front()->set_level(console_level);
}

void log_to_files(spdlog::level::level_enum level, const std::string& message) {
  auto logger = spdlog::get("unbert");
  if (!logger) return;
  spdlog::details::log_msg line(logger->name(), level, message);
  for (std::size_t i = 1; i < logger->sinks().size(); ++i) {  // sink 0 is the console
    logger->sinks()[i]->log(line);
    logger->sinks()[i]->flush();
  }
}

}  // namespace unbert
