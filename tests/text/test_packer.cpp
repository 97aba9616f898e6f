#include <random>

#include <gtest/gtest.h>

#include "unbert/text/batch.h"
#include "unbert/text/packer.h"

namespace unbert {
namespace {

using V = std::vector<int32_t>;

class PackerTest : public ::testing::Test {
 protected:
  // News 0..5 with hand-picked token ids; news 5 has an empty title.
  PackerTest()
      : tokens_({0, 2, 3, 5, 8, 13, 13}, {10, 11, 20, 30, 31, 40, 41, 42, 50, 51, 52, 53, 54}) {
    special_.cls = 101;
    special_.sep = 102;
    special_.nsep = 1;
    special_.pad = 0;
    text_.max_title_tokens = 4;
    text_.max_history = 20;
    text_.max_seq_len = 300;
  }

  PackedSequence pack(uint32_t candidate, const std::vector<uint32_t>& history) {
    Packer packer(tokens_, special_, text_);
    PackedSequence out;
    packer.pack(candidate, Span<uint32_t>(history.data(), history.size()), &out);
    EXPECT_EQ(packer.packed_length(candidate, Span<uint32_t>(history.data(), history.size())),
              out.length());
    return out;
  }

  NewsTokens tokens_;
  SpecialTokens special_;
  TextConfig text_;
};

TEST_F(PackerTest, PacksCandidateThenClicksWithIdsTokenByToken) {
  PackedSequence s = pack(0, {1, 2});
  EXPECT_EQ(s.token_ids, (V{101, 10, 11, 102, 1, 20, 1, 30, 31, 102}));
  EXPECT_EQ(s.segment_ids, (V{0, 0, 0, 0, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(s.news_segment_ids, (V{0, 1, 1, 0, 2, 2, 3, 3, 3, 0}));
  EXPECT_EQ(s.news_index, (V{-1, 0, 0, -1, -1, 1, -1, 2, 2, -1}));
  EXPECT_EQ(s.separator_positions, (V{0, 4, 6}));
}

TEST_F(PackerTest, EmptyHistoryStillGivesAValidSequence) {
  PackedSequence s = pack(0, {});
  EXPECT_EQ(s.token_ids, (V{101, 10, 11, 102, 102}));
  EXPECT_EQ(s.segment_ids, (V{0, 0, 0, 0, 1}));
  EXPECT_EQ(s.news_segment_ids, (V{0, 1, 1, 0, 0}));
  EXPECT_EQ(s.separator_positions, (V{0}));
}

TEST_F(PackerTest, KeepsTheMostRecentClicksInClickOrder) {
  text_.max_history = 2;
  PackedSequence s = pack(1, {0, 1, 2});  // oldest first: news 0 is dropped
  EXPECT_EQ(s.token_ids, (V{101, 20, 102, 1, 20, 1, 30, 31, 102}));
  EXPECT_EQ(s.news_segment_ids, (V{0, 1, 0, 2, 2, 3, 3, 3, 0}));
}

TEST_F(PackerTest, CutsLongTitlesToMaxTitleTokens) {
  text_.max_title_tokens = 3;
  PackedSequence s = pack(4, {4});  // news 4 has 5 tokens
  EXPECT_EQ(s.token_ids, (V{101, 50, 51, 52, 102, 1, 50, 51, 52, 102}));
}

TEST_F(PackerTest, DropsOldestClicksToFitAndNeverCutsTheCandidate) {
  text_.max_seq_len = 12;                 // [CLS] 4 [SEP] + [SEP] = 7; room for 5 more
  PackedSequence s = pack(4, {3, 1, 2});  // 1+3, 1+1, 1+2 tokens: drop news 3, keep 1 and 2
  EXPECT_EQ(s.token_ids, (V{101, 50, 51, 52, 53, 102, 1, 20, 1, 30, 31, 102}));
  text_.max_seq_len = 7;  // no room for any click
  s = pack(4, {3, 1, 2});
  EXPECT_EQ(s.token_ids, (V{101, 50, 51, 52, 53, 102, 102}));
}

TEST_F(PackerTest, NewsWithEmptyTitleIsRepresentedByItsSeparator) {
  PackedSequence s = pack(5, {5});
  EXPECT_EQ(s.token_ids, (V{101, 102, 1, 102}));
  EXPECT_EQ(s.news_index, (V{0, -1, 1, -1}));
  EXPECT_EQ(s.news_segment_ids, (V{0, 0, 2, 0}));
}

TEST_F(PackerTest, NewsSegmentsCapTheHistory) {
  text_.max_history = 20;
  text_.max_news_segments = 4;  // ids 0, 1 and two clicked news
  PackedSequence s = pack(1, {0, 1, 2});
  EXPECT_EQ(s.num_news(), 3u);
  EXPECT_EQ(*std::max_element(s.news_segment_ids.begin(), s.news_segment_ids.end()), 3);
}

TEST_F(PackerTest, CollatePadsToTheLongestSequence) {
  PackedSequence a = pack(0, {1, 2}), b = pack(1, {});
  Batch batch = collate({&a, &b}, {1, 0}, /*pad_id=*/0);
  ASSERT_EQ(batch.input_ids.sizes(), (std::vector<int64_t>{2, 10}));
  EXPECT_EQ(batch.attention_mask[0].sum().item<int64_t>(), 10);
  EXPECT_EQ(batch.attention_mask[1].sum().item<int64_t>(), 4);
  EXPECT_EQ(batch.input_ids[1][4].item<int64_t>(), 0);    // padding
  EXPECT_EQ(batch.news_index[1][4].item<int64_t>(), -1);  // padding is in no news
  EXPECT_EQ(batch.separator_positions.sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_FALSE(batch.news_mask[1][1].item<bool>());
  EXPECT_EQ(batch.labels[0].item<int64_t>(), 1);
}

TEST(LengthBatches, CoverEverySampleOnceAndGroupSimilarLengths) {
  std::vector<uint32_t> lengths;
  std::mt19937 gen(3);
  for (int i = 0; i < 1000; ++i) lengths.push_back(gen() % 300);
  std::mt19937_64 rng(1);
  auto batches = length_batches(lengths, 32, 10, &rng);
  std::vector<int> seen(lengths.size(), 0);
  for (const auto& batch : batches)
    for (std::size_t i : batch) ++seen[i];
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
  auto sorted = length_batches(lengths, 32, 0, nullptr);
  for (std::size_t b = 1; b < sorted.size(); ++b)
    EXPECT_LE(lengths[sorted[b - 1].back()], lengths[sorted[b].front()]);
}

}  // namespace
}  // namespace unbert
