// train -> eval -> predict -> score through the command line, on generated
// MIND data and a tiny model.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <zip.h>
#include <nlohmann/json.hpp>

#include "pipeline_fixture.h"
#include "test_util.h"
#include "unbert/common/fs.h"
#include "unbert/train/run_dir.h"

namespace unbert {
namespace {

using test::run_unbert;

using test::Pipeline;

// A second plain `train --config X` gets runs/X-2 (Lightning's version_N
// habit); --run-dir of an existing run is refused. Either way nothing is
// overwritten.
TEST_F(Pipeline, RefusesToOverwriteAnExistingRun) {
  auto first = run_unbert("train --config tiny.json", dir_.path());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto metrics = read_text_file(dir_.file("runs/tiny/metrics.jsonl"));
  auto second = run_unbert("train --config tiny.json", dir_.path());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("runs/tiny already holds a run (continue it with --resume --run-dir "
                            "runs/tiny); this one goes to runs/tiny-2"),
            std::string::npos)
      << second.err;
  EXPECT_EQ(read_text_file(dir_.file("runs/latest")), "runs/tiny-2\n");
  EXPECT_TRUE(RunDir(dir_.file("runs/tiny-2")).has_run());
  EXPECT_EQ(read_text_file(dir_.file("runs/tiny/metrics.jsonl")), metrics);  // untouched
  auto again = run_unbert("train --config tiny.json --run-dir runs/tiny", dir_.path());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("runs/tiny already holds a run; continue it with --resume"),
            std::string::npos)
      << again.err;
  EXPECT_EQ(read_text_file(dir_.file("runs/tiny/metrics.jsonl")), metrics);  // untouched
  // --run-dir alone names the run, its own config.json the settings (it once
  // compared the defaults with the run's config and refused).
  auto by_dir = run_unbert("train --run-dir runs/tiny --resume", dir_.path());
  EXPECT_EQ(by_dir.exit_code, 0) << by_dir.err;
  auto changed = run_unbert("train --config tiny.json --resume --set train.lr=0.1", dir_.path());
  EXPECT_EQ(changed.exit_code, 2);
  EXPECT_NE(changed.err.find("config key 'train.lr'"), std::string::npos) << changed.err;
}

// The run's unbert.log holds what the console showed, the final error line
// too, and info lines even when the console shows only errors.
TEST_F(Pipeline, ErrorsReachTheRunLog) {
  auto failed = run_unbert(
      "--log-level error train --config tiny.json --run-dir runs/bad "
      "--set data.train_dir=missing",
      dir_.path());
  ASSERT_NE(failed.exit_code, 0);
  const std::string error_line = failed.err.substr(0, failed.err.find('\n'));
  ASSERT_EQ(error_line.rfind("error: ", 0), 0u) << failed.err;
  const std::string log = read_text_file(dir_.file("runs/bad/unbert.log"));
  EXPECT_NE(log.find(error_line.substr(7)), std::string::npos) << log;
  EXPECT_NE(log.find(" info [train] run directory"), std::string::npos) << log;
  EXPECT_EQ(failed.err.find("[train] run directory"), std::string::npos) << failed.err;

  // No dead end: runs/latest does not name the failed start, and the same
  // command with the data fixed starts the run there.
  EXPECT_FALSE(std::filesystem::exists(dir_.file("runs/latest")));
  auto retry = run_unbert("train --config tiny.json --run-dir runs/bad", dir_.path());
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_NE(retry.err.find("held an attempt that stopped before its first checkpoint"),
            std::string::npos)
      << retry.err;
  EXPECT_EQ(read_text_file(dir_.file("runs/latest")), "runs/bad\n");
}

// An empty train behaviors.tsv is an error naming the file (it once named only the split).
TEST_F(Pipeline, EmptyTrainSplitNamesItsFile) {
  std::filesystem::create_directories(dir_.file("empty"));
  std::filesystem::copy_file(dir_.file("data/train/news.tsv"), dir_.file("empty/news.tsv"));
  dir_.write("empty/behaviors.tsv", "");
  auto r = run_unbert("train --config tiny.json --set data.train_dir=empty", dir_.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("empty/behaviors.tsv: no training samples (0 impressions"),
            std::string::npos)
      << r.err;
}

// Ctrl-C, then the advice as it stands ("continue with --resume", no other
// argument): the run's own config through runs/latest, and the same weights
// as a run that was never stopped.
TEST_F(Pipeline, CtrlCWritesACheckpointAndExits130ThenResumes) {
  const std::string epochs = " --set train.epochs=6";
  auto whole = run_unbert("train --config tiny.json --run-dir runs/whole" + epochs, dir_.path());
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  int pid = test::spawn_unbert("train --config tiny.json" + epochs, dir_.path());
  std::string metrics = dir_.file("runs/tiny/metrics.jsonl");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline &&
         (!std::filesystem::exists(metrics) || std::filesystem::file_size(metrics) < 200))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(pid, SIGINT);
  ASSERT_EQ(test::wait_for(pid), 130) << read_text_file(dir_.file("spawned.err"));
  EXPECT_NE(read_text_file(dir_.file("spawned.err")).find("continue with --resume"),
            std::string::npos);
  const auto stopped = RunDir(dir_.file("runs/tiny")).latest_checkpoint();
  ASSERT_TRUE(stopped);
  auto resumed = run_unbert("train --resume", dir_.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const std::string stopped_name = std::filesystem::path(*stopped).filename();
  EXPECT_NE(resumed.err.find("resuming from runs/tiny/checkpoints/" + stopped_name),
            std::string::npos)
      << resumed.err;
  const auto whole_end = RunDir(dir_.file("runs/whole")).latest_checkpoint();
  const auto resumed_end = RunDir(dir_.file("runs/tiny")).latest_checkpoint();
  ASSERT_TRUE(whole_end && resumed_end);
  EXPECT_NE(*resumed_end, *stopped);
  EXPECT_EQ(std::filesystem::path(*whole_end).filename(),
            std::filesystem::path(*resumed_end).filename());
  EXPECT_EQ(read_text_file(*whole_end + "/model.safetensors"),
            read_text_file(*resumed_end + "/model.safetensors"));
}

TEST_F(Pipeline, TrainEvalPredictAndScoreAgree) {
  auto train = run_unbert("train --config tiny.json", dir_.path());
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.file("runs/latest")));
  auto eval = run_unbert("eval --split dev", dir_.path());  // the latest run, no arguments
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_EQ(eval.out.rfind("AUC:", 0), 0u) << eval.out;
  EXPECT_TRUE(std::filesystem::exists(dir_.file("runs/tiny/eval/dev/scores.tsv")));
  EXPECT_TRUE(std::filesystem::exists(dir_.file("runs/tiny/eval/dev/metrics.json")));

  auto json = run_unbert("eval --split dev --json", dir_.path());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto report = nlohmann::json::parse(json.out);  // stdout is the JSON alone
  EXPECT_EQ(report.at("split"), "dev");
  EXPECT_GT(report.at("auc").get<double>(), 0.0);
  auto predict_dev = run_unbert("predict --split dev", dir_.path());
  ASSERT_EQ(predict_dev.exit_code, 0) << predict_dev.err;
  auto scored = run_unbert(
      "score --behaviors data/dev/behaviors.tsv --prediction "
      "runs/tiny/predict/dev/prediction.txt",
      dir_.path());
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  EXPECT_EQ(scored.out, eval.out.substr(0, scored.out.size()));  // the same four numbers

  // A prediction file with dropped candidates is refused before anything is scored.
  auto skipping = run_unbert("predict --set data.unknown_candidate=skip", dir_.path());
  EXPECT_EQ(skipping.exit_code, 2);
  EXPECT_NE(skipping.err.find("config key 'data.unknown_candidate': is \"skip\", which would "
                              "drop candidates from the prediction file"),
            std::string::npos)
      << skipping.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("runs/tiny/predict/test")));
  auto predict = run_unbert("predict", dir_.path());
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  // The scores behind the ranks, one row per candidate, for ensembles.
  std::string test_scores = read_text_file(dir_.file("runs/tiny/predict/test/scores.tsv"));
  EXPECT_EQ(test_scores.rfind("impression_id\tnews_id\tscore\n", 0), 0u) << test_scores;
  EXPECT_TRUE(std::filesystem::exists(dir_.file("runs/tiny/predict/test/prediction.zip")));
  std::string text = read_text_file(dir_.file("runs/tiny/predict/test/prediction.txt"));
  std::istringstream lines(text);
  std::size_t ranked = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.find(' ', line.find('[')), std::string::npos) << line;  // none inside []
    EXPECT_EQ(line.back(), ']') << line;
    ranked += 1 + static_cast<std::size_t>(std::count(line.begin(), line.end(), ','));
  }
  EXPECT_EQ(static_cast<std::size_t>(std::count(test_scores.begin(), test_scores.end(), '\n')),
            ranked + 1);  // a row per ranked candidate, and the header
  int error = 0;
  zip_t* zip =
      zip_open(dir_.file("runs/tiny/predict/test/prediction.zip").c_str(), ZIP_RDONLY, &error);
  ASSERT_NE(zip, nullptr);
  EXPECT_EQ(zip_get_num_entries(zip, 0), 1);
  EXPECT_STREQ(zip_get_name(zip, 0, 0), "prediction.txt");
  zip_discard(zip);

  auto by_day = run_unbert("eval --split dev --by-day", dir_.path());
  ASSERT_EQ(by_day.exit_code, 0) << by_day.err;
  EXPECT_NE(by_day.out.find("unseen"), std::string::npos) << by_day.out;
  auto test_eval = run_unbert("eval --split test", dir_.path());
  EXPECT_EQ(test_eval.exit_code, 2);
  EXPECT_NE(test_eval.err.find("has no labels"), std::string::npos);
}

}  // namespace
}  // namespace unbert
