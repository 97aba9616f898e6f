#include "unbert/model/unbert.h"

#include "unbert/common/error.h"
#include "unbert/common/torch_compat.h"

namespace unbert {

UnbertImpl::UnbertImpl(const ModelShape& shape) : shape_(shape) {
  bert = register_module("bert", BertModel(shape, /*with_pooler=*/false));
  int64_t head_inputs = 0;
  if (shape.level != MatchLevel::News) head_inputs += shape.hidden_size;
  if (shape.level != MatchLevel::Word) {
    aggregator = register_module("aggregator", Aggregator(shape.aggregator, shape.hidden_size));
    news_encoder = register_module("news_encoder", BertEncoder(shape, shape.news_layers));
    head_inputs += shape.hidden_size;
  }
  head_dropout = register_module("head_dropout", torch::nn::Dropout(shape.dropout));
  click_head = register_module("click_head", torch::nn::Linear(head_inputs, 2));
}

torch::Tensor UnbertImpl::forward(const Batch& batch) {
  auto states = bert(batch.input_ids, batch.segment_ids, batch.news_segment_ids,
                     batch.attention_mask)
                    .last_hidden_state;  // [B, T, H]
  std::vector<torch::Tensor> parts;
  if (shape_.level != MatchLevel::News) parts.push_back(states.select(1, 0));  // e_word: [CLS]
  if (shape_.level != MatchLevel::Word) {
    auto news = aggregator(states, batch.news_index, batch.separator_positions, batch.news_mask);
    auto mask = additive_attention_mask(batch.news_mask, news.scalar_type());
    parts.push_back(news_encoder(news, mask).select(1, 0));  // e_news: the candidate slot
  }
  auto joined = parts.size() == 1 ? parts[0] : torch::cat(parts, -1);
  // The head in fp32 even under autocast: its two logits are the scores, and
  // bf16's 8-bit mantissa would tie candidates that fp32 tells apart.
  compat::AutocastOff fp32;
  return compat::linear(click_head, head_dropout(joined).to(click_head->weight.scalar_type()));
}

void UnbertImpl::set_activation_checkpointing(bool on) {
  bert->encoder->set_activation_checkpointing(on);
  if (news_encoder) news_encoder->set_activation_checkpointing(on);
}

void UnbertImpl::set_int8_scoring(bool on) {
  bert->encoder->set_int8(on);
  if (news_encoder) news_encoder->set_int8(on);
}

torch::Tensor UnbertImpl::click_probability(const Batch& batch) {
  return torch::softmax(forward(batch).to(torch::kFloat32), -1).select(1, 1);
}

void UnbertImpl::copy_word_level_into_news_level() {
  if (!news_encoder) return;
  if (news_encoder->size() > bert->encoder->size())
    throw ConfigError("model.news_level.layers", "copy_word_level needs at most " +
                                                     std::to_string(bert->encoder->size()) +
                                                     " layers (the word level's), got " +
                                                     std::to_string(news_encoder->size()));
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < news_encoder->size(); ++i) {
    auto source = bert->encoder->at(i)->named_parameters();
    for (auto& target : news_encoder->at(i)->named_parameters())
      target.value().copy_(source[target.key()]);
  }
}

namespace {

// Key = query (std 0.1 instead of 0.02): q.k is then largest for identical tokens.
void share_query_and_key(const BertEncoder& encoder) {
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < encoder->size(); ++i) {
    auto& self = encoder->at(i)->attention->self;
    self->query->weight.normal_(0, 0.1);
    self->key->weight.copy_(self->query->weight);
    self->key->bias.copy_(self->query->bias);
  }
}

}  // namespace

Unbert make_unbert(const ModelShape& shape, uint64_t seed, RandomInit init) {
  torch::manual_seed(seed);
  Unbert model(shape);
  init_bert_weights(*model);
  if (init == RandomInit::Matching) {
    share_query_and_key(model->bert->encoder);
    if (model->news_encoder) share_query_and_key(model->news_encoder);
  }
  return model;
}

}  // namespace unbert
