// What data parallelism costs here: the process group's all-reduce rate per
// message size, and the share of a training step spent waiting for gradients
// (`unbert bench --comm`, run as several ranks). Every rank runs the same
// fixed number of calls: collectives must match.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "unbert/dist/process_group.h"
#include "unbert/model/precision.h"

namespace unbert {

struct AllreduceRate {
  int64_t bytes = 0;
  double seconds = 0;        // per call
  double algorithm_gbs = 0;  // bytes / seconds
  double bus_gbs = 0;        // x 2(n-1)/n: what each link carries in a ring
};

std::vector<AllreduceRate> measure_allreduce(ProcessGroup& group, const std::vector<int64_t>& sizes,
                                             int calls, const torch::Device& device);

struct StepShare {
  std::string shape;
  int64_t batch = 0;                           // per rank
  double step_seconds = 0, alone_seconds = 0;  // with gradient sync; the same step without
  double wait_seconds = 0;                     // per step, waiting after backward
  double global_samples_per_s = 0;
};

// `steps` training steps of the benchmark model (train/benchmark.h) per rank,
// with the bucketed gradient all-reduce and then without it.
StepShare measure_step_share(ProcessGroup& group, const std::string& shape, int64_t batch,
                             int64_t seq, int steps, Precision precision,
                             const torch::Device& device);

}  // namespace unbert
