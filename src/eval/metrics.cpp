#include "unbert/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

namespace unbert {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Candidate indices by descending score (ties kept together, in any order).
std::vector<std::size_t> order_by_score(const float* scores, std::size_t n) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return order;
}

// Sum over the tie groups of (gain shared by the group) x (sum of the
// group's discounts), where discount(position) is given for 1-based positions.
template <class Gain, class Discount>
double tied_sum(const float* scores, const int8_t* labels, const std::vector<std::size_t>& order,
                Gain gain, Discount discount) {
  double total = 0;
  std::size_t start = 0, n = order.size();
  while (start < n) {
    std::size_t end = start + 1;
    while (end < n && scores[order[end]] == scores[order[start]]) ++end;
    double group_gain = 0, group_discount = 0;
    for (std::size_t i = start; i < end; ++i) {
      group_gain += gain(labels[order[i]]);
      group_discount += discount(i + 1);
    }
    total += group_gain * group_discount / static_cast<double>(end - start);
    start = end;
  }
  return total;
}

std::size_t count_clicks(const int8_t* labels, std::size_t n) {
  return static_cast<std::size_t>(std::count(labels, labels + n, int8_t{1}));
}

double dcg(const float* scores, const int8_t* labels, const std::vector<std::size_t>& order,
           std::size_t k) {
  return tied_sum(
      scores, labels, order, [](int8_t y) { return std::pow(2.0, y) - 1.0; },
      [k](std::size_t position) {
        return position <= k ? 1.0 / std::log2(static_cast<double>(position) + 1.0) : 0.0;
      });
}

}  // namespace

double auc_score(const float* scores, const int8_t* labels, std::size_t n) {
  std::size_t positives = count_clicks(labels, n), negatives = n - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  // Mann-Whitney U with average ranks for ties (= roc_auc_score).
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double positive_rank_sum = 0;
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start + 1;
    while (end < n && scores[order[end]] == scores[order[start]]) ++end;
    double mean_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (std::size_t i = start; i < end; ++i)
      if (labels[order[i]] == 1) positive_rank_sum += mean_rank;
    start = end;
  }
  double p = static_cast<double>(positives), q = static_cast<double>(negatives);
  return (positive_rank_sum - p * (p + 1) / 2.0) / (p * q);
}

double mrr_score(const float* scores, const int8_t* labels, std::size_t n) {
  std::size_t clicks = count_clicks(labels, n);
  if (clicks == 0) return kNaN;
  auto order = order_by_score(scores, n);
  double sum = tied_sum(
      scores, labels, order, [](int8_t y) { return static_cast<double>(y); },
      [](std::size_t position) { return 1.0 / static_cast<double>(position); });
  return sum / static_cast<double>(clicks);
}

double ndcg_score(const float* scores, const int8_t* labels, std::size_t n, std::size_t k) {
  if (count_clicks(labels, n) == 0) return kNaN;
  auto order = order_by_score(scores, n);
  std::vector<float> ideal_scores(labels, labels + n);
  auto ideal_order = order_by_score(ideal_scores.data(), n);
  return dcg(scores, labels, order, k) / dcg(ideal_scores.data(), labels, ideal_order, k);
}

ImpressionMetrics impression_metrics(const float* scores, const int8_t* labels, std::size_t n) {
  ImpressionMetrics m;
  m.auc = auc_score(scores, labels, n);
  m.has_auc = !std::isnan(m.auc);
  m.mrr = mrr_score(scores, labels, n);
  m.has_ranking = !std::isnan(m.mrr);
  if (m.has_ranking) {
    m.ndcg5 = ndcg_score(scores, labels, n, 5);
    m.ndcg10 = ndcg_score(scores, labels, n, 10);
  }
  return m;
}

void MetricAccumulator::add(const float* scores, const int8_t* labels, std::size_t n) {
  add(impression_metrics(scores, labels, n));
}

void MetricAccumulator::add(const ImpressionMetrics& m) {
  ++impressions_;
  if (m.has_auc) {
    auc_ += m.auc;
    ++auc_count_;
  }
  if (m.has_ranking) {
    mrr_ += m.mrr;
    ndcg5_ += m.ndcg5;
    ndcg10_ += m.ndcg10;
    ++ranking_count_;
  }
}

MetricSummary MetricAccumulator::summary() const {
  MetricSummary s;
  s.impressions = impressions_;
  s.auc_impressions = auc_count_;
  s.ranking_impressions = ranking_count_;
  s.single_class = impressions_ - auc_count_;
  auto mean = [](double sum, std::size_t n) {
    return n == 0 ? kNaN : sum / static_cast<double>(n);
  };
  s.auc = mean(auc_, auc_count_);
  s.mrr = mean(mrr_, ranking_count_);
  s.ndcg5 = mean(ndcg5_, ranking_count_);
  s.ndcg10 = mean(ndcg10_, ranking_count_);
  return s;
}

std::string MetricSummary::to_text() const {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "AUC:%.4f\nMRR:%.4f\nnDCG@5:%.4f\nnDCG@10:%.4f", auc, mrr,
                ndcg5, ndcg10);
  return buffer;
}

nlohmann::json MetricSummary::to_json() const {
  return {{"auc", auc},
          {"mrr", mrr},
          {"ndcg@5", ndcg5},
          {"ndcg@10", ndcg10},
          {"impressions", impressions},
          {"auc_impressions", auc_impressions},
          {"single_class_impressions", single_class}};
}

}  // namespace unbert
