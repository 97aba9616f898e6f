#include "unbert/model/precision.h"

#include <cpuid.h>

#include <cstdint>

#include "unbert/common/error.h"
#include "unbert/model/int8_linear.h"

namespace unbert {
namespace {

// Which register states the OS saves (XCR0): AVX-512 needs opmask, ZMM_Hi256
// and Hi16_ZMM (bits 5-7), AMX its tile config and data (bits 17-18).
uint64_t os_saved_states() {
  uint32_t low = 0, high = 0;
  __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
  return (static_cast<uint64_t>(high) << 32) | low;
}

ResolvedPrecision resolve_int8(const torch::Device& device, const std::string& key) {
  if (key.rfind("train.", 0) == 0)
    throw ConfigError(key,
                      "int8 is for scoring only; train in fp32, bf16 or auto and set "
                      "eval.precision=int8");
  if (device.is_cuda())
    throw ConfigError(key, "int8 scoring runs on the CPU; on CUDA use bf16, fp16 or auto");
  if (int8_engine().empty())
    throw ConfigError(key,
                      "this LibTorch has no quantized engine (FBGEMM, x86 or oneDNN) for "
                      "int8; use bf16, auto or fp32");
  return {Precision::Int8, "as configured, " + int8_engine() + " int8 products"};
}

}  // namespace

std::string cpu_native_bf16() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return "";  // no OSXSAVE
  uint64_t states = os_saved_states();
  if (__get_cpuid_max(0, nullptr) < 7) return "";
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  const bool amx_bf16 = edx & (1u << 22);
  const bool avx512f = ebx & (1u << 16);
  if (amx_bf16 && (states & 0x60000) == 0x60000) return "AMX-BF16";
  __cpuid_count(7, 1, eax, ebx, ecx, edx);
  const bool avx512_bf16 = eax & (1u << 5);
  if (avx512f && avx512_bf16 && (states & 0xe0) == 0xe0) return "AVX-512 BF16";
  return "";
}

ResolvedPrecision resolve_precision(Precision requested, const torch::Device& device,
                                    const std::string& key, const std::string& cpu_bf16) {
  if (requested == Precision::Int8) return resolve_int8(device, key);
  if (device.is_cuda()) {
    if (requested == Precision::Auto) return {Precision::Bf16, "auto: bf16 autocast on CUDA"};
    return {requested, "as configured"};
  }
  switch (requested) {
    case Precision::Fp16:
      throw ConfigError(key, "fp16 needs a CUDA device; on the CPU use bf16, auto or fp32 (--set " +
                                 key + "=auto)");
    case Precision::Auto:
      if (cpu_bf16.empty())
        return {Precision::Fp32, "auto: this CPU has neither AVX-512 BF16 nor AMX"};
      return {Precision::Bf16, "auto: this CPU has " + cpu_bf16};
    case Precision::Bf16:
      if (cpu_bf16.empty())
        return {Precision::Bf16,
                "as configured, but this CPU has neither AVX-512 BF16 nor AMX: bf16 is emulated "
                "and likely slower than fp32"};
      return {Precision::Bf16, "as configured; this CPU has " + cpu_bf16};
    default:
      return {requested, "as configured"};
  }
}

std::string cpu_int8_dot() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return "";  // no OSXSAVE
  const uint64_t states = os_saved_states();
  if (__get_cpuid_max(0, nullptr) < 7) return "";
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  const bool amx_int8 = edx & (1u << 25), avx512_vnni = ecx & (1u << 11);
  if (amx_int8 && (states & 0x60000) == 0x60000) return "AMX-INT8";
  if (avx512_vnni && (states & 0xe0) == 0xe0) return "AVX-512 VNNI";
  __cpuid_count(7, 1, eax, ebx, ecx, edx);
  if ((eax & (1u << 4)) && (states & 0x6) == 0x6) return "AVX-VNNI";
  return "";
}

ResolvedPrecision resolve_scoring_precision(Precision requested, const torch::Device& device,
                                            int64_t hidden_size, const std::string& engine,
                                            const std::string& cpu_int8,
                                            const std::string& cpu_bf16) {
  if (requested == Precision::Auto && device.is_cpu() && !engine.empty() && !cpu_int8.empty() &&
      hidden_size >= 512)
    return {Precision::Int8, "auto: this CPU has " + cpu_int8 + " and the model hidden size " +
                                 std::to_string(hidden_size) + "; " + engine + " int8 products"};
  return resolve_precision(requested, device, "eval.precision", cpu_bf16);
}

ResolvedPrecision resolve_scoring_precision(Precision requested, const torch::Device& device,
                                            int64_t hidden_size) {
  static const std::string int8 = cpu_int8_dot(), bf16 = cpu_native_bf16();
  return resolve_scoring_precision(requested, device, hidden_size, int8_engine(), int8, bf16);
}

ResolvedPrecision resolve_precision(Precision requested, const torch::Device& device,
                                    const std::string& key) {
  static const std::string native = cpu_native_bf16();
  return resolve_precision(requested, device, key, native);
}

PrecisionScope::PrecisionScope(const torch::Device& device, Precision precision) {
  UNBERT_CHECK(precision != Precision::Auto, "PrecisionScope: resolve 'auto' first");
  if (precision == Precision::Fp32 || precision == Precision::Int8)
    return;  // int8: see Int8Scoring
  autocast_.emplace(device, precision == Precision::Bf16 ? torch::kBFloat16 : torch::kFloat16,
                    true);
}

}  // namespace unbert
