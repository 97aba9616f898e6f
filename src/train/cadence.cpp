#include "unbert/train/cadence.h"

namespace unbert {

Cadence::Cadence(const TrainConfig& train, int64_t total_steps)
    : total_steps_(total_steps),
      log_every_(train.log_every),
      eval_every_(train.eval_every),
      save_every_(train.save_every),
      patience_(train.patience) {}

StepActions Cadence::after_step(int64_t step, bool epoch_end) const {
  StepActions actions;
  actions.last = step >= total_steps_;
  actions.log = log_every_ > 0 && step % log_every_ == 0;
  actions.evaluate = epoch_end || actions.last || (eval_every_ > 0 && step % eval_every_ == 0);
  // A crash between evaluations (an epoch apart by default) loses at most
  // save_every steps.
  actions.save = !actions.evaluate && save_every_ > 0 && step % save_every_ == 0;
  return actions;
}

bool Cadence::out_of_patience(int64_t evaluations_since_best) const {
  return patience_ > 0 && evaluations_since_best >= patience_;
}

}  // namespace unbert
