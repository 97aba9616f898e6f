// unbert compare: runs (or eval folders) side by side on one split, each
// metric with its 95 % interval and, against the first, the paired
// difference with its interval and p-value (eval/significance.h). Runs whose
// settings differ only by train.seed form one row: mean +- std over seeds.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "unbert/eval/significance.h"

namespace unbert {

struct CompareOptions {
  std::vector<std::string> inputs;  // run folders or eval folders (holding impressions.tsv)
  std::string split = "dev";        // which eval/<split>/ of a run folder
  int resamples = 2000;
  uint64_t seed = 1;
  bool group_seeds = true;
};

inline constexpr std::array<const char*, 4> kCompareMetrics = {"AUC", "MRR", "nDCG@5", "nDCG@10"};

struct MetricCell {
  Estimate value;
  double seed_std = 0;  // over the row's seeds (0 with one)
  std::size_t impressions = 0;
  bool has_difference = false;  // every row but the first
  Difference difference;        // this row - the first row
  std::string test;             // "sign-flip permutation (exact)", ... or ""
};

struct CompareRow {
  std::string label;                // the first input of the row, as given
  std::vector<std::string> inputs;  // every input (one per seed)
  std::vector<int64_t> seeds;
  std::array<MetricCell, 4> metrics;
};

struct Comparison {
  std::string split, behaviors;  // behaviors.tsv the runs scored
  std::size_t impressions = 0;
  int resamples = 0;
  std::vector<CompareRow> rows;

  nlohmann::json to_json() const;
};

Comparison compare_runs(const CompareOptions& options);

}  // namespace unbert
