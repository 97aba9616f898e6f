// Training a run: the run directory's rules (a new run never overwrites an
// old one; --resume continues from the run's own config; runs/latest names a
// run only once it has a checkpoint), its lock and manifest, then the
// Trainer. `unbert train` and `unbert demo` call this; so can any other front end.
#pragma once

#include <cstdint>
#include <string>

#include "unbert/config/config_io.h"
#include "unbert/dist/world.h"

namespace unbert {

struct TrainOptions {
  ConfigSource config;
  std::string run_dir, device;
  bool resume = false;
  bool remember_latest = true;  // write runs/latest in the working folder
  std::string command_line;     // recorded in the manifest
  World world;                  // this process's place in a data-parallel job
};

struct TrainResult {
  std::string run_dir, best_checkpoint;
  double best_auc = -1;  // -1: no dev split
  int64_t best_step = 0;
  std::string validated_on = "dev";  // or "held-out days" (train.holdout_days)
};

TrainResult train_run(const TrainOptions& o);

// Keys that may change when a run is resumed: where and how it runs, its
// evaluation cadence, and how long it trains.
bool resumable_key(const std::string& key);

}  // namespace unbert
