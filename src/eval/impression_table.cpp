#include "unbert/eval/impression_table.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/data/mind_time.h"
#include "unbert/eval/metrics.h"

namespace unbert {
namespace {

constexpr const char* kHeader =
    "impression_id\tday\tuser\tcandidates\tauc\tmrr\tndcg5\tndcg10\tunseen_share";

std::string number(double value) {
  if (std::isnan(value)) return "";
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);  // read back to the same double
  return text;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
    fields.push_back(line.substr(start, tab - start));
  fields.push_back(line.substr(start));
  return fields;
}

double parse_number(const std::string& text, const std::string& path, std::size_t line) {
  if (text.empty()) return NAN;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || std::isnan(value))
    throw DataError(path, line,
                    "'" + text + "' is not a number (impressions.tsv as eval writes it)");
  return value;
}

}  // namespace

std::vector<ImpressionRow> impression_rows(const Behaviors& behaviors,
                                           const std::vector<float>& scores,
                                           const std::vector<bool>& seen_in_train) {
  std::vector<ImpressionRow> rows(behaviors.size());
  for (std::size_t i = 0; i < behaviors.size(); ++i) {
    const Impression imp = behaviors[i];
    ImpressionRow& row = rows[i];
    row.id = std::string(imp.id);
    row.day = format_day(imp.time);
    row.user = std::string(behaviors.user_id(imp.user));
    row.candidates = imp.candidates.size();
    const ImpressionMetrics m = impression_metrics(scores.data() + behaviors.candidate_offset(i),
                                                   imp.labels.data(), imp.candidates.size());
    if (m.has_auc) row.auc = m.auc;
    if (m.has_ranking) row.mrr = m.mrr, row.ndcg5 = m.ndcg5, row.ndcg10 = m.ndcg10;
    if (!seen_in_train.empty()) {
      std::size_t unseen = 0;
      for (uint32_t n : imp.candidates) unseen += n >= seen_in_train.size() || !seen_in_train[n];
      row.unseen_share = static_cast<double>(unseen) / static_cast<double>(row.candidates);
    }
  }
  return rows;
}

std::string impression_table(const std::vector<ImpressionRow>& rows) {
  std::string text = std::string(kHeader) + "\n";
  for (const ImpressionRow& r : rows)
    text += r.id + "\t" + r.day + "\t" + r.user + "\t" + std::to_string(r.candidates) + "\t" +
            number(r.auc) + "\t" + number(r.mrr) + "\t" + number(r.ndcg5) + "\t" +
            number(r.ndcg10) + "\t" + number(r.unseen_share) + "\n";
  return text;
}

std::vector<ImpressionRow> read_impression_table(const std::string& path) {
  std::istringstream lines(read_text_file(path));
  std::string line;
  if (!std::getline(lines, line) || line != kHeader)
    throw DataError(path, 1,
                    "not an impressions.tsv (its first line should be the header eval writes); "
                    "run 'unbert eval' again to write it");
  std::vector<ImpressionRow> rows;
  for (std::size_t number_of_line = 2; std::getline(lines, line); ++number_of_line) {
    const std::vector<std::string> f = fields_of(line);
    if (f.size() != 9)
      throw DataError(path, number_of_line,
                      "expected 9 tab-separated fields, found " + std::to_string(f.size()));
    ImpressionRow r;
    r.id = f[0], r.day = f[1], r.user = f[2];
    const double candidates = parse_number(f[3], path, number_of_line);
    if (!(candidates >= 1))
      throw DataError(path, number_of_line, "the number of candidates must be >= 1");
    r.candidates = static_cast<std::size_t>(candidates);
    r.auc = parse_number(f[4], path, number_of_line);
    r.mrr = parse_number(f[5], path, number_of_line);
    r.ndcg5 = parse_number(f[6], path, number_of_line);
    r.ndcg10 = parse_number(f[7], path, number_of_line);
    r.unseen_share = parse_number(f[8], path, number_of_line);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace unbert
