// Word-blind baselines that `unbert demo` prints beside the model, scored by
// the same metrics: what a ranking gets without reading a title.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "unbert/data/behaviors.h"

namespace unbert {

// Uniform random scores for every candidate, fixed by `seed`.
std::vector<float> random_scores(const Behaviors& behaviors, uint64_t seed);

// Each candidate's click count in `train` (news never clicked there: 0).
std::vector<float> most_clicked_scores(const Behaviors& behaviors, const Behaviors& train,
                                       std::size_t news_count);

}  // namespace unbert
