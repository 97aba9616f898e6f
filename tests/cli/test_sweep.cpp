// unbert sweep: a run per combination and seed, resumable after kill -9.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pipeline_fixture.h"
#include "unbert/common/fs.h"
#include "unbert/train/run_dir.h"

namespace unbert {
namespace {

using test::Pipeline;
using test::run_unbert;
namespace fs = std::filesystem;

std::size_t sessions_of(const std::string& run) {
  return nlohmann::json::parse(read_text_file(run + "/manifest.json"))["sessions"].size();
}

TEST_F(Pipeline, SweepRunsEachCombinationAndContinuesAfterKillNine) {
  const std::string sweep =
      "--threads 1 sweep --config tiny.json --set train.epochs=3 --grid model.aggregator=nseg,mean "
      "--seeds 2 --out runs/sw --csv";
  const std::string first = dir_.file("runs/sw/aggregator-nseg_seed-42");
  const std::string second = dir_.file("runs/sw/aggregator-nseg_seed-43");
  int pid = test::spawn_unbert(sweep, dir_.path());
  // kill -9 once the second run has a checkpoint: the first is done by then.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  while (std::chrono::steady_clock::now() < deadline && !RunDir(second).has_run())
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ::kill(pid, SIGKILL);
  EXPECT_EQ(test::wait_for(pid), 128 + SIGKILL);
  ASSERT_TRUE(fs::exists(first + "/eval/dev/metrics.json"));
  const std::size_t first_sessions = sessions_of(first);
  const std::string first_weights = read_text_file(first + "/best/model.safetensors");

  auto again = run_unbert(sweep, dir_.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("1/4 aggregator-nseg_seed-42: trained already"), std::string::npos)
      << again.err;
  EXPECT_NE(again.err.find("1/4 aggregator-nseg_seed-42: evaluated already"), std::string::npos);
  EXPECT_NE(again.err.find("2/4 aggregator-nseg_seed-43: resuming"), std::string::npos)
      << again.err;
  EXPECT_NE(again.err.find("4/4 aggregator-mean_seed-43: training"), std::string::npos);
  EXPECT_EQ(sessions_of(first), first_sessions);  // not trained again
  EXPECT_EQ(read_text_file(first + "/best/model.safetensors"), first_weights);
  // compare's CSV: the two seeds of each aggregator in one row, mean against nseg.
  EXPECT_NE(again.out.find("\nruns/sw/aggregator-nseg_seed-*,\"42,43\",AUC,"), std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("\nruns/sw/aggregator-mean_seed-*,\"42,43\",AUC,"), std::string::npos)
      << again.out;
  for (const char* run : {"aggregator-nseg_seed-43", "aggregator-mean_seed-42"})
    EXPECT_TRUE(fs::exists(dir_.file("runs/sw/") + run + "/eval/dev/impressions.tsv")) << run;

  // A finished sweep trains nothing; another grid in its folder is refused.
  auto done = run_unbert(sweep, dir_.path());
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(done.err.find(": training"), std::string::npos) << done.err;
  auto other = run_unbert(
      "sweep --config tiny.json --grid model.aggregator=nseg,attention --seeds 2 --out runs/sw",
      dir_.path());
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("runs/sw/sweep.json: this folder holds another sweep"),
            std::string::npos)
      << other.err;
}

TEST_F(Pipeline, SweepChecksEveryRunsSettingsBeforeTraining) {
  auto expect_refused = [&](const std::string& args, const std::string& part) {
    auto r = run_unbert("sweep --config tiny.json " + args, dir_.path());
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(part), std::string::npos) << args << ": " << r.err;
  };
  // The third value is bad: nothing may train before that is found.
  expect_refused("--grid model.aggregator=nseg,mean,sum",
                 "sweep: the settings of the run aggregator-sum_seed-42 are refused: config key "
                 "'model.aggregator'");
  EXPECT_FALSE(fs::exists(dir_.file("runs/unbert-sweep")));
  expect_refused("", "sweep: nothing to vary");
  expect_refused("--grid model.level", "--grid model.level: expected KEY=VALUE,VALUE,...");
  expect_refused("--grid model.level=word,", "expected KEY=VALUE");
  expect_refused("--grid model.level=word,word", "the value 'word' is listed twice");
  expect_refused("--grid train.seed=1,2",
                 "--grid train.seed: give the number of seeds with --seeds");
  expect_refused("--grid model.level=word --grid model.level=news", "is given twice");
  expect_refused("--grid data.cache_dir=c/1,c_1", "two runs would share the folder");
  expect_refused("--seeds 0", "--seeds must be in [1, 1000], got 0");
  dir_.write("mine/notes.txt", "a user's file");
  expect_refused("--seeds 2 --out mine", "mine: exists and is not a sweep folder");
  EXPECT_EQ(read_text_file(dir_.file("mine/notes.txt")), "a user's file");
}

}  // namespace
}  // namespace unbert
