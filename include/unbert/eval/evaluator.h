// Scoring every candidate of every impression, batched across impressions
// and sorted by length, and the metrics of those scores.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "unbert/data/behaviors.h"
#include "unbert/data/news_table.h"
#include "unbert/dist/process_group.h"
#include "unbert/eval/metrics.h"
#include "unbert/eval/partial_scores.h"
#include "unbert/model/unbert.h"
#include "unbert/text/packer.h"

namespace unbert {

struct ScoringOptions {
  int64_t batch_size = 256;
  torch::Device device = torch::kCPU;
  Precision precision = Precision::Fp32;  // resolved (model/precision.h), never auto
  std::size_t max_impressions = 0;        // 0 = all
  bool progress = true;
  std::string progress_label = "[eval]";
  std::size_t progress_lines = 10;  // log lines when stderr is not a terminal
  // Score only batches shard, shard + shards, ... of the length-sorted
  // batches (the others stay 0): one process's batches, split over ranks.
  int shard = 0, shards = 1;
  // Resumable scoring: batches already in `partial` are taken from it, each
  // new one is appended, and a stop request (Ctrl-C) ends with Interrupted.
  PartialScores* partial = nullptr;
};

// Click probabilities in the order of behaviors' candidates (the first
// max_impressions impressions only, when set).
std::vector<float> score_candidates(Unbert& model, const Behaviors& behaviors, const Packer& packer,
                                    int32_t pad_id, const ScoringOptions& options);

// The same, sharded over the group's ranks: each scores its share of the
// batches (the very batches one process would form), and the sum over ranks
// (each score is nonzero on one rank only) gives every rank all the scores.
std::vector<float> score_candidates(Unbert& model, const Behaviors& behaviors, const Packer& packer,
                                    int32_t pad_id, ScoringOptions options, ProcessGroup& group);

// Metrics of the first `impressions` impressions (all when 0).
MetricSummary metrics_of(const Behaviors& behaviors, const std::vector<float>& scores,
                         std::size_t impressions = 0);

// The paper's cold-start view (Figure 4): metrics per day and the share of
// candidates whose news never appears in the training behaviors.
struct DayMetrics {
  std::string day;
  MetricSummary metrics;
  double unseen_share = 0;
};
std::vector<bool> news_in_behaviors(const Behaviors& behaviors, std::size_t news_count);
std::vector<DayMetrics> metrics_by_day(const Behaviors& behaviors, const std::vector<float>& scores,
                                       const std::vector<bool>& seen_in_train);

// Per MIND category (news.tsv's second column): every impression restricted
// to its candidates of that category, then the usual per-impression means
// (one with a single class there is left out of AUC). Most candidates first.
struct CategoryMetrics {
  std::string category;
  MetricSummary metrics;
  std::size_t candidates = 0;
  double unseen_share = 0;
};
std::vector<CategoryMetrics> metrics_by_category(const Behaviors& behaviors,
                                                 const std::vector<float>& scores,
                                                 const NewsTable& news,
                                                 const std::vector<bool>& seen_in_train);

}  // namespace unbert
