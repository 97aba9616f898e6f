#include "unbert/train/metrics_log.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "unbert/common/csv.h"
#include "unbert/common/fs.h"
#include "unbert/common/system.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;

void flatten(const nlohmann::json& value, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>* out) {
  if (value.is_object()) {
    for (const auto& [key, inner] : value.items())
      flatten(inner, prefix.empty() ? key : prefix + "." + key, out);
    return;
  }
  out->emplace_back(prefix, value.is_string() ? value.get<std::string>() : value.dump());
}

}  // namespace

std::string metrics_csv(const std::string& jsonl) {
  std::vector<std::string> columns = {"step"};  // first, where a reader looks for it
  std::vector<std::vector<std::pair<std::string, std::string>>> rows;
  std::istringstream lines(jsonl);
  for (std::string line; std::getline(lines, line);) {
    const auto row = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!row.is_object()) continue;  // a torn last line of a killed process
    rows.emplace_back();
    flatten(row, "", &rows.back());
    for (const auto& [key, value] : rows.back())
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
  }
  if (rows.empty() || std::none_of(rows.begin(), rows.end(), [](const auto& row) {
        return std::any_of(row.begin(), row.end(),
                           [](const auto& kv) { return kv.first == "step"; });
      }))
    columns.erase(columns.begin());
  std::string csv;
  for (std::size_t c = 0; c < columns.size(); ++c) csv += (c ? "," : "") + csv_field(columns[c]);
  csv += "\n";
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) csv += ",";
      for (const auto& [key, value] : row)
        if (key == columns[c]) csv += csv_field(value);
    }
    csv += "\n";
  }
  return csv;
}

MetricsLog::MetricsLog(std::string run_dir)
    : jsonl_((fs::path(run_dir) / "metrics.jsonl").string()),
      csv_((fs::path(run_dir) / "metrics.csv").string()) {}

void MetricsLog::append(const nlohmann::json& row) const {
  nlohmann::json stamped = row;
  stamped["time"] = utc_now();
  {
    std::ofstream out(jsonl_, std::ios::app);
    out << stamped.dump() << "\n";
    check_written(out, jsonl_);
  }
  write_csv();
}

std::size_t MetricsLog::drop_after(int64_t step) const {
  if (!fs::exists(jsonl_)) return 0;
  std::istringstream rows(read_text_file(jsonl_));
  std::string kept, row;
  std::size_t dropped = 0;
  while (std::getline(rows, row)) {
    if (row.empty()) continue;
    const auto parsed = nlohmann::json::parse(row, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object() && parsed.value("step", int64_t{0}) > step) {
      ++dropped;
      continue;
    }
    kept += row + "\n";
  }
  if (dropped > 0) write_text_atomic(jsonl_, kept);
  write_csv();
  return dropped;
}

void MetricsLog::write_csv() const {
  write_text_atomic(csv_, metrics_csv(read_text_file(jsonl_)));
}

}  // namespace unbert
