// Subcommands: each cli/cmd_<name>.cpp registers itself with add_<name>_command,
// which declares its options on a CLI11 sub-app and returns what to run.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "unbert/config/config_io.h"
#include "unbert/dist/world.h"

namespace unbert::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// Options shared by the commands that read a config.
struct ConfigOptions : ConfigSource {
  // `config_help` says which configs fit the command (the paper's by default).
  void add_to(CLI::App& app, const std::string& config_help =
                                 "JSON config file (configs/small.json, configs/large.json)");
};

// Options of the commands that can run as one rank of a data-parallel job.
struct DistOptions {
  int nproc_per_node = 1;
  WorldOverrides overrides;
  void add_to(CLI::App& app);
  // This process's world: the launcher's / torchrun's / Slurm's environment,
  // then these flags.
  World world() const;
  // With --nproc-per-node N (and not already a worker): starts the N workers,
  // waits, and returns their exit code; otherwise nothing.
  std::optional<int> launch_workers() const;
};

Command add_train_command(CLI::App& root);
Command add_eval_command(CLI::App& root);
Command add_predict_command(CLI::App& root);
Command add_score_command(CLI::App& root);
Command add_tokenize_command(CLI::App& root);
Command add_tokenizer_command(CLI::App& root);
Command add_inspect_command(CLI::App& root);
Command add_bench_command(CLI::App& root);
Command add_synth_command(CLI::App& root);
Command add_split_command(CLI::App& root);
Command add_compare_command(CLI::App& root);
Command add_sweep_command(CLI::App& root);
Command add_config_command(CLI::App& root);
Command add_demo_command(CLI::App& root);

}  // namespace unbert::cli
