// The MIND leaderboard's files: prediction.txt, one line per impression in
// file order ("impid [r1,r2,...]", 1-based ranks, no spaces inside the
// brackets), and prediction.zip holding prediction.txt at its root.
#pragma once

#include <string>
#include <vector>

#include "unbert/data/behaviors.h"

namespace unbert {

struct SubmissionFiles {
  std::string text, zip;
};

// Writes both files into `dir` (created when missing), each atomically.
SubmissionFiles write_submission(const Behaviors& behaviors, const std::vector<float>& scores,
                                 const std::string& dir);

}  // namespace unbert
