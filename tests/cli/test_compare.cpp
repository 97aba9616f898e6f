// unbert compare through the command line: eval's impressions.tsv, runs
// grouped by seed, identical runs, and the inputs it refuses.
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pipeline_fixture.h"
#include "test_util.h"
#include "unbert/common/fs.h"
#include "unbert/eval/impression_table.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;
using test::Pipeline;
using test::run_unbert;

TEST_F(Pipeline, EvalWritesARowPerImpressionThatAveragesToItsTotals) {
  ASSERT_EQ(run_unbert("--threads 1 train --config tiny.json", dir_.path()).exit_code, 0);
  auto eval = run_unbert("--threads 1 eval --split dev --json", dir_.path());
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const auto totals = nlohmann::json::parse(eval.out);
  const auto rows = read_impression_table(dir_.file("runs/tiny/eval/dev/impressions.tsv"));
  ASSERT_EQ(rows.size(), totals.at("impressions").get<std::size_t>());
  double auc = 0, ndcg10 = 0;
  std::size_t with_auc = 0, with_ranking = 0;
  for (const ImpressionRow& r : rows) {
    if (!std::isnan(r.auc)) auc += r.auc, ++with_auc;
    if (!std::isnan(r.ndcg10)) ndcg10 += r.ndcg10, ++with_ranking;
    EXPECT_GE(r.unseen_share, 0.0);  // the train split was read: defined everywhere
    EXPECT_LE(r.unseen_share, 1.0);
    EXPECT_GE(r.candidates, 1u);
  }
  EXPECT_NEAR(auc / with_auc, totals.at("auc").get<double>(), 1e-12);
  EXPECT_NEAR(ndcg10 / with_ranking, totals.at("ndcg@10").get<double>(), 1e-12);
}

TEST_F(Pipeline, CompareGroupsSeedsAndFindsNoDifferenceBetweenIdenticalRuns) {
  for (const char* seed : {"1", "2"}) {
    const std::string run = std::string("runs/s") + seed;
    ASSERT_EQ(run_unbert(std::string("--threads 1 train --config tiny.json --run-dir ") + run +
                             " --set train.seed=" + seed,
                         dir_.path())
                  .exit_code,
              0);
    ASSERT_EQ(run_unbert("--threads 1 eval --run-dir " + run, dir_.path()).exit_code, 0);
  }
  auto same = run_unbert("compare runs/s1 runs/s1/eval/dev --json --no-group", dir_.path());
  ASSERT_EQ(same.exit_code, 0) << same.err;
  const auto j = nlohmann::json::parse(same.out);
  ASSERT_EQ(j.at("rows").size(), 2u);
  for (const char* metric : {"AUC", "MRR", "nDCG@5", "nDCG@10"}) {
    const auto& d = j["rows"][1]["metrics"][metric]["difference"];
    EXPECT_EQ(d.at("mean").get<double>(), 0.0) << metric;
    EXPECT_EQ(d.at("low").get<double>(), 0.0) << metric;
    EXPECT_EQ(d.at("p_value").get<double>(), 1.0) << metric;
  }
  auto grouped = run_unbert("compare runs/s1 runs/s2", dir_.path());
  ASSERT_EQ(grouped.exit_code, 0) << grouped.err;
  EXPECT_NE(grouped.out.find("\nruns/s*  1,2 "), std::string::npos) << grouped.out;
  EXPECT_NE(grouped.out.find(" ± "), std::string::npos) << grouped.out;
  auto apart = run_unbert("compare runs/s1 runs/s2 --no-group --csv", dir_.path());
  ASSERT_EQ(apart.exit_code, 0) << apart.err;
  EXPECT_NE(apart.out.find("\nruns/s2,2,AUC,"), std::string::npos) << apart.out;
  EXPECT_NE(apart.out.find(",\"sign-flip permutation, exact\"\n"), std::string::npos) << apart.out;
}

TEST_F(Pipeline, CompareRefusesOtherSplitsAndRunsWithoutResults) {
  ASSERT_EQ(run_unbert("--threads 1 train --config tiny.json", dir_.path()).exit_code, 0);
  ASSERT_EQ(run_unbert("--threads 1 eval --split dev", dir_.path()).exit_code, 0);
  ASSERT_EQ(run_unbert("--threads 1 eval --split train --out on_train", dir_.path()).exit_code, 0);
  auto mixed = run_unbert("compare runs/tiny on_train", dir_.path());
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_NE(mixed.err.find("on_train was scored on data/train/behaviors.tsv ("), std::string::npos)
      << mixed.err;
  EXPECT_NE(mixed.err.find(": compare runs scored on the same split"), std::string::npos)
      << mixed.err;
  auto no_results = run_unbert("compare runs/tiny --split test", dir_.path());
  EXPECT_EQ(no_results.exit_code, 2);
  EXPECT_NE(no_results.err.find("runs/tiny: this run has no runs/tiny/eval/test/impressions.tsv "
                                "yet; run 'unbert eval --run-dir runs/tiny --split test' first"),
            std::string::npos)
      << no_results.err;
  auto nothing = run_unbert("compare data", dir_.path());
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("data: neither a run folder nor an eval folder"), std::string::npos)
      << nothing.err;
  // Results of weights best/ no longer holds (the run trained on after eval).
  const std::string metrics = read_text_file(dir_.file("runs/tiny/eval/dev/metrics.json"));
  auto report = nlohmann::json::parse(metrics);
  ASSERT_TRUE(report["weights"]["hash"].is_string());
  report["weights"]["hash"] = "0123456789abcdef";
  dir_.write("runs/tiny/eval/dev/metrics.json", report.dump());
  auto stale = run_unbert("compare runs/tiny", dir_.path());
  EXPECT_EQ(stale.exit_code, 2);
  EXPECT_NE(stale.err.find("runs/tiny/eval/dev: these results are of earlier weights than "
                           "runs/tiny/best holds now"),
            std::string::npos)
      << stale.err;
  dir_.write("runs/tiny/eval/dev/metrics.json", metrics);
  dir_.write("runs/tiny/eval/dev/impressions.tsv", "impression_id\tday\n");
  auto damaged = run_unbert("compare runs/tiny", dir_.path());
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_NE(damaged.err.find("impressions.tsv:1: not an impressions.tsv"), std::string::npos)
      << damaged.err;
  // An eval that fails midway leaves no metrics.json describing other files.
  fs::remove(dir_.file("runs/tiny/eval/dev/impressions.tsv"));
  dir_.write("runs/tiny/eval/dev/impressions.tsv/blocked", "");
  EXPECT_EQ(run_unbert("--threads 1 eval --split dev", dir_.path()).exit_code, 1);
  EXPECT_FALSE(fs::exists(dir_.file("runs/tiny/eval/dev/metrics.json")));
}

}  // namespace
}  // namespace unbert
