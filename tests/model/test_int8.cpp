// eval.precision int8: products with int8 weights, for scoring only.
#include <gtest/gtest.h>

#include "test_util.h"
#include "toy_data.h"
#include "unbert/model/int8_linear.h"
#include "unbert/model/precision.h"
#include "unbert/model/unbert.h"

namespace unbert {
namespace {

bool have_int8() {
  return !int8_engine().empty();
}

TEST(Int8, ALinearKeepsItsOutputWithinAFewPercent) {
  if (!have_int8()) GTEST_SKIP() << "no quantized engine in this LibTorch";
  torch::manual_seed(3);
  const torch::Tensor w = torch::randn({96, 64}) * 0.05, b = torch::randn({96}) * 0.1;
  const torch::Tensor x = torch::randn({2, 7, 64});
  const Int8Linear product(w, b);
  const torch::Tensor got = product(x), want = torch::linear(x, w, b);
  ASSERT_EQ(got.sizes(), want.sizes());
  EXPECT_EQ(got.scalar_type(), torch::kFloat32);
  const double error = (got - want).abs().mean().item<double>();
  EXPECT_LT(error, 0.02 * want.abs().mean().item<double>());
}

TEST(Int8, ScoringFollowsFp32AndEndsWithTheScope) {
  if (!have_int8()) GTEST_SKIP() << "no quantized engine in this LibTorch";
  ModelShape shape = test::tiny_shape(MatchLevel::Both, AggregatorKind::Attention);
  Unbert model = make_unbert(shape, 4);
  model->eval();
  const Batch batch = test::toy_batch(16, 5);
  torch::NoGradGuard no_grad;
  const torch::Tensor fp32 = model->click_probability(batch);
  torch::Tensor int8;
  {
    Int8Scoring scope(model, true);
    int8 = model->click_probability(batch);
  }
  EXPECT_FALSE(torch::equal(fp32, int8));  // the int8 products ran
  EXPECT_LT((fp32 - int8).abs().max().item<double>(), 0.02);
  EXPECT_TRUE(torch::equal(fp32, model->click_probability(batch)));  // and stopped
}

TEST(Int8, TrainingNeverUsesIt) {
  if (!have_int8()) GTEST_SKIP() << "no quantized engine in this LibTorch";
  ModelShape shape = test::tiny_shape(MatchLevel::Both, AggregatorKind::Nseg);
  Unbert model = make_unbert(shape, 4);
  const Batch batch = test::toy_batch(8, 2);
  const torch::Tensor plain = model(batch);
  Int8Scoring scope(model, true);
  EXPECT_TRUE(torch::equal(plain, model(batch)));  // autograd on: the fp32 products
  EXPECT_NE(test::error_of([] {
              resolve_precision(Precision::Int8, torch::kCPU, "train.precision", "");
            }).find("int8 is for scoring only"),
            std::string::npos);
  EXPECT_EQ(resolve_precision(Precision::Int8, torch::kCPU, "eval.precision", "").used,
            Precision::Int8);
}

TEST(Int8, AutoScoresInInt8OnlyWhereTheBenchFoundItFaster) {
  const torch::Device cpu = torch::kCPU;
  auto pick = [&](int64_t hidden, const char* engine, const char* dot, const char* bf16) {
    return resolve_scoring_precision(Precision::Auto, cpu, hidden, engine, dot, bf16).used;
  };
  EXPECT_EQ(pick(768, "onednn", "AVX-512 VNNI", "AVX-512 BF16"), Precision::Int8);
  EXPECT_EQ(pick(128, "onednn", "AVX-512 VNNI", "AVX-512 BF16"), Precision::Bf16);  // tiny
  EXPECT_EQ(pick(768, "", "AVX-512 VNNI", "AVX-512 BF16"), Precision::Bf16);        // no engine
  EXPECT_EQ(pick(768, "fbgemm", "", ""), Precision::Fp32);                          // no VNNI
  EXPECT_EQ(resolve_scoring_precision(Precision::Auto, torch::Device(torch::kCUDA), 768, "x86",
                                      "AMX-INT8", "AMX-BF16")
                .used,
            Precision::Bf16);
  EXPECT_EQ(resolve_scoring_precision(Precision::Fp32, cpu, 768, "x86", "AMX-INT8", "").used,
            Precision::Fp32);
}

}  // namespace
}  // namespace unbert
