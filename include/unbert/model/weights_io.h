// Reading tensors from HuggingFace checkpoint files, with no Python:
//   model.safetensors  8-byte little-endian header length, a JSON header,
//                      raw little-endian data (F32, F16, BF16 become float32);
//   pytorch_model.bin  torch.save's zip (>= PyTorch 1.6): data.pkl, read by a
//                      small pickle interpreter that accepts only what a
//                      state_dict uses (no arbitrary code), plus data/<key>
//                      storage records.
// A truncated, corrupt or unsupported file is an Error naming the file.
#pragma once

#include <map>
#include <string>

#include <torch/torch.h>

namespace unbert {

using NamedTensors = std::map<std::string, torch::Tensor>;

NamedTensors read_safetensors(const std::string& path);
NamedTensors read_torch_bin(const std::string& path);

// Writes float32/int64 tensors as safetensors (used for tests and exports).
void write_safetensors(const std::string& path, const NamedTensors& tensors);

}  // namespace unbert
