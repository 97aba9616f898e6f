#include "unbert/pipeline/run_config.h"

#include <filesystem>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/config/config_io.h"
#include "unbert/config/config_paths.h"

namespace unbert {

namespace fs = std::filesystem;

RunConfig read_run_config(const std::string& run_dir, const std::vector<std::string>& overrides) {
  const std::string file = (fs::path(run_dir) / "config.json").string();
  if (!fs::exists(file)) throw UsageError(run_dir + " holds no run (no config.json)");
  RunConfig saved = load_config(file, {});
  resolve_paths(saved, run_dir);
  RunConfig config = load_config_tree(config_to_json(saved), overrides);
  config.run_dir = run_dir;
  return config;
}

void write_run_config(const std::string& run_dir, RunConfig config) {
  paths_relative_to(config, run_dir);
  write_text_atomic((fs::path(run_dir) / "config.json").string(),
                    config_to_json(config).dump(2) + "\n");
}

std::string run_of_checkpoint(const std::string& checkpoint) {
  fs::path dir = fs::absolute(checkpoint).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // a trailing slash
  fs::path run;
  if (dir.filename() == "best")
    run = dir.parent_path();
  else if (dir.parent_path().filename() == "checkpoints")
    run = dir.parent_path().parent_path();
  if (run.empty() || !fs::exists(run / "config.json")) return "";
  return fs::relative(run).string();
}

}  // namespace unbert
