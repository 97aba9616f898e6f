#include <gtest/gtest.h>

#include "unbert/model/aggregator.h"

namespace unbert {
namespace {

// Two sequences of 8 tokens, hidden 4. Row 0: [CLS] c c [SEP] [NSEP] h1 [NSEP] h2;
// row 1: [CLS] c [SEP] [SEP] + 4 padding (one news only).
struct Inputs {
  torch::Tensor states = torch::randn({2, 8, 4});
  torch::Tensor news_index =
      torch::tensor({{-1, 0, 0, -1, -1, 1, -1, 2}, {-1, 0, -1, -1, -1, -1, -1, -1}});
  torch::Tensor separators = torch::tensor({{0, 4, 6}, {0, 0, 0}});
  torch::Tensor mask = torch::tensor({{true, true, true}, {true, false, false}});
};

torch::Tensor run(AggregatorKind kind, const Inputs& in) {
  torch::manual_seed(0);
  Aggregator aggregator(kind, 4);
  return aggregator(in.states, in.news_index, in.separators, in.mask);
}

TEST(Aggregator, NsegPicksClsAndNsepStates) {
  torch::manual_seed(1);
  Inputs in;
  auto out = run(AggregatorKind::Nseg, in);
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_TRUE(torch::equal(out[0][0], in.states[0][0]));
  EXPECT_TRUE(torch::equal(out[0][1], in.states[0][4]));
  EXPECT_TRUE(torch::equal(out[0][2], in.states[0][6]));
  EXPECT_TRUE(torch::equal(out[1][0], in.states[1][0]));
  EXPECT_EQ(out[1][1].abs().sum().item<float>(), 0.0f);  // no news in that slot
}

TEST(Aggregator, MeanAveragesExactlyTheNewsWords) {
  torch::manual_seed(2);
  Inputs in;
  auto out = run(AggregatorKind::Mean, in);
  EXPECT_TRUE(torch::allclose(out[0][0], (in.states[0][1] + in.states[0][2]) / 2));
  EXPECT_TRUE(torch::allclose(out[0][1], in.states[0][5]));
  EXPECT_TRUE(torch::allclose(out[0][2], in.states[0][7]));
  EXPECT_TRUE(torch::allclose(out[1][0], in.states[1][1]));
  EXPECT_EQ(out[1][2].abs().sum().item<float>(), 0.0f);
}

TEST(Aggregator, AttentionWeightsSumToOneWithinEachNews) {
  torch::manual_seed(3);
  Inputs in;
  Aggregator aggregator(AggregatorKind::Attention, 4);
  auto member = AggregatorImpl::membership(in.news_index, 3, torch::kFloat32);
  auto weights = aggregator->attention_weights(in.states, member);
  auto sums = weights.sum(-1);
  EXPECT_TRUE(torch::allclose(sums[0], torch::ones({3})));
  EXPECT_NEAR(sums[1][0].item<float>(), 1.0f, 1e-6);
  EXPECT_EQ(sums[1][1].item<float>(), 0.0f);
  EXPECT_EQ((weights * (1 - member)).abs().sum().item<float>(), 0.0f);  // only the news' words
  auto out = aggregator(in.states, in.news_index, in.separators, in.mask);
  auto expected = weights[0][0][1] * in.states[0][1] + weights[0][0][2] * in.states[0][2];
  EXPECT_TRUE(torch::allclose(out[0][0], expected, 1e-5, 1e-6));
}

TEST(Aggregator, PaddingAndSpecialTokensNeverLeakIntoVectors) {
  for (auto kind : {AggregatorKind::Nseg, AggregatorKind::Mean, AggregatorKind::Attention}) {
    torch::manual_seed(4);
    Inputs in;
    auto before = run(kind, in);
    Inputs changed = in;
    changed.states = in.states.clone();
    changed.states[1].slice(0, 1 + 1) += 100.0;  // row 1 padding and its [SEP]s
    if (kind != AggregatorKind::Nseg) changed.states[0][3] += 100.0;  // row 0's [SEP]
    auto after = run(kind, changed);
    EXPECT_TRUE(torch::allclose(before, after)) << enum_name(kind);
  }
}

}  // namespace
}  // namespace unbert
