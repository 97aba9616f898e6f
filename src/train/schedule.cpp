#include "unbert/train/schedule.h"

#include <algorithm>
#include <cmath>

namespace unbert {

int64_t warmup_steps(double warmup_ratio, int64_t total_steps) {
  return static_cast<int64_t>(std::llround(warmup_ratio * static_cast<double>(total_steps)));
}

double learning_rate(double peak, int64_t step, int64_t total_steps, int64_t warmup) {
  if (step < warmup) return peak * static_cast<double>(step + 1) / static_cast<double>(warmup);
  int64_t decay = std::max<int64_t>(1, total_steps - warmup);
  return peak * std::max(0.0, static_cast<double>(total_steps - step) / static_cast<double>(decay));
}

}  // namespace unbert
