// The two attention kernels of common/torch_compat.h side by side, per shape,
// dtype and pass, and the one attention() takes: the measurement behind
// attention_kernel(). Shapes as `unbert bench` runs them (sequence 300, a
// quarter of each row padded).
//   bench_attention [SECONDS per measurement, default 2] [cpu|cuda]
#include <cstdio>
#include <string>

#include <torch/torch.h>

#include "unbert/common/torch_compat.h"
#include "unbert/model/bert_layer.h"
#include "unbert/train/benchmark.h"

using unbert::compat::AttentionKernel;

namespace {

struct Case {
  const char* shape;
  int64_t batch, heads;
};

double measure(AttentionKernel kernel, const Case& c, torch::ScalarType dtype, bool train,
               double seconds, const torch::Device& device) {
  const int64_t length = 300, dim = 64;
  auto options = torch::TensorOptions().dtype(dtype).device(device);
  auto q = torch::randn({c.batch, c.heads, length, dim}, options).requires_grad_(train);
  auto k = torch::randn({c.batch, c.heads, length, dim}, options).requires_grad_(train);
  auto v = torch::randn({c.batch, c.heads, length, dim}, options).requires_grad_(train);
  auto keep = torch::ones({c.batch, length}, torch::TensorOptions().device(device));
  keep.narrow(1, length * 3 / 4, length / 4).zero_();
  auto mask = unbert::additive_attention_mask(keep, dtype);
  auto call = [&] {
    torch::AutoGradMode grad(train);
    auto out = kernel == AttentionKernel::Fused
                   ? unbert::compat::fused_attention(q, k, v, mask, 0.1, train)
                   : unbert::compat::composed_attention(q, k, v, mask, 0.1, train);
    if (train) out.sum().backward();
  };
  return 1e3 / unbert::calls_per_second(call, seconds, device);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::stod(argv[1]) : 2.0;
  const torch::Device device(argc > 2 ? argv[2] : "cpu");
  std::printf("LibTorch %s, %s, %d thread(s); ms per call, sequence 300, head size 64\n\n",
              TORCH_VERSION, device.str().c_str(), torch::get_num_threads());
  std::printf("%-5s %5s %5s %-5s %-9s %10s %10s %9s\n", "shape", "batch", "heads", "dtype", "pass",
              "composed", "fused", "auto");
  const Case cases[] = {{"tiny", 32, 2}, {"base", 8, 12}};
  for (const Case& c : cases)
    for (torch::ScalarType dtype : {torch::kFloat32, torch::kBFloat16})
      for (bool train : {false, true}) {
        const double composed =
            measure(AttentionKernel::Composed, c, dtype, train, seconds, device);
        char fused[32] = "-";
        if (unbert::compat::fused_attention_available())
          std::snprintf(fused, sizeof fused, "%.2f",
                        measure(AttentionKernel::Fused, c, dtype, train, seconds, device));
        std::printf(
            "%-5s %5lld %5lld %-5s %-9s %10.2f %10s %9s\n", c.shape,
            static_cast<long long>(c.batch), static_cast<long long>(c.heads),
            dtype == torch::kFloat32 ? "fp32" : "bf16", train ? "fwd+bwd" : "forward", composed,
            fused,
            unbert::compat::attention_kernel_name(unbert::compat::attention_kernel(device, dtype)));
        std::fflush(stdout);
      }
  return 0;
}
