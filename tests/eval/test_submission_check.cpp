// The leaderboard's rules, checked before an upload: `unbert score --check`
// and predict's own check before it writes.
#include <zip.h>

#include <string>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/eval/submission.h"
#include "unbert/eval/submission_check.h"

namespace unbert {
namespace {

using test::error_of;

constexpr const char* kBehaviors =
    "7\tU1\t11/15/2019 10:22:32 AM\tN1\tN1 N2 N3\n"
    "9\tU2\t11/15/2019 11:00:00 AM\t\tN2 N3\n";

std::string zip_of(const test::TempDir& dir, const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& members) {
  return test::write_zip(dir.file(name), members);
}

TEST(SubmissionCheck, AcceptsWhatTheLeaderboardAccepts) {
  test::TempDir dir;
  const std::string behaviors = dir.write("behaviors.tsv", kBehaviors);
  const std::string text = "7 [2,1,3]\n9 [1,2]\n";
  SubmissionSummary s = check_submission(dir.write("prediction.txt", text), behaviors);
  EXPECT_EQ(s.impressions, 2u);
  EXPECT_EQ(s.candidates, 5u);
  EXPECT_FALSE(s.zip);
  s = check_submission(zip_of(dir, "prediction.zip", {{"prediction.txt", text}}), behaviors);
  EXPECT_TRUE(s.zip);
  EXPECT_EQ(check_submission(dir.file("prediction.txt")).impressions, 2u);  // format alone
}

TEST(SubmissionCheck, NamesWhatTheLeaderboardWouldReject) {
  test::TempDir dir;
  const std::string behaviors = dir.write("behaviors.tsv", kBehaviors);
  auto problem = [&](const std::string& text) {
    return error_of([&] { check_submission(dir.write("p.txt", text), behaviors); });
  };
  EXPECT_NE(problem("7 [2,1,3]\n")
                .find("ends after 1 impressions; " + behaviors +
                      " has 2 (impression 9 at line 2 is the first missing)"),
            std::string::npos);
  EXPECT_NE(problem("9 [1,2]\n7 [2,1,3]\n").find("p.txt:1: impression id '9' does not match"),
            std::string::npos);
  EXPECT_NE(problem("7 [2,1]\n9 [1,2]\n").find("has 2 ranks but"), std::string::npos);
  EXPECT_NE(problem("7 [2,2,3]\n9 [1,2]\n").find("rank 2 appears twice"), std::string::npos);
  EXPECT_NE(problem("7 [2,1,3]\n9 [1,2]\n10 [1]\n").find("more impressions than"),
            std::string::npos);
  EXPECT_NE(problem("").find("holds no prediction lines"), std::string::npos);
  // Once OK here, refused by the official scorer: a space in the list, an id
  // spelled otherwise, a blank line between lines.
  EXPECT_NE(problem("7 [2, 1, 3]\n9 [1,2]\n").find("p.txt:1: expected a line like"),
            std::string::npos);
  EXPECT_NE(problem("07 [2,1,3]\n9 [1,2]\n").find("impression id '07' does not match"),
            std::string::npos);
  EXPECT_NE(problem("7 [2,1,3]\n\n9 [1,2]\n").find("p.txt:2: blank line before more lines"),
            std::string::npos);
  const std::string twice =
      dir.write("twice.tsv", std::string(kBehaviors) + "7\tU3\t11/15/2019 11:00:00 AM\t\tN1\n");
  EXPECT_NE(error_of([&] {
              check_submission(dir.write("p.txt", "7 [2,1,3]\n9 [1,2]\n"), twice);
            }).find("twice.tsv:3: impression id '7' already appears at line 1"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] {
        check_submission(zip_of(dir, "nested.zip", {{"out/prediction.txt", "7 [1,2,3]\n"}}));
      }).find("holds out/prediction.txt; the leaderboard wants prediction.txt at the zip's root"),
      std::string::npos);
  EXPECT_NE(error_of([&] {
              check_submission(
                  zip_of(dir, "two.zip", {{"prediction.txt", "7 [1,2,3]\n"}, {"notes.txt", "x"}}));
            }).find("holds prediction.txt, notes.txt"),
            std::string::npos);
  dir.write("bad.zip", std::string("PK\x03\x04", 4) + "garbage");
  EXPECT_NE(error_of([&] { check_submission(dir.file("bad.zip")); }).find("not a readable zip"),
            std::string::npos);
}

TEST(SubmissionCheck, PredictWritesOnlyCheckedFiles) {
  test::TempDir dir;
  NewsTable news;
  LoadOptions options;
  options.add_unknown_news = true;
  Behaviors behaviors =
      Behaviors::load(dir.write("behaviors.tsv", kBehaviors), news, options, nullptr);
  SubmissionFiles files =
      write_submission(behaviors, {0.1f, 0.9f, 0.5f, 0.2f, 0.3f}, dir.file("out"));
  EXPECT_EQ(check_submission(files.zip, dir.file("behaviors.tsv")).candidates, 5u);
  // A score vector that misses candidates is named, and nothing is written.
  EXPECT_NE(error_of([&] { write_submission(behaviors, {}, dir.file("short")); }), "");
}

TEST(Cli, ScoreCheckSaysOkOrNamesTheProblem) {
  test::TempDir dir;
  dir.write("behaviors.tsv", kBehaviors);
  dir.write("good.txt", "7 [2,1,3]\n9 [1,2]\n");
  dir.write("bad.txt", "7 [2,1,3]\n");
  auto good = test::run_unbert("score --check good.txt --behaviors behaviors.tsv", dir.path());
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(good.out, "good.txt: OK, 2 impressions, 5 candidates ranked, matching behaviors.tsv\n");
  auto bad = test::run_unbert("score --check bad.txt --behaviors behaviors.tsv", dir.path());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.txt: ends after 1 impressions"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace unbert
