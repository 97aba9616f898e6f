// unbert sweep: trains and evaluates a run per combination of settings and
// seed (pipeline/sweep.h), then prints compare's table of them.
#include <iostream>
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/cli/compare_table.h"
#include "unbert/common/process.h"
#include "unbert/pipeline/sweep.h"

namespace unbert::cli {
namespace {

struct SweepCommand {
  ConfigOptions config;
  SweepOptions sweep;
  std::vector<std::string> grid;
  CompareFormatFlags format;
};

int run_sweep_command(SweepCommand& c) {
  c.sweep.config = c.config;
  for (const std::string& axis : c.grid) c.sweep.grid.push_back(parse_sweep_axis(axis));
  c.sweep.command_line = process_command_line();
  CompareOptions compare;
  compare.inputs = run_sweep(c.sweep);
  compare.split = c.sweep.split;
  std::cout << "\n";
  print_comparison(compare_runs(compare), c.format.format());
  return 0;
}

}  // namespace

Command add_sweep_command(CLI::App& root) {
  auto c = std::make_shared<SweepCommand>();
  CLI::App* app = root.add_subcommand(
      "sweep",
      "Train and evaluate a run per combination of settings and seed, then compare them; "
      "run the same command again to continue a stopped sweep");
  c->config.add_to(*app);
  app->add_option("--grid", c->grid,
                  "KEY=V1,V2,...: a setting and its values (repeat for more keys; every "
                  "combination is run, the first values are the baseline)");
  app->add_option("--seeds", c->sweep.seeds,
                  "runs per combination, with train.seed, train.seed + 1, ...")
      ->capture_default_str();
  app->add_option("--out", c->sweep.out, "the sweep's folder (default: runs/<config name>-sweep)");
  app->add_option("--split", c->sweep.split, "the split the runs are evaluated and compared on")
      ->capture_default_str();
  app->add_option("--device", c->sweep.device, "auto, cpu, cuda or cuda:N (default: the config's)");
  c->format.add_to(*app);
  return {app, [c] { return run_sweep_command(*c); }};
}

}  // namespace unbert::cli
