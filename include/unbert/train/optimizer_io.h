// The optimizer's state in a checkpoint (optimizer.pt, torch::save's format).
#pragma once

#include <string>

#include <torch/torch.h>

namespace unbert {

// Writes through our own checked stream: LibTorch's file writer, on a full
// disk, throws from its destructor and so aborts the process. A failed write
// is the documented Error ("PATH: cannot write (No space left on device)").
void save_optimizer_state(torch::optim::Optimizer& optimizer, const std::string& path);

}  // namespace unbert
