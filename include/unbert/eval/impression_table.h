// impressions.tsv: one row of metrics per impression, beside eval's totals.
// It is the unit of every comparison between runs (unbert compare): a paired
// test needs each impression's value, not the mean.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "unbert/data/behaviors.h"
#include "unbert/data/news_table.h"

namespace unbert {

struct ImpressionRow {
  std::string id, day, user;
  std::size_t candidates = 0;
  // NaN where undefined: AUC of a single-class impression, MRR and nDCG of
  // one without a click, the unseen share when no training split was read.
  double auc = NAN, mrr = NAN, ndcg5 = NAN, ndcg10 = NAN, unseen_share = NAN;
};

// The rows of `behaviors` under `scores`; `seen_in_train` (news index ->
// appears in the training behaviors) may be empty.
std::vector<ImpressionRow> impression_rows(const Behaviors& behaviors,
                                           const std::vector<float>& scores,
                                           const std::vector<bool>& seen_in_train);

// The TSV text: a header, then a row per impression; undefined values are empty.
std::string impression_table(const std::vector<ImpressionRow>& rows);

// Reads what impression_table wrote; a malformed line is a DataError naming
// path:line.
std::vector<ImpressionRow> read_impression_table(const std::string& path);

}  // namespace unbert
