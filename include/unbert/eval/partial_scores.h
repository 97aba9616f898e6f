// The scores of one rank's finished batches, appended to a file as each
// batch finishes, so that scoring a split of millions of pairs (MIND-large's
// test split: 88 M) that stops (Ctrl-C, a crash, a lost node) continues from
// where it was: `unbert predict --resume`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace unbert {

class PartialScores {
 public:
  // `key` says what the scores are of (checkpoint, split, batching, shard).
  // With `resume`, the complete records a stopped run left in `path` are
  // kept (a torn last record is dropped) and a different key is an error;
  // without, the file starts afresh.
  PartialScores(std::string path, std::string key, bool resume);

  std::size_t batches_done() const { return batches_; }
  // Writes the scores read back into `scores` (indexed by candidate slot).
  void restore(std::vector<float>& scores) const;
  // One finished batch: its candidate slots and their scores, flushed.
  void append(const std::vector<std::size_t>& slots, const float* values);
  // Deletes the folder holding this file and those of the other ranks (the
  // results they fed are written).
  void remove_all();
  const std::string& path() const { return path_; }

  // Deletes, with a log line each, the files in `folder` that are not of a
  // world of `ranks` (rank<r>-of-<ranks>.scores): an attempt with another
  // number of ranks split the batches otherwise, so nothing in them continues.
  static void discard_other_layouts(const std::string& folder, int ranks);

 private:
  std::string path_;
  std::size_t batches_ = 0;
  std::vector<uint64_t> slots_;  // read back on resume
  std::vector<float> values_;
  std::ofstream out_;
};

}  // namespace unbert
