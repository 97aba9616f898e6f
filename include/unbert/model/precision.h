// Which number format the matrix products run in: fp32, or bf16/fp16 through
// autocast (weights, their gradients and the optimizer state stay fp32), and
// what `auto` means on the device at hand.
#pragma once

#include <optional>
#include <string>

#include <torch/torch.h>

#include "unbert/common/torch_compat.h"
#include "unbert/config/enums.h"

namespace unbert {

// A precision that was asked for, settled for one device.
struct ResolvedPrecision {
  Precision used = Precision::Fp32;  // never Auto
  std::string why;                   // one phrase for the log
};

// What the CPU offers for bf16 matrix products: "AMX-BF16", "AVX-512 BF16",
// or "" when it has neither (bf16 would then be emulated and slow).
std::string cpu_native_bf16();

// Settles `requested` for `device`. `cpu_bf16` is cpu_native_bf16()'s answer
// (a parameter so that tests can pose as any CPU). fp16 on the CPU is a
// ConfigError naming `key`.
ResolvedPrecision resolve_precision(Precision requested, const torch::Device& device,
                                    const std::string& key, const std::string& cpu_bf16);
ResolvedPrecision resolve_precision(Precision requested, const torch::Device& device,
                                    const std::string& key);

// Autocast to `precision` on `device` while alive; nothing for fp32.
class PrecisionScope {
 public:
  PrecisionScope(const torch::Device& device, Precision precision);

 private:
  std::optional<compat::AutocastGuard> autocast_;
};

}  // namespace unbert
