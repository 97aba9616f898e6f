// unbert bench: inference and full training-step throughput of UNBERT at the
// paper's sequence length, per shape and precision, beside this machine's
// matrix-multiply rate in each precision (train/benchmark.h measures).
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "unbert/cli/command.h"
#include "unbert/common/error.h"
#include "unbert/dist/process_group.h"
#include "unbert/model/device.h"
#include "unbert/model/int8_linear.h"
#include "unbert/model/precision.h"
#include "unbert/train/benchmark.h"
#include "unbert/train/comm_benchmark.h"

namespace unbert::cli {
namespace {

struct BenchArgs {
  std::string shape = "both", precision = "all", device = "auto";
  int64_t batch = 0, seq = 300;
  double seconds = 10;
  bool json = false;
  bool comm = false;
  bool activation_checkpointing = false;
  DistOptions dist;
};

std::vector<Precision> precisions_to_measure(const std::string& choice,
                                             const torch::Device& device);

// --comm: the process group's all-reduce and the gradient wait per step, as
// every rank runs them; rank 0 prints.
int run_comm_bench(const BenchArgs& a) {
  const World world = a.dist.world();
  if (!world.distributed())
    throw UsageError(
        "bench --comm measures a process group: run it as several ranks, e.g. 'unbert bench "
        "--comm --nproc-per-node 2' (or under torchrun)");
  const torch::Device device = resolve_device_for_rank(a.device, world.local_rank, true);
  ProcessGroup group(world, device);
  const bool print = group.main() && !a.json;
  nlohmann::json out{{"ranks", group.size()},
                     {"backend", group.backend()},
                     {"threads", torch::get_num_threads()},
                     {"allreduce", nlohmann::json::array()}};
  if (print)
    std::printf("%d ranks over %s, %d thread(s) each\n\n%10s %12s %12s %12s\n", group.size(),
                group.backend().c_str(), torch::get_num_threads(), "all-reduce", "ms/call",
                "alg GB/s", "bus GB/s");
  const std::vector<int64_t> sizes{int64_t{1} << 20, int64_t{4} << 20, int64_t{16} << 20,
                                   int64_t{64} << 20};
  for (const auto& r : measure_allreduce(group, sizes, 10, device)) {
    if (print)
      std::printf("%8lld MB %12.2f %12.3f %12.3f\n", static_cast<long long>(r.bytes >> 20),
                  1e3 * r.seconds, r.algorithm_gbs, r.bus_gbs);
    out["allreduce"].push_back({{"bytes", r.bytes},
                                {"seconds", r.seconds},
                                {"algorithm_gbs", r.algorithm_gbs},
                                {"bus_gbs", r.bus_gbs}});
  }
  const std::string shape = a.shape == "both" ? "tiny" : a.shape;
  const int64_t batch = a.batch > 0 ? a.batch : default_benchmark_batch(shape);
  const Precision precision =
      precisions_to_measure(a.precision == "both" ? "fp32" : a.precision, device).front();
  StepShare s = measure_step_share(group, shape, batch, a.seq, 5, precision, device);
  out["train_step"] = {{"shape", shape},
                       {"batch_per_rank", batch},
                       {"precision", enum_name(precision)},
                       {"step_seconds", s.step_seconds},
                       {"alone_seconds", s.alone_seconds},
                       {"wait_seconds", s.wait_seconds},
                       {"global_samples_per_s", s.global_samples_per_s}};
  if (print)
    std::printf(
        "\ntrain step, %s %s, %lld sequences per rank: %.3f s with gradient all-reduce, %.3f s "
        "without; waiting after backward %.3f s (%.0f%% of the step); %.1f samples/s over all "
        "ranks\n",
        shape.c_str(), enum_name(precision), static_cast<long long>(batch), s.step_seconds,
        s.alone_seconds, s.wait_seconds, 100 * s.wait_seconds / s.step_seconds,
        s.global_samples_per_s);
  if (group.main() && a.json) std::printf("%s\n", out.dump(2).c_str());
  group.barrier("benchmark end");
  return 0;
}

std::vector<Precision> precisions_to_measure(const std::string& choice,
                                             const torch::Device& device) {
  if (choice == "both") return {Precision::Fp32, Precision::Bf16};
  if (choice == "all") {
    std::vector<Precision> all{Precision::Fp32, Precision::Bf16};
    if (device.is_cpu() && !int8_engine().empty()) all.push_back(Precision::Int8);
    return all;
  }
  Precision requested = Precision::Fp32;
  for (const auto& [value, name] : enum_table(Precision{}))
    if (choice == name) requested = value;
  return {resolve_precision(requested, device, "--precision").used};
}

void print_rate(const PassRate& r) {
  std::printf("%-5s %-5s %-11s %6lld %10.2f %10.1f %8.0f%% %8.0f\n", r.shape.c_str(),
              enum_name(r.precision), r.pass.c_str(), static_cast<long long>(r.batch),
              r.samples_per_s, r.gflops, 100 * r.matmul_share,
              static_cast<double>(r.peak_bytes) / (1 << 20));
  std::fflush(stdout);
}

int run_bench(const BenchArgs& a) {
  if (auto code = a.dist.launch_workers()) return *code;
  if (a.comm) return run_comm_bench(a);
  BenchmarkOptions o;
  o.device = resolve_device(a.device);
  o.shapes = a.shape == "both" ? std::vector<std::string>{"tiny", "base"}
                               : std::vector<std::string>{a.shape};
  o.precisions = precisions_to_measure(a.precision, o.device);
  o.batch = a.batch;
  o.seq = a.seq;
  o.seconds = a.seconds;
  o.activation_checkpointing = a.activation_checkpointing;
  const std::string native = cpu_native_bf16();
  if (!a.json) {
    std::printf("device %s, %d thread(s), sequence %lld; CPU bf16: %s\n", o.device.str().c_str(),
                torch::get_num_threads(), static_cast<long long>(o.seq),
                native.empty() ? "not native (emulated)" : native.c_str());
  }
  std::vector<MatmulRate> matmul;
  for (Precision p : o.precisions) {
    matmul.push_back(measure_matmul(p, o.device, std::min(o.seconds, 3.0)));
    if (!a.json)
      std::printf("%s matmul [4096x768]x[768x3072]: %.1f GFLOP/s\n", enum_name(p),
                  matmul.back().gflops);
  }
  if (!a.json)
    std::printf("\n%-5s %-5s %-11s %6s %10s %10s %9s %8s\n", "shape", "prec", "pass", "batch",
                "samples/s", "GFLOP/s", "of matmul", "peak MB");
  auto rates =
      measure_passes(o, matmul, a.json ? std::function<void(const PassRate&)>() : print_rate);
  // What `auto` settles to here, for the config keys that take it.
  const ResolvedPrecision train_auto =
      resolve_precision(Precision::Auto, o.device, "train.precision");
  const ResolvedPrecision eval_auto =
      resolve_scoring_precision(Precision::Auto, o.device, benchmark_shape("base").hidden_size);
  const ResolvedPrecision eval_small =
      resolve_scoring_precision(Precision::Auto, o.device, benchmark_shape("tiny").hidden_size);
  if (!a.json)
    std::printf(
        "\nauto here: train.precision %s (%s); eval.precision %s for bert-base-sized models "
        "(%s), %s for tiny ones\n",
        enum_name(train_auto.used), train_auto.why.c_str(), enum_name(eval_auto.used),
        eval_auto.why.c_str(), enum_name(eval_small.used));
  if (a.json) {
    nlohmann::json out{{"device", o.device.str()},
                       {"threads", torch::get_num_threads()},
                       {"cpu_bf16", native},
                       {"seq", o.seq},
                       {"matmul_gflops", nlohmann::json::object()},
                       {"passes", nlohmann::json::array()}};
    for (const auto& m : matmul) out["matmul_gflops"][enum_name(m.precision)] = m.gflops;
    for (const auto& r : rates) out["passes"].push_back(to_json(r));
    out["auto"] = {{"train.precision", enum_name(train_auto.used)},
                   {"eval.precision", enum_name(eval_auto.used)},
                   {"eval.precision tiny", enum_name(eval_small.used)}};
    std::printf("%s\n", out.dump(2).c_str());
  }
  return 0;
}

}  // namespace

Command add_bench_command(CLI::App& root) {
  auto a = std::make_shared<BenchArgs>();
  CLI::App* app = root.add_subcommand(
      "bench",
      "Measure UNBERT inference and training-step throughput (fp32, bf16) against matmul speed");
  app->add_option("--shape", a->shape, "tiny, base or both")
      ->capture_default_str()
      ->check(CLI::IsMember({"tiny", "base", "both"}));
  app->add_option("--precision", a->precision,
                  "fp32, bf16, int8 (inference only), auto, both (fp32 and bf16) or all (fp32, "
                  "bf16 and, where this LibTorch has an int8 engine, int8)")
      ->capture_default_str()
      ->check(CLI::IsMember({"fp32", "bf16", "fp16", "int8", "auto", "both", "all"}));
  app->add_option("--batch", a->batch, "sequences per pass; 0 = 32 for tiny, 8 for base")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app->add_option("--seq", a->seq, "tokens per sequence")
      ->capture_default_str()
      ->check(CLI::Range(32, 4096));
  app->add_option("--seconds", a->seconds, "time per measurement, after one warm-up call")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--device", a->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  app->add_flag("--json", a->json, "print one JSON object instead of the table");
  app->add_flag("--activation-checkpointing", a->activation_checkpointing,
                "training steps recompute activations in backward, as "
                "train.activation_checkpointing does (compare peak MB)");
  app->add_flag("--comm", a->comm,
                "measure data-parallel communication instead: all-reduce rate and the gradient "
                "wait per training step (run as several ranks: --nproc-per-node N or torchrun)");
  a->dist.add_to(*app);
  return {app, [a] { return run_bench(*a); }};
}

}  // namespace unbert::cli
