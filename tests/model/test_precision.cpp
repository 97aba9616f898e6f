// Mixed precision: what `auto` settles on, the autocast scope, and that bf16
// scoring of a trained model ranks candidates as fp32 does.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model/toy_data.h"
#include "unbert/common/error.h"
#include "unbert/eval/metrics.h"
#include "unbert/model/precision.h"
#include "unbert/model/unbert.h"

namespace unbert {
namespace {

const torch::Device kCpu(torch::kCPU), kCuda(torch::kCUDA);

TEST(Precision, AutoPicksBf16OnlyWhereTheHardwareHasIt) {
  EXPECT_EQ(resolve_precision(Precision::Auto, kCpu, "k", "AVX-512 BF16").used, Precision::Bf16);
  EXPECT_EQ(resolve_precision(Precision::Auto, kCpu, "k", "AMX-BF16").used, Precision::Bf16);
  auto plain = resolve_precision(Precision::Auto, kCpu, "k", "");
  EXPECT_EQ(plain.used, Precision::Fp32);
  EXPECT_NE(plain.why.find("neither AVX-512 BF16 nor AMX"), std::string::npos) << plain.why;
  EXPECT_EQ(resolve_precision(Precision::Auto, kCuda, "k", "").used, Precision::Bf16);
  EXPECT_EQ(resolve_precision(Precision::Fp32, kCpu, "k", "AMX-BF16").used, Precision::Fp32);
  EXPECT_EQ(resolve_precision(Precision::Fp16, kCuda, "k", "").used, Precision::Fp16);
}

TEST(Precision, ExplicitBf16OnAPlainCpuRunsButSaysItIsEmulated) {
  auto r = resolve_precision(Precision::Bf16, kCpu, "train.precision", "");
  EXPECT_EQ(r.used, Precision::Bf16);
  EXPECT_NE(r.why.find("emulated"), std::string::npos) << r.why;
}

TEST(Precision, Fp16OnTheCpuIsAConfigErrorNamingTheKey) {
  try {
    resolve_precision(Precision::Fp16, kCpu, "eval.precision", "AVX-512 BF16");
    FAIL() << "fp16 on the CPU was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "eval.precision");
    EXPECT_NE(std::string(e.what()).find("needs a CUDA device"), std::string::npos) << e.what();
  }
}

TEST(Precision, ScopeRunsProductsInBf16AndRestoresTheStateBefore) {
  auto x = torch::randn({4, 8}), w = torch::randn({3, 8});
  {
    PrecisionScope fp32(kCpu, Precision::Fp32);
    EXPECT_EQ(torch::linear(x, w).scalar_type(), torch::kFloat32);
  }
  {
    PrecisionScope bf16(kCpu, Precision::Bf16);
    EXPECT_EQ(torch::linear(x, w).scalar_type(), torch::kBFloat16);
    { PrecisionScope inner(kCpu, Precision::Bf16); }
    EXPECT_EQ(torch::linear(x, w).scalar_type(), torch::kBFloat16) << "inner scope ended autocast";
  }
  EXPECT_EQ(torch::linear(x, w).scalar_type(), torch::kFloat32);
}

// A bf16 training step keeps fp32 master weights and fp32 gradients, so
// checkpoints and the optimizer state do not depend on the precision.
TEST(Precision, Bf16TrainingKeepsWeightsAndGradientsInFp32) {
  for (auto aggregator : {AggregatorKind::Attention, AggregatorKind::Mean, AggregatorKind::Nseg}) {
    Unbert model = make_unbert(test::tiny_shape(MatchLevel::Both, aggregator), 3);
    Batch batch = test::toy_batch(8, 1);
    torch::Tensor logits;
    {
      PrecisionScope scope(kCpu, Precision::Bf16);
      logits = model(batch);
    }
    // The click head runs in fp32: bf16 logits would tie candidates (a rank
    // file must then pick an order that the metrics average over).
    EXPECT_EQ(logits.scalar_type(), torch::kFloat32);
    torch::cross_entropy_loss(logits.to(torch::kFloat32), batch.labels).backward();
    for (const auto& p : model->named_parameters()) {
      EXPECT_EQ(p.value().scalar_type(), torch::kFloat32) << p.key();
      if (p.value().grad().defined()) {
        EXPECT_EQ(p.value().grad().scalar_type(), torch::kFloat32) << p.key();
      }
    }
  }
}

// Ranks with ties averaged, for Spearman's correlation.
std::vector<double> ranks(const std::vector<float>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = (static_cast<double>(i + j) / 2.0) + 1;
    i = j + 1;
  }
  return r;
}

double spearman(const std::vector<float>& a, const std::vector<float>& b) {
  auto ra = ranks(a), rb = ranks(b);
  double n = static_cast<double>(a.size()), mean = (n + 1) / 2, sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) * (ra[i] - mean);
    sbb += (rb[i] - mean) * (rb[i] - mean);
  }
  return saa == 0 || sbb == 0 ? 1.0 : sab / std::sqrt(saa * sbb);
}

std::vector<float> probabilities(Unbert& model, const Batch& batch, Precision precision) {
  torch::NoGradGuard no_grad;
  PrecisionScope scope(kCpu, precision);
  auto p = model->click_probability(batch).contiguous();
  return {p.data_ptr<float>(), p.data_ptr<float>() + p.numel()};
}

// The stated tolerance: per impression (8 candidates) Spearman's rank
// correlation of bf16 against fp32 scores is 0.9 or more on average, and the
// AUCs differ by at most 0.01.
TEST(Precision, Bf16ScoringRanksCandidatesAsFp32Does) {
  ModelShape shape = test::tiny_shape(MatchLevel::Both, AggregatorKind::Attention);
  shape.hidden_size = 32;
  shape.intermediate_size = 64;
  Unbert model = make_unbert(shape, 5);
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(3e-3));
  model->train();
  for (int step = 0; step < 80; ++step) {
    Batch batch = test::toy_batch(32, 100 + static_cast<uint64_t>(step));
    adam.zero_grad();
    torch::cross_entropy_loss(model(batch), batch.labels).backward();
    adam.step();
  }
  model->eval();
  Batch test_batch = test::toy_batch(256, 7);
  auto fp32 = probabilities(model, test_batch, Precision::Fp32);
  auto bf16 = probabilities(model, test_batch, Precision::Bf16);
  auto labels = test_batch.labels.to(torch::kInt8).contiguous();
  const int8_t* label = labels.data_ptr<int8_t>();
  double correlation = 0;
  const std::size_t per_impression = 8, impressions = fp32.size() / per_impression;
  for (std::size_t i = 0; i < impressions; ++i) {
    std::size_t at = i * per_impression;
    correlation += spearman({fp32.begin() + at, fp32.begin() + at + per_impression},
                            {bf16.begin() + at, bf16.begin() + at + per_impression});
  }
  correlation /= static_cast<double>(impressions);
  double auc32 = auc_score(fp32.data(), label, fp32.size());
  double auc16 = auc_score(bf16.data(), label, bf16.size());
  EXPECT_GT(auc32, 0.7) << "the toy model did not learn; the comparison would be empty";
  EXPECT_GE(correlation, 0.9);
  EXPECT_LE(std::abs(auc32 - auc16), 0.01) << "fp32 " << auc32 << ", bf16 " << auc16;
}

}  // namespace
}  // namespace unbert
