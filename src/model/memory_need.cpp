#include "unbert/model/memory_need.h"

namespace unbert {
namespace {

// Floats one layer keeps per sample over `n` positions: about ten hidden-wide
// tensors (q, k, v, context, projections, norms, residuals), two of the
// feed-forward width, and the attention scores with their softmax and
// dropout mask.
double layer_floats(const ModelShape& s, double n) {
  const double h = static_cast<double>(s.hidden_size), i = static_cast<double>(s.intermediate_size);
  return n * (10 * h + 2 * i) + 3 * static_cast<double>(s.num_heads) * n * n;
}

double activation_bytes(const ModelShape& s, double samples, double tokens, double news,
                        double word_layers, double news_layers) {
  double floats = word_layers * layer_floats(s, tokens);
  if (s.level != MatchLevel::Word) floats += news_layers * layer_floats(s, news);
  return 4 * samples * floats;
}

}  // namespace

uint64_t training_memory(const ModelShape& s, int64_t parameters, int64_t micro_batch,
                         int64_t tokens, int64_t news) {
  const double optimizer = 3.0 * 4 * static_cast<double>(parameters);  // gradients, two moments
  return static_cast<uint64_t>(
      optimizer + activation_bytes(s, static_cast<double>(micro_batch), static_cast<double>(tokens),
                                   static_cast<double>(news), static_cast<double>(s.num_layers),
                                   static_cast<double>(s.news_layers)));
}

uint64_t scoring_memory(const ModelShape& s, int64_t batch, int64_t tokens, int64_t news) {
  // One layer's activations live at a time, and the next one's while it is computed.
  return static_cast<uint64_t>(activation_bytes(
      s, static_cast<double>(batch), static_cast<double>(tokens), static_cast<double>(news), 2, 2));
}

}  // namespace unbert
