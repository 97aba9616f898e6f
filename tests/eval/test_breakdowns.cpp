// eval --by-day and --by-category: metrics of parts of a split.
#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/data/behaviors.h"
#include "unbert/eval/evaluator.h"

namespace unbert {
namespace {

std::string news_line(const std::string& id, const std::string& category) {
  return id + "\t" + category + "\tsub\tTitle " + id + "\t\t\t[]\t[]\n";
}

struct TwoCategories {
  test::TempDir dir;
  NewsTable news;
  Behaviors behaviors;
  TwoCategories() {
    dir.write("news.tsv", news_line("N1", "sports") + news_line("N2", "sports") +
                              news_line("N3", "travel") + news_line("N4", "travel"));
    dir.write("behaviors.tsv",
              "1\tU1\t11/14/2019 9:00:00 AM\tN2\tN1-1 N2-0 N3-0 N4-1\n"
              "2\tU2\t11/15/2019 9:00:00 AM\t\tN1-0 N3-1\n");
    news.load(dir.file("news.tsv"), {});
    behaviors = Behaviors::load(dir.file("behaviors.tsv"), news, {}, nullptr);
  }
};

TEST(Breakdowns, ByCategoryRestrictsEachImpressionToTheCategorysCandidates) {
  TwoCategories data;
  const std::vector<float> scores{0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.6f};
  std::vector<bool> seen(data.news.size(), false);
  seen[*data.news.find("N1")] = true;
  const auto categories = metrics_by_category(data.behaviors, scores, data.news, seen);
  ASSERT_EQ(categories.size(), 2u);
  // sports: impression 1 ranks its click first (AUC 1, MRR 1); impression 2
  // holds one non-click there: no AUC, no MRR.
  EXPECT_EQ(categories[0].category, "sports");
  EXPECT_EQ(categories[0].metrics.impressions, 2u);
  EXPECT_EQ(categories[0].metrics.auc_impressions, 1u);
  EXPECT_DOUBLE_EQ(categories[0].metrics.auc, 1.0);
  EXPECT_DOUBLE_EQ(categories[0].metrics.mrr, 1.0);
  EXPECT_EQ(categories[0].candidates, 3u);
  EXPECT_DOUBLE_EQ(categories[0].unseen_share, 1.0 / 3.0);
  // travel: impression 1 ranks its click second (AUC 0, MRR 1/2); impression
  // 2 holds one click there: MRR 1, no AUC.
  EXPECT_EQ(categories[1].category, "travel");
  EXPECT_EQ(categories[1].metrics.auc_impressions, 1u);
  EXPECT_DOUBLE_EQ(categories[1].metrics.auc, 0.0);
  EXPECT_DOUBLE_EQ(categories[1].metrics.mrr, 0.75);
  EXPECT_DOUBLE_EQ(categories[1].unseen_share, 1.0);
}

TEST(Breakdowns, ByDayGivesEachDayItsImpressions) {
  TwoCategories data;
  const std::vector<float> scores{0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.6f};
  const std::vector<bool> seen(data.news.size(), true);
  const auto days = metrics_by_day(data.behaviors, scores, seen);
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].day, "11/14/2019");
  EXPECT_DOUBLE_EQ(days[0].metrics.auc, 0.75);  // 3 of the 4 click/non-click pairs in order
  EXPECT_DOUBLE_EQ(days[1].metrics.auc, 1.0);
  EXPECT_DOUBLE_EQ(days[1].unseen_share, 0.0);
}

}  // namespace
}  // namespace unbert
