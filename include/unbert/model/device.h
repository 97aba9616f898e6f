// --device auto|cpu|cuda|cuda:N
#pragma once

#include <string>

#include <torch/torch.h>

namespace unbert {

// "auto" picks CUDA when this build and machine have it. Asking for CUDA
// without it is a UsageError that says how to get it.
torch::Device resolve_device(const std::string& spec);

// The device of one rank of a data-parallel job: cuda:LOCAL_RANK when the
// spec leaves the index open ("auto" or "cuda") and there are several ranks.
torch::Device resolve_device_for_rank(const std::string& spec, int local_rank, bool distributed);

}  // namespace unbert
