// Packed sequences collated into tensors, padded to the longest sequence of
// the batch (not to text.max_seq_len); every index tensor is built here, once.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include <torch/torch.h>

#include "unbert/text/packer.h"

namespace unbert {

struct Batch {
  torch::Tensor input_ids;            // [B, T] int64, padded with [PAD]
  torch::Tensor segment_ids;          // [B, T] int64
  torch::Tensor news_segment_ids;     // [B, T] int64
  torch::Tensor attention_mask;       // [B, T] int64, 1 real token, 0 padding
  torch::Tensor news_index;           // [B, T] int64, news slot of each word, -1 none
  torch::Tensor separator_positions;  // [B, N] int64, [CLS]/[NSEP] position per news slot
  torch::Tensor news_mask;            // [B, N] bool, slot holds a news
  torch::Tensor labels;               // [B] int64, 1/0, or -1 when unlabeled

  int64_t size() const { return input_ids.size(0); }
  Batch to(const torch::Device& device) const;
};

// `labels` has one entry per sequence.
Batch collate(const std::vector<const PackedSequence*>& sequences,
              const std::vector<int8_t>& labels, int32_t pad_id);

// Splits sample indices into batches. With `rng`, samples are shuffled, then
// sorted by length inside windows of `window` batches (length bucketing: less
// padding) and the batches shuffled; without it, all are sorted by length.
std::vector<std::vector<std::size_t>> length_batches(const std::vector<uint32_t>& lengths,
                                                     std::size_t batch_size, std::size_t window,
                                                     std::mt19937_64* rng);

}  // namespace unbert
