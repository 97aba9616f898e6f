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

// What the CPU offers for int8 dot products: "AMX-INT8", "AVX-512 VNNI",
// "AVX-VNNI", or "" (int8 products would then not beat bf16).
std::string cpu_int8_dot();

// eval.precision: as resolve_precision, except that `auto` on the CPU picks
// int8 where LibTorch has a quantized engine, the CPU int8 dot products and
// the model bert-base-sized products (hidden >= 512): `unbert bench` measured
// int8 at 1.24-1.32x bf16 at the base shape and 0.67-0.79x at hidden 128. The three
// strings are the engine, cpu_int8_dot() and cpu_native_bf16() (parameters
// so that tests can pose as any machine).
ResolvedPrecision resolve_scoring_precision(Precision requested, const torch::Device& device,
                                            int64_t hidden_size, const std::string& engine,
                                            const std::string& cpu_int8,
                                            const std::string& cpu_bf16);
ResolvedPrecision resolve_scoring_precision(Precision requested, const torch::Device& device,
                                            int64_t hidden_size);

// Autocast to `precision` on `device` while alive; nothing for fp32 and int8.
class PrecisionScope {
 public:
  PrecisionScope(const torch::Device& device, Precision precision);

 private:
  std::optional<compat::AutocastGuard> autocast_;
};

}  // namespace unbert
