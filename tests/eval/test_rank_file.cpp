#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/eval/rank_file.h"

namespace unbert {
namespace {

using test::TempDir;

TEST(RankFile, ReadsTruthAndPredictionLines) {
  TempDir dir;
  // Tabs, CRLF and trailing blank lines are what the scorer's split() accepts.
  auto truth =
      read_impression_lists(dir.write("t.txt", "1 [0,1,0]\r\n 2\t[1,0]  \n\n\n"), ListKind::Labels);
  ASSERT_EQ(truth.size(), 2u);
  EXPECT_EQ(truth[1].id, "2");
  EXPECT_EQ(truth[1].line, 2u);
  EXPECT_EQ(truth[1].values, (std::vector<int64_t>{1, 0}));
  // Ids keep their spelling: the scorer compares "007" and "7" as text.
  EXPECT_EQ(read_impression_lists(dir.write("r.txt", "007 [2,1]\n"), ListKind::Ranks)[0].id, "007");
}

std::string read_error(const std::string& text, ListKind kind) {
  TempDir dir;
  std::string path = dir.write("bad.txt", text);
  try {
    read_impression_lists(path, kind);
  } catch (const DataError& e) {
    std::string what = e.what();
    return what.substr(what.find("bad.txt"));
  }
  return "no error";
}

TEST(RankFile, MalformedLinesNameTheLine) {
  auto expect_error = [](const std::string& text, ListKind kind, const std::string& part) {
    std::string error = read_error(text, kind);
    EXPECT_NE(error.find(part), std::string::npos) << "for " << text << ": " << error;
  };
  expect_error("1 [0,1]\n2 [0,2]\n", ListKind::Labels, "bad.txt:2: labels must be 0 or 1, got 2");
  expect_error("1 [0,1]\nx [0,1]\n", ListKind::Labels, "bad.txt:2: impression id 'x'");
  expect_error("1 [0,1\n", ListKind::Labels, "bad.txt:1: '[0,1' is not a list in [ ]");
  expect_error("1 [2,0]\n", ListKind::Ranks, "bad.txt:1: ranks start at 1, got 0");
  expect_error("1\n", ListKind::Ranks, "bad.txt:1: expected a line like 'impid [2,1,3]'");
  // A behaviors.tsv passed as the truth file says so.
  expect_error("1\tU1\t11/11/2019 9:05:58 AM\tN1 N2\tN3-1 N4-0\n", ListKind::Labels,
               "got 9 (this looks like a MIND behaviors.tsv: give it with --behaviors");
  // Ranks are a permutation of 1..n: [2,2,3] and [8,1,3] once scored silently.
  expect_error("1 [1,2,3]\n2 [2,2,3]\n", ListKind::Ranks,
               "bad.txt:2: rank 2 appears twice; ranks must be a permutation of 1..3");
  expect_error("1 [8,1,3]\n", ListKind::Ranks,
               "bad.txt:1: rank 8 for 3 candidates; ranks must be a permutation of 1..3");
  // A number past int64 is shown as written.
  expect_error("1 [99999999999999999999999,1]\n", ListKind::Ranks,
               "bad.txt:1: rank 99999999999999999999999 for 2 candidates");
}

// Lines MIND's evaluate.py refuses (split() into exactly two fields, then
// json.loads) are refused here too, each with its reason; once they were OK.
TEST(RankFile, RefusesWhatTheOfficialScorerRefuses) {
  auto expect_error = [](const std::string& text, const std::string& part) {
    std::string error = read_error(text, ListKind::Ranks);
    EXPECT_NE(error.find(part), std::string::npos) << "for " << text << ": " << error;
  };
  expect_error("1 [2, 1]\n",
               "bad.txt:1: expected a line like 'impid [2,1,3]': 2 fields "
               "separated by spaces, got 3 (no spaces inside the list)");
  expect_error("1 [2,1] [1]\n", "got 3");
  expect_error("1 [01,2]\n", "bad.txt:1: item '01' has a leading zero");
  expect_error("1 [+1,2]\n", "item '+1' is not a whole number");
  expect_error("1 [1.0,2]\n", "item '1.0' is not a whole number");
  expect_error("1 [1,]\n", "bad.txt:1: the list has an empty item");
  expect_error("1 [,1]\n", "the list has an empty item");
  expect_error("1 []\n", "bad.txt:1: the list is empty");
  expect_error("1 [[1]]\n", "item '[1]' is not a whole number");
  expect_error("1 (1,2)\n", "'(1,2)' is not a list in [ ]");
  expect_error("1 [1,2]\n\n2 [1]\n", "bad.txt:2: blank line before more lines");
  expect_error("1 [1,2]\n2\xc2\xa0[1]\n",
               "bad.txt:2: byte 0xc2 at column 2 is not printable ASCII");
  expect_error("1\x0b[1]\n", "byte 0x0b at column 2");
  expect_error("-1 [1]\n", "impression id '-1' is not a whole number");
}

TEST(RankFile, ScoresRanksAsReciprocalScores) {
  std::vector<ImpressionList> truth{{"1", 1, {0, 1, 0}}, {"2", 2, {1, 0}}};
  std::vector<ImpressionList> ranks{{"1", 1, {1, 2, 3}}, {"2", 2, {1, 2}}};
  MetricSummary s = score_rankings(truth, ranks, "t", "p");
  EXPECT_DOUBLE_EQ(s.auc, (0.5 + 1.0) / 2);
  EXPECT_DOUBLE_EQ(s.mrr, (0.5 + 1.0) / 2);
}

TEST(RankFile, MismatchesAreErrorsWithLineNumbers) {
  std::vector<ImpressionList> truth{{"1", 1, {0, 1}}, {"2", 2, {1, 0}}};
  try {
    score_rankings(truth, {{"1", 1, {1, 2}}, {"3", 2, {1, 2}}}, "truth.txt", "pred.txt");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "pred.txt:2: impression id '3' does not match truth.txt:2 (id '2')"),
              std::string::npos)
        << e.what();
  }
  try {
    score_rankings(truth, {{"1", 1, {1, 2, 3}}, {"2", 2, {1, 2}}}, "truth.txt", "pred.txt");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("pred.txt:1: impression 1 has 3 ranks"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(score_rankings(truth, {{"1", 1, {1, 2}}}, "t", "p"), DataError);
  // "07" is not "7" to the scorer.
  EXPECT_THROW(score_rankings(truth, {{"01", 1, {1, 2}}, {"2", 2, {1, 2}}}, "t", "p"), DataError);
}

TEST(RankFile, FormatsPredictionLinesAsRanks) {
  std::vector<float> scores{0.2f, 0.9f, 0.5f};
  EXPECT_EQ(format_prediction_line("7", scores.data(), 3), "7 [3,1,2]");
  EXPECT_EQ(format_prediction_line("007", scores.data(), 3), "007 [3,1,2]");
}

}  // namespace
}  // namespace unbert
