// The only place that knows which LibTorch it is built against: Debian's
// 1.13 (CPU) or an official 2.x (CUDA). Everything version-specific goes here.
#pragma once

#include <atomic>

#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/utils/lambda_post_hook.h>
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

// x Wᵀ + b through ATen's linear. torch::nn::Linear's forward in LibTorch 1.13
// runs a 3-D input as matmul and then an in-place bias add; under autocast that
// add mixes a bf16 output with an fp32 bias and converts the whole output to
// fp32 and back. ATen's linear folds the bias into one addmm on every version.
inline torch::Tensor linear(const torch::nn::Linear& layer, const torch::Tensor& x) {
  return torch::linear(x, layer->weight, layer->bias);
}

// softmax(q kᵀ / sqrt(d) + mask) v has two implementations; attention()
// takes one per device, dtype and LibTorch (bench/bench_attention prints both):
// - fused: ATen's scaled_dot_product_attention (LibTorch >= 2.0): flash /
//   memory-efficient kernels on CUDA; on LibTorch 2.6's CPU, 23 ms per call in
//   fp32 against 81 ms composed, but in bf16 with a mask 380-730 ms against
//   18 ms (profiled on the 2-core development machine, tiny shape).
// - composed: two batched products and a softmax.
enum class AttentionKernel { Fused, Composed };

inline const char* attention_kernel_name(AttentionKernel kernel) {
  return kernel == AttentionKernel::Fused ? "fused" : "composed";
}

inline bool fused_attention_available() {
  return UNBERT_TORCH_HAS_SDPA != 0;
}

inline AttentionKernel attention_kernel(const torch::Device& device, torch::ScalarType dtype) {
  if (!fused_attention_available()) return AttentionKernel::Composed;
  if (device.is_cuda() || dtype == torch::kFloat32) return AttentionKernel::Fused;
  return AttentionKernel::Composed;
}

// q, k, v: [B, heads, T, d]; additive_mask: [B, 1, 1, T] (0 keep, large negative drop).
inline torch::Tensor composed_attention(const torch::Tensor& q, const torch::Tensor& k,
                                        const torch::Tensor& v, const torch::Tensor& additive_mask,
                                        double dropout, bool training) {
  // The mask rides in the product: q gains a column of ones and k a column
  // holding each key's mask value, so [q·scale, 1]·[k, mask]ᵀ = scale q kᵀ +
  // mask with no pass over the [B, h, T, T] scores. The concatenations are
  // the copies the batched product needs anyway (q and k are strided views).
  const int64_t batch = q.size(0), heads = q.size(1), length = q.size(2), keys = k.size(2);
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto ones = torch::ones({batch, heads, length, 1}, q.options());
  auto mask = additive_mask.reshape({batch, 1, keys, 1}).expand({batch, heads, keys, 1});
  auto scores = torch::matmul(torch::cat({q * scale, ones}, -1),
                              torch::cat({k, mask.to(k.scalar_type())}, -1).transpose(-2, -1));
  // Without autograd the scores are not needed after the softmax, so it
  // writes over them: no second [B, h, T, T] buffer (faster on the CPU).
  auto probs = torch::GradMode::is_enabled() ? torch::softmax(scores, -1)
                                             : at::_softmax_out(scores, scores, -1, false);
  if (training && dropout > 0) probs = torch::dropout(probs, dropout, true);
  return torch::matmul(probs, v);
}

inline torch::Tensor fused_attention(const torch::Tensor& q, const torch::Tensor& k,
                                     const torch::Tensor& v, const torch::Tensor& additive_mask,
                                     double dropout, bool training) {
#if UNBERT_TORCH_HAS_SDPA
  return at::scaled_dot_product_attention(q, k, v, additive_mask.to(q.dtype()),
                                          training ? dropout : 0.0);
#else
  return composed_attention(q, k, v, additive_mask, dropout, training);
#endif
}

inline torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, const torch::Tensor& additive_mask,
                               double dropout, bool training) {
  if (attention_kernel(q.device(), q.scalar_type()) == AttentionKernel::Fused)
    return fused_attention(q, k, v, additive_mask, dropout, training);
  return composed_attention(q, k, v, additive_mask, dropout, training);
}

// Autocast (mixed precision) on one device type for the lifetime of the guard:
// matrix products run in `dtype`, weights and their gradients stay fp32. The
// previous autocast state is restored on exit, so guards nest. Weight casts
// are cached while a guard lives (the parameters do not change inside one),
// so a guard around a whole scoring loop casts each weight once.
class AutocastGuard {
 public:
  AutocastGuard(const torch::Device& device, torch::ScalarType dtype, bool enabled)
      : enabled_(enabled), cuda_(device.is_cuda()) {
    if (!enabled_) return;
    previous_enabled_ = is_enabled();
    previous_dtype_ = get_dtype();
    set_dtype(dtype);
    set_enabled(true);
  }
  ~AutocastGuard() {
    if (!enabled_) return;
    set_enabled(previous_enabled_);
    set_dtype(previous_dtype_);
    if (!previous_enabled_) at::autocast::clear_cache();
  }
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
#if UNBERT_TORCH_DEVICE_AUTOCAST
  at::DeviceType type() const {
    return cuda_ ? at::kCUDA : at::kCPU;
  }
  bool is_enabled() const {
    return at::autocast::is_autocast_enabled(type());
  }
  void set_enabled(bool on) const {
    at::autocast::set_autocast_enabled(type(), on);
  }
  torch::ScalarType get_dtype() const {
    return at::autocast::get_autocast_dtype(type());
  }
  void set_dtype(torch::ScalarType dtype) const {
    at::autocast::set_autocast_dtype(type(), dtype);
  }
#else
  bool is_enabled() const {
    return cuda_ ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
  }
  void set_enabled(bool on) const {
    if (cuda_)
      at::autocast::set_enabled(on);
    else
      at::autocast::set_cpu_enabled(on);
  }
  torch::ScalarType get_dtype() const {
    return cuda_ ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
  }
  void set_dtype(torch::ScalarType dtype) const {
    if (cuda_)
      at::autocast::set_autocast_gpu_dtype(dtype);
    else
      at::autocast::set_autocast_cpu_dtype(dtype);
  }
#endif
  bool enabled_, cuda_;
  bool previous_enabled_ = false;
  torch::ScalarType previous_dtype_ = torch::kFloat32;
};

// The autocast state of both device types, taken at one moment and put back
// by an AutocastRestore: activation checkpointing recomputes a layer in
// backward as its forward ran, whatever autocast says then.
class AutocastState {
 public:
  static AutocastState current() {
    AutocastState s;
    s.cpu_ = enabled(at::kCPU);
    s.cuda_ = enabled(at::kCUDA);
    s.cpu_dtype_ = dtype(at::kCPU);
    s.cuda_dtype_ = dtype(at::kCUDA);
    return s;
  }
  // Puts this state in place (both device types, enabled and dtype).
  void set() const {
    set(at::kCPU, cpu_, cpu_dtype_);
    set(at::kCUDA, cuda_, cuda_dtype_);
  }
  bool any_enabled() const { return cpu_ || cuda_; }

 private:
#if UNBERT_TORCH_DEVICE_AUTOCAST
  static bool enabled(at::DeviceType type) {
    return at::autocast::is_autocast_enabled(type);
  }
  static torch::ScalarType dtype(at::DeviceType type) {
    return at::autocast::get_autocast_dtype(type);
  }
  static void set(at::DeviceType type, bool on, torch::ScalarType dtype) {
    at::autocast::set_autocast_enabled(type, on);
    at::autocast::set_autocast_dtype(type, dtype);
  }
#else
  static bool enabled(at::DeviceType type) {
    return type == at::kCPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
  }
  static torch::ScalarType dtype(at::DeviceType type) {
    return type == at::kCPU ? at::autocast::get_autocast_cpu_dtype()
                            : at::autocast::get_autocast_gpu_dtype();
  }
  static void set(at::DeviceType type, bool on, torch::ScalarType dtype) {
    if (type == at::kCPU) {
      at::autocast::set_cpu_enabled(on);
      at::autocast::set_autocast_cpu_dtype(dtype);
    } else {
      at::autocast::set_enabled(on);
      at::autocast::set_autocast_gpu_dtype(dtype);
    }
  }
#endif
  bool cpu_ = false, cuda_ = false;
  torch::ScalarType cpu_dtype_ = torch::kBFloat16, cuda_dtype_ = torch::kHalf;
};

// `state` in place for the lifetime of the guard, then the state before.
class AutocastRestore {
 public:
  explicit AutocastRestore(const AutocastState& state) : before_(AutocastState::current()) {
    state.set();
  }
  ~AutocastRestore() {
    before_.set();
    if (!before_.any_enabled()) at::autocast::clear_cache();  // as AutocastGuard does
  }
  AutocastRestore(const AutocastRestore&) = delete;
  AutocastRestore& operator=(const AutocastRestore&) = delete;

 private:
  AutocastState before_;
};

// No autocast weight-cast caching for the lifetime of the guard. A forward
// run without autograd (activation checkpointing) would otherwise cache casts
// without a graph, and the recompute in backward would reuse them: the
// weights would get no gradient.
class AutocastCacheOff {
 public:
  AutocastCacheOff() : before_(at::autocast::is_autocast_cache_enabled()) {
    at::autocast::set_autocast_cache_enabled(false);
  }
  ~AutocastCacheOff() { at::autocast::set_autocast_cache_enabled(before_); }
  AutocastCacheOff(const AutocastCacheOff&) = delete;
  AutocastCacheOff& operator=(const AutocastCacheOff&) = delete;

 private:
  bool before_;
};

// Autocast off on both device types for the lifetime of the guard (for a
// small product whose output must keep fp32 resolution); the state before is
// restored on exit.
class AutocastOff {
 public:
  AutocastOff() : cpu_(enabled(at::kCPU)), cuda_(enabled(at::kCUDA)) {
    set(at::kCPU, false);
    set(at::kCUDA, false);
  }
  ~AutocastOff() {
    set(at::kCPU, cpu_);
    set(at::kCUDA, cuda_);
  }
  AutocastOff(const AutocastOff&) = delete;
  AutocastOff& operator=(const AutocastOff&) = delete;

 private:
#if UNBERT_TORCH_DEVICE_AUTOCAST
  static bool enabled(at::DeviceType type) {
    return at::autocast::is_autocast_enabled(type);
  }
  static void set(at::DeviceType type, bool on) {
    at::autocast::set_autocast_enabled(type, on);
  }
#else
  static bool enabled(at::DeviceType type) {
    return type == at::kCPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
  }
  static void set(at::DeviceType type, bool on) {
    if (type == at::kCPU)
      at::autocast::set_cpu_enabled(on);
    else
      at::autocast::set_enabled(on);
  }
#endif
  bool cpu_, cuda_;
};

inline bool cuda_available() {
  return torch::cuda::is_available();
}

// Calls `ready` each time autograd has accumulated a gradient into
// `parameter`'s .grad (a post hook on its AccumulateGrad node, the way
// PyTorch's DDP reducer learns that a gradient is final). Returns the node,
// which the caller must keep: the parameter holds it only weakly.
inline std::shared_ptr<torch::autograd::Node> add_gradient_ready_hook(
    const torch::Tensor& parameter, std::function<void()> ready) {
  auto node = torch::autograd::impl::grad_accumulator(parameter);
  node->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
      [ready = std::move(ready)](const torch::autograd::variable_list& outputs,
                                 const torch::autograd::variable_list&) {
        ready();
        return outputs;
      }));
  return node;
}

}  // namespace unbert::compat

// c10d, only for the one file that talks to it (dist/process_group.cpp
// defines UNBERT_COMPAT_C10D first): a communication backend is a
// c10d::ProcessGroup in LibTorch 1.x and a c10d::Backend from 2.0 on.
#if defined(UNBERT_COMPAT_C10D) && defined(UNBERT_C10D_GLOO)
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if defined(UNBERT_C10D_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
namespace unbert::compat {
#if TORCH_VERSION_MAJOR >= 2
using C10dBackend = c10d::Backend;
#else
using C10dBackend = c10d::ProcessGroup;
#endif

// A TCPStore on the store backend this build has. From 2.4 on the options ask
// for the libuv server by default, and a LibTorch built without libuv (Debian's)
// refuses at once, before it opens any socket; the classic server is then used
// for this store and every later one. The check is in LibTorch but not exported.
inline c10::intrusive_ptr<c10d::TCPStore> make_tcp_store(const std::string& host,
                                                         c10d::TCPStoreOptions options) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  static std::atomic<bool> libuv{true};
  if (libuv.load()) {
    options.useLibUV = true;
    try {
      return c10::make_intrusive<c10d::TCPStore>(host, options);
    } catch (const c10::Error& e) {
      if (std::string(e.what()).find("without libuv support") == std::string::npos) throw;
      libuv.store(false);
    }
  }
  options.useLibUV = false;
#endif
  return c10::make_intrusive<c10d::TCPStore>(host, options);
}

// Whether `store` runs on the libuv server (for the log).
inline bool tcp_store_uses_libuv(const c10d::TCPStore& store) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  return store.isLibUvBackend();
#else
  (void)store;
  return false;
#endif
}
}  // namespace unbert::compat
#endif
