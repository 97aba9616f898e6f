// When the training loop logs, evaluates, checkpoints and stops. The loop
// asks after every step and does what the answer says, so that a new rule
// (early stopping, a distributed barrier) changes this class, not the loop.
#pragma once

#include <cstdint>

#include "unbert/config/config.h"

namespace unbert {

struct StepActions {
  bool log = false;       // a metrics.jsonl row and a log line
  bool evaluate = false;  // dev evaluation, then a step checkpoint
  bool save = false;      // a step checkpoint without an evaluation (train.save_every)
  bool last = false;      // the planned end of training
};

class Cadence {
 public:
  Cadence(const TrainConfig& train, int64_t total_steps);

  // After the optimizer update numbered `step` (1-based); `epoch_end` when it
  // used the epoch's last batch.
  StepActions after_step(int64_t step, bool epoch_end) const;

  // Early stopping (train.patience): true once `evaluations_since_best`
  // evaluations in a row brought no better dev AUC.
  bool out_of_patience(int64_t evaluations_since_best) const;

 private:
  int64_t total_steps_, log_every_, eval_every_, save_every_, patience_;
};

}  // namespace unbert
