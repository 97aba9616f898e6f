// A tiny UNBERT shape and a toy click task for model tests: a pair is a click
// iff the candidate is one of the two clicked news.
#pragma once

#include <random>
#include <vector>

#include "unbert/model/model_shape.h"
#include "unbert/text/batch.h"
#include "unbert/text/packer.h"

namespace unbert::test {

inline ModelShape tiny_shape(MatchLevel level, AggregatorKind aggregator) {
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
inline Batch toy_batch(int64_t size, uint64_t seed) {
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

}  // namespace unbert::test
