#include "unbert/model/aggregator.h"

#include "unbert/common/torch_compat.h"

namespace unbert {

AggregatorImpl::AggregatorImpl(AggregatorKind kind, int64_t hidden) : kind_(kind) {
  if (kind == AggregatorKind::Attention) {
    dense = register_module("dense", torch::nn::Linear(hidden, hidden));
    score = register_module("score", torch::nn::Linear(hidden, 1));
  }
}

torch::Tensor AggregatorImpl::membership(const torch::Tensor& news_index, int64_t num_news,
                                         torch::ScalarType dtype) {
  auto slots = torch::arange(num_news, news_index.options()).view({1, num_news, 1});
  return news_index.unsqueeze(1).eq(slots).to(dtype);
}

torch::Tensor AggregatorImpl::attention_weights(const torch::Tensor& states,
                                                const torch::Tensor& member) {
  auto logits =
      compat::linear(score, torch::tanh(compat::linear(dense, states))).squeeze(-1);  // [B, T]
  auto inside = member.to(torch::kBool);
  // Softmax within each news; a news without words gets all-zero weights.
  auto masked = logits.unsqueeze(1).masked_fill(inside.logical_not(), -1e9);
  auto weights = torch::softmax(masked.to(torch::kFloat32), -1).to(states.scalar_type());
  return weights * member;
}

torch::Tensor AggregatorImpl::forward(const torch::Tensor& states, const torch::Tensor& news_index,
                                      const torch::Tensor& separator_positions,
                                      const torch::Tensor& news_mask) {
  const int64_t num_news = separator_positions.size(1);
  torch::Tensor vectors;
  if (kind_ == AggregatorKind::Nseg) {
    auto index = separator_positions.unsqueeze(-1).expand({-1, -1, states.size(2)});
    vectors = states.gather(1, index);
  } else {
    auto member = membership(news_index, num_news, states.scalar_type());  // [B, N, T]
    if (kind_ == AggregatorKind::Mean) {
      auto counts = member.sum(-1, /*keepdim=*/true).clamp_min(1.0);
      vectors = torch::bmm(member / counts, states);
    } else {
      vectors = torch::bmm(attention_weights(states, member), states);
    }
  }
  return vectors * news_mask.unsqueeze(-1).to(vectors.scalar_type());
}

}  // namespace unbert
