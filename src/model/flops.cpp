#include "unbert/model/flops.h"

namespace unbert {
namespace {

// One BERT layer over `n` positions: q, k, v and output projections (4 H²),
// the feed-forward block (2 H I), and the n x n attention products (2 n H).
double layer_flops(const ModelShape& s, double n) {
  double h = static_cast<double>(s.hidden_size), i = static_cast<double>(s.intermediate_size);
  return 2.0 * n * (4 * h * h + 2 * h * i) + 2.0 * 2.0 * n * n * h;
}

}  // namespace

double forward_flops(const ModelShape& s, int64_t tokens, int64_t news) {
  double t = static_cast<double>(tokens), n = static_cast<double>(news);
  double h = static_cast<double>(s.hidden_size);
  double total = static_cast<double>(s.num_layers) * layer_flops(s, t);
  if (s.level != MatchLevel::Word) {
    total += static_cast<double>(s.news_layers) * layer_flops(s, n);
    if (s.aggregator == AggregatorKind::Attention) total += 2.0 * t * (h * h + h) + 2.0 * n * t * h;
    if (s.aggregator == AggregatorKind::Mean) total += 2.0 * n * t * h;
  }
  return total;
}

}  // namespace unbert
