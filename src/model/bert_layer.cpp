#include "unbert/model/bert_layer.h"

#include "unbert/common/torch_compat.h"

namespace unbert {

BertSelfAttentionImpl::BertSelfAttentionImpl(int64_t hidden) {
  query = register_module("query", torch::nn::Linear(hidden, hidden));
  key = register_module("key", torch::nn::Linear(hidden, hidden));
  value = register_module("value", torch::nn::Linear(hidden, hidden));
}

BertResidualOutputImpl::BertResidualOutputImpl(int64_t in, int64_t hidden, double eps,
                                               double dropout_p) {
  dense = register_module("dense", torch::nn::Linear(in, hidden));
  layer_norm = register_module(
      "LayerNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(eps)));
  dropout = register_module("dropout", torch::nn::Dropout(dropout_p));
}

torch::Tensor BertResidualOutputImpl::forward(const torch::Tensor& x, const torch::Tensor& residual,
                                              const Int8Linear* int8) {
  // In the weights' precision: under autocast the dense output (and, at the
  // news level, the residual) are bf16, and LayerNorm wants its statistics in fp32.
  const torch::Tensor projected = int8 ? (*int8)(x) : compat::linear(dense, x);
  return layer_norm((dropout(projected) + residual).to(layer_norm->weight.scalar_type()));
}

BertAttentionImpl::BertAttentionImpl(const ModelShape& shape) {
  self = register_module("self", BertSelfAttention(shape.hidden_size));
  output = register_module("output", BertResidualOutput(shape.hidden_size, shape.hidden_size,
                                                        shape.layer_norm_eps, shape.dropout));
}

BertIntermediateImpl::BertIntermediateImpl(int64_t hidden, int64_t intermediate) {
  dense = register_module("dense", torch::nn::Linear(hidden, intermediate));
}

BertLayerImpl::BertLayerImpl(const ModelShape& shape)
    : heads_(shape.num_heads),
      attention_dropout_(shape.attention_dropout),
      activation_(shape.activation) {
  attention = register_module("attention", BertAttention(shape));
  intermediate =
      register_module("intermediate", BertIntermediate(shape.hidden_size, shape.intermediate_size));
  output = register_module("output", BertResidualOutput(shape.intermediate_size, shape.hidden_size,
                                                        shape.layer_norm_eps, shape.dropout));
}

torch::Tensor BertLayerImpl::activate(torch::Tensor x) const {
  switch (activation_) {
    case Activation::Gelu:  // the exact erf form, as BERT; in place when autograd is off
      return torch::GradMode::is_enabled() ? torch::gelu(x) : torch::gelu_(x);
    case Activation::GeluTanh:
      return torch::gelu(x, "tanh");
    case Activation::Relu:
      return torch::relu(x);
  }
  return x;
}

struct BertLayerImpl::Int8Products {
  Int8Linear qkv, attention_output, intermediate, output;
};

void BertLayerImpl::set_int8(bool on) {
  if (!on) {
    int8_.reset();
    return;
  }
  const auto& self = attention->self;
  int8_ = std::make_shared<const Int8Products>(Int8Products{
      Int8Linear(torch::cat({self->query->weight, self->key->weight, self->value->weight}),
                 torch::cat({self->query->bias, self->key->bias, self->value->bias})),
      Int8Linear(attention->output->dense->weight, attention->output->dense->bias),
      Int8Linear(intermediate->dense->weight, intermediate->dense->bias),
      Int8Linear(output->dense->weight, output->dense->bias)});
}

torch::Tensor BertLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& additive_mask) {
  const int64_t batch = x.size(0), length = x.size(1), hidden = x.size(2);
  const auto& self = attention->self;
  const Int8Products* int8 = torch::GradMode::is_enabled() ? nullptr : int8_.get();
  // One matrix product for q, k and v: [B, T, 3H].
  auto qkv = int8
                 ? int8->qkv(x)
                 : torch::linear(
                       x, torch::cat({self->query->weight, self->key->weight, self->value->weight}),
                       torch::cat({self->query->bias, self->key->bias, self->value->bias}));
  auto heads = qkv.view({batch, length, 3, heads_, hidden / heads_}).permute({2, 0, 3, 1, 4});
  auto context = compat::attention(heads[0], heads[1], heads[2], additive_mask, attention_dropout_,
                                   is_training());
  context = context.transpose(1, 2).reshape({batch, length, hidden});
  auto attended = attention->output(context, x, int8 ? &int8->attention_output : nullptr);
  auto inner = int8 ? int8->intermediate(attended) : compat::linear(intermediate->dense, attended);
  return output(activate(inner), attended, int8 ? &int8->output : nullptr);
}

torch::Tensor additive_attention_mask(const torch::Tensor& mask, torch::ScalarType dtype) {
  return ((1.0 - mask.to(dtype)) * -10000.0).unsqueeze(1).unsqueeze(2);
}

}  // namespace unbert
