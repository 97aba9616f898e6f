// Word-level token states -> one vector per news (the candidate and each
// clicked news), vectorised over the batch (paper section 3.3, Table 4):
//   nseg      the [CLS] state for the candidate, the [NSEP] state in front of
//             each clicked news (the paper's Eq. 6; the authors' released code
//             gathers the first 3 + n positions instead);
//   mean      the mean over the news' word tokens (Eq. 7);
//   attention f = tanh(w W_h + b_h) W_o + b_o per token, softmax-normalised
//             within each news (Eq. 9's plain division is unstable), then the
//             weighted sum (Eq. 8-9).
// Padding and tokens of other news never contribute to a vector.
#pragma once

#include <torch/torch.h>

#include "unbert/config/enums.h"

namespace unbert {

class AggregatorImpl : public torch::nn::Module {
 public:
  AggregatorImpl(AggregatorKind kind, int64_t hidden);

  // states: [B, T, H]; news_index: [B, T] (slot of each word, -1 none);
  // separator_positions, news_mask: [B, N]. Returns [B, N, H], zero where
  // news_mask is false.
  torch::Tensor forward(const torch::Tensor& states, const torch::Tensor& news_index,
                        const torch::Tensor& separator_positions, const torch::Tensor& news_mask);

  // The attention aggregator's weights [B, N, T] (rows sum to 1 on real news).
  torch::Tensor attention_weights(const torch::Tensor& states, const torch::Tensor& membership);
  // [B, N, T] 1 where token t is a word of news n.
  static torch::Tensor membership(const torch::Tensor& news_index, int64_t num_news,
                                  torch::ScalarType dtype);

  AggregatorKind kind() const { return kind_; }

 private:
  AggregatorKind kind_;
  torch::nn::Linear dense{nullptr};  // W_h, b_h
  torch::nn::Linear score{nullptr};  // W_o, b_o
};
TORCH_MODULE(Aggregator);

}  // namespace unbert
