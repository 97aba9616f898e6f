// Gradient synchronisation for data-parallel training, behind one interface
// that is a no-op for a single process (the trainer never branches on the
// world size). The distributed kind sums gradients over ranks in buckets of
// about `bucket_mb`: each bucket's all-reduce starts from autograd hooks as
// soon as its last gradient is final, so communication overlaps the rest of
// the backward pass, and only on the step's last micro-batch (accumulation
// micro-steps never communicate). Buckets start strictly in order, so every
// rank issues the same sequence of collectives.
#pragma once

#include <memory>
#include <vector>

#include <torch/torch.h>

#include "unbert/dist/process_group.h"

namespace unbert {

class GradientSync {
 public:
  virtual ~GradientSync() = default;
  // Before the backward pass of the step's last micro-batch.
  virtual void last_backward_begins() {}
  // After the step's backward passes (also when this rank had none): each
  // gradient is now the sum over all ranks, and defined wherever some rank's is.
  virtual void finish() {}
  // Seconds spent waiting for communication after the backward passes.
  virtual double wait_seconds() const { return 0; }
};

// Checks that every rank holds bit-identical weights (an exact digest of
// their bits, compared over the group); throws Error naming the ranks that
// differ. Logs the digest (each rank's log file shows it). Cheap: one pass.
void check_replicas_agree(ProcessGroup& group, const std::vector<torch::Tensor>& parameters,
                          int64_t step);

std::unique_ptr<GradientSync> make_gradient_sync(ProcessGroup& group,
                                                 const std::vector<torch::Tensor>& parameters,
                                                 double bucket_mb = 25);

}  // namespace unbert
