// A run's metrics: metrics.jsonl (a JSON object per row, as written) and
// metrics.csv beside it (the same rows, a column per key any row has, for
// spreadsheets and pandas). The CSV is rewritten from the JSONL after every
// change, so rows dropped on --resume leave both files.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace unbert {

class MetricsLog {
 public:
  explicit MetricsLog(std::string run_dir);

  // Appends `row` with the wall-clock time (UTC, ISO 8601) it was written at.
  void append(const nlohmann::json& row) const;

  // Drops rows past `step` (written by steps that run again); their number.
  std::size_t drop_after(int64_t step) const;

 private:
  void write_csv() const;
  std::string jsonl_, csv_;
};

// The CSV of JSONL text: `step` first, then the keys in the order first seen
// (each row's alphabetical; nested objects flattened as a.b), an empty field
// where a row lacks a key.
std::string metrics_csv(const std::string& jsonl);

}  // namespace unbert
