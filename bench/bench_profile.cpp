// Where UNBERT's time goes: LibTorch's (legacy) profiler over a few passes,
// self time per ATen op, largest first.
//   bench_profile [tiny|base] [fp32|bf16] [infer|train] [batch]
// SHAPES=aten::copy_ splits that op's rows by input shape; TRACE=1 prints the
// op sequence (three levels deep) of the profiled passes.
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>
#include <cstdio>
#include <map>
#include "unbert/model/precision.h"
#include "unbert/model/unbert.h"
#include "unbert/text/packer.h"
#include "unbert/train/benchmark.h"
using namespace unbert;
namespace prof = torch::autograd::profiler;
int main(int argc, char** argv) {
  torch::set_num_threads(2);
  std::string shape = argc > 1 ? argv[1] : "tiny";
  Precision p = (argc > 2 && std::string(argv[2]) == "bf16") ? Precision::Bf16 : Precision::Fp32;
  bool train = argc > 3 && std::string(argv[3]) == "train";
  int64_t bsz = argc > 4 ? atoi(argv[4]) : 32;
  auto model = make_unbert(benchmark_shape(shape), 1);
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(2e-5));
  Batch b = benchmark_batch(bsz, 300, torch::kCPU);
  auto run = [&] {
    if (!train) {
      model->eval();
      torch::NoGradGuard ng;
      PrecisionScope s(torch::kCPU, p);
      model->click_probability(b);
      return;
    }
    model->train();
    adam.zero_grad();
    torch::Tensor logits;
    {
      PrecisionScope s(torch::kCPU, p);
      logits = model(b);
    }
    torch::cross_entropy_loss(logits.to(torch::kFloat32), b.labels).backward();
    torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
    adam.step();
  };
  for (int i = 0; i < 2; ++i) run();
  std::map<std::string, double> self;
  double total = 0;
  int iters = 5;
  auto t0 = std::chrono::steady_clock::now();
  {
    prof::TLSLegacyProfilerGuard g(
        torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU, true),
        [&](const prof::thread_event_lists& lists) {
          for (auto& list : lists) {
            std::vector<std::pair<const prof::LegacyEvent*, double>> stack;
            for (auto& e : list) {
              if (e.kindStr() == "push") {
                if (getenv("TRACE") && stack.size() < 3) {
                  std::string sh;
                  for (auto& x : e.shapes()) {
                    sh += "[";
                    for (auto d : x) sh += std::to_string(d) + ",";
                    sh += "]";
                  }
                  std::printf("%*s%s %s\n", int(stack.size() * 2), "", e.name(), sh.c_str());
                }
                stack.push_back({&e, 0.0});
              } else if (e.kindStr() == "pop" && !stack.empty()) {
                auto [start, child] = stack.back();
                stack.pop_back();
                double incl = start->cpuElapsedUs(e);
                std::string key = start->name();
                if (getenv("SHAPES") && key == std::string(getenv("SHAPES"))) {
                  for (auto& sh : start->shapes()) {
                    key += " [";
                    for (auto d : sh) key += std::to_string(d) + ",";
                    key += "]";
                  }
                }
                self[key] += incl - child;
                if (!stack.empty())
                  stack.back().second += incl;
                else
                  total += incl;
              }
            }
          }
        });
    for (int i = 0; i < iters; ++i) run();
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<std::pair<double, std::string>> v;
  for (auto& [k, x] : self) v.push_back({x, k});
  std::sort(v.rbegin(), v.rend());
  std::printf("wall %.1f ms/iter, profiled top-level %.1f ms/iter\n", wall * 1e3 / iters,
              total / 1e3 / iters);
  for (size_t i = 0; i < std::min<size_t>(25, v.size()); ++i)
    std::printf("%8.2f ms %5.1f%%  %s\n", v[i].first / 1e3 / iters, 100 * v[i].first / total,
                v[i].second.c_str());
}
