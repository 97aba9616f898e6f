// Bytes of tensors a pass allocates beyond the weights it already holds:
// for training the gradients, Adam's two moments and every layer's
// activations (kept for the backward pass); for scoring the activations of
// the layer being computed. Estimates for a fp32 pass, to refuse a step that
// cannot fit before it starts (common/memory_limit.h).
#pragma once

#include <cstdint>

#include "unbert/model/model_shape.h"

namespace unbert {

uint64_t training_memory(const ModelShape& shape, int64_t parameters, int64_t micro_batch,
                         int64_t tokens, int64_t news);
uint64_t scoring_memory(const ModelShape& shape, int64_t batch, int64_t tokens, int64_t news);

}  // namespace unbert
