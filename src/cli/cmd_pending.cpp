// Commands whose options are settled but which need the model: they parse
// and check everything, then say what is missing.
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/common/error.h"
#include "unbert/config/config_io.h"

namespace unbert::cli {
namespace {

struct ModelCommandOptions {
  ConfigOptions config;
  std::string run_dir, split, checkpoint, device;
  bool resume = false;
};

std::function<int()> needs_model(std::shared_ptr<ModelCommandOptions> o, const std::string& name) {
  return [o, name] {
    o->config.load();
    throw Error("unbert " + name +
                ": this build has no UNBERT model yet; use 'unbert score' "
                "to score prediction files");
    return 1;
  };
}

}  // namespace

Command add_train_command(CLI::App& root) {
  auto o = std::make_shared<ModelCommandOptions>();
  CLI::App* app = root.add_subcommand("train", "Train UNBERT on a MIND split");
  o->config.add_to(*app);
  app->add_option("--run-dir", o->run_dir, "where the run writes (default: runs/<config name>)");
  app->add_flag("--resume", o->resume, "continue the run in --run-dir from its last checkpoint");
  app->add_option("--device", o->device, "auto, cpu, cuda or cuda:N");
  return {app, needs_model(o, "train")};
}

Command add_eval_command(CLI::App& root) {
  auto o = std::make_shared<ModelCommandOptions>();
  CLI::App* app = root.add_subcommand("eval", "Score a labeled split and print AUC, MRR, nDCG");
  o->config.add_to(*app);
  app->add_option("--split", o->split, "dev or train")->default_val("dev");
  app->add_option("--run-dir", o->run_dir, "run to evaluate (default: the latest run)");
  app->add_option("--checkpoint", o->checkpoint, "checkpoint (default: the run's best)");
  app->add_option("--device", o->device, "auto, cpu, cuda or cuda:N");
  return {app, needs_model(o, "eval")};
}

Command add_predict_command(CLI::App& root) {
  auto o = std::make_shared<ModelCommandOptions>();
  CLI::App* app =
      root.add_subcommand("predict", "Write prediction.txt and prediction.zip for the leaderboard");
  o->config.add_to(*app);
  app->add_option("--split", o->split, "test or dev")->default_val("test");
  app->add_option("--run-dir", o->run_dir, "run to predict with (default: the latest run)");
  app->add_option("--checkpoint", o->checkpoint, "checkpoint (default: the run's best)");
  app->add_option("--device", o->device, "auto, cpu, cuda or cuda:N");
  return {app, needs_model(o, "predict")};
}

}  // namespace unbert::cli
