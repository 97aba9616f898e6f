// Where a training run is: plain counters, saved in each checkpoint's
// state.json so that --resume continues exactly where the run stopped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace unbert {

struct TrainingState {
  int64_t epoch = 0;           // current epoch (0-based)
  int64_t batch_in_epoch = 0;  // next batch of the epoch's sample order
  int64_t step = 0;            // optimizer updates done
  int64_t total_steps = 0;
  int64_t samples_seen = 0;
  double best_auc = -1;  // best dev AUC so far (-1: none yet)
  int64_t best_step = -1;
  int64_t evaluations_since_best = 0;  // early stopping (train.patience)
  double loss_scale = 65536;           // fp16 only
  int64_t good_steps = 0;              // fp16: steps since the scale last changed
  std::string torch_rng;               // the CPU generator's state (dropout), hex
  std::vector<std::string> rank_rngs;  // the same for ranks 1.. of a data-parallel run
  int64_t world_size = 1;              // processes the run trained with last
  // Size and hash of the files the run trains on (data_fingerprint.h);
  // null in checkpoints written before it was recorded.
  nlohmann::json training_files;

  nlohmann::json to_json() const;
  static TrainingState from_json(const nlohmann::json& j, const std::string& where);
};

// The CPU generator's state as hex text and back (exact resumption).
std::string save_torch_rng();
void restore_torch_rng(const std::string& hex);

}  // namespace unbert
