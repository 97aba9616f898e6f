#include "unbert/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "unbert/common/fs.h"
#include "unbert/common/log.h"
#include "unbert/common/memory_limit.h"
#include "unbert/common/prefetcher.h"
#include "unbert/common/progress.h"
#include "unbert/common/signals.h"
#include "unbert/common/system.h"
#include "unbert/config/config_io.h"
#include "unbert/eval/evaluator.h"
#include "unbert/model/checkpoint.h"
#include "unbert/model/hf_loader.h"
#include "unbert/model/memory_need.h"
#include "unbert/train/data_fingerprint.h"
#include "unbert/train/metrics_log.h"
#include "unbert/train/optimizer_io.h"
#include "unbert/train/schedule.h"
#include "unbert/train/tensorboard_log.h"

namespace unbert {

// What a failed collective advises once a checkpoint exists (each is written
// whole, so the last one is intact even if rank 0 died writing the next).
constexpr const char* kResumeAdvice =
    "the last checkpoint is intact; see each rank's unbert.rank<N>.log, then resume with "
    "--resume";

namespace fs = std::filesystem;

namespace {

// Every rank's dropout generator state, for rank 0's checkpoint (ranks 1..;
// the states have one size, as allgather needs).
std::vector<std::string> gather_rank_rngs(ProcessGroup& group, const std::string& mine) {
  if (group.size() == 1) return {};
  auto bytes = torch::from_blob(const_cast<char*>(mine.data()), {static_cast<int64_t>(mine.size())},
                                torch::kUInt8)
                   .clone();
  std::vector<std::string> out;
  auto all = group.allgather(bytes, "checkpoint state gather");
  for (std::size_t r = 1; r < all.size(); ++r)
    out.emplace_back(reinterpret_cast<const char*>(all[r].data_ptr<uint8_t>()),
                     static_cast<std::size_t>(all[r].numel()));
  return out;
}

}  // namespace

// An epoch's samples in training order, as units (a sample, or a listwise
// group of one click and its negatives).
struct Trainer::Plan {
  EpochSamples samples;
  int64_t unit = 1;
  std::vector<uint32_t> order;  // unit indices
  std::size_t batches = 0;
};

struct Trainer::StepBatches {
  std::vector<Batch> micro;
  std::vector<int64_t> micro_units;
  int64_t units = 0, sequences = 0;
};

Trainer::Trainer(const RunConfig& config, const MindData& data, const TextPipeline& text,
                 RunDir run, torch::Device device, TrainHooks hooks, ProcessGroup& group)
    : config_(config),
      data_(data),
      text_(text),
      run_(std::move(run)),
      device_(device),
      precision_(resolve_precision(config.train.precision, device, "train.precision")),
      eval_precision_(
          resolve_scoring_precision(config.eval.precision, device, config.model.hidden_size)),
      hooks_(std::move(hooks)),
      group_(group) {
  if (data.splits.count("valid")) dev_name_ = "valid";
  auto dev = data.splits.find(dev_name_);
  if (dev != data.splits.end() && dev->second.labeled()) dev_ = &dev->second;
}

Trainer::~Trainer() = default;

// The shape of a fresh model, or of the checkpoint train.init_from starts
// from (which must fit the config and the tokenizer).
ModelShape Trainer::initial_shape() const {
  const std::string& init_from = config_.train.init_from;
  if (init_from.empty()) return model_shape(config_, text_.tokenizer->vocab_size());
  if (!fs::is_directory(init_from))
    throw ConfigError("train.init_from", "\"" + init_from +
                                             "\" is not a checkpoint folder (a run's best/ or "
                                             "checkpoints/step-N/); set it to \"\" to start from "
                                             "model.pretrained");
  CheckpointInfo info = read_checkpoint_info(init_from);
  ModelShape shape = shape_for_checkpoint(info, config_);
  check_checkpoint_fits(info, shape, text_.tokenizer->identity(), init_from);
  shape.dropout = config_.model.dropout;  // training-only: the config's
  shape.attention_dropout = config_.model.attention_dropout;
  return shape;
}

// Before the first step: the gradients, Adam's moments and a micro-batch's
// activations must fit beside the weights (a memory limit otherwise ends in a
// crash or a spin inside the BLAS, not an error).
void Trainer::check_training_fits(const ModelShape& shape, int64_t parameters) const {
  if (!device_.is_cpu()) return;  // a GPU's memory is its own; CUDA says what ran out
  const TextConfig& t = config_.text;
  // The dev evaluations between steps score beside the optimizer's state.
  const uint64_t need =
      training_memory(shape, parameters, config_.train.micro_batch, t.max_seq_len,
                      t.max_history + 2) +
      scoring_memory(shape, config_.eval.batch_size, t.max_seq_len, t.max_history + 2);
  char task[160];
  std::snprintf(
      task, sizeof task,
      "training (%.1f M parameters, train.micro_batch %lld and eval.batch_size %lld of %lld "
      "tokens)",
      static_cast<double>(parameters) / 1e6, static_cast<long long>(config_.train.micro_batch),
      static_cast<long long>(config_.eval.batch_size), static_cast<long long>(t.max_seq_len));
  check_memory(need, task,
               "lower train.micro_batch (train.batch_size stays the same) or eval.batch_size");
}

void Trainer::build_model() {
  ModelShape shape = initial_shape();
  model_ = make_unbert(shape, static_cast<uint64_t>(config_.train.seed), config_.model.random_init);
  model_->set_activation_checkpointing(config_.train.activation_checkpointing);
  if (!config_.train.init_from.empty()) {
    load_model_weights(model_, config_.train.init_from);
    spdlog::info("[model] weights from {} (train.init_from; model.pretrained is not read)",
                 config_.train.init_from);
  } else {
    if (!config_.model.pretrained.empty()) {
      WeightReport report = load_bert_weights(*model_, read_hf_weights(config_.model.pretrained),
                                              "bert.", {"embeddings.news_segment"});
      report.log(config_.model.pretrained);
    }
    if (config_.model.news_level.init == NewsLevelInit::CopyWordLevel)
      model_->copy_word_level_into_news_level();
  }
  model_->to(device_);
  int64_t parameters = 0;
  for (const auto& p : model_->parameters()) parameters += p.numel();
  spdlog::info(
      "[model] UNBERT: hidden {}, {} + {} layers, aggregator {}, level {}: {:.1f} M "
      "parameters on {}",
      shape.hidden_size, shape.num_layers, shape.news_layers, enum_name(shape.aggregator),
      enum_name(shape.level), parameters / 1e6, device_.str());
  check_training_fits(shape, parameters);
  spdlog::info("[train] precision {} ({}); dev scoring {} ({})", enum_name(precision_.used),
               precision_.why, enum_name(eval_precision_.used), eval_precision_.why);
}

void Trainer::build_optimizer() {
  const TrainConfig& t = config_.train;
  if (t.optimizer == OptimizerKind::AdamW)
    optimizer_ = std::make_unique<torch::optim::AdamW>(
        model_->parameters(), torch::optim::AdamWOptions(t.lr).weight_decay(t.weight_decay));
  else
    optimizer_ =
        std::make_unique<torch::optim::Adam>(model_->parameters(), torch::optim::AdamOptions(t.lr));
}

std::unique_ptr<Trainer::Plan> Trainer::plan_epoch(int64_t epoch) const {
  auto plan = std::make_unique<Plan>();
  auto rng = epoch_rng(config_.train.seed, epoch);
  plan->samples = draw_epoch_samples(data_.split("train"), config_.train.neg_ratio, rng);
  plan->unit = config_.train.loss == LossKind::Listwise ? plan->samples.group_size : 1;
  plan->order.resize(plan->samples.samples.size() / static_cast<std::size_t>(plan->unit));
  std::iota(plan->order.begin(), plan->order.end(), 0u);
  std::shuffle(plan->order.begin(), plan->order.end(), rng);
  auto batch = static_cast<std::size_t>(config_.train.batch_size);
  plan->batches = (plan->order.size() + batch - 1) / batch;
  return plan;
}

// The units of one optimizer step, sorted by length and cut into micro-batches
// (the gradient is the same in any order; sorting only saves padding).
Trainer::StepBatches Trainer::prepare(const Plan& plan, std::size_t batch) const {
  const Behaviors& train = data_.split("train");
  const Packer& packer = *text_.packer;
  auto per_batch = static_cast<std::size_t>(config_.train.batch_size);
  std::size_t begin = batch * per_batch, end = std::min(plan.order.size(), begin + per_batch);
  std::vector<std::pair<std::size_t, uint32_t>> units;  // length, unit
  for (std::size_t k = begin; k < end; ++k) {
    std::size_t longest = 0;
    for (int64_t s = 0; s < plan.unit; ++s) {
      const TrainSample& sample = plan.samples.samples[plan.order[k] * plan.unit + s];
      Impression imp = train[sample.impression];
      longest =
          std::max(longest, packer.packed_length(imp.candidates[sample.candidate], imp.history));
    }
    units.emplace_back(longest, plan.order[k]);
  }
  std::stable_sort(units.begin(), units.end());
  StepBatches out;
  out.units = static_cast<int64_t>(units.size());  // the global batch: losses are shares of it
  // Each rank takes every world-th unit of the length order: disjoint shards
  // of the same global order, with similar lengths on every rank.
  const auto ranks = static_cast<std::size_t>(group_.size());
  std::vector<std::pair<std::size_t, uint32_t>> mine;
  for (std::size_t u = static_cast<std::size_t>(group_.rank()); u < units.size(); u += ranks)
    mine.push_back(units[u]);
  units.swap(mine);
  auto micro = static_cast<std::size_t>(config_.train.micro_batch);
  for (std::size_t m = 0; m < units.size(); m += micro) {
    std::size_t m_end = std::min(units.size(), m + micro);
    std::vector<PackedSequence> packed((m_end - m) * static_cast<std::size_t>(plan.unit));
    std::vector<const PackedSequence*> views;
    std::vector<int8_t> labels;
    for (std::size_t u = m; u < m_end; ++u)
      for (int64_t s = 0; s < plan.unit; ++s) {
        const TrainSample& sample = plan.samples.samples[units[u].second * plan.unit + s];
        Impression imp = train[sample.impression];
        PackedSequence& p = packed[views.size()];
        packer.pack(imp.candidates[sample.candidate], imp.history, &p);
        views.push_back(&p);
        labels.push_back(sample.label);
      }
    out.micro.push_back(collate(views, labels, text_.tokenizer->special().pad));
    out.micro_units.push_back(static_cast<int64_t>(m_end - m));
    out.sequences += static_cast<int64_t>(views.size());
  }
  return out;
}

bool Trainer::unscale_fp16_gradients() {
  bool finite = true;
  for (auto& p : model_->parameters())
    if (p.grad().defined()) finite = finite && torch::isfinite(p.grad()).all().item<bool>();
  if (!finite) {
    state_.loss_scale /= 2;
    state_.good_steps = 0;
    spdlog::warn("[train] step {}: fp16 gradients overflowed; skipped, loss scale now {}",
                 state_.step, state_.loss_scale);
    return false;
  }
  for (auto& p : model_->parameters())
    if (p.grad().defined()) p.grad().div_(state_.loss_scale);
  if (++state_.good_steps % 2000 == 0) state_.loss_scale *= 2;
  return true;
}

std::pair<double, int64_t> Trainer::train_step(const StepBatches& step) {
  const TrainConfig& t = config_.train;
  const bool fp16 = precision_.used == Precision::Fp16;
  model_->train();
  optimizer_->zero_grad();
  torch::Tensor total;  // the step's loss, summed on the device
  for (std::size_t m = 0; m < step.micro.size(); ++m) {
    Batch batch = step.micro[m].to(device_);
    torch::Tensor logits;
    {
      PrecisionScope scope(device_, precision_.used);  // forward only; backward follows it
      logits = model_(batch);
    }
    logits = logits.to(torch::kFloat32);
    torch::Tensor loss;
    if (t.loss == LossKind::Listwise) {
      auto scores = (logits.select(1, 1) - logits.select(1, 0)).view({-1, 1 + t.neg_ratio});
      loss =
          torch::cross_entropy_loss(scores, torch::zeros({scores.size(0)}, batch.labels.options()));
    } else {
      loss = torch::cross_entropy_loss(logits, batch.labels);
    }
    loss = loss * (static_cast<double>(step.micro_units[m]) / static_cast<double>(step.units));
    if (hooks_.on_loss) hooks_.on_loss(loss, state_.step);
    if (m + 1 == step.micro.size()) sync_->last_backward_begins();
    (fp16 ? loss * state_.loss_scale : loss).backward();
    total = total.defined() ? total + loss.detach() : loss.detach();
  }
  sync_->finish();
  // The step's loss and size over all ranks: one device sync per step; the
  // weights change only after the check below.
  auto figures = torch::zeros({2}, torch::dtype(torch::kFloat64).device(device_));
  if (total.defined()) figures[0] = total.to(torch::kFloat64);
  figures[1] = static_cast<double>(step.sequences);
  group_.allreduce_sum(figures, "loss all-reduce");
  figures = figures.to(torch::kCPU);
  const double step_loss = figures[0].item<double>();
  const auto sequences = static_cast<int64_t>(figures[1].item<double>());
  if (!std::isfinite(step_loss)) {
    auto last = run_.latest_checkpoint();
    throw Error("train: the loss is not finite (" + std::to_string(step_loss) + ") at step " +
                std::to_string(state_.step + 1) + " (epoch " + std::to_string(state_.epoch + 1) +
                "); stopped without updating the weights; last good checkpoint: " +
                (last ? *last : std::string("none")) + "; lower train.lr or check the data");
  }
  bool apply = fp16 ? unscale_fp16_gradients() : true;
  if (apply) {
    if (t.grad_clip > 0) torch::nn::utils::clip_grad_norm_(model_->parameters(), t.grad_clip);
    double lr = learning_rate(t.lr, state_.step, state_.total_steps,
                              warmup_steps(t.warmup_ratio, state_.total_steps));
    for (auto& group : optimizer_->param_groups()) group.options().set_lr(lr);
    optimizer_->step();
  }
  ++state_.step;
  state_.samples_seen += sequences;
  return {step_loss, sequences};
}

void Trainer::log_metrics(const nlohmann::json& line) const {
  if (!group_.main()) return;
  MetricsLog(run_.path()).append(line);
  if (!tensorboard_)
    tensorboard_ = std::make_unique<TensorBoardLog>(run_.path(), session_first_step_);
  tensorboard_->append(line);
}

// Rows past the checkpoint were written by steps that run again now; kept,
// they would appear twice.
void Trainer::drop_metrics_after(int64_t step) const {
  if (!group_.main()) return;
  if (std::size_t dropped = MetricsLog(run_.path()).drop_after(step))
    spdlog::info("[train] metrics.jsonl: dropped {} row(s) past step {} (they run again)", dropped,
                 step);
}

// The 1-based epoch of the last step taken: after an epoch's last step the
// state already points at the next epoch's first batch.
int64_t Trainer::epoch_of_last_step() const {
  return state_.batch_in_epoch == 0 && state_.step > 0 ? state_.epoch : state_.epoch + 1;
}

void Trainer::validate() {
  if (!dev_) return;
  ScoringOptions options;
  options.batch_size = config_.eval.batch_size;
  options.device = device_;
  options.precision = eval_precision_.used;
  options.max_impressions = static_cast<std::size_t>(config_.train.eval_impressions);
  options.progress_label = "[valid]";
  options.progress_lines = 4;
  auto scores = score_candidates(model_, *dev_, *text_.packer, text_.tokenizer->special().pad,
                                 options, group_);
  MetricSummary m = metrics_of(*dev_, scores, options.max_impressions);
  bool better = m.auc > state_.best_auc;
  if (better) {
    state_.best_auc = m.auc;
    state_.best_step = state_.step;
    state_.evaluations_since_best = 0;
  } else {
    ++state_.evaluations_since_best;
  }
  spdlog::info(
      "[valid] step {} auc {:.4f} mrr {:.4f} ndcg@5 {:.4f} ndcg@10 {:.4f} (best {:.4f} at "
      "step {}, {} impressions)",
      state_.step, m.auc, m.mrr, m.ndcg5, m.ndcg10, state_.best_auc, state_.best_step,
      m.impressions);
  log_metrics({{"step", state_.step},
               {"epoch", epoch_of_last_step()},
               {dev_name_,
                {{"auc", m.auc},
                 {"mrr", m.mrr},
                 {"ndcg@5", m.ndcg5},
                 {"ndcg@10", m.ndcg10},
                 {"impressions", m.impressions}}}});
  if (better) save_best();
}

CheckpointInfo Trainer::checkpoint_info() const {
  CheckpointInfo info;
  info.shape = model_->shape();
  info.tokenizer_identity = text_.tokenizer->identity();
  info.text = config_to_json(config_)["text"];
  return info;
}

const std::string& Trainer::tokenizer_source() const {
  return config_.text.tokenizer == TokenizerKind::WordPiece ? config_.text.vocab
                                                            : config_.text.spm_model;
}

void Trainer::save_best() {
  if (!group_.main()) return;
  const CheckpointInfo info = checkpoint_info();
  write_dir_atomic(run_.best_checkpoint(), [&](const std::string& dir) {
    write_model_files(dir, model_, info, tokenizer_source());
    write_text_atomic((fs::path(dir) / "state.json").string(), state_.to_json().dump(2) + "\n");
  });
}

void Trainer::save_checkpoint() {
  state_.torch_rng = save_torch_rng();
  state_.rank_rngs = gather_rank_rngs(group_, state_.torch_rng);
  check_replicas_agree(group_, model_->parameters(), state_.step);
  state_.world_size = group_.size();
  group_.set_failure_advice(kResumeAdvice);
  if (!group_.main()) return;
  const CheckpointInfo info = checkpoint_info();
  std::string target = run_.step_checkpoint(state_.step);
  fs::create_directories(fs::path(target).parent_path());
  write_dir_atomic(target, [&](const std::string& dir) {
    write_model_files(dir, model_, info, tokenizer_source());
    save_optimizer_state(*optimizer_, (fs::path(dir) / "optimizer.pt").string());
    // What the run trained with: a hand edit of the run's config.json is
    // told apart from a change --resume allowed.
    write_text_atomic((fs::path(dir) / "run_config.json").string(),
                      config_to_json(config_).dump(2) + "\n");
    write_text_atomic((fs::path(dir) / "state.json").string(), state_.to_json().dump(2) + "\n");
  });
  run_.prune(config_.train.keep);
  if (hooks_.on_checkpoint) hooks_.on_checkpoint(target);
}

void Trainer::restore(const std::string& checkpoint) {
  load_model_weights(model_, checkpoint);
  const std::string optimizer_path = (fs::path(checkpoint) / "optimizer.pt").string();
  const std::string damaged =
      " (the checkpoint is damaged; delete " + checkpoint + " to resume from the one before it)";
  try {
    torch::load(*optimizer_, optimizer_path);
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw Error(optimizer_path +
                ": cannot read the optimizer state: " + what.substr(0, what.find('\n')) + damaged);
  }
  std::string state_path = (fs::path(checkpoint) / "state.json").string();
  try {
    state_ =
        TrainingState::from_json(nlohmann::json::parse(read_text_file(state_path)), state_path);
  } catch (const nlohmann::json::exception& e) {
    throw Error(state_path + ": not a valid training state: " + e.what() + damaged);
  }
  restore_torch_rng(state_.torch_rng);
  spdlog::info("[train] resuming from {} (epoch {}, step {})", checkpoint, state_.epoch + 1,
               state_.step);
}

// A saved position beyond the epoch would never be reached again (the loop
// once spun there forever): the train split shrank, or state.json was edited.
void Trainer::check_position(const std::string& checkpoint, std::size_t batches_per_epoch) const {
  if (state_.batch_in_epoch < static_cast<int64_t>(batches_per_epoch)) return;
  throw Error(checkpoint + "/state.json: the run stopped before batch " +
              std::to_string(state_.batch_in_epoch + 1) + " of epoch " +
              std::to_string(state_.epoch + 1) + ", but the train split now gives " +
              std::to_string(batches_per_epoch) +
              " batches per epoch (the training data changed since); restore the data the run "
              "was trained on, or start a new run");
}

// The steps the config asks for: train.epochs, capped by train.max_steps.
int64_t Trainer::planned_steps(std::size_t batches_per_epoch) const {
  int64_t total = config_.train.epochs * static_cast<int64_t>(batches_per_epoch);
  return config_.train.max_steps > 0 ? std::min(total, config_.train.max_steps) : total;
}

// A resumed run may be given more (or fewer) steps than it was planned with:
// train.epochs or train.max_steps changed on --resume. The learning-rate
// schedule then spans the new total from the next step on; the steps already
// taken keep the rates they had.
void Trainer::replan(int64_t planned) {
  if (state_.total_steps != planned)
    spdlog::info(
        "[train] the run was planned for {} steps and now for {} (train.epochs / "
        "train.max_steps): the learning-rate schedule spans {} steps from step {} on",
        state_.total_steps, planned, planned, state_.step + 1);
  state_.total_steps = planned;
}

void Trainer::start(bool resume, const Plan& first) {
  if (first.batches == 0)
    throw Error(data_.split("train").path() + ": no training samples (" +
                std::to_string(data_.split("train").size()) +
                " impressions, none with both a click and a non-click); point data.train_dir at "
                "a MIND training folder");
  const nlohmann::json training_files = training_files_fingerprint(config_.data);
  const int64_t planned = planned_steps(first.batches);
  if (resume) {
    auto latest = run_.latest_checkpoint();
    if (!latest)
      throw UsageError(run_.path() +
                       ": nothing to resume (no checkpoint yet); start again "
                       "without --resume");
    restore(*latest);
    group_.set_failure_advice(kResumeAdvice);
    check_same_training_files(state_.training_files, training_files, *latest);
    check_position(*latest, first.batches);
    drop_metrics_after(state_.step);
    replan(planned);
  } else {
    state_.total_steps = planned;
    group_.set_failure_advice(
        "no checkpoint was written yet; see each rank's unbert.rank<N>.log, fix the cause and "
        "start the run again (without --resume)");
  }
  session_first_step_ = state_.step + 1;
  seed_dropout(resume);
  state_.training_files = training_files;  // recorded in every checkpoint
  spdlog::info(
      "[train] {} samples per epoch ({} impressions skipped: no negative), {} steps of "
      "{}; {} epochs, {} steps",
      first.samples.samples.size(), first.samples.skipped_impressions, first.batches,
      config_.train.batch_size, config_.train.epochs, state_.total_steps);
  if (dev_ == nullptr)
    spdlog::warn("[train] no labeled dev split: the last checkpoint is the best");
}

// Why a resumed run has nothing left to do, or "" when it has.
std::string Trainer::finished_reason(const Cadence& cadence) const {
  if (cadence.out_of_patience(state_.evaluations_since_best))
    return "stopped early: " + std::to_string(state_.evaluations_since_best) +
           " evaluations without a better " + dev_name_ + " AUC (raise train.patience to go on)";
  if (state_.step >= state_.total_steps)
    return "all " + std::to_string(state_.total_steps) +
           " planned steps are done (raise train.epochs or train.max_steps to go on)";
  return "";
}

void Trainer::run(bool resume) {
  build_model();
  build_optimizer();
  auto plan = plan_epoch(0);
  start(resume, *plan);
  join_ranks();
  Cadence cadence(config_.train, state_.total_steps);
  if (std::string reason = finished_reason(cadence); !reason.empty()) {
    spdlog::info("[train] nothing to train: {}", reason);
    return;
  }
  Progress progress("[train]", state_.total_steps, config_.train.log_every);
  StepWindow window;
  int64_t planned_epoch = 0;
  bool done = false;
  while (!done) {
    if (planned_epoch != state_.epoch) plan = plan_epoch(planned_epoch = state_.epoch);
    Prefetcher<StepBatches> prefetch(static_cast<std::size_t>(state_.batch_in_epoch), plan->batches,
                                     [&](std::size_t b) { return prepare(*plan, b); });
    while (auto step = prefetch.next()) {
      const auto [loss, sequences] = train_step(*step);
      window.add(loss, sequences);
      const bool epoch_end = advance_position(plan->batches);
      const StepActions actions = cadence.after_step(state_.step, epoch_end);
      report_step(window, actions.log, &progress);
      if (actions.evaluate) {
        window.pause([&] {
          progress.finish();
          validate();
          save_checkpoint();
        });
      } else if (actions.save) {
        window.pause([&] {
          progress.finish();
          save_checkpoint();
        });
      }
      const bool early_stop =
          actions.evaluate && cadence.out_of_patience(state_.evaluations_since_best);
      if (stop_everywhere(stop_requested()) ||
          (hooks_.stop_after && hooks_.stop_after(state_.step))) {
        progress.finish();
        if (!actions.evaluate && !actions.save) save_checkpoint();
        throw TrainingInterrupted("training stopped at step " + std::to_string(state_.step) +
                                  "; checkpoint " + run_.step_checkpoint(state_.step) +
                                  " written; continue with --resume");
      }
      if (early_stop)
        spdlog::info(
            "[train] early stop at step {}: {} evaluations without a better {} AUC (best {:.4f} "
            "at step {})",
            state_.step, state_.evaluations_since_best, dev_name_, state_.best_auc,
            state_.best_step);
      done = actions.last || early_stop;
      if (done) break;
    }
  }
  progress.finish();
  if (dev_ == nullptr) save_best();
  spdlog::info(
      "[train] done: {} steps, {} samples{}", state_.step, state_.samples_seen,
      dev_ ? ", best " + dev_name_ + " AUC " + std::to_string(state_.best_auc) : std::string());
}

// Rank 0's weights on every rank, then the gradient synchronisation (after
// restore: its hooks belong to these parameters).
void Trainer::join_ranks() {
  std::vector<torch::Tensor> tensors = model_->parameters();
  for (const auto& b : model_->buffers()) tensors.push_back(b);
  broadcast_tensors(group_, tensors, "initial weights broadcast");
  sync_ = make_gradient_sync(group_, model_->parameters());
  if (group_.size() == 1) return;
  const int64_t world = group_.size(), batch = config_.train.batch_size;
  const int64_t per_rank = (batch + world - 1) / world;
  spdlog::info(
      "[dist] global batch {} = {} ranks x {}{} per rank, in micro-batches of {} ({} "
      "accumulation step(s)); gradients summed over ranks in buckets, over {}",
      batch, world, per_rank, batch % world == 0 ? "" : " (or one fewer)",
      std::min(config_.train.micro_batch, per_rank),
      (per_rank + config_.train.micro_batch - 1) / config_.train.micro_batch, group_.backend());
}

// Dropout's generator: rank 0 draws as a single process does; other ranks
// draw their own streams. A resume restores each rank's stream when the
// world size is the one the checkpoint was written with.
void Trainer::seed_dropout(bool resume) {
  const auto seed = static_cast<uint64_t>(config_.train.seed);
  const auto rank = static_cast<uint64_t>(group_.rank());
  if (!resume) {
    torch::manual_seed(seed ^ (rank * 0x9E3779B97F4A7C15ull));  // after the init draws
    return;
  }
  if (rank == 0) return;  // restore() set it
  if (state_.rank_rngs.size() + 1 == static_cast<std::size_t>(group_.size())) {
    restore_torch_rng(state_.rank_rngs[rank - 1]);
    return;
  }
  torch::manual_seed(seed ^ (rank * 0x9E3779B97F4A7C15ull) ^ static_cast<uint64_t>(state_.step));
  if (rank == 1)
    spdlog::info(
        "[dist] the checkpoint was written by {} rank(s), this run has {}: ranks 1.. draw "
        "dropout from new streams (the data order and global batch are unchanged)",
        state_.world_size, group_.size());
}

// A stop asked for on any rank (Ctrl-C, SIGTERM) stops all after the same
// step, so rank 0 writes one consistent checkpoint.
bool Trainer::stop_everywhere(bool here) {
  if (group_.size() == 1) return here;
  auto flag = torch::full({1}, here ? 1.0 : 0.0, torch::dtype(torch::kFloat64).device(device_));
  group_.allreduce_sum(flag, "stop check");
  return flag.to(torch::kCPU).item<double>() > 0;
}

// The saved position is where training goes on: the next batch. True when
// the step used the epoch's last batch.
bool Trainer::advance_position(std::size_t batches_per_epoch) {
  if (++state_.batch_in_epoch < static_cast<int64_t>(batches_per_epoch)) return false;
  ++state_.epoch;
  state_.batch_in_epoch = 0;
  return true;
}

void Trainer::report_step(StepWindow& window, bool log, Progress* progress) const {
  const TrainConfig& t = config_.train;
  const double lr = learning_rate(t.lr, state_.step - 1, state_.total_steps,
                                  warmup_steps(t.warmup_ratio, state_.total_steps));
  char fields[160];
  std::snprintf(fields, sizeof fields, "ep %lld loss %.4f lr %.2e %.0f samples/s",
                static_cast<long long>(epoch_of_last_step()), window.mean_loss(), lr,
                window.samples_per_second());
  progress->update(state_.step, fields);
  if (!log) return;
  log_metrics({{"step", state_.step},
               {"epoch", epoch_of_last_step()},
               {"loss", window.mean_loss()},
               {"lr", lr},
               {"samples_per_s", window.samples_per_second()},
               {"precision", enum_name(precision_.used)}});
  window.reset();
}

}  // namespace unbert
