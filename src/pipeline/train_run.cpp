#include "unbert/pipeline/train_run.h"

#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/common/log.h"
#include "unbert/common/signals.h"
#include "unbert/config/config_io.h"
#include "unbert/config/config_paths.h"
#include "unbert/data/holdout.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/dist/process_group.h"
#include "unbert/model/checkpoint.h"
#include "unbert/model/device.h"
#include "unbert/pipeline/manifest.h"
#include "unbert/pipeline/rank_agreement.h"
#include "unbert/pipeline/run_config.h"
#include "unbert/text/text_setup.h"
#include "unbert/train/run_lock.h"
#include "unbert/train/trainer.h"
#include "unbert/train/training_state.h"

namespace unbert {

namespace fs = std::filesystem;

bool resumable_key(const std::string& key) {
  return key == "device" || key == "run_dir" || key.rfind("eval.", 0) == 0 ||
         key == "train.eval_every" || key == "train.save_every" || key == "train.log_every" ||
         key == "train.keep" || key == "train.eval_impressions" || key == "train.epochs" ||
         key == "train.max_steps" || key == "train.patience" ||
         key == "train.activation_checkpointing";  // the same gradients either way
}

namespace {

std::map<std::string, nlohmann::json> flat_keys(RunConfig config) {
  resolve_paths(config, fs::current_path());  // compare paths, not spellings
  std::map<std::string, nlohmann::json> out;
  const nlohmann::json tree = config_to_json(config);
  std::function<void(const nlohmann::json&, const std::string&)> walk =
      [&](const nlohmann::json& node, const std::string& prefix) {
        for (const auto& [key, value] : node.items()) {
          if (value.is_object())
            walk(value, prefix + key + ".");
          else
            out[prefix + key] = value;
        }
      };
  walk(tree, "");
  return out;
}

// Refuses a change that would make the resumed run a different experiment;
// logs the changes allowed (they are then recorded in the run's config.json).
void check_resume_config(const RunConfig& config, const RunConfig& saved, const RunDir& run) {
  auto was = flat_keys(saved), now = flat_keys(config);
  for (const auto& [key, value] : now) {
    if (was[key] == value || key == "run_dir") continue;
    if (!resumable_key(key))
      throw UsageError("--resume: config key '" + key + "' is " + value.dump() +
                       " but the run in " + run.path() + " used " + was[key].dump() +
                       "; resume with the run's config (plain 'unbert train --resume'), or start "
                       "a new run (--run-dir)");
    spdlog::info("[train] resuming with {} = {} (the run had {})", key, value.dump(),
                 was[key].dump());
  }
}

// train.init_from fixes the model's sizes: a --set of one would have no
// effect, and config.json records the checkpoint's (once it recorded the
// --set value while the checkpoint's size trained).
void adopt_init_from_shape(RunConfig& config, const std::vector<std::string>& overrides) {
  if (config.train.init_from.empty()) return;
  static const char* const kFixed[] = {
      "model.hidden_size",       "model.num_layers",     "model.num_heads",
      "model.intermediate_size", "model.layer_norm_eps", "model.max_position_embeddings",
      "model.pretrained",        "model.random_init",    "model.news_level.layers",
      "model.news_level.init",   "text.spm_vocab_size"};
  for (const auto& assignment : overrides) {
    const std::string key = assignment.substr(0, assignment.find('='));
    for (const char* fixed : kFixed)
      if (key == fixed)
        throw UsageError("--set " + key +
                         ": train.init_from starts from a checkpoint, which fixes this key, so it "
                         "would have no effect; drop it, or start from model.pretrained "
                         "(--set train.init_from=)");
  }
  if (!fs::exists(fs::path(config.train.init_from) / "model.json")) return;  // the trainer says why
  const ModelShape shape = read_checkpoint_info(config.train.init_from).shape;
  config.model.hidden_size = shape.hidden_size;
  config.model.num_layers = shape.num_layers;
  config.model.num_heads = shape.num_heads;
  config.model.intermediate_size = shape.intermediate_size;
  config.model.layer_norm_eps = shape.layer_norm_eps;
  config.model.max_position_embeddings = shape.max_position_embeddings;
  config.model.news_level.layers = shape.news_layers;
}

// config.json is unbert's record of a run: an edit by hand that changes the
// experiment would be obeyed silently where the same change by --set is
// refused. The latest checkpoint records what the run trained with.
void check_config_file_unedited(const RunDir& run) {
  const auto latest = run.latest_checkpoint();
  if (!latest) return;
  const fs::path recorded_path = fs::path(*latest) / "run_config.json";
  if (!fs::exists(recorded_path)) return;  // a checkpoint from before the record
  RunConfig recorded;
  try {
    recorded = load_config_tree(nlohmann::json::parse(read_text_file(recorded_path.string())), {});
  } catch (const std::exception&) {
    return;  // a damaged record says nothing; restoring the checkpoint checks the rest
  }
  RunConfig saved = read_run_config(run.path(), {});
  std::set<std::string> paths;  // a moved run keeps working; its data is checked by hash
  for (const auto& [key, field] : path_fields(saved)) paths.insert(key);
  auto was = flat_keys(recorded), now = flat_keys(saved);
  for (const auto& [key, value] : now) {
    if (was[key] == value || key == "run_dir" || paths.count(key) || resumable_key(key)) continue;
    throw UsageError(run.file("config.json") + ": " + key + " is " + value.dump() +
                     " but the run trained with " + was[key].dump() + " (recorded in " + *latest +
                     "); config.json is unbert's record of the run: restore that value, or "
                     "start a new run (--run-dir) with the change");
  }
}

// Whether the run's latest checkpoint has done every epoch or step `config`
// plans: a resume then trains nothing (the trainer says so) and must not
// record settings in config.json that nothing used.
bool run_finished(const RunDir& run, const RunConfig& config) {
  const auto latest = run.latest_checkpoint();
  if (!latest) return false;
  const std::string path = (fs::path(*latest) / "state.json").string();
  TrainingState state;
  try {
    state = TrainingState::from_json(nlohmann::json::parse(read_text_file(path)), path);
  } catch (const std::exception&) {
    return false;  // damaged: the trainer's restore names the file and what to do
  }
  const int64_t max_steps = config.train.max_steps;
  return (state.epoch >= config.train.epochs && state.batch_in_epoch == 0) ||
         (max_steps > 0 && state.step >= max_steps);
}

std::vector<std::string> splits_for_training(const DataConfig& data) {
  std::vector<std::string> splits{"train"};
  bool dev = !data.dev_dir.empty() && fs::exists(fs::path(data.dev_dir) / "behaviors.tsv");
  if (dev) splits.push_back("dev");
  return splits;
}

void refuse_existing_run(const RunDir& run) {
  if (run.has_run())
    throw UsageError("run directory " + run.path() +
                     " already holds a run; continue it with "
                     "--resume, or choose another with --run-dir (nothing was overwritten)");
}

// A second `train --config X` without --run-dir: runs/X holds a run, so this
// one takes runs/X-2 (then -3, ...), and says so; nothing is overwritten.
RunDir next_free_run_dir(const RunDir& taken) {
  for (int n = 2;; ++n) {
    RunDir next(taken.path() + "-" + std::to_string(n));
    if (next.has_run()) continue;
    spdlog::info(
        "[train] {} already holds a run (continue it with --resume --run-dir {}); this "
        "one goes to {}",
        taken.path(), taken.path(), next.path());
    return next;
  }
}

// `--resume` without --config continues a run from its own config.json: the
// run named by --run-dir, else runs/latest. --set still applies on top (and
// may change the resumable keys only).
RunConfig load_train_config(const TrainOptions& o) {
  if (!o.resume || !o.config.path.empty()) {
    RunConfig config = o.config.load();
    if (!o.run_dir.empty()) config.run_dir = o.run_dir;
    return config;
  }
  const std::string dir = o.run_dir.empty() ? latest_run() : o.run_dir;
  if (!fs::exists(fs::path(dir) / "config.json"))
    throw UsageError("--resume: " + dir + " holds no run to continue (no config.json)");
  return read_run_config(dir, o.config.overrides);
}

TrainResult train_in(const RunDir& run, const RunConfig& config, const torch::Device& device,
                     const TrainOptions& o, RunManifest* manifest, ProcessGroup& group) {
  MindData data = load_mind(config.data, splits_for_training(config.data));
  hold_out_validation(config.train.holdout_days, &data);
  auto text = build_text_pipeline(config, data.news);
  install_stop_signals();
  // runs/latest names the run from its first checkpoint on, so that a plain
  // `unbert train --resume` finds it even after a kill -9.
  TrainHooks hooks;
  if (o.remember_latest && group.main()) {
    hooks.on_checkpoint = [&run, remembered = false](const std::string&) mutable {
      if (!remembered) remember_latest_run(run.path());
      remembered = true;
    };
  }
  Trainer trainer(config, data, *text, run, device, hooks, group);
  if (manifest) manifest->started(trainer.precision());
  trainer.run(o.resume);
  const TrainingState& state = trainer.state();
  TrainResult result;
  result.run_dir = run.path();
  result.best_checkpoint =
      fs::exists(fs::path(run.best_checkpoint()) / "model.json") || !run.latest_checkpoint()
          ? run.best_checkpoint()
          : *run.latest_checkpoint();
  result.best_auc = state.best_auc;
  result.best_step = state.best_step;
  result.validated_on = data.splits.count("valid") ? "held-out days" : "dev";
  return result;
}

// Rank 0 takes the run directory (lock, config.json, unbert.log); the others
// wait for it, then log to unbert.rank<N>.log.
void prepare_run_dir(const RunDir& run, const RunConfig& config, const TrainOptions& o,
                     ProcessGroup& group, std::optional<RunLock>* lock) {
  if (group.main()) {
    lock->emplace(run.path());                // for the whole run; a second process stops here
    if (!o.resume) refuse_existing_run(run);  // made by another process meanwhile
    const bool restart = !o.resume && run.has_leftovers();
    if (restart) {  // rows of the stopped attempt
      fs::remove(run.file("metrics.jsonl"));
      fs::remove(run.file("metrics.csv"));
    }
    if (!o.resume || !run_finished(run, config)) write_run_config(run.path(), config);
    add_log_file(run.file("unbert.log"));
    spdlog::info("[train] run directory {}", run.path());
    if (restart)
      spdlog::info(
          "[train] {} held an attempt that stopped before its first checkpoint: starting "
          "again there",
          run.path());
  }
  group.barrier("run directory setup");
  if (!group.main())
    log_as_rank(group.rank(), run.file("unbert.rank" + std::to_string(group.rank()) + ".log"));
}

}  // namespace

TrainResult train_run(const TrainOptions& o) {
  RunConfig config = load_train_config(o);
  if (!o.device.empty()) config.device = o.device;
  adopt_init_from_shape(config, o.config.overrides);
  validate(config);
  RunDir run(default_run_dir(config));
  if (!o.resume && config.run_dir.empty() && run.has_run()) run = next_free_run_dir(run);
  if (o.resume) {
    if (!fs::exists(run.file("config.json")))
      throw UsageError("--resume: " + run.path() + " holds no run to continue");
    if (!run.has_run())
      throw UsageError(run.path() +
                       ": nothing to resume (no checkpoint yet); start again without --resume");
    check_config_file_unedited(run);
    check_resume_config(config, read_run_config(run.path(), {}), run);
  } else {
    refuse_existing_run(run);
  }
  torch::Device device =
      resolve_device_for_rank(config.device, o.world.local_rank, o.world.distributed());
  ProcessGroup group(o.world, device);
  auto inputs = split_files(config.data, splits_for_training(config.data));
  for (auto& file : model_files(config)) inputs.push_back(std::move(file));
  check_ranks_agree(group, config, inputs);
  std::optional<RunLock> lock;
  prepare_run_dir(run, config, o, group, &lock);
  std::optional<RunManifest> manifest;
  if (group.main()) manifest.emplace(run.path(), config, o.command_line, device);
  try {
    TrainResult result = train_in(run, config, device, o, manifest ? &*manifest : nullptr, group);
    if (manifest) manifest->ended("finished");
    if (o.remember_latest && group.main()) remember_latest_run(run.path());
    group.barrier("end of training");
    return result;
  } catch (const TrainingInterrupted&) {
    // runs/latest names a run once it has a checkpoint, never a failed start.
    if (manifest) manifest->ended("interrupted");
    if (o.remember_latest && group.main()) remember_latest_run(run.path());
    throw;
  } catch (...) {
    if (manifest) manifest->ended("failed");
    throw;
  }
}

}  // namespace unbert
