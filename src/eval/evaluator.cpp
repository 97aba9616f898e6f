#include "unbert/eval/evaluator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <numeric>

#include "unbert/common/error.h"
#include "unbert/common/prefetcher.h"
#include "unbert/common/progress.h"
#include "unbert/common/signals.h"
#include "unbert/data/mind_time.h"
#include "unbert/model/precision.h"

namespace unbert {
namespace {

struct Pair {
  uint32_t impression, candidate;
  uint32_t length;
};

struct ScoredBatch {
  Batch batch;
  std::vector<std::size_t> slots;  // where each row's score goes
};

std::size_t impressions_to_score(const Behaviors& behaviors, std::size_t max_impressions) {
  return max_impressions == 0 ? behaviors.size() : std::min(max_impressions, behaviors.size());
}

}  // namespace

std::vector<float> score_candidates(Unbert& model, const Behaviors& behaviors, const Packer& packer,
                                    int32_t pad_id, const ScoringOptions& options) {
  std::size_t impressions = impressions_to_score(behaviors, options.max_impressions);
  std::vector<Pair> pairs;
  for (std::size_t i = 0; i < impressions; ++i) {
    Impression imp = behaviors[i];
    for (uint32_t c = 0; c < imp.candidates.size(); ++c)
      pairs.push_back(
          {static_cast<uint32_t>(i), c,
           static_cast<uint32_t>(packer.packed_length(imp.candidates[c], imp.history))});
  }
  // Similar lengths together: little padding.
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const Pair& a, const Pair& b) { return a.length < b.length; });
  auto batch_size = static_cast<std::size_t>(options.batch_size);
  std::size_t all_batches = (pairs.size() + batch_size - 1) / batch_size;
  const auto shards = static_cast<std::size_t>(options.shards);
  const auto shard = static_cast<std::size_t>(options.shard);
  std::size_t batches = all_batches > shard ? (all_batches - shard + shards - 1) / shards : 0;
  std::vector<float> scores(impressions == 0 ? 0
                                             : behaviors.candidate_offset(impressions - 1) +
                                                   behaviors[impressions - 1].candidates.size());

  auto make = [&](std::size_t mine) {
    const std::size_t b = mine * shards + shard;
    ScoredBatch out;
    std::size_t begin = b * batch_size, end = std::min(pairs.size(), begin + batch_size);
    std::vector<PackedSequence> packed(end - begin);
    std::vector<const PackedSequence*> views;
    std::vector<int8_t> labels;
    for (std::size_t k = begin; k < end; ++k) {
      Impression imp = behaviors[pairs[k].impression];
      packer.pack(imp.candidates[pairs[k].candidate], imp.history, &packed[k - begin]);
      views.push_back(&packed[k - begin]);
      labels.push_back(imp.labels[pairs[k].candidate]);
      out.slots.push_back(behaviors.candidate_offset(pairs[k].impression) + pairs[k].candidate);
    }
    out.batch = collate(views, labels, pad_id);
    return out;
  };

  model->eval();
  torch::NoGradGuard no_grad;
  // One scope for the whole loop: each weight is cast to bf16 once.
  PrecisionScope precision(options.device, options.precision);
  Int8Scoring int8(model, options.precision == Precision::Int8);
  std::size_t start_batch = 0;
  if (options.partial) {
    start_batch = std::min(options.partial->batches_done(), batches);
    options.partial->restore(scores);
  }
  Prefetcher<ScoredBatch> prefetch(start_batch, batches, make);
  Progress progress(
      options.progress_label, static_cast<int64_t>(batches),
      std::max<std::size_t>(1, batches / std::max<std::size_t>(1, options.progress_lines)));
  // The work of a batch is its padded tokens (rows x its longest pair): the
  // ETA counts those, since batches run shortest first.
  std::vector<double> work_until(batches + 1, 0.0);
  std::size_t shard_pairs = 0;  // this rank's (all, for one process)
  for (std::size_t mine = 0; mine < batches; ++mine) {
    const std::size_t b = mine * shards + shard;
    std::size_t begin = b * batch_size, end = std::min(pairs.size(), begin + batch_size);
    shard_pairs += end - begin;
    work_until[mine + 1] =
        work_until[mine] + static_cast<double>((end - begin) * pairs[end - 1].length);
  }
  auto start = std::chrono::steady_clock::now();
  std::size_t done = start_batch, pairs_done = 0;
  while (auto item = prefetch.next()) {
    auto probability =
        model->click_probability(item->batch.to(options.device)).to(torch::kCPU).contiguous();
    const float* values = probability.data_ptr<float>();
    for (std::size_t r = 0; r < item->slots.size(); ++r) scores[item->slots[r]] = values[r];
    ++done;
    if (options.partial) {
      options.partial->append(item->slots, values);
      if (stop_requested())
        throw Interrupted("scoring stopped after batch " + std::to_string(done) + " of " +
                          std::to_string(batches) + "; the scores so far are in " +
                          options.partial->path() + "; continue with --resume");
    }
    pairs_done += item->slots.size();
    if (options.progress) {
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      char fields[96];
      std::snprintf(fields, sizeof fields, "%zu/%zu pairs %.0f pairs/s", pairs_done, shard_pairs,
                    static_cast<double>(pairs_done) / std::max(seconds, 1e-9));
      progress.update(static_cast<int64_t>(done), fields,
                      work_until[done] / std::max(work_until[batches], 1.0));
    }
  }
  progress.finish();
  return scores;
}

std::vector<float> score_candidates(Unbert& model, const Behaviors& behaviors, const Packer& packer,
                                    int32_t pad_id, ScoringOptions options, ProcessGroup& group) {
  options.shard = group.rank();
  options.shards = group.size();
  std::vector<float> scores = score_candidates(model, behaviors, packer, pad_id, options);
  if (group.size() == 1) return scores;
  auto all = torch::from_blob(scores.data(), {static_cast<int64_t>(scores.size())}, torch::kFloat32)
                 .to(options.device);
  group.allreduce_sum(all, "score gather");
  all = all.to(torch::kCPU).contiguous();
  std::memcpy(scores.data(), all.data_ptr<float>(), scores.size() * sizeof(float));
  return scores;
}

MetricSummary metrics_of(const Behaviors& behaviors, const std::vector<float>& scores,
                         std::size_t impressions) {
  impressions = impressions_to_score(behaviors, impressions);
  MetricAccumulator metrics;
  for (std::size_t i = 0; i < impressions; ++i) {
    Impression imp = behaviors[i];
    metrics.add(scores.data() + behaviors.candidate_offset(i), imp.labels.data(),
                imp.candidates.size());
  }
  return metrics.summary();
}

std::vector<bool> news_in_behaviors(const Behaviors& behaviors, std::size_t news_count) {
  std::vector<bool> seen(news_count, false);
  for (std::size_t i = 0; i < behaviors.size(); ++i) {
    Impression imp = behaviors[i];
    for (uint32_t n : imp.candidates) seen[n] = true;
    for (uint32_t n : imp.history) seen[n] = true;
  }
  return seen;
}

std::vector<DayMetrics> metrics_by_day(const Behaviors& behaviors, const std::vector<float>& scores,
                                       const std::vector<bool>& seen_in_train) {
  struct Day {
    MetricAccumulator metrics;
    std::size_t candidates = 0, unseen = 0;
    std::string name;
  };
  std::map<int64_t, Day> days;
  for (std::size_t i = 0; i < behaviors.size(); ++i) {
    Impression imp = behaviors[i];
    Day& day = days[day_of(imp.time)];
    day.name = format_day(imp.time);
    day.metrics.add(scores.data() + behaviors.candidate_offset(i), imp.labels.data(),
                    imp.candidates.size());
    for (uint32_t n : imp.candidates) {
      ++day.candidates;
      day.unseen += n >= seen_in_train.size() || !seen_in_train[n];
    }
  }
  std::vector<DayMetrics> out;
  for (auto& [key, day] : days)
    out.push_back({day.name, day.metrics.summary(),
                   static_cast<double>(day.unseen) /
                       static_cast<double>(std::max<std::size_t>(1, day.candidates))});
  return out;
}

std::vector<CategoryMetrics> metrics_by_category(const Behaviors& behaviors,
                                                 const std::vector<float>& scores,
                                                 const NewsTable& news,
                                                 const std::vector<bool>& seen_in_train) {
  struct Category {
    MetricAccumulator metrics;
    std::size_t candidates = 0, unseen = 0;
  };
  struct Part {  // one impression's candidates of one category
    std::vector<float> scores;
    std::vector<int8_t> labels;
    std::size_t unseen = 0;
  };
  std::map<std::string_view, Category> categories;
  std::map<std::string_view, Part> parts;  // kept across impressions, emptied for each
  for (std::size_t i = 0; i < behaviors.size(); ++i) {
    const Impression imp = behaviors[i];
    const float* score = scores.data() + behaviors.candidate_offset(i);
    for (auto& [name, part] : parts) {
      part.scores.clear();  // the buffers stay allocated
      part.labels.clear();
      part.unseen = 0;
    }
    for (std::size_t c = 0; c < imp.candidates.size(); ++c) {
      const uint32_t n = imp.candidates[c];
      Part& part = parts[news.category(n)];
      part.scores.push_back(score[c]);
      part.labels.push_back(imp.labels[c]);
      part.unseen += n >= seen_in_train.size() || !seen_in_train[n];
    }
    for (const auto& [name, part] : parts) {
      if (part.scores.empty()) continue;
      Category& category = categories[name];
      category.metrics.add(part.scores.data(), part.labels.data(), part.scores.size());
      category.candidates += part.scores.size();
      category.unseen += part.unseen;
    }
  }
  std::vector<CategoryMetrics> out;
  for (auto& [name, category] : categories)
    out.push_back({std::string(name), category.metrics.summary(), category.candidates,
                   static_cast<double>(category.unseen) /
                       static_cast<double>(std::max<std::size_t>(1, category.candidates))});
  std::stable_sort(out.begin(), out.end(), [](const CategoryMetrics& a, const CategoryMetrics& b) {
    return a.candidates > b.candidates;
  });
  return out;
}

}  // namespace unbert
