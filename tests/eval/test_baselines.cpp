#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/data/behaviors.h"
#include "unbert/data/news_table.h"
#include "unbert/eval/baselines.h"
#include "unbert/eval/evaluator.h"

namespace unbert {
namespace {

class BaselinesTest : public ::testing::Test {
 protected:
  BaselinesTest() {
    std::string rows;
    for (int i = 1; i <= 5; ++i)
      rows += "N" + std::to_string(i) + "\tc\ts\tTitle " + std::to_string(i) + "\t\t\t\t\n";
    news_.load(dir_.write("news.tsv", rows), {});
    train_ = load("train.tsv",
                  "1\tU1\t11/11/2019 9:00:00 AM\t\tN1-1 N2-1 N3-0\n"
                  "2\tU2\t11/11/2019 9:00:00 AM\t\tN1-1 N3-0 N4-0\n"
                  "3\tU3\t11/11/2019 9:00:00 AM\t\tN1-0 N2-1\n");
    dev_ = load("dev.tsv",
                "7\tU1\t11/12/2019 9:00:00 AM\t\tN5-0 N2-0 N1-1\n"
                "8\tU2\t11/12/2019 9:00:00 AM\t\tN3-1 N4-0\n");
  }
  Behaviors load(const std::string& name, const std::string& text) {
    return Behaviors::load(dir_.write(name, text), news_, {}, nullptr);
  }
  test::TempDir dir_;
  NewsTable news_;
  Behaviors train_, dev_;
};

TEST_F(BaselinesTest, MostClickedScoresAreTrainClickCounts) {
  auto scores = most_clicked_scores(dev_, train_, news_.size());
  // N5 never shown, N2 clicked twice, N1 twice (once skipped); N3, N4 never clicked.
  EXPECT_EQ(scores, (std::vector<float>{0, 2, 2, 0, 0}));
  MetricSummary m = metrics_of(dev_, scores);
  EXPECT_DOUBLE_EQ(m.auc, (0.75 + 0.5) / 2);  // impression 7: N1 above N5, tied with N2
}

TEST_F(BaselinesTest, RandomScoresAreFixedBySeed) {
  auto a = random_scores(dev_, 5);
  EXPECT_EQ(a.size(), dev_.num_candidates());
  EXPECT_EQ(a, random_scores(dev_, 5));
  EXPECT_NE(a, random_scores(dev_, 6));
  for (float score : a) {
    EXPECT_GE(score, 0.0f);
    EXPECT_LT(score, 1.0f);
  }
}

}  // namespace
}  // namespace unbert
