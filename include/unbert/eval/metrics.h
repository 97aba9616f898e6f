// The official MIND metrics (msnews/MIND evaluate.py), per impression, then a
// plain mean over impressions. Pure functions, no LibTorch.
//
// Ties. AUC follows scikit-learn's roc_auc_score: a tied positive/negative
// pair counts one half. MRR and nDCG rank by descending score; a group of
// tied candidates shares its positions, and each gets the mean of the
// group's discounts (the expected value over every order of the tie). With
// distinct scores, which the official scorer's rank files always give, this
// is exactly the official value; for ties the official result depends on
// NumPy's unstable argsort, so no fixed order can reproduce it.
//
// Undefined cases. An impression with one class has no AUC: it is left out
// of the AUC mean and counted (the official scorer crashes on it). One with
// no click also has no MRR or nDCG (0/0), and is left out of those means.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace unbert {

struct ImpressionMetrics {
  bool has_auc = false;
  bool has_ranking = false;  // MRR and nDCG are defined (at least one click)
  double auc = 0, mrr = 0, ndcg5 = 0, ndcg10 = 0;
};

// `labels` are 0/1; scores and labels have the same length n >= 1.
ImpressionMetrics impression_metrics(const float* scores, const int8_t* labels, std::size_t n);

double auc_score(const float* scores, const int8_t* labels, std::size_t n);  // NaN if one class
double mrr_score(const float* scores, const int8_t* labels, std::size_t n);  // NaN if no click
double ndcg_score(const float* scores, const int8_t* labels, std::size_t n, std::size_t k);

struct MetricSummary {
  double auc = 0, mrr = 0, ndcg5 = 0, ndcg10 = 0;
  std::size_t impressions = 0;      // impressions added
  std::size_t auc_impressions = 0;  // impressions in the AUC mean
  std::size_t ranking_impressions = 0;
  std::size_t single_class = 0;  // impressions without an AUC

  std::string to_text() const;  // "AUC:0.6762\nMRR:..." like the official scorer
  nlohmann::json to_json() const;
};

class MetricAccumulator {
 public:
  void add(const float* scores, const int8_t* labels, std::size_t n);
  void add(const ImpressionMetrics& m);
  MetricSummary summary() const;

 private:
  double auc_ = 0, mrr_ = 0, ndcg5_ = 0, ndcg10_ = 0;
  std::size_t impressions_ = 0, auc_count_ = 0, ranking_count_ = 0;
};

}  // namespace unbert
