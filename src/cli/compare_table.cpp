// The comparison's formats: aligned text, Markdown, CSV, JSON.
#include "unbert/cli/compare_table.h"

#include <cmath>
#include <cstdio>
#include <iostream>

#include "unbert/common/csv.h"

namespace unbert::cli {
namespace {
std::string fixed(double value, int digits = 4) {
  if (std::isnan(value)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string signed_fixed(double value) {
  return (value >= 0 && !std::isnan(value) ? "+" : "") + fixed(value);
}

std::string p_text(double p) {
  if (p < 0.0001) return "<0.0001";
  return fixed(p);
}

std::string value_text(const MetricCell& c, std::size_t seeds) {
  std::string text = fixed(c.value.mean);
  if (seeds > 1) text += " ± " + fixed(c.seed_std);
  return text + " [" + fixed(c.value.interval.low) + ", " + fixed(c.value.interval.high) + "]";
}

std::string difference_text(const MetricCell& c) {
  const Difference& d = c.difference;
  return signed_fixed(d.mean) + " [" + signed_fixed(d.interval.low) + ", " +
         signed_fixed(d.interval.high) + "] p=" + p_text(d.p_value);
}

std::string seeds_text(const CompareRow& row) {
  std::string text;
  for (int64_t seed : row.seeds) text += (text.empty() ? "" : ",") + std::to_string(seed);
  return text;
}

// Rows of cells, the first the header; columns padded (text) or piped (Markdown).
void print_table(const std::vector<std::vector<std::string>>& cells, bool markdown) {
  std::vector<std::size_t> widths;
  auto width_of = [](const std::string& s) {  // characters, not bytes (the ± sign)
    std::size_t n = 0;
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    return n;
  };
  for (const auto& row : cells)
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], width_of(row[i]));
    }
  for (std::size_t r = 0; r < cells.size(); ++r) {
    std::string line = markdown ? "| " : "";
    for (std::size_t i = 0; i < cells[r].size(); ++i) {
      const bool last = i + 1 == cells[r].size();
      line += cells[r][i];
      if (markdown || !last) line += std::string(widths[i] - width_of(cells[r][i]), ' ');
      line += markdown ? " |" + std::string(last ? "" : " ") : (last ? "" : "  ");
    }
    std::cout << line << "\n";
    if (markdown && r == 0) {
      std::string rule = "|";
      for (std::size_t w : widths) rule += " " + std::string(w, '-') + " |";
      std::cout << rule << "\n";
    }
  }
}

void print_readable(const Comparison& c, bool markdown) {
  std::cout << c.split << " split (" << c.behaviors << "): " << c.impressions
            << " impressions scored by every run; 95 % intervals from " << c.resamples
            << " bootstrap resamples of the impressions\n\n";
  std::vector<std::vector<std::string>> values = {{"run", "seeds"}};
  for (const char* m : kCompareMetrics) values[0].push_back(m);
  for (const CompareRow& row : c.rows) {
    std::vector<std::string> line = {row.label, seeds_text(row)};
    for (const MetricCell& cell : row.metrics) line.push_back(value_text(cell, row.seeds.size()));
    values.push_back(line);
  }
  print_table(values, markdown);
  if (c.rows.size() < 2) return;
  std::cout << "\nagainst " << c.rows[0].label
            << " (difference [95 % interval], two-sided p-value):\n\n";
  std::vector<std::vector<std::string>> differences = {{"run"}};
  for (const char* m : kCompareMetrics) differences[0].push_back(m);
  differences[0].push_back("test");
  for (std::size_t r = 1; r < c.rows.size(); ++r) {
    std::vector<std::string> line = {c.rows[r].label};
    for (const MetricCell& cell : c.rows[r].metrics) line.push_back(difference_text(cell));
    line.push_back(c.rows[r].metrics[0].test);
    differences.push_back(line);
  }
  print_table(differences, markdown);
  if (c.rows.size() > 2)
    std::cout << "\n(" << c.rows.size() - 1
              << " comparisons: at a 0.05 level, expect one false positive in 20; "
                 "multiply the p-values by their number for a Bonferroni bound)\n";
}

void print_csv(const Comparison& c) {
  std::cout << "run,seeds,metric,mean,low,high,seed_std,impressions,difference,difference_low,"
               "difference_high,p_value,test\n";
  for (const CompareRow& row : c.rows)
    for (std::size_t m = 0; m < kCompareMetrics.size(); ++m) {
      const MetricCell& cell = row.metrics[m];
      const Difference& d = cell.difference;
      const bool diff = cell.has_difference;
      std::cout << csv_field(row.label) << "," << csv_field(seeds_text(row)) << ","
                << kCompareMetrics[m] << "," << fixed(cell.value.mean, 6) << ","
                << fixed(cell.value.interval.low, 6) << "," << fixed(cell.value.interval.high, 6)
                << "," << fixed(cell.seed_std, 6) << "," << cell.impressions << ","
                << (diff ? fixed(d.mean, 6) : "") << "," << (diff ? fixed(d.interval.low, 6) : "")
                << "," << (diff ? fixed(d.interval.high, 6) : "") << ","
                << (diff ? fixed(d.p_value, 6) : "") << "," << csv_field(cell.test) << "\n";
    }
}

}  // namespace

void CompareFormatFlags::add_to(CLI::App& app) {
  auto* md = app.add_flag("--markdown", markdown, "print Markdown tables");
  auto* comma = app.add_flag("--csv", csv, "print CSV, a row per run and metric");
  auto* js = app.add_flag("--json", json, "print JSON");
  md->excludes(comma)->excludes(js);
  comma->excludes(js);
}

CompareFormat CompareFormatFlags::format() const {
  return json       ? CompareFormat::Json
         : csv      ? CompareFormat::Csv
         : markdown ? CompareFormat::Markdown
                    : CompareFormat::Text;
}

void print_comparison(const Comparison& c, CompareFormat format) {
  switch (format) {
    case CompareFormat::Json:
      std::cout << c.to_json().dump(2) << "\n";
      break;
    case CompareFormat::Csv:
      print_csv(c);
      break;
    case CompareFormat::Markdown:
      print_readable(c, true);
      break;
    case CompareFormat::Text:
      print_readable(c, false);
      break;
  }
}

}  // namespace unbert::cli
