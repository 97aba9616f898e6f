// eval.precision int8: scoring with the transformer layers' products in int8,
// as CTranslate2 does on CPUs. Weights are quantized once per scoring run,
// symmetric per output channel; activations per call from their own range
// (dynamic quantization), and the products accumulate in int32 and come back
// as fp32. Attention scores, softmax, LayerNorm and the click head stay fp32.
// Training never uses it.
#pragma once

#include <string>

#include <torch/torch.h>

namespace unbert {

// The quantized engine this LibTorch and CPU offer ("onednn", "fbgemm",
// "x86"), or "" when there is none (int8 scoring is then refused).
std::string int8_engine();

// One product x Wᵀ + b with W in int8, packed for the engine.
class Int8Linear {
 public:
  Int8Linear(const torch::Tensor& weight, const torch::Tensor& bias);
  torch::Tensor operator()(const torch::Tensor& x) const;  // [..., in] fp32 -> [..., out] fp32

 private:
  c10::IValue packed_;
  int64_t out_features_;
};

}  // namespace unbert
