#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/eval/rank_file.h"

namespace unbert {
namespace {

using test::TempDir;

TEST(RankFile, ReadsTruthAndPredictionLines) {
  TempDir dir;
  auto truth =
      read_impression_lists(dir.write("t.txt", "1 [0,1,0]\n\n2 [1, 0]\n"), ListKind::Labels);
  ASSERT_EQ(truth.size(), 2u);
  EXPECT_EQ(truth[1].id, 2u);
  EXPECT_EQ(truth[1].line, 3u);
  EXPECT_EQ(truth[1].values, (std::vector<int64_t>{1, 0}));
}

TEST(RankFile, MalformedLinesNameTheLine) {
  TempDir dir;
  auto expect_error = [&](const std::string& text, ListKind kind, const std::string& part) {
    std::string path = dir.write("bad.txt", text);
    try {
      read_impression_lists(path, kind);
      FAIL() << "no error for: " << text;
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  expect_error("1 [0,1]\n2 [0,2]\n", ListKind::Labels, "bad.txt:2: labels must be 0 or 1");
  expect_error("1 [0,1]\nx [0,1]\n", ListKind::Labels, "bad.txt:2: impression id 'x'");
  expect_error("1 [0,1\n", ListKind::Labels, "bad.txt:1: expected a list");
  expect_error("1 [2,0]\n", ListKind::Ranks, "bad.txt:1: ranks start at 1");
  expect_error("1\n", ListKind::Ranks, "bad.txt:1: expected a line");
  // Ranks are a permutation of 1..n: [2,2,3] and [8,1,3] once scored silently.
  expect_error("1 [1,2,3]\n2 [2,2,3]\n", ListKind::Ranks,
               "bad.txt:2: rank 2 appears twice; ranks must be a permutation of 1..3");
  expect_error("1 [8,1,3]\n", ListKind::Ranks,
               "bad.txt:1: rank 8 for 3 candidates; ranks must be a permutation of 1..3");
}

TEST(RankFile, ScoresRanksAsReciprocalScores) {
  std::vector<ImpressionList> truth{{1, 1, {0, 1, 0}}, {2, 2, {1, 0}}};
  std::vector<ImpressionList> ranks{{1, 1, {1, 2, 3}}, {2, 2, {1, 2}}};
  MetricSummary s = score_rankings(truth, ranks, "t", "p");
  EXPECT_DOUBLE_EQ(s.auc, (0.5 + 1.0) / 2);
  EXPECT_DOUBLE_EQ(s.mrr, (0.5 + 1.0) / 2);
}

TEST(RankFile, MismatchesAreErrorsWithLineNumbers) {
  std::vector<ImpressionList> truth{{1, 1, {0, 1}}, {2, 2, {1, 0}}};
  try {
    score_rankings(truth, {{1, 1, {1, 2}}, {3, 2, {1, 2}}}, "truth.txt", "pred.txt");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("pred.txt:2: impression id 3 does not match truth.txt:2"),
              std::string::npos)
        << e.what();
  }
  try {
    score_rankings(truth, {{1, 1, {1, 2, 3}}, {2, 2, {1, 2}}}, "truth.txt", "pred.txt");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("pred.txt:1: impression 1 has 3 ranks"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(score_rankings(truth, {{1, 1, {1, 2}}}, "t", "p"), DataError);
}

TEST(RankFile, FormatsPredictionLinesAsRanks) {
  std::vector<float> scores{0.2f, 0.9f, 0.5f};
  EXPECT_EQ(format_prediction_line(7, scores.data(), 3), "7 [3,1,2]");
}

}  // namespace
}  // namespace unbert
