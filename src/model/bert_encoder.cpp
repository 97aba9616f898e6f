#include "unbert/model/bert_encoder.h"

#include "unbert/common/torch_compat.h"
#include "unbert/model/activation_checkpoint.h"

namespace unbert {

BertEncoderImpl::BertEncoderImpl(const ModelShape& shape, int64_t layers) {
  layer = register_module("layer", torch::nn::ModuleList());
  for (int64_t i = 0; i < layers; ++i) {
    layers_.emplace_back(shape);
    layer->push_back(layers_.back());
  }
}

torch::Tensor BertEncoderImpl::forward(torch::Tensor x, const torch::Tensor& additive_mask,
                                       std::vector<torch::Tensor>* hidden_states) {
  if (hidden_states) hidden_states->push_back(x);
  const bool recompute = checkpointing_ && torch::GradMode::is_enabled() && x.requires_grad();
  for (auto& one : layers_) {
    if (recompute)
      x = checkpointed(  // by value: backward calls it after this forward has returned
          [layer = one.ptr(), mask = additive_mask](const torch::Tensor& in) {
            return layer->forward(in, mask);
          },
          x);
    else
      x = one->forward(x, additive_mask);
    if (hidden_states) hidden_states->push_back(x);
  }
  return x;
}

namespace {
struct PoolerImpl : torch::nn::Module {
  explicit PoolerImpl(int64_t hidden) {
    dense = register_module("dense", torch::nn::Linear(hidden, hidden));
  }
  torch::nn::Linear dense{nullptr};
};
TORCH_MODULE(Pooler);
}  // namespace

BertModelImpl::BertModelImpl(const ModelShape& shape, bool with_pooler) {
  embeddings = register_module("embeddings", BertEmbeddings(shape));
  encoder = register_module("encoder", BertEncoder(shape, shape.num_layers));
  if (with_pooler) pooler_dense = register_module("pooler", Pooler(shape.hidden_size))->dense;
}

BertOutputs BertModelImpl::forward(const torch::Tensor& input_ids,
                                   const torch::Tensor& token_type_ids,
                                   const torch::Tensor& news_segment_ids,
                                   const torch::Tensor& attention_mask, bool keep_hidden_states) {
  BertOutputs out;
  auto x = embeddings(input_ids, token_type_ids, news_segment_ids);
  auto mask = additive_attention_mask(attention_mask, x.scalar_type());
  out.last_hidden_state = encoder(x, mask, keep_hidden_states ? &out.hidden_states : nullptr);
  if (pooler_dense)
    out.pooler_output =
        torch::tanh(compat::linear(pooler_dense, out.last_hidden_state.select(1, 0)));
  return out;
}

void init_bert_weights(torch::nn::Module& module, double stddev) {
  torch::NoGradGuard no_grad;
  for (auto& child : module.modules(/*include_self=*/true)) {
    if (auto* linear = child->as<torch::nn::Linear>()) {
      linear->weight.normal_(0, stddev);
      if (linear->bias.defined()) linear->bias.zero_();
    } else if (auto* embedding = child->as<torch::nn::Embedding>()) {
      embedding->weight.normal_(0, stddev);
    } else if (auto* norm = child->as<torch::nn::LayerNorm>()) {
      norm->weight.fill_(1.0);
      norm->bias.zero_();
    }
  }
}

}  // namespace unbert
