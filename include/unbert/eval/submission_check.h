// What the MIND leaderboard accepts, checked before a user uploads (and by
// `predict` before it writes): one line per impression of the behaviors file,
// in its order, ids matching, every candidate ranked, ranks a permutation of
// 1..n; a zip holds prediction.txt at its root and nothing else.
#pragma once

#include <cstddef>
#include <string>

#include "unbert/data/behaviors.h"

namespace unbert {

struct SubmissionSummary {
  std::size_t impressions = 0, candidates = 0;
  bool zip = false;
};

// `path` is prediction.txt or prediction.zip. With a behaviors file the lines
// must rank its impressions; without one, the format alone is checked. The
// first problem is a DataError naming the file and line.
SubmissionSummary check_submission(const std::string& path, const std::string& behaviors_path = "");

// The same for prediction text held in memory (what predict is about to write).
SubmissionSummary check_submission_text(const std::string& text, const std::string& name,
                                        const Behaviors& behaviors);

// The text of prediction.txt inside a zip; refuses other layouts.
std::string prediction_from_zip(const std::string& zip_path);

}  // namespace unbert
