#include "unbert/pipeline/sweep.h"

#include <filesystem>
#include <set>

#include <spdlog/spdlog.h>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/pipeline/score_split.h"
#include "unbert/pipeline/train_run.h"
#include "unbert/train/run_dir.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> values;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    values.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) return values;
    start = comma + 1;
  }
}

// A folder name's part for one setting: letters, digits, '.', '-' and '_' kept.
std::string name_part(const std::string& label, const std::string& value) {
  std::string part = label + "-";
  for (char c : value)
    part += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  return part;
}

// Each axis is named by its key's last part (model.aggregator: aggregator),
// unless two axes share it.
std::vector<std::string> axis_labels(const std::vector<SweepAxis>& grid) {
  std::vector<std::string> labels;
  std::multiset<std::string> leaves;
  auto leaf = [](const std::string& key) { return key.substr(key.rfind('.') + 1); };
  for (const SweepAxis& axis : grid) leaves.insert(leaf(axis.key));
  for (const SweepAxis& axis : grid)
    labels.push_back(leaves.count(leaf(axis.key)) > 1 ? axis.key : leaf(axis.key));
  return labels;
}

void check_grid(const SweepOptions& o) {
  if (o.seeds < 1 || o.seeds > 1000)
    throw UsageError("--seeds must be in [1, 1000], got " + std::to_string(o.seeds));
  if (o.grid.empty() && o.seeds == 1)
    throw UsageError("sweep: nothing to vary; give --grid KEY=V1,V2 and/or --seeds N (N >= 2)");
  std::set<std::string> keys;
  for (const SweepAxis& axis : o.grid) {
    if (axis.key == "train.seed")
      throw UsageError("--grid train.seed: give the number of seeds with --seeds N instead");
    if (axis.key == "name" || axis.key == "run_dir")
      throw UsageError("--grid " + axis.key + ": the sweep names its runs' folders itself");
    if (!keys.insert(axis.key).second)
      throw UsageError("--grid " + axis.key + " is given twice; list all its values in one --grid");
  }
}

// Every combination of the grid's values, the last axis changing fastest.
std::vector<std::vector<std::size_t>> combinations(const std::vector<SweepAxis>& grid) {
  std::vector<std::vector<std::size_t>> all{{}};
  for (const SweepAxis& axis : grid) {
    std::vector<std::vector<std::size_t>> longer;
    for (const auto& prefix : all)
      for (std::size_t v = 0; v < axis.values.size(); ++v) {
        longer.push_back(prefix);
        longer.back().push_back(v);
      }
    all = std::move(longer);
  }
  return all;
}

std::string default_out(const RunConfig& base) {
  return "runs/" + base.name + "-sweep";
}

// What the sweep folder holds: a second run of the sweep must ask for the same.
nlohmann::json sweep_identity(const SweepOptions& o, const RunConfig& base) {
  nlohmann::json grid = nlohmann::json::array();
  for (const SweepAxis& axis : o.grid) grid.push_back({{"key", axis.key}, {"values", axis.values}});
  return {{"config", config_to_json(base)}, {"grid", grid}, {"seeds", o.seeds}, {"split", o.split}};
}

void claim_sweep_folder(const std::string& out, const nlohmann::json& identity) {
  const std::string record = (fs::path(out) / "sweep.json").string();
  if (fs::exists(record)) {
    if (read_json_file(record) != identity)
      throw UsageError(record +
                       ": this folder holds another sweep (its grid, --seeds, --split or config "
                       "differ); give another --out, or repeat that sweep's own command");
    return;
  }
  if (fs::exists(out) && !fs::is_empty(out))
    throw UsageError(out +
                     ": exists and is not a sweep folder (no sweep.json); give another --out");
  fs::create_directories(out);
  write_text_atomic(record, identity.dump(2) + "\n");
}

bool finished(const RunDir& run) {
  const std::string manifest = run.file("manifest.json");
  if (!fs::exists(manifest)) return false;
  const nlohmann::json sessions = read_json_file(manifest).value("sessions", nlohmann::json());
  return sessions.is_array() && !sessions.empty() &&
         sessions.back().value("status", "") == "finished";
}

void train_if_needed(const SweepOptions& o, const SweepRun& r, const std::string& progress) {
  RunDir run(r.run_dir);
  if (finished(run)) {
    spdlog::info("[sweep] {} {}: trained already", progress, r.name);
    return;
  }
  TrainOptions t;
  t.run_dir = r.run_dir;
  t.device = o.device;
  t.remember_latest = false;
  t.command_line = o.command_line;
  t.resume = run.has_run();
  if (!t.resume) t.config = ConfigSource{o.config.path, r.overrides};  // resumes use config.json
  spdlog::info("[sweep] {} {}: {}", progress, r.name, t.resume ? "resuming" : "training");
  train_run(t);
}

// Results of the run's best/ as it is now are kept.
void evaluate_if_needed(const SweepOptions& o, const SweepRun& r, const std::string& progress) {
  const fs::path eval_dir = fs::path(r.run_dir) / "eval" / o.split;
  if (fs::exists(eval_dir / "metrics.json") && eval_results_current(eval_dir.string())) {
    spdlog::info("[sweep] {} {}: evaluated already", progress, r.name);
    return;
  }
  ScoreSplitOptions s;
  s.run_dir = r.run_dir;
  s.split = o.split;
  s.device = o.device;
  evaluate_split(s);
}

}  // namespace

SweepAxis parse_sweep_axis(const std::string& text) {
  const std::size_t eq = text.find('=');
  SweepAxis axis;
  if (eq != std::string::npos) {
    axis.key = text.substr(0, eq);
    axis.values = split_values(text.substr(eq + 1));
  }
  bool empty_value = false;
  for (const std::string& value : axis.values) empty_value |= value.empty();
  if (axis.key.empty() || axis.values.empty() || empty_value)
    throw UsageError("--grid " + text +
                     ": expected KEY=VALUE,VALUE,... (e.g. --grid model.level=word,news,both)");
  std::set<std::string> seen;
  for (const std::string& value : axis.values)
    if (!seen.insert(value).second)
      throw UsageError("--grid " + text + ": the value '" + value + "' is listed twice");
  return axis;
}

SweepPlan plan_sweep(const SweepOptions& o) {
  check_grid(o);
  const RunConfig base = o.config.load();
  split_dir(base.data, o.split);  // the split the runs are compared on must exist in the config
  SweepPlan plan;
  plan.out = o.out.empty() ? default_out(base) : o.out;
  plan.identity = sweep_identity(o, base);
  const std::vector<std::string> labels = axis_labels(o.grid);
  std::vector<SweepRun>& runs = plan.runs;
  std::set<std::string> names;
  for (const auto& combination : combinations(o.grid))
    for (int s = 0; s < o.seeds; ++s) {
      SweepRun r;
      r.overrides = o.config.overrides;
      for (std::size_t a = 0; a < o.grid.size(); ++a) {
        const std::string& value = o.grid[a].values[combination[a]];
        r.overrides.push_back(o.grid[a].key + "=" + value);
        r.name += name_part(labels[a], value) + "_";
      }
      const int64_t seed = base.train.seed + s;
      r.overrides.push_back("train.seed=" + std::to_string(seed));
      r.name += "seed-" + std::to_string(seed);
      r.run_dir = (fs::path(plan.out) / r.name).string();
      try {  // every run's settings checked up front, before the first trains
        ConfigSource{o.config.path, r.overrides}.load();
      } catch (const UsageError& e) {
        throw UsageError("sweep: the settings of the run " + r.name + " are refused: " + e.what());
      }
      if (!names.insert(r.name).second)
        throw UsageError("sweep: two runs would share the folder " + r.run_dir +
                         " (values that differ only in characters a folder name cannot hold); "
                         "rename one value");
      runs.push_back(std::move(r));
    }
  return plan;
}

std::vector<std::string> run_sweep(const SweepOptions& o) {
  const SweepPlan plan = plan_sweep(o);
  const std::vector<SweepRun>& runs = plan.runs;
  claim_sweep_folder(plan.out, plan.identity);
  spdlog::info("[sweep] {} runs in {}", runs.size(), plan.out);
  std::vector<std::string> dirs;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::string progress = std::to_string(i + 1) + "/" + std::to_string(runs.size());
    train_if_needed(o, runs[i], progress);
    evaluate_if_needed(o, runs[i], progress);
    dirs.push_back(runs[i].run_dir);
  }
  return dirs;
}

}  // namespace unbert
