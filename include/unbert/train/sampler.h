// Training samples of one epoch (paper section 4.3): for each impression with
// at least one click, every clicked candidate plus neg_ratio non-clicked
// candidates of the same impression per click, drawn without replacement
// unless the impression has too few. Redrawn each epoch from (seed, epoch).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "unbert/data/behaviors.h"

namespace unbert {

struct TrainSample {
  uint32_t impression;
  uint32_t candidate;  // index into the impression's candidates
  int8_t label;
};

// One group per click: the click first, then its negatives. Impressions
// without negatives are skipped (and counted).
struct EpochSamples {
  std::vector<TrainSample> samples;
  int64_t group_size = 1;  // 1 + neg_ratio
  int64_t skipped_impressions = 0;
  std::size_t groups() const { return samples.size() / static_cast<std::size_t>(group_size); }
};

EpochSamples draw_epoch_samples(const Behaviors& behaviors, int64_t neg_ratio,
                                std::mt19937_64& rng);

// The RNG for an epoch's draw and order: the same for the same (seed, epoch).
std::mt19937_64 epoch_rng(int64_t seed, int64_t epoch);

}  // namespace unbert
