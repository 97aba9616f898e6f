// unbert bench: inference and full training-step throughput of UNBERT at the
// paper's sequence length, per shape and precision, beside this machine's
// matrix-multiply rate in each precision (train/benchmark.h measures).
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "unbert/cli/command.h"
#include "unbert/model/device.h"
#include "unbert/model/precision.h"
#include "unbert/train/benchmark.h"

namespace unbert::cli {
namespace {

struct BenchArgs {
  std::string shape = "both", precision = "both", device = "auto";
  int64_t batch = 0, seq = 300;
  double seconds = 10;
  bool json = false;
};

std::vector<Precision> precisions_to_measure(const std::string& choice,
                                             const torch::Device& device) {
  if (choice == "both") return {Precision::Fp32, Precision::Bf16};
  Precision requested = Precision::Fp32;
  for (const auto& [value, name] : enum_table(Precision{}))
    if (choice == name) requested = value;
  return {resolve_precision(requested, device, "--precision").used};
}

void print_rate(const PassRate& r) {
  std::printf("%-5s %-5s %-11s %6lld %10.2f %10.1f %8.0f%%\n", r.shape.c_str(),
              enum_name(r.precision), r.pass.c_str(), static_cast<long long>(r.batch),
              r.samples_per_s, r.gflops, 100 * r.matmul_share);
  std::fflush(stdout);
}

int run_bench(const BenchArgs& a) {
  BenchmarkOptions o;
  o.device = resolve_device(a.device);
  o.shapes = a.shape == "both" ? std::vector<std::string>{"tiny", "base"}
                               : std::vector<std::string>{a.shape};
  o.precisions = precisions_to_measure(a.precision, o.device);
  o.batch = a.batch;
  o.seq = a.seq;
  o.seconds = a.seconds;
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
    std::printf("\n%-5s %-5s %-11s %6s %10s %10s %9s\n", "shape", "prec", "pass", "batch",
                "samples/s", "GFLOP/s", "of matmul");
  auto rates =
      measure_passes(o, matmul, a.json ? std::function<void(const PassRate&)>() : print_rate);
  if (a.json) {
    nlohmann::json out{{"device", o.device.str()},
                       {"threads", torch::get_num_threads()},
                       {"cpu_bf16", native},
                       {"seq", o.seq},
                       {"matmul_gflops", nlohmann::json::object()},
                       {"passes", nlohmann::json::array()}};
    for (const auto& m : matmul) out["matmul_gflops"][enum_name(m.precision)] = m.gflops;
    for (const auto& r : rates) out["passes"].push_back(to_json(r));
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
  app->add_option("--precision", a->precision, "fp32, bf16, auto or both")
      ->capture_default_str()
      ->check(CLI::IsMember({"fp32", "bf16", "fp16", "auto", "both"}));
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
  return {app, [a] { return run_bench(*a); }};
}

}  // namespace unbert::cli
