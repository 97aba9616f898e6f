#include "unbert/train/comm_benchmark.h"

#include <chrono>

#include "unbert/model/unbert.h"
#include "unbert/train/benchmark.h"
#include "unbert/train/grad_sync.h"

namespace unbert {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

std::vector<AllreduceRate> measure_allreduce(ProcessGroup& group, const std::vector<int64_t>& sizes,
                                             int calls, const torch::Device& device) {
  std::vector<AllreduceRate> out;
  const double ranks = group.size();
  for (int64_t bytes : sizes) {
    auto tensor = torch::ones({bytes / 4}, torch::dtype(torch::kFloat32).device(device));
    group.allreduce_sum(tensor, "benchmark all-reduce");  // warm-up (and connection set-up)
    group.barrier("benchmark");
    const auto start = Clock::now();
    for (int c = 0; c < calls; ++c) group.allreduce_sum(tensor, "benchmark all-reduce");
    AllreduceRate rate;
    rate.bytes = bytes;
    rate.seconds = seconds_since(start) / calls;
    rate.algorithm_gbs = static_cast<double>(bytes) / rate.seconds / 1e9;
    rate.bus_gbs = rate.algorithm_gbs * 2 * (ranks - 1) / ranks;
    out.push_back(rate);
  }
  return out;
}

StepShare measure_step_share(ProcessGroup& group, const std::string& shape_name, int64_t batch,
                             int64_t seq, int steps, Precision precision,
                             const torch::Device& device) {
  Unbert model = make_unbert(benchmark_shape(shape_name), 1);
  model->to(device);
  model->train();
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(2e-5));
  Batch input = benchmark_batch(batch, seq, device);
  auto run = [&](GradientSync& sync) {
    auto step = [&] {
      adam.zero_grad();
      torch::Tensor logits;
      {
        PrecisionScope scope(device, precision);
        logits = model(input);
      }
      sync.last_backward_begins();
      torch::cross_entropy_loss(logits.to(torch::kFloat32), input.labels).backward();
      sync.finish();
      adam.step();
    };
    step();  // warm-up
    group.barrier("benchmark");
    const double waited = sync.wait_seconds();
    const auto start = Clock::now();
    for (int s = 0; s < steps; ++s) step();
    return std::make_pair(seconds_since(start) / steps, (sync.wait_seconds() - waited) / steps);
  };
  StepShare share;
  share.shape = shape_name;
  share.batch = batch;
  auto synced = make_gradient_sync(group, model->parameters());
  std::tie(share.step_seconds, share.wait_seconds) = run(*synced);
  synced.reset();  // its hooks stay on the parameters but do nothing unarmed
  auto alone = make_gradient_sync(single_process_group(), model->parameters());
  share.alone_seconds = run(*alone).first;
  share.global_samples_per_s = static_cast<double>(batch * group.size()) / share.step_seconds;
  return share;
}

}  // namespace unbert
