#include "unbert/eval/baselines.h"

#include <random>

namespace unbert {

std::vector<float> random_scores(const Behaviors& behaviors, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::vector<float> scores(behaviors.num_candidates());
  for (float& score : scores) score = uniform(rng);
  return scores;
}

std::vector<float> most_clicked_scores(const Behaviors& behaviors, const Behaviors& train,
                                       std::size_t news_count) {
  std::vector<float> clicks(news_count, 0.0f);
  for (std::size_t i = 0; i < train.size(); ++i) {
    Impression imp = train[i];
    for (std::size_t c = 0; c < imp.candidates.size(); ++c)
      if (imp.labels[c] == 1) clicks[imp.candidates[c]] += 1;
  }
  std::vector<float> scores;
  scores.reserve(behaviors.num_candidates());
  for (std::size_t i = 0; i < behaviors.size(); ++i)
    for (uint32_t news : behaviors[i].candidates) scores.push_back(clicks[news]);
  return scores;
}

}  // namespace unbert
