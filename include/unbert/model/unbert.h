// UNBERT (Zhang et al., IJCAI-21): a word-level BERT over the packed
// (candidate, clicked news) sequence, an aggregator to one vector per news,
// a news-level transformer stack, and a click head on [e_word ; e_news].
#pragma once

#include <torch/torch.h>

#include "unbert/model/aggregator.h"
#include "unbert/model/bert_encoder.h"
#include "unbert/model/model_shape.h"
#include "unbert/text/batch.h"

namespace unbert {

class UnbertImpl : public torch::nn::Module {
 public:
  explicit UnbertImpl(const ModelShape& shape);

  // Click logits [B, 2]; softmax(...)[:, 1] is the click probability.
  torch::Tensor forward(const Batch& batch);
  // Click probabilities [B].
  torch::Tensor click_probability(const Batch& batch);

  // news_level.init = copy_word_level: the news layers start as copies of the
  // first word-level layers.
  void copy_word_level_into_news_level();

  // Both transformer stacks recompute activations in backward (less memory,
  // about one more forward of time per step).
  void set_activation_checkpointing(bool on);
  // Both stacks' layers score with int8 products (eval.precision int8) from
  // the weights as they are now, until set_int8_scoring(false).
  void set_int8_scoring(bool on);

  const ModelShape& shape() const { return shape_; }

  BertModel bert{nullptr};            // word level; keys "bert.*" as in HF
  Aggregator aggregator{nullptr};     // only for the news level
  BertEncoder news_encoder{nullptr};  // news level
  torch::nn::Dropout head_dropout{nullptr};
  torch::nn::Linear click_head{nullptr};

 private:
  ModelShape shape_;
};
TORCH_MODULE(Unbert);

// int8 products in `model`'s layers while alive (eval.precision int8),
// packed once from the weights as they are; nothing when `on` is false.
class Int8Scoring {
 public:
  Int8Scoring(Unbert model, bool on) : model_(on ? std::move(model) : Unbert(nullptr)) {
    if (model_) model_->set_int8_scoring(true);
  }
  ~Int8Scoring() {
    if (model_) model_->set_int8_scoring(false);
  }
  Int8Scoring(const Int8Scoring&) = delete;
  Int8Scoring& operator=(const Int8Scoring&) = delete;

 private:
  Unbert model_;
};

// A freshly initialised model with a fixed seed (see RandomInit).
Unbert make_unbert(const ModelShape& shape, uint64_t seed, RandomInit init = RandomInit::Bert);

}  // namespace unbert
