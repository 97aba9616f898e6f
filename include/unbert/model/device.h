// --device auto|cpu|cuda|cuda:N
#pragma once

#include <string>

#include <torch/torch.h>

namespace unbert {

// "auto" picks CUDA when this build and machine have it. Asking for CUDA
// without it is a UsageError that says how to get it.
torch::Device resolve_device(const std::string& spec);

}  // namespace unbert
