// The training loop (paper section 4.3): negatives sampled per epoch, Adam
// with linear warm-up and decay, a global batch built from micro-batches by
// gradient accumulation, dev evaluation, atomic checkpoints, exact resume,
// and a clean stop on Ctrl-C.
#pragma once

#include <functional>
#include <memory>

#include <torch/torch.h>

#include "unbert/common/error.h"
#include "unbert/common/progress.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/dist/process_group.h"
#include "unbert/model/checkpoint.h"
#include "unbert/model/precision.h"
#include "unbert/model/unbert.h"
#include "unbert/text/text_setup.h"
#include "unbert/train/cadence.h"
#include "unbert/train/grad_sync.h"
#include "unbert/train/run_dir.h"
#include "unbert/train/sampler.h"
#include "unbert/train/step_window.h"
#include "unbert/train/training_state.h"

namespace unbert {

class TensorBoardLog;

// Training stopped by a signal after writing a checkpoint (exit code 130).
class TrainingInterrupted : public Interrupted {
 public:
  using Interrupted::Interrupted;
};

// What a caller may attach: after each step checkpoint is in place (the
// pipeline then points runs/latest at the run); and seams for tests: corrupt
// a loss, or stop as Ctrl-C would after a step.
struct TrainHooks {
  std::function<void(const std::string& checkpoint)> on_checkpoint;
  std::function<void(torch::Tensor& loss, int64_t step)> on_loss;
  std::function<bool(int64_t step)> stop_after;
};

class Trainer {
 public:
  // With a group of several processes, each trains on its shard of every
  // global batch and rank 0 alone writes the run directory.
  Trainer(const RunConfig& config, const MindData& data, const TextPipeline& text, RunDir run,
          torch::Device device, TrainHooks hooks = {},
          ProcessGroup& group = single_process_group());
  ~Trainer();

  // Trains to the end (from the last checkpoint when resuming).
  void run(bool resume);

  Unbert& model() { return model_; }
  const TrainingState& state() const { return state_; }
  Precision precision() const { return precision_.used; }

 private:
  struct Plan;
  struct StepBatches;

  void build_model();
  void check_training_fits(const ModelShape& shape, int64_t parameters) const;
  ModelShape initial_shape() const;
  void start(bool resume, const Plan& first);
  int64_t planned_steps(std::size_t batches_per_epoch) const;
  void replan(int64_t planned);
  std::string finished_reason(const Cadence& cadence) const;
  bool advance_position(std::size_t batches_per_epoch);
  void report_step(StepWindow& window, bool log, Progress* progress) const;
  void build_optimizer();
  void join_ranks();
  void seed_dropout(bool resume);
  bool stop_everywhere(bool here);
  void restore(const std::string& checkpoint);
  std::unique_ptr<Plan> plan_epoch(int64_t epoch) const;
  StepBatches prepare(const Plan& plan, std::size_t batch) const;
  std::pair<double, int64_t> train_step(const StepBatches& step);  // global loss, sequences
  bool unscale_fp16_gradients();
  void validate();
  void save_checkpoint();
  void save_best();
  const std::string& tokenizer_source() const;
  CheckpointInfo checkpoint_info() const;
  void log_metrics(const nlohmann::json& line) const;
  int64_t epoch_of_last_step() const;
  void drop_metrics_after(int64_t step) const;
  void check_position(const std::string& checkpoint, std::size_t batches_per_epoch) const;

  const RunConfig& config_;
  const MindData& data_;
  const TextPipeline& text_;
  RunDir run_;
  torch::Device device_;
  ResolvedPrecision precision_, eval_precision_;  // train.precision, eval.precision
  TrainHooks hooks_;
  ProcessGroup& group_;
  std::unique_ptr<GradientSync> sync_;
  Unbert model_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  TrainingState state_;
  // The labeled split validated on: the held-out days (train.holdout_days,
  // "valid") or dev; its name in logs and metrics.jsonl.
  const Behaviors* dev_ = nullptr;
  std::string dev_name_ = "dev";
  int64_t session_first_step_ = 1;  // TensorBoard drops older events from here
  mutable std::unique_ptr<TensorBoardLog> tensorboard_;
};

}  // namespace unbert
