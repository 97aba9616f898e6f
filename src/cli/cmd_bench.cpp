// unbert bench: forward and forward+backward throughput of UNBERT at the
// paper's sequence length, beside this machine's float32 matrix-multiply rate.
#include <chrono>
#include <cstdio>
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/common/error.h"
#include "unbert/model/device.h"
#include "unbert/model/flops.h"
#include "unbert/model/unbert.h"

namespace unbert::cli {
namespace {

struct BenchOptions {
  std::string shape = "both", device = "auto";
  int64_t batch = 8, seq = 300;
  double seconds = 10;
};

using Clock = std::chrono::steady_clock;

void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

// Runs `step` until `seconds` have passed (at least twice, after one warm-up);
// returns calls per second.
template <class F>
double rate(F&& step, double seconds, const torch::Device& device) {
  step();
  synchronize(device);
  auto start = Clock::now();
  int calls = 0;
  double elapsed = 0;
  do {
    step();
    synchronize(device);
    ++calls;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds || calls < 2);
  return calls / elapsed;
}

double matmul_gflops(const torch::Device& device, double seconds) {
  auto a = torch::randn({4096, 768}, torch::TensorOptions().device(device));
  auto b = torch::randn({768, 3072}, torch::TensorOptions().device(device));
  double per_call = 2.0 * 4096 * 768 * 3072;
  return rate([&] { torch::mm(a, b); }, seconds, device) * per_call / 1e9;
}

ModelShape bench_shape(const std::string& name) {
  ModelShape s;  // bert-base sizes, 12 + 12 layers, attention aggregator, both levels
  s.vocab_size = 30522;
  if (name == "tiny") {
    s.hidden_size = 128;
    s.num_layers = 2;
    s.num_heads = 2;
    s.intermediate_size = 512;
    s.news_layers = 2;
  }
  return s;
}

// `batch` sequences of about `seq` tokens: a candidate and 20 clicked news.
Batch bench_batch(int64_t batch, int64_t seq, const torch::Device& device) {
  const int64_t news = 21, title = std::max<int64_t>(1, (seq - 3) / news - 1);
  std::vector<uint64_t> offsets{0};
  std::vector<int32_t> ids;
  for (int64_t n = 0; n < news; ++n) {
    for (int64_t w = 0; w < title; ++w) ids.push_back(static_cast<int32_t>(1000 + n * 37 + w));
    offsets.push_back(ids.size());
  }
  NewsTokens tokens(offsets, ids);
  TextConfig text;
  text.max_title_tokens = title;
  text.max_seq_len = seq;
  Packer packer(tokens, SpecialTokens{101, 102, 0, 100, 2}, text);
  std::vector<uint32_t> history;
  for (uint32_t n = 1; n < news; ++n) history.push_back(n);
  std::vector<PackedSequence> packed(static_cast<std::size_t>(batch));
  std::vector<const PackedSequence*> views;
  for (auto& p : packed) {
    packer.pack(0, {history.data(), history.size()}, &p);
    views.push_back(&p);
  }
  return collate(views, std::vector<int8_t>(views.size(), 1), 0).to(device);
}

int run_bench(const BenchOptions& o) {
  torch::Device device = resolve_device(o.device);
  std::printf("device %s, %d thread(s), batch %lld, sequence %lld\n", device.str().c_str(),
              torch::get_num_threads(), static_cast<long long>(o.batch),
              static_cast<long long>(o.seq));
  double peak = matmul_gflops(device, std::min(o.seconds, 3.0));
  std::printf("float32 matmul [4096x768]x[768x3072]: %.1f GFLOP/s\n\n", peak);
  std::printf("%-5s %-13s %10s %10s %9s\n", "shape", "pass", "samples/s", "GFLOP/s", "of matmul");
  for (const std::string name : {"tiny", "base"}) {
    if (o.shape != "both" && o.shape != name) continue;
    ModelShape shape = bench_shape(name);
    Unbert model = make_unbert(shape, 1);
    model->to(device);
    Batch batch = bench_batch(o.batch, o.seq, device);
    double flops = forward_flops(shape, batch.input_ids.size(1), batch.news_mask.size(1));
    model->eval();
    double forward = rate(
        [&] {
          torch::NoGradGuard no_grad;
          model(batch);
        },
        o.seconds, device);
    model->train();
    double train = rate(
        [&] {
          model->zero_grad();
          torch::cross_entropy_loss(model(batch), batch.labels).backward();
        },
        o.seconds, device);
    for (auto [pass, per_second, multiple] :
         {std::tuple{"forward", forward, 1.0}, std::tuple{"forward+back", train, 3.0}}) {
      double gflops = per_second * o.batch * flops * multiple / 1e9;
      std::printf("%-5s %-13s %10.2f %10.1f %8.0f%%\n", name.c_str(), pass, per_second * o.batch,
                  gflops, 100 * gflops / peak);
    }
  }
  return 0;
}

}  // namespace

Command add_bench_command(CLI::App& root) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* app = root.add_subcommand(
      "bench", "Measure UNBERT forward and forward+backward throughput against matmul speed");
  app->add_option("--shape", o->shape, "tiny, base or both")
      ->capture_default_str()
      ->check(CLI::IsMember({"tiny", "base", "both"}));
  app->add_option("--batch", o->batch, "sequences per pass")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--seq", o->seq, "tokens per sequence")
      ->capture_default_str()
      ->check(CLI::Range(32, 4096));
  app->add_option("--seconds", o->seconds, "time per measurement")->capture_default_str();
  app->add_option("--device", o->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  return {app, [o] { return run_bench(*o); }};
}

}  // namespace unbert::cli
