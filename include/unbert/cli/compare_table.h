// How compare and sweep print a comparison (pipeline/compare_runs.h).
#pragma once

#include <CLI/CLI.hpp>

#include "unbert/pipeline/compare_runs.h"

namespace unbert::cli {

enum class CompareFormat { Text, Markdown, Csv, Json };

// --markdown, --csv, --json (at most one); none: aligned text.
struct CompareFormatFlags {
  bool markdown = false, csv = false, json = false;
  void add_to(CLI::App& app);
  CompareFormat format() const;
};

void print_comparison(const Comparison& c, CompareFormat format);

}  // namespace unbert::cli
