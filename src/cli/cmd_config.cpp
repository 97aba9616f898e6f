// unbert config: show the resolved config, or every key with its default.
#include <iomanip>
#include <iostream>
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/config/config_io.h"

namespace unbert::cli {
namespace {

struct ShowConfigOptions {
  ConfigOptions config;
  bool keys = false;
};

int run_config(const ShowConfigOptions& o) {
  if (o.keys) {
    std::cout << "| key | default | meaning |\n| --- | --- | --- |\n";
    for (const auto& row : config_keys())
      std::cout << "| `" << row.key << "` | `" << row.default_value << "` | " << row.help << " |\n";
    return 0;
  }
  std::cout << std::setw(2) << config_to_json(o.config.load()) << "\n";
  return 0;
}

}  // namespace

Command add_config_command(CLI::App& root) {
  auto o = std::make_shared<ShowConfigOptions>();
  CLI::App* app =
      root.add_subcommand("config", "Print the resolved config (defaults < file < --set)");
  o->config.add_to(*app);
  app->add_flag("--keys", o->keys, "list every key with its default and meaning (Markdown)");
  return {app, [o] { return run_config(*o); }};
}

}  // namespace unbert::cli
