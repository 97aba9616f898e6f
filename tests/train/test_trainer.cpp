// The training loop on a tiny model: resume equivalence, a clean stop, and
// a non-finite loss.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/config/config_io.h"
#include "unbert/model/checkpoint.h"
#include "unbert/train/trainer.h"

namespace unbert {
namespace {

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_small_synth(dir_.file("data"));
    config_ = load_config(test::write_tiny_config(dir_), {});
    config_.data.train_dir = dir_.file("data/train");
    config_.data.dev_dir = dir_.file("data/dev");
    config_.data.test_dir = dir_.file("data/test");
    config_.model.pretrained = "";
    config_.model.hidden_size = 16;
    config_.model.num_layers = 1;
    config_.model.num_heads = 2;
    config_.model.intermediate_size = 32;
    config_.model.news_level.layers = 1;
    config_.text.max_history = 5;
    config_.text.max_seq_len = 64;
    config_.train.batch_size = 8;
    config_.train.micro_batch = 4;
    config_.train.epochs = 2;
    config_.train.lr = 1e-3;
    config_.train.keep = 50;
    config_.train.eval_impressions = 10;
    config_.train.warmup_ratio = 0.2;
    validate(config_);
    data_ = std::make_unique<MindData>(load_mind(config_.data, {"train", "dev"}, 2));
    text_ = build_text_pipeline(config_, data_->news);
  }

  std::unique_ptr<Trainer> trainer(const std::string& run, TrainHooks hooks = {}) {
    std::filesystem::create_directories(dir_.file(run));
    return std::make_unique<Trainer>(config_, *data_, *text_, RunDir(dir_.file(run)), torch::kCPU,
                                     std::move(hooks));
  }

  test::TempDir dir_;
  RunConfig config_;
  std::unique_ptr<MindData> data_;
  std::unique_ptr<TextPipeline> text_;
};

TEST_F(TrainerTest, ResumedRunEndsWithTheSameWeights) {
  auto whole = trainer("whole");
  whole->run(false);
  int64_t total = whole->state().step;
  ASSERT_GT(total, 4);

  int64_t stop_at = total / 2 + 1;  // mid-epoch
  TrainHooks hooks;
  hooks.stop_after = [stop_at](int64_t step) { return step == stop_at; };
  auto first = trainer("split", hooks);
  EXPECT_THROW(first->run(false), TrainingInterrupted);
  EXPECT_TRUE(std::filesystem::exists(RunDir(dir_.file("split")).step_checkpoint(stop_at)));
  auto second = trainer("split");
  second->run(true);
  EXPECT_EQ(second->state().step, total);

  auto a = whole->model()->named_parameters(), b = second->model()->named_parameters();
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  EXPECT_DOUBLE_EQ(whole->state().best_auc, second->state().best_auc);
}

TEST_F(TrainerTest, WritesBestAndKeepsOnlyTheLastCheckpoints) {
  config_.train.eval_every = 2;
  config_.train.keep = 2;
  auto t = trainer("run");
  t->run(false);
  RunDir run(dir_.file("run"));
  EXPECT_EQ(run.step_checkpoints().size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(run.best_checkpoint() + "/model.safetensors"));
  CheckpointInfo info = read_checkpoint_info(run.best_checkpoint());
  EXPECT_EQ(info.tokenizer_identity, text_->tokenizer->identity());
  EXPECT_TRUE(std::filesystem::exists(run.file("metrics.jsonl")));
}

// train.max_steps ends the run (and its schedule) mid-epoch, with an
// evaluation and a checkpoint at that step.
TEST_F(TrainerTest, MaxStepsEndsTheRunThereWithACheckpoint) {
  config_.train.max_steps = 3;
  auto t = trainer("run");
  t->run(false);
  EXPECT_EQ(t->state().step, 3);
  EXPECT_EQ(t->state().total_steps, 3);
  EXPECT_EQ(t->state().epoch, 0);  // stopped inside the first epoch
  RunDir run(dir_.file("run"));
  EXPECT_TRUE(std::filesystem::exists(run.step_checkpoint(3)));
  EXPECT_TRUE(std::filesystem::exists(run.best_checkpoint() + "/model.safetensors"));
}

// metrics.jsonl: 1-based epochs throughout (the evaluation at the end of a
// 1-epoch run once said epoch 2) and a UTC timestamp on every row.
TEST_F(TrainerTest, MetricsRowsHaveOneBasedEpochsAndTimes) {
  config_.train.epochs = 1;
  config_.train.eval_every = 2;
  config_.train.log_every = 1;
  auto t = trainer("run");
  t->run(false);
  std::ifstream in(RunDir(dir_.file("run")).file("metrics.jsonl"));
  std::string line;
  int rows = 0, dev_rows = 0;
  while (std::getline(in, line)) {
    auto row = nlohmann::json::parse(line);
    ++rows;
    dev_rows += row.contains("dev");
    EXPECT_EQ(row.at("epoch"), 1) << line;
    std::string time = row.at("time");
    EXPECT_EQ(time.size(), 20u) << time;  // 2026-11-30T13:45:00Z
    EXPECT_EQ(time.back(), 'Z') << time;
  }
  EXPECT_GT(rows, 2);
  EXPECT_GE(dev_rows, 2);
}

// A checkpoint whose position lies past the end of the epoch (the train
// split shrank since) is one clear error, not an endless loop.
TEST_F(TrainerTest, ResumePastTheEpochsEndIsAnErrorNotAHang) {
  TrainHooks hooks;
  hooks.stop_after = [](int64_t step) { return step == 2; };
  auto first = trainer("run", hooks);
  EXPECT_THROW(first->run(false), TrainingInterrupted);
  const std::string state = RunDir(dir_.file("run")).step_checkpoint(2) + "/state.json";
  auto json = nlohmann::json::parse(read_text_file(state));
  json["batch_in_epoch"] = 243;
  std::ofstream(state) << json.dump();
  auto second = trainer("run");
  try {
    second->run(true);
    FAIL() << "resumed past the end of the epoch";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("state.json: the run stopped before batch 244 of epoch 1"),
              std::string::npos)
        << e.what();
  }
}

// A damaged optimizer.pt or state.json is an error naming the file and the
// way out (once a bare "PytorchStreamReader failed" or a raw JSON exception).
TEST_F(TrainerTest, DamagedCheckpointFilesAreNamed) {
  TrainHooks hooks;
  hooks.stop_after = [](int64_t step) { return step == 2; };
  EXPECT_THROW(trainer("run", hooks)->run(false), TrainingInterrupted);
  const std::string checkpoint = RunDir(dir_.file("run")).step_checkpoint(2);
  for (const char* file : {"optimizer.pt", "state.json"}) {
    const std::string path = checkpoint + "/" + file;
    const std::string kept = read_text_file(path);
    std::ofstream(path, std::ios::trunc) << "damaged";
    try {
      trainer("run")->run(true);
      FAIL() << "resumed from a damaged " << file;
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
      EXPECT_NE(message.find("the checkpoint is damaged; delete " + checkpoint), std::string::npos)
          << message;
    }
    std::ofstream(path, std::ios::trunc | std::ios::binary) << kept;
  }
}

// Rows written after the last checkpoint (by a process killed later) are
// dropped on resume: each step appears once in metrics.jsonl.
TEST_F(TrainerTest, ResumeDropsMetricsRowsPastTheCheckpoint) {
  config_.train.log_every = 1;
  TrainHooks hooks;
  hooks.stop_after = [](int64_t step) { return step == 3; };
  EXPECT_THROW(trainer("run", hooks)->run(false), TrainingInterrupted);
  const std::string metrics = RunDir(dir_.file("run")).file("metrics.jsonl");
  std::ofstream(metrics, std::ios::app) << R"({"step": 4, "loss": 1.0})"
                                        << "\n"
                                        << R"({"step": 5, "loss": 1.0})"
                                        << "\n";
  trainer("run")->run(true);
  std::ifstream in(metrics);
  std::string line;
  std::vector<int64_t> steps;
  while (std::getline(in, line)) {
    auto row = nlohmann::json::parse(line);
    if (!row.contains("dev")) steps.push_back(row.at("step"));
  }
  ASSERT_FALSE(steps.empty());
  for (std::size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i], static_cast<int64_t>(i + 1));
}

// Resume checks the data it continues on is the data it stopped on: a changed
// train behaviors.tsv is one error naming it (sizes and hashes, then and now).
TEST_F(TrainerTest, ResumeOnChangedTrainingDataIsRefused) {
  TrainHooks hooks;
  hooks.stop_after = [](int64_t step) { return step == 2; };
  EXPECT_THROW(trainer("run", hooks)->run(false), TrainingInterrupted);
  const std::string behaviors = dir_.file("data/train/behaviors.tsv");
  std::ofstream(behaviors, std::ios::app) << "\n";  // one byte more: same impressions, other file
  try {
    trainer("run")->run(true);
    FAIL() << "resumed on changed data";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(behaviors + " changed since checkpoint ", 0), 0u) << message;
    EXPECT_NE(message.find("restore the data the run was trained on, or start a new run"),
              std::string::npos)
        << message;
  }
}

TEST_F(TrainerTest, NonFiniteLossStopsNamingTheStep) {
  config_.train.eval_every = 1;
  TrainHooks hooks;
  hooks.on_loss = [](torch::Tensor& loss, int64_t step) {
    if (step == 2) loss = loss * std::numeric_limits<double>::quiet_NaN();
  };
  auto t = trainer("nan", hooks);
  try {
    t->run(false);
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("not finite"), std::string::npos) << what;
    EXPECT_NE(what.find("at step 3"), std::string::npos) << what;
    EXPECT_NE(what.find("step-000000002"), std::string::npos) << what;  // the last good one
  }
  EXPECT_FALSE(std::filesystem::exists(RunDir(dir_.file("nan")).step_checkpoint(3)));
}

}  // namespace
}  // namespace unbert
