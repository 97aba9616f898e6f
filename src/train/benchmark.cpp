#include "unbert/train/benchmark.h"

#include "unbert/common/system.h"
#include "unbert/model/int8_linear.h"

#include <algorithm>
#include <chrono>

#include "unbert/common/error.h"
#include "unbert/model/flops.h"
#include "unbert/model/precision.h"
#include "unbert/model/unbert.h"
#include "unbert/text/packer.h"

namespace unbert {
namespace {

using Clock = std::chrono::steady_clock;

void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

double matmul_rate_of(const std::vector<MatmulRate>& rates, Precision precision) {
  for (const auto& r : rates)
    if (r.precision == precision) return r.gflops;
  return 0;
}

}  // namespace

double calls_per_second(const std::function<void()>& step, double seconds,
                        const torch::Device& device) {
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

ModelShape benchmark_shape(const std::string& name) {
  ModelShape s;  // bert-base sizes, 12 + 12 layers, attention aggregator, both levels
  s.vocab_size = 30522;
  if (name == "tiny") {
    s.hidden_size = 128;
    s.num_layers = 2;
    s.num_heads = 2;
    s.intermediate_size = 512;
    s.news_layers = 2;
  } else if (name != "base") {
    throw UsageError("bench: unknown shape '" + name + "'; use tiny or base");
  }
  return s;
}

Batch benchmark_batch(int64_t batch, int64_t seq, const torch::Device& device) {
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
  std::vector<int8_t> labels;
  for (auto& p : packed) {
    packer.pack(0, {history.data(), history.size()}, &p);
    views.push_back(&p);
    labels.push_back(static_cast<int8_t>(views.size() % 5 == 1));  // 1 click : 4 negatives
  }
  return collate(views, labels, 0).to(device);
}

int64_t default_benchmark_batch(const std::string& shape) {
  return shape == "tiny" ? 32 : 8;
}

MatmulRate measure_matmul(Precision precision, const torch::Device& device, double seconds) {
  const double per_call = 2.0 * 4096 * 768 * 3072;
  if (precision == Precision::Int8) {  // the product int8 scoring runs: dynamic, per channel
    auto x = torch::randn({4096, 768});
    const Int8Linear product(torch::randn({3072, 768}) * 0.02, torch::zeros({3072}));
    return {precision, calls_per_second([&] { product(x); }, seconds, device) * per_call / 1e9};
  }
  auto options = torch::TensorOptions().device(device).dtype(
      precision == Precision::Fp32
          ? torch::kFloat32
          : (precision == Precision::Bf16 ? torch::kBFloat16 : torch::kFloat16));
  auto a = torch::randn({4096, 768}, options), b = torch::randn({768, 3072}, options);
  return {precision, calls_per_second([&] { torch::mm(a, b); }, seconds, device) * per_call / 1e9};
}

std::vector<PassRate> measure_passes(const BenchmarkOptions& o,
                                     const std::vector<MatmulRate>& matmul,
                                     const std::function<void(const PassRate&)>& on_rate) {
  std::vector<PassRate> out;
  for (const std::string& name : o.shapes) {
    ModelShape shape = benchmark_shape(name);
    const int64_t batch_size = o.batch > 0 ? o.batch : default_benchmark_batch(name);
    Unbert model = make_unbert(shape, 1);
    model->to(o.device);
    model->set_activation_checkpointing(o.activation_checkpointing);
    torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(2e-5));
    Batch batch = benchmark_batch(batch_size, o.seq, o.device);
    const double flops = forward_flops(shape, batch.input_ids.size(1), batch.news_mask.size(1));
    for (Precision precision : o.precisions) {
      // As scoring runs: one scope for all calls, so weights are cast once.
      auto inference_rate = [&] {
        torch::NoGradGuard no_grad;
        PrecisionScope scope(o.device, precision);
        Int8Scoring int8(model, precision == Precision::Int8);
        return calls_per_second([&] { model->click_probability(batch); }, o.seconds, o.device);
      };
      auto train_step = [&] {
        adam.zero_grad();
        torch::Tensor logits;
        {
          PrecisionScope scope(o.device, precision);
          logits = model(batch);
        }
        torch::cross_entropy_loss(logits.to(torch::kFloat32), batch.labels).backward();
        torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
        adam.step();
      };
      for (const char* pass : {"inference", "train_step"}) {
        const bool training = std::string(pass) == "train_step";
        if (training && precision == Precision::Int8) continue;  // int8 is for scoring only
        model->train(training);
        reset_peak_resident();
        double calls =
            training ? calls_per_second(train_step, o.seconds, o.device) : inference_rate();
        PassRate rate{name, pass, precision, batch_size, o.seq};
        rate.samples_per_s = calls * static_cast<double>(batch_size);
        rate.gflops = rate.samples_per_s * flops * (training ? 3.0 : 1.0) / 1e9;
        double peak = matmul_rate_of(matmul, precision);
        rate.matmul_share = peak > 0 ? rate.gflops / peak : 0;
        rate.peak_bytes = o.device.is_cpu() ? peak_resident_bytes() : 0;
        out.push_back(rate);
        if (on_rate) on_rate(rate);
      }
    }
  }
  return out;
}

nlohmann::json to_json(const PassRate& r) {
  return {{"shape", r.shape},
          {"pass", r.pass},
          {"precision", enum_name(r.precision)},
          {"batch", r.batch},
          {"seq", r.seq},
          {"samples_per_s", r.samples_per_s},
          {"gflops", r.gflops},
          {"matmul_share", r.matmul_share},
          {"peak_bytes", r.peak_bytes}};
}

}  // namespace unbert
