// unbert demo end to end: generated data -> SentencePiece -> a small UNBERT
// trained from scratch -> dev metrics beside the baselines -> test predictions.
// This is also the pipeline's learning test: the model must clearly beat random.
#include <filesystem>
#include <map>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"
#include "unbert/common/fs.h"

namespace unbert {
namespace {

using test::run_unbert;

// The AUC column of the demo's table row that starts with `name`.
double table_auc(const std::string& out, const std::string& name) {
  std::smatch match;
  if (!std::regex_search(out, match, std::regex("\n  " + name + " +([0-9.]+)"))) return -1;
  return std::stod(match[1]);
}

TEST(Demo, RefusesAFolderThatHoldsFiles) {
  test::TempDir dir;
  std::string mine = dir.write("out/mine.txt", "keep me\n");
  auto demo = run_unbert("demo --out out", dir.path());
  EXPECT_EQ(demo.exit_code, 2);
  EXPECT_NE(demo.err.find("out already exists and is not an empty folder"), std::string::npos)
      << demo.err;
  EXPECT_EQ(read_text_file(mine), "keep me\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("out")), {}), 1);
}

TEST(Demo, BadConfigFailsBeforeWritingAnything) {
  test::TempDir dir;
  auto typo = run_unbert("demo --out out --set train.lrr=1", dir.path());
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("train.lr"), std::string::npos) << typo.err;  // did you mean
  auto range = run_unbert("demo --out out --set model.hidden_size=0", dir.path());
  EXPECT_EQ(range.exit_code, 2);
  EXPECT_NE(range.err.find("model.hidden_size"), std::string::npos) << range.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out")));
}

// Shortened: half the users over two epochs (the same number of steps as the
// full demo, half the scoring), no evaluation during training. One thread: the
// tiny model hardly gains from two, and the rest of the suite runs beside it.
// About 3 minutes on 2 cores: CTest runs it once, first (tests/CMakeLists.txt
// sets UNBERT_SLOW_TESTS=1 for it); elsewhere it is skipped unless that is set.
TEST(Demo, LearnsTheGeneratedDataAndBeatsBothBaselines) {
  if (!test::slow_tests_enabled()) GTEST_SKIP() << "slow: set UNBERT_SLOW_TESTS=1";
  test::TempDir dir;
  auto demo = run_unbert(
      "--threads 1 demo --out d --users 1000 --no-plot --set train.epochs=2 --set "
      "train.eval_every=0",
      dir.path());
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  double model = table_auc(demo.out, "UNBERT \\(this run\\)");
  double popular = table_auc(demo.out, "most clicked in train");
  double random = table_auc(demo.out, "random");
  EXPECT_GT(model, 0.6) << demo.out;
  EXPECT_GT(model, popular + 0.1) << demo.out;
  EXPECT_GT(model, random + 0.1) << demo.out;
  EXPECT_NEAR(random, 0.5, 0.05);
  EXPECT_TRUE(std::filesystem::exists(dir.file("d/runs/demo/predict/test/prediction.zip")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("d/demo.json")));
  // The comparison as printed is kept in the run (it was printed only).
  const std::string saved = read_text_file(dir.file("d/runs/demo/demo_comparison.txt"));
  EXPECT_NE(demo.out.find(saved), std::string::npos) << saved;
  auto rows = nlohmann::json::parse(read_text_file(dir.file("d/runs/demo/demo_comparison.json")));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_NEAR(rows[0].at("auc").get<double>(), model, 1e-4);
  EXPECT_FALSE(std::filesystem::exists(dir.file("runs")));  // nothing outside --out
  // The manifest says what made the run (it was empty for the demo).
  auto manifest = nlohmann::json::parse(read_text_file(dir.file("d/runs/demo/manifest.json")));
  EXPECT_NE(manifest["sessions"][0]["command_line"].get<std::string>().find("demo --out d"),
            std::string::npos)
      << manifest["sessions"][0];

  // A dev prediction scored by `unbert score` gives the numbers eval wrote, up
  // to ties: generated titles repeat, equal inputs score equal, and eval
  // averages over the orders of a tie where a rank file must pick one.
  auto predict = run_unbert("predict --split dev --run-dir d/runs/demo", dir.path());
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  auto score = run_unbert(
      "score --json --behaviors d/data/dev/behaviors.tsv --prediction "
      "d/runs/demo/predict/dev/prediction.txt",
      dir.path());
  ASSERT_EQ(score.exit_code, 0) << score.err;
  auto scored = nlohmann::json::parse(score.out);
  auto evaluated =
      nlohmann::json::parse(read_text_file(dir.file("d/runs/demo/eval/dev/metrics.json")));
  for (const char* key : {"auc", "mrr", "ndcg@5", "ndcg@10"})
    EXPECT_NEAR(scored[key].get<double>(), evaluated[key].get<double>(), 1e-3) << key;
  EXPECT_NEAR(evaluated["auc"].get<double>(), model, 1e-4);

  // int8 scoring keeps the accuracy: dev AUC within 0.002 of fp32's.
  std::map<std::string, nlohmann::json> by_precision;
  for (const char* precision : {"fp32", "int8"}) {
    auto eval = run_unbert(std::string("--threads 2 eval --run-dir d/runs/demo --json --set "
                                       "eval.precision=") +
                               precision + " --out d/eval_" + precision,
                           dir.path());
    ASSERT_EQ(eval.exit_code, 0) << eval.err;
    by_precision[precision] = nlohmann::json::parse(eval.out);
    EXPECT_EQ(by_precision[precision]["precision"], precision);
  }
  EXPECT_NEAR(by_precision["int8"]["auc"].get<double>(), by_precision["fp32"]["auc"].get<double>(),
              0.002);
}

}  // namespace
}  // namespace unbert
