// The only place that knows which LibTorch it is built against: Debian's
// 1.13 (CPU) or an official 2.x (CUDA). Everything version-specific goes here.
#pragma once

#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

#if TORCH_VERSION_MAJOR >= 2
#define UNBERT_TORCH_HAS_SDPA 1
#else
#define UNBERT_TORCH_HAS_SDPA 0
#endif

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define UNBERT_TORCH_DEVICE_AUTOCAST 1  // set_autocast_dtype(device_type, dtype)
#else
#define UNBERT_TORCH_DEVICE_AUTOCAST 0
#endif

namespace unbert::compat {

// softmax(q kᵀ / sqrt(d) + mask) v, the fused kernel where there is one.
// q, k, v: [B, heads, T, d]; additive_mask: [B, 1, 1, T] (0 keep, large negative drop).
inline torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, const torch::Tensor& additive_mask,
                               double dropout, bool training) {
#if UNBERT_TORCH_HAS_SDPA
  return at::scaled_dot_product_attention(q, k, v, additive_mask.to(q.dtype()),
                                          training ? dropout : 0.0);
#else
  double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto scores = torch::matmul(q, k.transpose(-2, -1)).mul_(scale).add_(additive_mask);
  auto probs = torch::softmax(scores, -1);
  if (training && dropout > 0) probs = torch::dropout(probs, dropout, true);
  return torch::matmul(probs, v);
#endif
}

// Mixed precision on CUDA for the lifetime of the guard (no-op for fp32).
class AutocastGuard {
 public:
  AutocastGuard(const torch::Device& device, torch::ScalarType dtype, bool enabled)
      : enabled_(enabled && device.is_cuda()) {
    if (!enabled_) return;
#if UNBERT_TORCH_DEVICE_AUTOCAST
    at::autocast::set_autocast_dtype(at::kCUDA, dtype);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
    at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(true);
#endif
  }
  ~AutocastGuard() {
    if (!enabled_) return;
#if UNBERT_TORCH_DEVICE_AUTOCAST
    at::autocast::set_autocast_enabled(at::kCUDA, false);
#else
    at::autocast::set_enabled(false);
#endif
    at::autocast::clear_cache();
  }
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool enabled_;
};

inline bool cuda_available() {
  return torch::cuda::is_available();
}

}  // namespace unbert::compat
