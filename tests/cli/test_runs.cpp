// The run directory as a user lives in it: extending and fine-tuning runs,
// early stopping, portable checkpoints, the manifest, moved runs.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <torch/version.h>
#include <nlohmann/json.hpp>

#include "pipeline_fixture.h"
#include "test_util.h"
#include "unbert/common/fs.h"
#include "unbert/common/sha256.h"
#include "unbert/common/signals.h"
#include "unbert/pipeline/score_split.h"
#include "unbert/train/run_dir.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;
using test::Pipeline;
using test::run_unbert;

nlohmann::json read_json(const std::string& path) {
  return nlohmann::json::parse(read_text_file(path));
}

// The state of the run's newest step checkpoint.
nlohmann::json last_state(const std::string& run) {
  return read_json(*RunDir(run).latest_checkpoint() + "/state.json");
}

std::string first_line_with(const std::string& text, const std::string& part) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.find(part) != std::string::npos) return line;
  return "";
}

TEST_F(Pipeline, ExtendingAFinishedRunByOneEpoch) {
  ASSERT_EQ(run_unbert("train --config tiny.json", dir_.path()).exit_code, 0);
  const int64_t one_epoch = last_state(dir_.file("runs/tiny")).at("step");
  ASSERT_GT(one_epoch, 1);

  auto extended = run_unbert("train --resume --set train.epochs=2", dir_.path());
  ASSERT_EQ(extended.exit_code, 0) << extended.err;
  EXPECT_NE(extended.err.find("resuming with train.epochs = 2 (the run had 1)"), std::string::npos)
      << extended.err;
  EXPECT_NE(extended.err.find("planned for " + std::to_string(one_epoch) + " steps and now for " +
                              std::to_string(2 * one_epoch)),
            std::string::npos)
      << extended.err;
  nlohmann::json state = last_state(dir_.file("runs/tiny"));
  EXPECT_EQ(state.at("step"), 2 * one_epoch);
  EXPECT_EQ(state.at("epoch"), 2);
  // Recorded: the run's config now says 2 epochs, and a plain resume has nothing left.
  EXPECT_EQ(read_json(dir_.file("runs/tiny/config.json"))["train"]["epochs"], 2);
  auto again = run_unbert("train --resume", dir_.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("nothing to train: all " + std::to_string(2 * one_epoch) +
                           " planned steps are done (raise train.epochs"),
            std::string::npos)
      << again.err;
  // Nothing trained, so nothing recorded (once --set here rewrote config.json).
  const std::string recorded = read_text_file(dir_.file("runs/tiny/config.json"));
  ASSERT_EQ(run_unbert("train --resume --set eval.batch_size=7", dir_.path()).exit_code, 0);
  EXPECT_EQ(read_text_file(dir_.file("runs/tiny/config.json")), recorded);
  // Every metrics row of the second epoch says epoch 2; none of the first does.
  std::istringstream rows(read_text_file(dir_.file("runs/tiny/metrics.jsonl")));
  for (std::string row; std::getline(rows, row);) {
    auto j = nlohmann::json::parse(row);
    EXPECT_EQ(j.at("epoch"), j.at("step").get<int64_t>() <= one_epoch ? 1 : 2) << row;
  }
}

TEST_F(Pipeline, SaveEveryWritesCheckpointsBetweenEvaluations) {
  auto r = run_unbert(
      "--threads 1 train --config tiny.json --set train.save_every=2 "
      "--set train.keep=1000",
      dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const int64_t steps = last_state(dir_.file("runs/tiny")).at("step");
  ASSERT_GE(steps, 4);
  RunDir run(dir_.file("runs/tiny"));
  for (int64_t step = 2; step < steps; step += 2)
    EXPECT_TRUE(fs::exists(fs::path(run.step_checkpoint(step)) / "state.json")) << step;
  EXPECT_FALSE(fs::exists(run.step_checkpoint(1)));
  // No evaluation came with them: dev rows only at the epoch's end.
  std::istringstream rows(read_text_file(dir_.file("runs/tiny/metrics.jsonl")));
  int dev_rows = 0;
  for (std::string row; std::getline(rows, row);)
    dev_rows += nlohmann::json::parse(row).contains("dev");
  EXPECT_EQ(dev_rows, 1);
}

// A learning rate too small to move any weight: the dev AUC never improves
// after the first evaluation, so patience 2 stops at the third.
TEST_F(Pipeline, PatienceStopsEarlyAndAResumeSaysSo) {
  auto r = run_unbert(
      "train --config tiny.json --set train.lr=1e-30 --set train.eval_every=1 "
      "--set train.patience=2 --set train.epochs=3",
      dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("early stop at step 3: 2 evaluations without a better dev AUC"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(last_state(dir_.file("runs/tiny")).at("step"), 3);
  auto resumed = run_unbert("train --resume", dir_.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("nothing to train: stopped early"), std::string::npos) << resumed.err;
  auto more = run_unbert("train --resume --set train.patience=3", dir_.path());
  ASSERT_EQ(more.exit_code, 0) << more.err;
  EXPECT_EQ(last_state(dir_.file("runs/tiny")).at("step"), 4);  // one more evaluation allowed
}

TEST_F(Pipeline, InitFromStartsANewRunFromACheckpoint) {
  ASSERT_EQ(run_unbert("train --config tiny.json", dir_.path()).exit_code, 0);
  auto base = run_unbert("eval --run-dir runs/tiny", dir_.path());
  ASSERT_EQ(base.exit_code, 0) << base.err;
  // One step at a rate that moves nothing: the new run scores as its start.
  auto tuned = run_unbert(
      "train --config tiny.json --run-dir runs/tuned --set train.init_from=runs/tiny/best "
      "--set train.lr=1e-30 --set train.max_steps=1",
      dir_.path());
  ASSERT_EQ(tuned.exit_code, 0) << tuned.err;
  EXPECT_NE(tuned.err.find("weights from runs/tiny/best (train.init_from"), std::string::npos)
      << tuned.err;
  auto eval = run_unbert("eval --run-dir runs/tuned", dir_.path());
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_EQ(first_line_with(eval.out, "AUC"), first_line_with(base.out, "AUC"));

  auto misfit = run_unbert(
      "train --config tiny.json --run-dir runs/misfit --set train.init_from=runs/tiny/best "
      "--set model.aggregator=mean",
      dir_.path());
  EXPECT_EQ(misfit.exit_code, 2);
  EXPECT_NE(misfit.err.find("aggregator is \"attention\" in the checkpoint but \"mean\" in the "
                            "config"),
            std::string::npos)
      << misfit.err;
  // A size --set beside init_from once trained the checkpoint's size and
  // recorded the --set one in config.json.
  auto sized = run_unbert(
      "train --config tiny.json --run-dir runs/sized --set train.init_from=runs/tiny/best "
      "--set model.hidden_size=64",
      dir_.path());
  EXPECT_EQ(sized.exit_code, 2);
  EXPECT_NE(sized.err.find("--set model.hidden_size: train.init_from starts from a checkpoint, "
                           "which fixes this key"),
            std::string::npos)
      << sized.err;
  EXPECT_FALSE(fs::exists(dir_.file("runs/sized/config.json")));
  auto missing = run_unbert(
      "train --config tiny.json --run-dir runs/missing --set train.init_from=nowhere", dir_.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("train.init_from"), std::string::npos) << missing.err;
}

// The checkpoint carries its tokenizer: copied elsewhere after the original
// SentencePiece model is gone, it scores the same, and writes beside itself.
TEST_F(Pipeline, CheckpointCopiedElsewhereScoresWithoutItsTokenizer) {
  ASSERT_EQ(run_unbert("train --config tiny.json", dir_.path()).exit_code, 0);
  auto before = run_unbert("eval --run-dir runs/tiny --json", dir_.path());
  ASSERT_EQ(before.exit_code, 0) << before.err;
  fs::create_directories(dir_.file("elsewhere"));
  fs::copy(dir_.file("runs/tiny/best"), dir_.file("elsewhere/ckpt"), fs::copy_options::recursive);
  fs::remove_all(dir_.file("spm"));
  fs::remove_all(dir_.file("runs"));
  auto after =
      run_unbert("eval --config tiny.json --checkpoint elsewhere/ckpt --json", dir_.path());
  ASSERT_EQ(after.exit_code, 0) << after.err;
  auto a = nlohmann::json::parse(before.out), b = nlohmann::json::parse(after.out);
  for (const char* key : {"auc", "mrr", "ndcg@5", "ndcg@10"}) EXPECT_EQ(a[key], b[key]) << key;
  EXPECT_TRUE(fs::exists(dir_.file("elsewhere/ckpt/eval/dev/metrics.json")));
  EXPECT_FALSE(fs::exists(dir_.file("spm/titles.model")));  // nothing retrained
}

// Scores of a step checkpoint once replaced best/'s in eval/dev, a checkpoint
// of run B wrote into --run-dir A, and a run without best/ was scored by its
// last step without a word.
TEST_F(Pipeline, ScoringResultsGoToTheirOwnCheckpointsFolder) {
  ASSERT_EQ(run_unbert("--threads 1 train --config tiny.json", dir_.path()).exit_code, 0);
  ASSERT_EQ(run_unbert("--threads 1 eval --run-dir runs/tiny", dir_.path()).exit_code, 0);
  const std::string best = read_text_file(dir_.file("runs/tiny/eval/dev/metrics.json"));
  const std::string step =
      fs::path(*RunDir(dir_.file("runs/tiny")).latest_checkpoint()).filename().string();
  auto of_step =
      run_unbert("--threads 1 eval --checkpoint runs/tiny/checkpoints/" + step, dir_.path());
  ASSERT_EQ(of_step.exit_code, 0) << of_step.err;
  EXPECT_TRUE(fs::exists(dir_.file("runs/tiny/eval/dev/" + step + "/metrics.json")));
  EXPECT_EQ(read_text_file(dir_.file("runs/tiny/eval/dev/metrics.json")), best);

  fs::copy(dir_.file("runs/tiny"), dir_.file("runs/other"), fs::copy_options::recursive);
  auto foreign =
      run_unbert("--threads 1 eval --run-dir runs/other --checkpoint runs/tiny/best", dir_.path());
  EXPECT_EQ(foreign.exit_code, 2);
  EXPECT_NE(foreign.err.find("--checkpoint runs/tiny/best belongs to the run in runs/tiny, not "
                             "to --run-dir runs/other; drop --run-dir"),
            std::string::npos)
      << foreign.err;

  fs::remove_all(dir_.file("runs/other/best"));
  auto no_best = run_unbert("--threads 1 predict --run-dir runs/other", dir_.path());
  EXPECT_EQ(no_best.exit_code, 2);
  EXPECT_NE(no_best.err.find("runs/other: has no best/ checkpoint yet"), std::string::npos)
      << no_best.err;
  EXPECT_NE(no_best.err.find("--checkpoint runs/other/checkpoints/" + step), std::string::npos)
      << no_best.err;
  EXPECT_FALSE(fs::exists(dir_.file("runs/other/predict")));
}

// predict of `run`'s test split in batches of 8, stopped as by a Ctrl-C in
// its first batch; the options to resume it.
ScoreSplitOptions predict_stopped_in_its_first_batch(const std::string& run) {
  ScoreSplitOptions o;
  o.run_dir = run;
  o.split = "test";
  o.config.overrides = {"eval.batch_size=8"};
  request_stop();
  EXPECT_NE(test::error_of([&] { predict_split(o); }).find("scoring stopped after batch 1 of"),
            std::string::npos);
  clear_stop_request();
  return o;
}

// A training that goes on updates best/ in place: partial scores of the old
// weights once continued with the new ones, one submission from two models.
TEST_F(Pipeline, PredictResumeRefusesScoresOfOtherWeights) {
  ASSERT_EQ(run_unbert("--threads 1 train --config tiny.json", dir_.path()).exit_code, 0);
  ScoreSplitOptions o = predict_stopped_in_its_first_batch(dir_.file("runs/tiny"));
  const std::string weights = dir_.file("runs/tiny/best/model.safetensors");
  std::string bytes = read_text_file(weights);
  bytes[bytes.size() - 2] ^= 0x01;  // one weight changes in its low bits
  write_text_atomic(weights, bytes);
  o.resume = true;
  const std::string error = test::error_of([&] { predict_split(o); });
  EXPECT_NE(error.find("these partial scores are of another checkpoint (or other weights at its "
                       "path)"),
            std::string::npos)
      << error;
  EXPECT_FALSE(fs::exists(dir_.file("runs/tiny/predict/test/prediction.zip")));
}

// Scores of other inputs under the same checkpoint: another packing of the
// text, a title edited in place (same size), another precision.
TEST_F(Pipeline, PredictResumeRefusesScoresOfOtherInputs) {
  ASSERT_EQ(run_unbert("--threads 1 train --config tiny.json", dir_.path()).exit_code, 0);
  const std::string news = dir_.file("data/test/news.tsv");
  const std::string original = read_text_file(news);
  struct Case {
    std::string override_;
    std::function<void()> edit;
  };
  const std::vector<Case> cases = {
      {"text.max_history=2", [] {}},
      {"eval.precision=bf16", [] {}},
      {"", [&] {
         std::string edited = original;
         const std::size_t tab = edited.find('\t', edited.find('\t', edited.find('\t') + 1) + 1);
         edited[tab + 1] = edited[tab + 1] == 'x' ? 'y' : 'x';  // a title's first letter
         write_text_atomic(news, edited);
       }}};
  for (const Case& c : cases) {
    write_text_atomic(news, original);
    ScoreSplitOptions o = predict_stopped_in_its_first_batch(dir_.file("runs/tiny"));
    c.edit();
    if (!c.override_.empty()) o.config.overrides.push_back(c.override_);
    o.resume = true;
    const std::string error = test::error_of([&] { predict_split(o); });
    EXPECT_NE(error.find("these partial scores are of another checkpoint"), std::string::npos)
        << c.override_ << ": " << error;
  }
  EXPECT_FALSE(fs::exists(dir_.file("runs/tiny/predict/test/prediction.zip")));
}

// A hand edit of a run's config.json was obeyed on --resume, where the same
// change by --set is refused; an edit of a key --resume may change is fine.
TEST_F(Pipeline, AHandEditedRunConfigIsRefusedOnResume) {
  ASSERT_EQ(run_unbert("--threads 1 train --config tiny.json", dir_.path()).exit_code, 0);
  const std::string path = dir_.file("runs/tiny/config.json");
  const std::string original = read_text_file(path);
  for (const auto& [key, value] :
       {std::pair<std::string, nlohmann::json>{"lr", 0.5}, {"neg_ratio", 7}}) {
    nlohmann::json edited = nlohmann::json::parse(original);
    edited["train"][key] = value;
    write_text_atomic(path, edited.dump(2));
    auto resumed = run_unbert("--threads 1 train --resume --set train.epochs=2", dir_.path());
    EXPECT_EQ(resumed.exit_code, 2) << key;
    EXPECT_NE(resumed.err.find("runs/tiny/config.json: train." + key + " is " + value.dump()),
              std::string::npos)
        << resumed.err;
    EXPECT_NE(resumed.err.find("but the run trained with"), std::string::npos) << resumed.err;
  }
  nlohmann::json longer = nlohmann::json::parse(original);
  longer["train"]["epochs"] = 2;
  write_text_atomic(path, longer.dump(2));
  auto resumed = run_unbert("--threads 1 train --resume", dir_.path());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
}

TEST_F(Pipeline, ManifestRecordsTheRun) {
  ASSERT_EQ(run_unbert("--threads 1 train --config tiny.json", dir_.path()).exit_code, 0);
  nlohmann::json manifest = read_json(dir_.file("runs/tiny/manifest.json"));
  ASSERT_EQ(manifest["sessions"].size(), 1u);
  const nlohmann::json s = manifest["sessions"][0];
  EXPECT_EQ(s["status"], "finished");
  EXPECT_EQ(s["unbert"]["version"], UNBERT_VERSION);
  EXPECT_FALSE(s["unbert"]["git_commit"].get<std::string>().empty());
  EXPECT_EQ(s["libtorch"]["version"], TORCH_VERSION);
  // The ATen kernels in use, as a word ATen itself prints (AVX2, AVX512, DEFAULT...).
  EXPECT_TRUE(std::regex_match(s["libtorch"]["cpu_capability"].get<std::string>(),
                               std::regex("[A-Z0-9_]+")))
      << s["libtorch"];
  EXPECT_EQ(s["device"], "cpu");
  EXPECT_EQ(s["precision"], "fp32");
  EXPECT_EQ(s["threads"], 1);
  EXPECT_FALSE(s["blas"].get<std::string>().empty());
  EXPECT_NE(s["command_line"].get<std::string>().find("train --config tiny.json"),
            std::string::npos);
  EXPECT_LE(s["start"].get<std::string>(), s["end"].get<std::string>());
  for (const char* file : {"data.train_dir/behaviors.tsv", "data.train_dir/news.tsv",
                           "data.dev_dir/behaviors.tsv", "text.spm_model"}) {
    ASSERT_TRUE(s["files"].contains(file)) << file;
    const std::string path = s["files"][file]["path"];
    EXPECT_EQ(s["files"][file]["sha256"], sha256_file(path)) << file;
    EXPECT_EQ(s["files"][file]["bytes"], fs::file_size(path)) << file;
  }
  // A resumed run adds a session and keeps the first.
  ASSERT_EQ(run_unbert("train --resume --set train.epochs=2", dir_.path()).exit_code, 0);
  manifest = read_json(dir_.file("runs/tiny/manifest.json"));
  ASSERT_EQ(manifest["sessions"].size(), 2u);
  EXPECT_EQ(manifest["sessions"][0]["start"], s["start"]);
  EXPECT_NE(manifest["sessions"][1]["command_line"].get<std::string>().find("--resume"),
            std::string::npos);
}

// A run's config.json holds paths relative to the run: the run moved with its
// data still evaluates, from any working folder.
TEST_F(Pipeline, RunMovedWithItsDataStillEvaluates) {
  ASSERT_EQ(run_unbert("train --config tiny.json", dir_.path()).exit_code, 0);
  auto before = run_unbert("eval --json", dir_.path());
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(read_json(dir_.file("runs/tiny/config.json"))["data"]["train_dir"], "../../data/train");
  fs::create_directories(dir_.file("moved"));
  fs::rename(dir_.file("runs"), dir_.file("moved/runs"));
  fs::rename(dir_.file("data"), dir_.file("moved/data"));
  auto after = run_unbert("eval --run-dir moved/runs/tiny --json", dir_.path());
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(nlohmann::json::parse(before.out)["auc"], nlohmann::json::parse(after.out)["auc"]);
  EXPECT_TRUE(fs::exists(dir_.file("moved/runs/tiny/eval/dev/metrics.json")));
}

// inspect reads a run's own config (it once needed the original --config).
TEST_F(Pipeline, InspectTakesARunDirectory) {
  ASSERT_EQ(run_unbert("train --config tiny.json", dir_.path()).exit_code, 0);
  const std::string first = read_text_file(dir_.file("data/dev/behaviors.tsv"));
  const std::string id = first.substr(0, first.find('\t'));
  auto r = run_unbert("inspect --run-dir runs/tiny --split dev --impression " + id, dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("impression " + id + " (", 0), 0u) << r.out;
}

TEST_F(Pipeline, ScoringRefusesKeysTheCheckpointFixes) {
  ASSERT_EQ(run_unbert("train --config tiny.json", dir_.path()).exit_code, 0);
  for (const char* key : {"model.hidden_size=64", "train.lr=0.1"}) {
    auto r = run_unbert(std::string("eval --set ") + key, dir_.path());
    EXPECT_EQ(r.exit_code, 2) << key;
    EXPECT_NE(r.err.find("scoring uses a trained checkpoint, which fixes this key"),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(run_unbert("eval --set eval.batch_size=7", dir_.path()).exit_code, 0);
}

bool has_step_checkpoint(const std::string& run) {
  return RunDir(run).has_run();
}

// kill -9 at a random moment after the first checkpoint, then a plain
// --resume: the same weights as a run never stopped, each step logged once.
TEST_F(Pipeline, KillNineThenResumeIsBitIdentical) {
  const std::string settings = "--set train.epochs=8 --set train.log_every=5";
  ASSERT_EQ(run_unbert("train --config tiny.json --run-dir runs/whole " + settings, dir_.path())
                .exit_code,
            0);
  int pid =
      test::spawn_unbert("train --config tiny.json --run-dir runs/killed " + settings, dir_.path());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline &&
         !has_step_checkpoint(dir_.file("runs/killed")))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // into the next epoch
  ::kill(pid, SIGKILL);
  EXPECT_EQ(test::wait_for(pid), 128 + SIGKILL);
  // runs/latest named the killed run from its first checkpoint on.
  EXPECT_EQ(read_text_file(dir_.file("runs/latest")), "runs/killed\n");
  auto resumed = run_unbert("train --resume", dir_.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto whole = RunDir(dir_.file("runs/whole")).latest_checkpoint();
  const auto killed = RunDir(dir_.file("runs/killed")).latest_checkpoint();
  ASSERT_TRUE(whole && killed);
  ASSERT_EQ(fs::path(*whole).filename(), fs::path(*killed).filename());
  EXPECT_EQ(read_text_file(*whole + "/model.safetensors"),
            read_text_file(*killed + "/model.safetensors"));
  auto steps = [&](const std::string& run) {
    std::vector<int64_t> out;
    std::istringstream rows(read_text_file(dir_.file(run + "/metrics.jsonl")));
    for (std::string row; std::getline(rows, row);)
      if (nlohmann::json::parse(row).contains("loss"))
        out.push_back(nlohmann::json::parse(row)["step"]);
    return out;
  };
  EXPECT_EQ(steps("runs/whole"), steps("runs/killed"));  // each step once, none lost
}

// kill -9 while best/ was written, before the first step checkpoint, left a
// folder that --resume refused and a fresh start refused too.
TEST_F(Pipeline, LeftoversBeforeTheFirstCheckpointAreNoDeadEnd) {
  dir_.write("runs/tiny/config.json", "{}");
  dir_.write("runs/tiny/best/model.json", "{");
  dir_.write("runs/tiny/best.tmp/model.safetensors", "partial");
  dir_.write("runs/tiny/metrics.jsonl", "{\"step\": 1}\n");
  auto resume = run_unbert("train --config tiny.json --resume", dir_.path());
  EXPECT_EQ(resume.exit_code, 2);
  EXPECT_NE(resume.err.find("start again without --resume"), std::string::npos) << resume.err;
  auto fresh = run_unbert("train --config tiny.json", dir_.path());
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_NE(fresh.err.find("held an attempt that stopped before its first checkpoint"),
            std::string::npos)
      << fresh.err;
  EXPECT_TRUE(fs::exists(dir_.file("runs/tiny/best/model.safetensors")));
}

}  // namespace
}  // namespace unbert
