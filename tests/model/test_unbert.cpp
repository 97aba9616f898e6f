// Every level x aggregator combination trains a few steps on a tiny model,
// and gradients reach the parts of the model each combination uses.
#include <gtest/gtest.h>

#include "unbert/model/unbert.h"
#include "unbert/text/batch.h"

namespace unbert {
namespace {

ModelShape tiny_shape(MatchLevel level, AggregatorKind aggregator) {
  ModelShape s;
  s.vocab_size = 50;
  s.hidden_size = 16;
  s.num_layers = 2;
  s.num_heads = 2;
  s.intermediate_size = 32;
  s.max_news_segments = 8;
  s.news_layers = level == MatchLevel::Word ? 0 : 2;
  s.dropout = s.attention_dropout = 0.0;
  s.level = level;
  s.aggregator = aggregator;
  return s;
}

// Clicked iff the candidate's first word appears in the history.
Batch toy_batch(int64_t size, uint64_t seed) {
  std::mt19937 rng(seed);
  NewsTokens tokens;
  std::vector<uint64_t> offsets{0};
  std::vector<int32_t> ids;
  for (int n = 0; n < 30; ++n) {
    for (int w = 0; w < 3; ++w) ids.push_back(10 + (n + w * 7) % 40);
    offsets.push_back(ids.size());
  }
  tokens = NewsTokens(offsets, ids);
  TextConfig text;
  text.max_news_segments = 8;
  Packer packer(tokens, SpecialTokens{1, 2, 0, 3, 4}, text);
  std::vector<PackedSequence> packed(static_cast<std::size_t>(size));
  std::vector<const PackedSequence*> views;
  std::vector<int8_t> labels;
  for (auto& p : packed) {
    std::vector<uint32_t> history{static_cast<uint32_t>(rng() % 30),
                                  static_cast<uint32_t>(rng() % 30)};
    bool click = rng() % 2;
    uint32_t candidate = click ? history[0] : static_cast<uint32_t>(rng() % 30);
    packer.pack(candidate, {history.data(), history.size()}, &p);
    views.push_back(&p);
    labels.push_back(candidate == history[0] || candidate == history[1]);
  }
  return collate(views, labels, 0);
}

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
