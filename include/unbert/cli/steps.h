// The pipeline's steps as functions: train a run, evaluate a labeled split,
// write leaderboard files. `unbert train/eval/predict` print their results;
// `unbert demo` chains them.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "unbert/cli/command.h"
#include "unbert/eval/metrics.h"
#include "unbert/eval/submission.h"

namespace unbert::cli {

struct TrainOptions {
  ConfigOptions config;
  std::string run_dir, device;
  bool resume = false;
  bool remember_latest = true;  // write runs/latest in the working folder
};

struct TrainResult {
  std::string run_dir, best_checkpoint;
  double best_auc = -1;  // -1: no dev split
  int64_t best_step = 0;
};

// Refuses to overwrite an earlier run unless resuming with the same config.
TrainResult train_run(const TrainOptions& o);

struct ScoreSplitOptions {
  ConfigOptions config;
  std::string run_dir, checkpoint, device, split;
  bool by_day = false;
  bool json = false;  // eval: print metrics.json's content instead of the table
};

struct EvalResult {
  MetricSummary metrics;
  nlohmann::json report;  // what metrics.json holds
  std::string out_dir;
};

// Scores a labeled split; writes scores.tsv and metrics.json.
EvalResult evaluate_split(const ScoreSplitOptions& o);

// Scores a split; writes prediction.txt and prediction.zip.
SubmissionFiles predict_split(const ScoreSplitOptions& o);

}  // namespace unbert::cli
