#include "unbert/cli/command.h"

namespace unbert::cli {

void ConfigOptions::add_to(CLI::App& app, const std::string& config_help) {
  app.add_option("--config", path, config_help);
  app.add_option("--set", overrides, "override a config key, e.g. --set train.lr=3e-5 (repeatable)")
      ->type_name("KEY=VALUE");
}

}  // namespace unbert::cli
