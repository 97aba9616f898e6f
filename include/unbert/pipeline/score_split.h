// Scoring a split with a trained checkpoint: `unbert eval` (metrics on a
// labeled split) and `unbert predict` (leaderboard files).
//
// Which checkpoint: --checkpoint, else the run's best (the run: --run-dir,
// the config's run folder, else runs/latest). Which config: --config, else
// the config.json of the run holding the checkpoint, else the defaults; --set
// on top. The tokenizer and text options come from the checkpoint itself
// (--set text.* still overrides), so a checkpoint folder works anywhere.
// Results go to --out, else the run's eval/<split> or predict/<split>, else
// (a checkpoint outside any run) the checkpoint's own eval/<split>.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "unbert/config/config_io.h"
#include "unbert/dist/world.h"
#include "unbert/eval/metrics.h"
#include "unbert/eval/submission.h"

namespace unbert {

struct ScoreSplitOptions {
  ConfigSource config;
  std::string run_dir, checkpoint, device, split, out;
  bool by_day = false;
  bool by_category = false;  // eval: metrics per MIND category too
  bool resume = false;       // predict: continue from the partial scores a stopped run left
  World world;               // several ranks: each scores its share; rank 0 writes
};

// On ranks other than 0 the results are computed but nothing is written
// (out_dir and the files' paths are empty).
struct EvalResult {
  MetricSummary metrics;
  nlohmann::json report;  // what metrics.json holds
  std::string out_dir;
};

// Scores a labeled split; writes scores.tsv and metrics.json.
EvalResult evaluate_split(const ScoreSplitOptions& o);

// Scores a split; writes prediction.txt, prediction.zip and scores.tsv.
SubmissionFiles predict_split(const ScoreSplitOptions& o);

// Whether the results in `eval_dir` (its metrics.json) are of the weights
// the run's best/ holds now. Results outside a run's eval/<split>/, or
// without a record of their weights, count as current.
bool eval_results_current(const std::string& eval_dir);

// Refuses --set keys that a trained checkpoint fixes (the model's sizes, the
// training recipe): they would be silently ignored.
void check_scoring_overrides(const std::vector<std::string>& overrides);

}  // namespace unbert
