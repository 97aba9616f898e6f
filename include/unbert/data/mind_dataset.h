// The MIND splits a run needs: one merged news table and the behaviors of
// the requested splits ("train", "dev", "test").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "unbert/config/config.h"
#include "unbert/data/behaviors.h"
#include "unbert/data/news_table.h"

namespace unbert {

struct MindData {
  NewsTable news;
  std::map<std::string, Behaviors> splits;

  const Behaviors& split(const std::string& name) const;
};

// The folder of a split from the config; a ConfigError when unset.
std::string split_dir(const DataConfig& data, const std::string& split);

// Reads news.tsv of every configured split folder that has one (train, dev,
// test: the table merges them), then behaviors.tsv of each requested split.
MindData load_mind(const DataConfig& data, const std::vector<std::string>& splits, int threads = 0);

}  // namespace unbert
