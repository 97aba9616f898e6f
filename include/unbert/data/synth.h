// A generated MIND-format dataset with a signal that a text-matching model
// can learn and a model blind to words cannot: news are about a topic and a
// named entity (a place, team or person) in varied English titles; users
// follow (topic, entity) pairs, so a user who follows movies in Florida
// clicks Florida movie news and skips Japan movie news (the paper's Figure 1).
// New news appear every day, so dev and test are mostly cold-start.
#pragma once

#include <cstdint>
#include <string>

namespace unbert {

struct SynthOptions {
  int64_t users = 2000;
  int64_t news_per_day = 300;
  int64_t days = 6;  // the last day is test, the one before dev, the rest train
  int64_t impressions_per_user_day = 1;
  int64_t candidates = 37;     // mean impression size, as in MIND
  int64_t interests = 1;       // (topic, place) pairs a user follows, at most
  double history_focus = 1.0;  // share of past clicks on the news a user follows
  uint64_t seed = 1;
};

struct SynthSummary {
  int64_t news = 0;
  int64_t train_impressions = 0, dev_impressions = 0, test_impressions = 0;
};

// Writes out/{train,dev,test}/{news.tsv,behaviors.tsv}; test is unlabeled.
// Deterministic for a seed. Refuses to overwrite existing files.
SynthSummary write_synthetic_mind(const std::string& out, const SynthOptions& options);

}  // namespace unbert
