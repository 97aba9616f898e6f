// One BERT encoder layer, post-LayerNorm: self-attention with an additive
// padding mask, then the feed-forward block, each with residual + LayerNorm.
// Submodule names mirror HuggingFace ("attention.self.query", ...).
#pragma once

#include <memory>

#include <torch/torch.h>

#include "unbert/model/int8_linear.h"
#include "unbert/model/model_shape.h"

namespace unbert {

struct BertSelfAttentionImpl : torch::nn::Module {
  explicit BertSelfAttentionImpl(int64_t hidden);
  torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr};
};
TORCH_MODULE(BertSelfAttention);

// A dense projection back to the residual stream, then LayerNorm.
struct BertResidualOutputImpl : torch::nn::Module {
  BertResidualOutputImpl(int64_t in, int64_t hidden, double eps, double dropout);
  // With `int8`, the dense product runs in int8 (scoring only).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& residual,
                        const Int8Linear* int8 = nullptr);
  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm layer_norm{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(BertResidualOutput);

struct BertAttentionImpl : torch::nn::Module {
  explicit BertAttentionImpl(const ModelShape& shape);
  BertSelfAttention self{nullptr};
  BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertAttention);

struct BertIntermediateImpl : torch::nn::Module {
  BertIntermediateImpl(int64_t hidden, int64_t intermediate);
  torch::nn::Linear dense{nullptr};
};
TORCH_MODULE(BertIntermediate);

class BertLayerImpl : public torch::nn::Module {
 public:
  explicit BertLayerImpl(const ModelShape& shape);
  // x: [B, T, H]; additive_mask: [B, 1, 1, T].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& additive_mask);

  // int8 products from the current weights for forwards without autograd
  // (eval.precision int8), until set_int8(false); see int8_linear.h.
  void set_int8(bool on);

  BertAttention attention{nullptr};
  BertIntermediate intermediate{nullptr};
  BertResidualOutput output{nullptr};

 private:
  struct Int8Products;
  torch::Tensor activate(torch::Tensor x) const;  // may overwrite x
  std::shared_ptr<const Int8Products> int8_;
  int64_t heads_;
  double attention_dropout_;
  Activation activation_;
};
TORCH_MODULE(BertLayer);

// [B, T] 1/0 mask -> [B, 1, 1, T] additive mask (0 keep, -10000 drop, as BERT).
torch::Tensor additive_attention_mask(const torch::Tensor& mask, torch::ScalarType dtype);

}  // namespace unbert
