#include "unbert/train/sampler.h"

#include <numeric>

namespace unbert {

std::mt19937_64 epoch_rng(int64_t seed, int64_t epoch) {
  std::seed_seq sequence{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                         static_cast<uint32_t>(epoch), 0x756e62u};
  return std::mt19937_64(sequence);
}

EpochSamples draw_epoch_samples(const Behaviors& behaviors, int64_t neg_ratio,
                                std::mt19937_64& rng) {
  EpochSamples out;
  out.group_size = 1 + neg_ratio;
  std::vector<uint32_t> clicked, negatives, pool;
  for (std::size_t i = 0; i < behaviors.size(); ++i) {
    Impression imp = behaviors[i];
    clicked.clear();
    negatives.clear();
    for (uint32_t c = 0; c < imp.labels.size(); ++c)
      (imp.labels[c] == 1 ? clicked : negatives).push_back(c);
    if (clicked.empty()) continue;
    if (negatives.empty()) {
      ++out.skipped_impressions;
      continue;
    }
    auto k = static_cast<std::size_t>(neg_ratio);
    for (uint32_t click : clicked) {
      out.samples.push_back({static_cast<uint32_t>(i), click, 1});
      if (negatives.size() >= k) {  // k distinct: a partial Fisher-Yates shuffle
        pool = negatives;
        for (std::size_t j = 0; j < k; ++j) {
          std::size_t pick = j + rng() % (pool.size() - j);
          std::swap(pool[j], pool[pick]);
          out.samples.push_back({static_cast<uint32_t>(i), pool[j], 0});
        }
      } else {  // too few: with replacement
        for (std::size_t j = 0; j < k; ++j)
          out.samples.push_back({static_cast<uint32_t>(i), negatives[rng() % negatives.size()], 0});
      }
    }
  }
  return out;
}

}  // namespace unbert
