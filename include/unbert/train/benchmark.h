// Throughput of UNBERT as a user meets it: inference (a no-grad forward) and a
// full training step (forward, loss, backward, gradient clipping, Adam update)
// at a fixed input shape, per model shape and precision, beside this machine's
// matrix-multiply rate in the same precision. `unbert bench` prints it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "unbert/config/enums.h"
#include "unbert/model/model_shape.h"
#include "unbert/text/batch.h"

namespace unbert {

// Calls per second of `step`, over at least `seconds` and two calls, after a
// warm-up call (CUDA work included: the device is synchronized after each).
double calls_per_second(const std::function<void()>& step, double seconds,
                        const torch::Device& device);

// "tiny": hidden 128, 2 + 2 layers, 2 heads; "base": bert-base, 12 + 12 layers.
// Both use the attention aggregator, both levels and the bert-base vocabulary.
ModelShape benchmark_shape(const std::string& name);

// The batch each shape is measured at unless told otherwise (tiny 32, base 8).
int64_t default_benchmark_batch(const std::string& shape);

// `batch` sequences of about `seq` tokens: a candidate and 20 clicked news,
// all titles of equal length, so every row is full (no padding); 1 click in 5.
Batch benchmark_batch(int64_t batch, int64_t seq, const torch::Device& device);

struct BenchmarkOptions {
  std::vector<std::string> shapes{"tiny", "base"};
  std::vector<Precision> precisions{Precision::Fp32, Precision::Bf16};  // resolved, never auto
  int64_t batch = 0;  // 0 = default_benchmark_batch per shape
  int64_t seq = 300;
  double seconds = 10;  // per measurement, after one warm-up call
  torch::Device device = torch::kCPU;
  bool activation_checkpointing = false;  // training steps recompute activations in backward
};

struct PassRate {
  std::string shape, pass;  // pass: "inference" or "train_step"
  Precision precision = Precision::Fp32;
  int64_t batch = 0, seq = 0;
  double samples_per_s = 0, gflops = 0;
  double matmul_share = 0;  // gflops / the matmul rate of the same precision
  int64_t peak_bytes = 0;   // the process's peak resident memory during the pass (CPU)
};

struct MatmulRate {
  Precision precision = Precision::Fp32;
  double gflops = 0;
};

// [4096 x 768] x [768 x 3072], the shape of BERT-base's feed-forward product.
MatmulRate measure_matmul(Precision precision, const torch::Device& device, double seconds);

// Measures every shape x precision x pass; `on_rate` sees each result as it
// comes (base-shape training steps take minutes on a small CPU).
std::vector<PassRate> measure_passes(const BenchmarkOptions& options,
                                     const std::vector<MatmulRate>& matmul,
                                     const std::function<void(const PassRate&)>& on_rate);

nlohmann::json to_json(const PassRate& rate);

}  // namespace unbert
