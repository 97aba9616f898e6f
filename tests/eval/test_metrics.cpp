#include <cmath>

#include <gtest/gtest.h>

#include "unbert/eval/metrics.h"

namespace unbert {
namespace {

ImpressionMetrics score(std::vector<float> s, std::vector<int8_t> y) {
  return impression_metrics(s.data(), y.data(), s.size());
}

TEST(Metrics, PerfectRanking) {
  auto m = score({0.9f, 0.8f, 0.1f}, {1, 0, 0});
  EXPECT_DOUBLE_EQ(m.auc, 1.0);
  EXPECT_DOUBLE_EQ(m.mrr, 1.0);
  EXPECT_DOUBLE_EQ(m.ndcg5, 1.0);
  EXPECT_DOUBLE_EQ(m.ndcg10, 1.0);
}

TEST(Metrics, HandWorkedImpression) {
  // Order by score: idx1 (0), idx2 (1), idx3 (0), idx0 (1).
  auto m = score({0.1f, 0.9f, 0.5f, 0.3f}, {1, 0, 1, 0});
  EXPECT_DOUBLE_EQ(m.auc, 0.25);                     // 1 of 4 pairs right
  EXPECT_DOUBLE_EQ(m.mrr, (1.0 / 2 + 1.0 / 4) / 2);  // 0.375
  double dcg = 1 / std::log2(3.0) + 1 / std::log2(5.0);
  double ideal = 1 / std::log2(2.0) + 1 / std::log2(3.0);
  EXPECT_NEAR(m.ndcg5, dcg / ideal, 1e-12);
  EXPECT_NEAR(m.ndcg5, 0.650921, 1e-6);
}

TEST(Metrics, TiesCountHalfInAucAndShareDiscounts) {
  auto m = score({0.5f, 0.5f, 0.2f}, {1, 0, 0});
  EXPECT_DOUBLE_EQ(m.auc, 0.75);
  EXPECT_DOUBLE_EQ(m.mrr, (1.0 + 0.5) / 2);  // expected 1/position over the tied pair
  EXPECT_NEAR(m.ndcg5, (1.0 + 1 / std::log2(3.0)) / 2, 1e-12);
  // The tie rule does not depend on where the click sits inside the tie.
  auto swapped = score({0.5f, 0.5f, 0.2f}, {0, 1, 0});
  EXPECT_DOUBLE_EQ(swapped.mrr, m.mrr);
  EXPECT_DOUBLE_EQ(swapped.ndcg10, m.ndcg10);
}

TEST(Metrics, AllScoresTiedIsChance) {
  auto m = score({1, 1, 1, 1}, {0, 1, 0, 0});
  EXPECT_DOUBLE_EQ(m.auc, 0.5);
  EXPECT_DOUBLE_EQ(m.mrr, (1.0 + 1.0 / 2 + 1.0 / 3 + 1.0 / 4) / 4);
}

TEST(Metrics, CutoffSeparatesNdcg5FromNdcg10) {
  auto m = score({7, 6, 5, 4, 3, 2, 1}, {0, 0, 0, 0, 0, 0, 1});
  EXPECT_DOUBLE_EQ(m.ndcg5, 0.0);
  EXPECT_NEAR(m.ndcg10, 1 / std::log2(8.0), 1e-12);
  EXPECT_DOUBLE_EQ(m.mrr, 1.0 / 7);
  EXPECT_DOUBLE_EQ(m.auc, 0.0);
}

TEST(Metrics, SingleClassImpressionHasNoAuc) {
  auto clicked = score({0.3f, 0.7f}, {1, 1});
  EXPECT_FALSE(clicked.has_auc);
  EXPECT_TRUE(clicked.has_ranking);
  EXPECT_DOUBLE_EQ(clicked.mrr, (1.0 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(clicked.ndcg10, 1.0);
  auto none = score({0.3f, 0.7f}, {0, 0});
  EXPECT_FALSE(none.has_auc);
  EXPECT_FALSE(none.has_ranking);
}

TEST(Metrics, MeanLeavesSingleClassImpressionsOutOfAuc) {
  MetricAccumulator acc;
  std::vector<float> a{0.9f, 0.1f}, b{0.1f, 0.9f}, c{0.5f, 0.4f};
  std::vector<int8_t> ya{1, 0}, yb{1, 0}, yc{1, 1};
  acc.add(a.data(), ya.data(), 2);
  acc.add(b.data(), yb.data(), 2);
  acc.add(c.data(), yc.data(), 2);
  MetricSummary s = acc.summary();
  EXPECT_EQ(s.impressions, 3u);
  EXPECT_EQ(s.single_class, 1u);
  EXPECT_EQ(s.auc_impressions, 2u);
  EXPECT_DOUBLE_EQ(s.auc, 0.5);  // (1 + 0) / 2, never counting the third as 1.0
  EXPECT_DOUBLE_EQ(s.mrr, (1.0 + 0.5 + 0.75) / 3);
  EXPECT_EQ(s.to_text().substr(0, 10), "AUC:0.5000");
}

}  // namespace
}  // namespace unbert
