#include "unbert/cli/command.h"

#include "unbert/config/config_io.h"

namespace unbert::cli {

void ConfigOptions::add_to(CLI::App& app, const std::string& config_help) {
  app.add_option("--config", config, config_help);
  app.add_option("--set", overrides, "override a config key, e.g. --set train.lr=3e-5 (repeatable)")
      ->type_name("KEY=VALUE");
}

RunConfig ConfigOptions::load() const {
  std::optional<std::string> path;
  if (!config.empty()) path = config;
  return load_config(path, overrides);
}

}  // namespace unbert::cli
