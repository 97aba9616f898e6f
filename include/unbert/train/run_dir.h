// A run directory holds everything a run writes:
//   config.json  unbert.log  metrics.jsonl
//   checkpoints/step-000001234/  (model files, optimizer.pt, state.json)
//   best/                        (the best model by dev AUC)
//   eval/<split>/, predict/<split>/
// runs/latest (in the working folder) names the latest run, so that
// `unbert eval` right after `unbert train` needs no arguments.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "unbert/config/config.h"

namespace unbert {

class RunDir {
 public:
  explicit RunDir(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const;
  std::string step_checkpoint(int64_t step) const;
  std::string best_checkpoint() const { return file("best"); }
  // Complete step checkpoints, oldest first.
  std::vector<std::string> step_checkpoints() const;
  std::optional<std::string> latest_checkpoint() const;
  // best/; without one a UsageError naming the latest step checkpoint.
  std::string model_checkpoint() const;
  // A run to continue: at least one complete step checkpoint. Without one a
  // folder holds at most leftovers of an attempt that stopped before it
  // (config.json, unbert.log, metrics.jsonl, best/), and a new run may start there.
  bool has_run() const;
  bool has_leftovers() const;
  void prune(int64_t keep) const;

 private:
  std::string path_;
};

std::string default_run_dir(const RunConfig& config);  // run_dir, or runs/<name>
void remember_latest_run(const std::string& dir);
std::string latest_run();  // a UsageError when no run was made here yet

}  // namespace unbert
