// unbert compare: prints pipeline/compare_runs.h's comparison as aligned
// text, Markdown, CSV or JSON (cli/compare_table.h).
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/cli/compare_table.h"
#include "unbert/common/error.h"
#include "unbert/pipeline/compare_runs.h"

namespace unbert::cli {
namespace {

struct CompareCliOptions {
  CompareOptions compare;
  CompareFormatFlags format;
  bool no_group = false;
};

}  // namespace

Command add_compare_command(CLI::App& root) {
  auto o = std::make_shared<CompareCliOptions>();
  CLI::App* app = root.add_subcommand(
      "compare",
      "Compare runs on one split: metrics with 95 % intervals, and paired tests against the first");
  app->add_option("inputs", o->compare.inputs,
                  "run folders (their eval/SPLIT/ results) or eval folders; the first is the "
                  "baseline")
      ->required();
  app->add_option("--split", o->compare.split, "the eval/<split>/ results of run folders")
      ->capture_default_str();
  app->add_option("--resamples", o->compare.resamples, "bootstrap and permutation resamples")
      ->capture_default_str();
  app->add_option("--seed", o->compare.seed, "seed of the resampling")->capture_default_str();
  app->add_flag("--no-group", o->no_group,
                "one row per input, even for runs that differ only by train.seed");
  o->format.add_to(*app);
  return {app, [o] {
            o->compare.group_seeds = !o->no_group;
            print_comparison(compare_runs(o->compare), o->format.format());
            return 0;
          }};
}

}  // namespace unbert::cli
