#include "unbert/common/log.h"

#include <memory>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "unbert/common/error.h"

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
  logger->sinks().push_back(sink);
  logger->flush_on(spdlog::level::info);
}

}  // namespace unbert
