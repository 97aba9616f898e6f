#include "unbert/train/run_dir.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"

namespace unbert {

namespace fs = std::filesystem;

namespace {
constexpr const char* kLatestFile = "runs/latest";
}

std::string RunDir::file(const std::string& name) const {
  return (fs::path(path_) / name).string();
}

std::string RunDir::step_checkpoint(int64_t step) const {
  char name[32];
  std::snprintf(name, sizeof name, "step-%09lld", static_cast<long long>(step));
  return (fs::path(path_) / "checkpoints" / name).string();
}

std::vector<std::string> RunDir::step_checkpoints() const {
  std::vector<std::string> out;
  fs::path dir = fs::path(path_) / "checkpoints";
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    bool complete = name.rfind("step-", 0) == 0 && name.find('.') == std::string::npos &&
                    fs::exists(entry.path() / "state.json");
    if (complete) out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());  // zero-padded step numbers sort in order
  return out;
}

std::optional<std::string> RunDir::latest_checkpoint() const {
  auto all = step_checkpoints();
  if (all.empty()) return std::nullopt;
  return all.back();
}

std::string RunDir::model_checkpoint() const {
  if (fs::exists(fs::path(best_checkpoint()) / "model.json")) return best_checkpoint();
  auto latest = latest_checkpoint();
  if (!latest)
    throw UsageError(path_ + ": has no checkpoint yet (train first, or pass --checkpoint)");
  // The last step is not the best one: scoring it unasked would report
  // another model under the run's name.
  throw UsageError(path_ +
                   ": has no best/ checkpoint yet (it is written when an evaluation improves "
                   "dev AUC, and at the end of a run without dev data); score a step "
                   "checkpoint with --checkpoint " +
                   *latest + " (the latest), or let the run finish (unbert train --resume)");
}

bool RunDir::has_run() const {
  return !step_checkpoints().empty();
}

bool RunDir::has_leftovers() const {
  return fs::exists(file("config.json")) || fs::exists(file("metrics.jsonl")) ||
         fs::exists(file("manifest.json")) || fs::exists(best_checkpoint());
}

void RunDir::prune(int64_t keep) const {
  auto all = step_checkpoints();
  for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < all.size(); ++i)
    fs::remove_all(all[i]);
}

std::string default_run_dir(const RunConfig& config) {
  return config.run_dir.empty() ? (fs::path("runs") / config.name).string() : config.run_dir;
}

void remember_latest_run(const std::string& dir) {
  fs::create_directories(fs::path(kLatestFile).parent_path());
  write_text_atomic(kLatestFile, dir + "\n");
}

std::string latest_run() {
  if (!fs::exists(kLatestFile))
    throw UsageError(
        "no run yet in this folder (runs/latest is missing): pass --run-dir DIR or "
        "train first");
  std::string dir = read_text_file(kLatestFile);
  while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
  if (!fs::is_directory(dir))
    throw UsageError("runs/latest names " + dir + ", which no longer exists: pass --run-dir DIR");
  return dir;
}

}  // namespace unbert
