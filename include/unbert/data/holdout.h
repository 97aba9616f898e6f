// train.holdout_days: validation on the training split's last days, held out
// from training, so that best/ and early stopping never look at dev and dev
// can be reported as unseen (MIND's dev is also its only labeled test).
#pragma once

#include <cstdint>
#include <string>

#include "unbert/data/behaviors.h"
#include "unbert/data/mind_dataset.h"

namespace unbert {

struct HeldOutDays {
  Behaviors train, valid;
  std::string first_date, last_date;  // the held-out days
};

// Splits `train` at the start of its last `days` calendar days; a
// ConfigError (train.holdout_days) when no day would be left to train on.
HeldOutDays hold_out_last_days(const Behaviors& train, int64_t days);

// With days > 0: data.splits' train becomes the days before, "valid" the
// held-out days, and dev is dropped (after a check that no held-out day is
// one of dev's). Nothing changes with days == 0.
void hold_out_validation(int64_t days, MindData* data);

}  // namespace unbert
