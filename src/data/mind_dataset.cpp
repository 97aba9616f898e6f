#include "unbert/data/mind_dataset.h"

#include <filesystem>

#include "unbert/common/error.h"
#include "unbert/common/log.h"

namespace unbert {

const Behaviors& MindData::split(const std::string& name) const {
  auto it = splits.find(name);
  if (it == splits.end()) throw Error("split '" + name + "' was not loaded");
  return it->second;
}

std::string split_dir(const DataConfig& data, const std::string& split) {
  const std::string* dir = split == "train"  ? &data.train_dir
                           : split == "dev"  ? &data.dev_dir
                           : split == "test" ? &data.test_dir
                                             : nullptr;
  if (!dir) throw UsageError("unknown split '" + split + "'; use train, dev or test");
  if (dir->empty())
    throw ConfigError("data." + split + "_dir", "is empty; set it to a MIND folder");
  return *dir;
}

MindData load_mind(const DataConfig& data, const std::vector<std::string>& splits, int threads) {
  namespace fs = std::filesystem;
  for (const auto& split : splits) {
    std::string dir = split_dir(data, split);
    for (const char* file : {"news.tsv", "behaviors.tsv"})
      if (!fs::exists(fs::path(dir) / file))
        throw ConfigError("data." + split + "_dir",
                          (fs::path(dir) / file).string() +
                              " not found (download MIND with scripts/download_mind.sh, or make "
                              "data with 'unbert synth')");
  }
  MindData mind;
  LoadOptions options = LoadOptions::from(data);
  options.threads = threads;
  for (const std::string* dir : {&data.train_dir, &data.dev_dir, &data.test_dir}) {
    if (dir->empty() || !fs::exists(fs::path(*dir) / "news.tsv")) continue;
    std::string path = (fs::path(*dir) / "news.tsv").string();
    mind.news.load(path, options).log(path);
  }
  spdlog::info("[data] {} news", mind.news.size());
  for (const auto& split : splits) {
    std::string path = (fs::path(split_dir(data, split)) / "behaviors.tsv").string();
    LoadReport report;
    auto behaviors = Behaviors::load(path, mind.news, options, &report);
    report.log(path);
    spdlog::info("[data] {}: {} impressions, {} candidates, {} users", split, behaviors.size(),
                 behaviors.num_candidates(), behaviors.num_users());
    mind.splits.emplace(split, std::move(behaviors));
  }
  return mind;
}

}  // namespace unbert
