// Word-level input embeddings: token + segment (token type) + news segment
// (+ position when enabled), then LayerNorm and dropout. Module names mirror
// HuggingFace's keys ("embeddings.word_embeddings.weight", ...).
#pragma once

#include <torch/torch.h>

#include "unbert/model/model_shape.h"

namespace unbert {

class BertEmbeddingsImpl : public torch::nn::Module {
 public:
  explicit BertEmbeddingsImpl(const ModelShape& shape);

  // input_ids, token_type_ids: [B, T]; news_segment_ids: [B, T] or undefined.
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                        const torch::Tensor& news_segment_ids);

  torch::nn::Embedding word_embeddings{nullptr};
  torch::nn::Embedding position_embeddings{nullptr};  // only with use_position_embeddings
  torch::nn::Embedding token_type_embeddings{nullptr};
  torch::nn::Embedding news_segment_embeddings{nullptr};  // UNBERT's, absent from BERT checkpoints
  torch::nn::LayerNorm layer_norm{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(BertEmbeddings);

}  // namespace unbert
