// unbert train: the paper's training recipe on a MIND split (pipeline/train_run.h).
#include <iostream>
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/common/process.h"
#include "unbert/pipeline/train_run.h"

namespace unbert::cli {
namespace {

struct TrainCommand {
  ConfigOptions config;
  TrainOptions train;
  DistOptions dist;
};

int run_train(const TrainCommand& command) {
  if (auto code = command.dist.launch_workers()) return *code;
  TrainOptions o = command.train;
  o.world = command.dist.world();
  o.config = command.config;
  o.command_line = process_command_line();
  TrainResult result = train_run(o);
  if (!o.world.main()) return 0;  // rank 0 reports
  if (result.best_auc >= 0)
    std::cout << "best " << result.validated_on << " AUC " << result.best_auc << " at step "
              << result.best_step << "\n";
  std::cout << "run directory: " << result.run_dir << " (best model: " << result.best_checkpoint
            << ")\n";
  return 0;
}

}  // namespace

Command add_train_command(CLI::App& root) {
  auto c = std::make_shared<TrainCommand>();
  CLI::App* app = root.add_subcommand("train", "Train UNBERT on a MIND split");
  c->config.add_to(*app);
  app->add_option("--run-dir", c->train.run_dir,
                  "where the run writes (default: runs/<config name>)");
  app->add_flag("--resume", c->train.resume,
                "continue the run (--run-dir, else runs/latest) from its last checkpoint and "
                "its own config.json; --set may change train.epochs, train.max_steps, "
                "train.patience, eval.*, logging and device");
  app->add_option("--device", c->train.device, "auto, cpu, cuda or cuda:N (default: the config's)");
  c->dist.add_to(*app);
  return {app, [c] { return run_train(*c); }};
}

}  // namespace unbert::cli
