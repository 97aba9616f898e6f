// unbert sweep: one run per combination of the grid's values and per seed,
// each trained and evaluated in turn in a folder named from its settings
// (<out>/level-word_aggregator-mean_seed-42). Run again with the same
// arguments, it continues where it stopped: finished runs are skipped, a run
// stopped after a checkpoint is resumed, results already current are kept.
// <out>/sweep.json records what the folder holds, so another grid or config
// never mixes into it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "unbert/config/config_io.h"

namespace unbert {

struct SweepAxis {
  std::string key;                  // a config key, e.g. model.aggregator
  std::vector<std::string> values;  // as --set writes them
};

// "model.level=word,news,both" -> {model.level, {word, news, both}}.
SweepAxis parse_sweep_axis(const std::string& text);

struct SweepOptions {
  ConfigSource config;  // the settings every run shares (--config, --set)
  std::vector<SweepAxis> grid;
  int seeds = 1;    // train.seed, train.seed + 1, ...
  std::string out;  // default: runs/<config name>-sweep
  std::string split = "dev";
  std::string device;
  std::string command_line;
};

struct SweepRun {
  std::string name, run_dir;
  std::vector<std::string> overrides;  // the grid's and the seed's --set
};

struct SweepPlan {
  std::string out;          // the sweep's folder
  nlohmann::json identity;  // what <out>/sweep.json records
  // In order: the first value of every axis first (the baseline of the
  // comparison), seeds innermost.
  std::vector<SweepRun> runs;
};

// Every run's config is validated here, before any trains.
SweepPlan plan_sweep(const SweepOptions& o);

// Trains and evaluates every run not yet done; returns the run folders.
std::vector<std::string> run_sweep(const SweepOptions& o);

}  // namespace unbert
