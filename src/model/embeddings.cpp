#include "unbert/model/embeddings.h"

namespace unbert {

BertEmbeddingsImpl::BertEmbeddingsImpl(const ModelShape& shape) {
  const int64_t h = shape.hidden_size;
  word_embeddings = register_module("word_embeddings", torch::nn::Embedding(shape.vocab_size, h));
  if (shape.use_position_embeddings)
    position_embeddings = register_module("position_embeddings",
                                          torch::nn::Embedding(shape.max_position_embeddings, h));
  token_type_embeddings =
      register_module("token_type_embeddings", torch::nn::Embedding(shape.type_vocab_size, h));
  if (shape.max_news_segments > 0)
    news_segment_embeddings = register_module("news_segment_embeddings",
                                              torch::nn::Embedding(shape.max_news_segments, h));
  layer_norm = register_module(
      "LayerNorm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({h}).eps(shape.layer_norm_eps)));
  dropout = register_module("dropout", torch::nn::Dropout(shape.dropout));
}

torch::Tensor BertEmbeddingsImpl::forward(const torch::Tensor& input_ids,
                                          const torch::Tensor& token_type_ids,
                                          const torch::Tensor& news_segment_ids) {
  auto x = word_embeddings(input_ids) + token_type_embeddings(token_type_ids);
  if (position_embeddings) {
    auto positions = torch::arange(input_ids.size(1), input_ids.options());
    x = x + position_embeddings(positions).unsqueeze(0);
  }
  if (news_segment_embeddings && news_segment_ids.defined())
    x = x + news_segment_embeddings(news_segment_ids);
  return dropout(layer_norm(x));
}

}  // namespace unbert
