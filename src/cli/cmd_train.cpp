// unbert train: the paper's training recipe on a MIND split.
#include <filesystem>
#include <iostream>
#include <memory>

#include "unbert/cli/steps.h"
#include "unbert/common/fs.h"
#include "unbert/common/log.h"
#include "unbert/common/signals.h"
#include "unbert/config/config_io.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/model/device.h"
#include "unbert/text/text_setup.h"
#include "unbert/train/run_lock.h"
#include "unbert/train/trainer.h"

namespace unbert::cli {
namespace {

// Keys that may change between a run and its resumption.
bool operational_key(const std::string& key) {
  return key == "device" || key == "run_dir" || key.rfind("eval.", 0) == 0 ||
         key == "train.eval_every" || key == "train.log_every" || key == "train.keep" ||
         key == "train.eval_impressions";
}

void flatten(const nlohmann::json& tree, const std::string& prefix,
             std::map<std::string, nlohmann::json>* out) {
  for (const auto& [key, value] : tree.items()) {
    if (value.is_object())
      flatten(value, prefix + key + ".", out);
    else
      (*out)[prefix + key] = value;
  }
}

void check_resume_config(const RunConfig& config, const RunDir& run) {
  std::map<std::string, nlohmann::json> saved, now;
  flatten(read_json_file(run.file("config.json")), "", &saved);
  flatten(config_to_json(config), "", &now);
  for (const auto& [key, value] : now) {
    if (operational_key(key) || saved[key] == value) continue;
    throw UsageError("--resume: config key '" + key + "' is " + value.dump() + " but the run in " +
                     run.path() + " used " + saved[key].dump() +
                     "; resume with the same config, or start a new run (--run-dir)");
  }
}

std::vector<std::string> splits_for_training(const DataConfig& data) {
  std::vector<std::string> splits{"train"};
  bool dev = !data.dev_dir.empty() &&
             std::filesystem::exists(std::filesystem::path(data.dev_dir) / "behaviors.tsv");
  if (dev) splits.push_back("dev");
  return splits;
}

void refuse_existing_run(const RunDir& run) {
  if (run.has_run())
    throw UsageError("run directory " + run.path() +
                     " already holds a run; continue it with "
                     "--resume, or choose another with --run-dir (nothing was overwritten)");
}

// `--resume` without --config continues a run from its own config.json: the
// run named by --run-dir, else runs/latest. --set still applies on top (and
// may change operational keys only, as always on resume).
RunConfig load_train_config(const TrainOptions& o) {
  if (!o.resume || !o.config.config.empty()) return o.config.load();
  const std::string dir = o.run_dir.empty() ? latest_run() : o.run_dir;
  ConfigOptions from_run = o.config;
  from_run.config = (std::filesystem::path(dir) / "config.json").string();
  if (!std::filesystem::exists(from_run.config))
    throw UsageError("--resume: " + dir + " holds no run to continue (no config.json)");
  RunConfig config = from_run.load();
  config.run_dir = dir;
  return config;
}

}  // namespace

TrainResult train_run(const TrainOptions& o) {
  RunConfig config = load_train_config(o);
  if (!o.run_dir.empty()) config.run_dir = o.run_dir;
  if (!o.device.empty()) config.device = o.device;
  validate(config);
  RunDir run(default_run_dir(config));
  if (o.resume) {
    if (!std::filesystem::exists(run.file("config.json")))
      throw UsageError("--resume: " + run.path() + " holds no run to continue");
    check_resume_config(config, run);
  } else {
    refuse_existing_run(run);
  }
  RunLock lock(run.path());                 // for the whole run; a second process stops here
  if (!o.resume) refuse_existing_run(run);  // made by another process meanwhile
  const bool restart = !o.resume && run.has_leftovers();
  if (restart) std::filesystem::remove(run.file("metrics.jsonl"));  // rows of the stopped attempt
  if (!o.resume) write_text_atomic(run.file("config.json"), config_to_json(config).dump(2) + "\n");
  add_log_file(run.file("unbert.log"));
  spdlog::info("[train] run directory {}", run.path());
  if (restart)
    spdlog::info(
        "[train] {} held an attempt that stopped before its first checkpoint: starting "
        "again there",
        run.path());

  torch::Device device = resolve_device(config.device);
  MindData data = load_mind(config.data, splits_for_training(config.data));
  auto text = build_text_pipeline(config, data.news);
  install_stop_signals();
  Trainer trainer(config, data, *text, run, device);
  // runs/latest names a run once it has a checkpoint, never a failed start.
  try {
    trainer.run(o.resume);
  } catch (const TrainingInterrupted&) {
    if (o.remember_latest) remember_latest_run(run.path());
    throw;
  }
  if (o.remember_latest) remember_latest_run(run.path());
  const TrainingState& state = trainer.state();
  TrainResult result;
  result.run_dir = run.path();
  result.best_checkpoint = run.model_checkpoint();
  result.best_auc = state.best_auc;
  result.best_step = state.best_step;
  return result;
}

namespace {

int run_train(const TrainOptions& o) {
  TrainResult result = train_run(o);
  if (result.best_auc >= 0)
    std::cout << "best dev AUC " << result.best_auc << " at step " << result.best_step << "\n";
  std::cout << "run directory: " << result.run_dir << " (best model: " << result.best_checkpoint
            << ")\n";
  return 0;
}

}  // namespace

Command add_train_command(CLI::App& root) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* app = root.add_subcommand("train", "Train UNBERT on a MIND split");
  o->config.add_to(*app);
  app->add_option("--run-dir", o->run_dir, "where the run writes (default: runs/<config name>)");
  app->add_flag("--resume", o->resume, "continue the run from its last checkpoint");
  app->add_option("--device", o->device, "auto, cpu, cuda or cuda:N (default: the config's)");
  return {app, [o] { return run_train(*o); }};
}

}  // namespace unbert::cli
