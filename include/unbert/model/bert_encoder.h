// A stack of BERT layers, and BertModel (embeddings + encoder + optional
// pooler): UNBERT's word-level module, loadable from HuggingFace checkpoints.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "unbert/model/bert_layer.h"
#include "unbert/model/embeddings.h"

namespace unbert {

class BertEncoderImpl : public torch::nn::Module {
 public:
  BertEncoderImpl(const ModelShape& shape, int64_t layers);
  // x: [B, T, H]; additive_mask: [B, 1, 1, T]. When `hidden_states` is given
  // it receives the input and every layer's output.
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& additive_mask,
                        std::vector<torch::Tensor>* hidden_states = nullptr);
  std::size_t size() const { return layers_.size(); }
  // Layers recompute their activations in backward (see activation_checkpoint.h).
  void set_activation_checkpointing(bool on) { checkpointing_ = on; }
  // Every layer's int8 products for scoring (see BertLayerImpl::set_int8).
  void set_int8(bool on) {
    for (auto& one : layers_) one->set_int8(on);
  }
  const BertLayer& at(std::size_t i) const { return layers_[i]; }

  torch::nn::ModuleList layer{nullptr};  // registered as "layer": keys encoder.layer.<i>.*

 private:
  std::vector<BertLayer> layers_;
  bool checkpointing_ = false;
};
TORCH_MODULE(BertEncoder);

struct BertOutputs {
  torch::Tensor last_hidden_state;           // [B, T, H]
  torch::Tensor pooler_output;               // [B, H], when the model has a pooler
  std::vector<torch::Tensor> hidden_states;  // embeddings, then each layer (when asked)
};

class BertModelImpl : public torch::nn::Module {
 public:
  BertModelImpl(const ModelShape& shape, bool with_pooler);
  // [B, T] each; news_segment_ids may be undefined; attention_mask is 1/0.
  BertOutputs forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                      const torch::Tensor& news_segment_ids, const torch::Tensor& attention_mask,
                      bool keep_hidden_states = false);

  BertEmbeddings embeddings{nullptr};
  BertEncoder encoder{nullptr};
  torch::nn::Linear pooler_dense{nullptr};  // registered as pooler.dense
};
TORCH_MODULE(BertModel);

// BERT's initialisation: N(0, 0.02) for Linear and Embedding weights, zero
// biases, LayerNorm weight 1 and bias 0.
void init_bert_weights(torch::nn::Module& module, double stddev = 0.02);

}  // namespace unbert
