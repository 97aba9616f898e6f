// Every level x aggregator combination trains a few steps on a tiny model,
// and gradients reach the parts of the model each combination uses.
#include <gtest/gtest.h>

#include "model/toy_data.h"
#include "unbert/model/unbert.h"

namespace unbert {
namespace {

using test::tiny_shape;
using test::toy_batch;

class UnbertCombination : public ::testing::TestWithParam<std::tuple<MatchLevel, AggregatorKind>> {
};

TEST_P(UnbertCombination, TrainsAndGradientsReachEveryPartInUse) {
  auto [level, aggregator] = GetParam();
  Unbert model = make_unbert(tiny_shape(level, aggregator), 7);
  model->train();
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
  Batch batch = toy_batch(16, 3);
  auto loss_of = [&] { return torch::cross_entropy_loss(model(batch), batch.labels); };
  float first = 0, last = 0;
  for (int step = 0; step < 12; ++step) {
    optimizer.zero_grad();
    auto loss = loss_of();
    loss.backward();
    if (step == 0) {
      first = loss.item<float>();
      auto nseg = model->bert->embeddings->news_segment_embeddings->weight.grad();
      ASSERT_TRUE(nseg.defined());
      EXPECT_GT(nseg.abs().sum().item<float>(), 0.0f);
      if (level != MatchLevel::Word) {
        for (const auto& p : model->news_encoder->parameters()) {
          ASSERT_TRUE(p.grad().defined());
          EXPECT_GT(p.grad().abs().sum().item<float>(), 0.0f);
        }
      }
    }
    optimizer.step();
    last = loss.item<float>();
  }
  EXPECT_TRUE(std::isfinite(last));
  EXPECT_LT(last, first);
  EXPECT_EQ(model(batch).sizes(), (std::vector<int64_t>{16, 2}));
}

INSTANTIATE_TEST_SUITE_P(
    LevelsAndAggregators, UnbertCombination,
    ::testing::Combine(::testing::Values(MatchLevel::Word, MatchLevel::News, MatchLevel::Both),
                       ::testing::Values(AggregatorKind::Nseg, AggregatorKind::Mean,
                                         AggregatorKind::Attention)),
    [](const auto& info) {
      return std::string(enum_name(std::get<0>(info.param))) + "_" +
             enum_name(std::get<1>(info.param));
    });

TEST(Unbert, CopyWordLevelInitialisesNewsLayers) {
  Unbert model = make_unbert(tiny_shape(MatchLevel::Both, AggregatorKind::Mean), 1);
  model->copy_word_level_into_news_level();
  EXPECT_TRUE(torch::equal(model->news_encoder->at(1)->intermediate->dense->weight,
                           model->bert->encoder->at(1)->intermediate->dense->weight));
}

TEST(Unbert, PaddingDoesNotChangeScores) {
  Unbert model = make_unbert(tiny_shape(MatchLevel::Both, AggregatorKind::Attention), 2);
  model->eval();
  torch::NoGradGuard no_grad;
  Batch batch = toy_batch(4, 9);
  auto alone = model->click_probability(batch);
  // The same rows padded further: append 5 padding columns.
  Batch padded = batch;
  auto pad = [](const torch::Tensor& t, int64_t value) {
    return torch::cat({t, torch::full({t.size(0), 5}, value, t.options())}, 1);
  };
  padded.input_ids = pad(batch.input_ids, 0);
  padded.segment_ids = pad(batch.segment_ids, 0);
  padded.news_segment_ids = pad(batch.news_segment_ids, 0);
  padded.attention_mask = pad(batch.attention_mask, 0);
  padded.news_index = pad(batch.news_index, -1);
  EXPECT_TRUE(torch::allclose(alone, model->click_probability(padded), 1e-5, 1e-6));
}

}  // namespace
}  // namespace unbert
