#include "unbert/config/config_paths.h"

namespace unbert {

namespace fs = std::filesystem;

std::vector<std::pair<std::string, std::string*>> path_fields(RunConfig& config) {
  return {{"data.train_dir", &config.data.train_dir},
          {"data.dev_dir", &config.data.dev_dir},
          {"data.test_dir", &config.data.test_dir},
          {"data.cache_dir", &config.data.cache_dir},
          {"text.vocab", &config.text.vocab},
          {"text.spm_model", &config.text.spm_model},
          {"model.pretrained", &config.model.pretrained},
          {"train.init_from", &config.train.init_from}};
}

void resolve_paths(RunConfig& config, const fs::path& base) {
  for (auto& [key, path] : path_fields(config))
    if (!path->empty() && fs::path(*path).is_relative())
      *path = (base / *path).lexically_normal().string();
}

void paths_relative_to(RunConfig& config, const fs::path& base) {
  const fs::path from = fs::absolute(base).lexically_normal();
  for (auto& [key, path] : path_fields(config))
    if (!path->empty() && fs::path(*path).is_relative())
      *path = fs::absolute(*path).lexically_normal().lexically_relative(from).string();
}

}  // namespace unbert
