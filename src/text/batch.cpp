#include "unbert/text/batch.h"

#include <algorithm>
#include <numeric>

namespace unbert {

Batch Batch::to(const torch::Device& device) const {
  if (input_ids.device() == device) return *this;
  auto move = [&](const torch::Tensor& t) { return t.to(device, /*non_blocking=*/true); };
  return {move(input_ids),  move(segment_ids),         move(news_segment_ids), move(attention_mask),
          move(news_index), move(separator_positions), move(news_mask),        move(labels)};
}

Batch collate(const std::vector<const PackedSequence*>& sequences,
              const std::vector<int8_t>& labels, int32_t pad_id) {
  auto batch = static_cast<int64_t>(sequences.size());
  int64_t max_len = 1, max_news = 1;
  for (const auto* s : sequences) {
    max_len = std::max<int64_t>(max_len, static_cast<int64_t>(s->length()));
    max_news = std::max<int64_t>(max_news, static_cast<int64_t>(s->num_news()));
  }
  auto i64 = torch::TensorOptions().dtype(torch::kInt64);
  Batch b;
  b.input_ids = torch::full({batch, max_len}, pad_id, i64);
  b.segment_ids = torch::zeros({batch, max_len}, i64);
  b.news_segment_ids = torch::zeros({batch, max_len}, i64);
  b.attention_mask = torch::zeros({batch, max_len}, i64);
  b.news_index = torch::full({batch, max_len}, -1, i64);
  b.separator_positions = torch::zeros({batch, max_news}, i64);
  b.news_mask = torch::zeros({batch, max_news}, torch::TensorOptions().dtype(torch::kBool));
  b.labels = torch::empty({batch}, i64);
  int64_t* ids = b.input_ids.data_ptr<int64_t>();
  int64_t* segments = b.segment_ids.data_ptr<int64_t>();
  int64_t* news_segments = b.news_segment_ids.data_ptr<int64_t>();
  int64_t* mask = b.attention_mask.data_ptr<int64_t>();
  int64_t* news_index = b.news_index.data_ptr<int64_t>();
  int64_t* separators = b.separator_positions.data_ptr<int64_t>();
  bool* news_mask = b.news_mask.data_ptr<bool>();
  int64_t* out_labels = b.labels.data_ptr<int64_t>();
  for (int64_t row = 0; row < batch; ++row) {
    const PackedSequence& s = *sequences[static_cast<std::size_t>(row)];
    int64_t base = row * max_len;
    std::copy(s.token_ids.begin(), s.token_ids.end(), ids + base);
    std::copy(s.segment_ids.begin(), s.segment_ids.end(), segments + base);
    std::copy(s.news_segment_ids.begin(), s.news_segment_ids.end(), news_segments + base);
    std::fill_n(mask + base, s.length(), 1);
    std::copy(s.news_index.begin(), s.news_index.end(), news_index + base);
    std::copy(s.separator_positions.begin(), s.separator_positions.end(),
              separators + row * max_news);
    std::fill_n(news_mask + row * max_news, s.num_news(), true);
    out_labels[row] = labels[static_cast<std::size_t>(row)];
  }
  return b;
}

std::vector<std::vector<std::size_t>> length_batches(const std::vector<uint32_t>& lengths,
                                                     std::size_t batch_size, std::size_t window,
                                                     std::mt19937_64* rng) {
  std::vector<std::size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  auto by_length = [&](std::size_t a, std::size_t b) { return lengths[a] < lengths[b]; };
  if (rng) {
    std::shuffle(order.begin(), order.end(), *rng);
    std::size_t span = std::max<std::size_t>(1, window) * batch_size;
    for (std::size_t start = 0; start < order.size(); start += span) {
      auto end = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), start + span));
      std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(start), end, by_length);
    }
  } else {
    std::stable_sort(order.begin(), order.end(), by_length);
  }
  std::vector<std::vector<std::size_t>> batches;
  for (std::size_t start = 0; start < order.size(); start += batch_size)
    batches.emplace_back(
        order.begin() + static_cast<std::ptrdiff_t>(start),
        order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), start + batch_size)));
  if (rng) std::shuffle(batches.begin(), batches.end(), *rng);
  return batches;
}

}  // namespace unbert
