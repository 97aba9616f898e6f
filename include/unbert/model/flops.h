// Floating-point operations of one UNBERT pass, counting a multiply-add as 2.
#pragma once

#include <cstdint>

#include "unbert/model/model_shape.h"

namespace unbert {

// Forward FLOPs of one sample of `tokens` tokens holding `news` news (the
// candidate and the clicked news). Backward costs about twice the forward.
double forward_flops(const ModelShape& shape, int64_t tokens, int64_t news);

}  // namespace unbert
