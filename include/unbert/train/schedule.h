// Learning rate: linear warm-up over the first warmup_ratio of the steps,
// then linear decay to zero at the last step.
#pragma once

#include <cstdint>

namespace unbert {

int64_t warmup_steps(double warmup_ratio, int64_t total_steps);
// Rate for the update made at `step` (0-based) of `total_steps`.
double learning_rate(double peak, int64_t step, int64_t total_steps, int64_t warmup);

}  // namespace unbert
