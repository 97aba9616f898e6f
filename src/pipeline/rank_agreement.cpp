#include "unbert/pipeline/rank_agreement.h"

#include <filesystem>

#include "unbert/common/build_info.h"
#include "unbert/common/hash.h"
#include "unbert/config/config_io.h"
#include "unbert/data/mind_dataset.h"

namespace unbert {

namespace fs = std::filesystem;

std::vector<std::pair<std::string, std::string>> split_files(
    const DataConfig& data, const std::vector<std::string>& splits) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& split : splits) {
    const std::string dir = split_dir(data, split);
    for (const char* name : {"behaviors.tsv", "news.tsv"}) {
      const fs::path path = fs::path(dir) / name;
      if (fs::is_regular_file(path))
        files.emplace_back("data." + split + "_dir/" + name, path.string());
    }
  }
  return files;
}

std::vector<std::pair<std::string, std::string>> model_files(const RunConfig& config) {
  std::vector<std::pair<std::string, std::string>> files;
  auto add = [&](const std::string& label, const fs::path& path) {
    if (fs::is_regular_file(path)) files.emplace_back(label, path.string());
  };
  const TextConfig& text = config.text;
  if (text.tokenizer == TokenizerKind::WordPiece) add("text.vocab", text.vocab);
  if (text.tokenizer == TokenizerKind::SentencePiece && !text.spm_model.empty())
    add("text.spm_model", text.spm_model);
  if (!config.train.init_from.empty()) {
    add("train.init_from/model.safetensors",
        fs::path(config.train.init_from) / "model.safetensors");
  } else if (!config.model.pretrained.empty()) {
    for (const char* name : {"config.json", "model.safetensors", "pytorch_model.bin"})
      add("model.pretrained/" + std::string(name), fs::path(config.model.pretrained) / name);
  }
  return files;
}

nlohmann::json file_identity(const std::string& path) {
  return {{"bytes", fs::file_size(path)}, {"hash", hex64(hash_file(path))}};
}

void check_ranks_agree(ProcessGroup& group, const RunConfig& config,
                       const std::vector<std::pair<std::string, std::string>>& files,
                       const nlohmann::json& known) {
  if (group.size() == 1) return;
  const BuildInfo build = build_info();
  nlohmann::json facts = {
      {"config", config_to_json(config)},
      {"build",
       {{"unbert", build.version}, {"commit", build.git_commit}, {"libtorch", build.libtorch}}}};
  facts["files"] = known;
  for (const auto& [label, path] : files) facts["files"][label] = file_identity(path);
  group.agree("setup", facts);
}

}  // namespace unbert
