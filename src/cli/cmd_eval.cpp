// unbert eval (metrics on a labeled split) and unbert predict (leaderboard
// files): both score every candidate with a trained checkpoint
// (pipeline/score_split.h).
#include <cstdio>
#include <iostream>
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/pipeline/score_split.h"

namespace unbert::cli {
namespace {

struct ScoreCommand {
  ConfigOptions config;
  ScoreSplitOptions score;
  DistOptions dist;
  bool json = false;  // eval: print metrics.json's content instead of the table

  ScoreSplitOptions options() const {
    ScoreSplitOptions o = score;
    o.config = config;
    o.world = dist.world();
    return o;
  }
};

void print_by_day(const nlohmann::json& days) {
  std::cout << "\nday         impressions  unseen    AUC     MRR  nDCG@5 nDCG@10\n";
  for (const auto& row : days) {
    std::printf(
        "%-11s %11lld  %5.1f%%  %.4f  %.4f  %.4f  %.4f\n", row["day"].get<std::string>().c_str(),
        static_cast<long long>(row["impressions"].get<int64_t>()),
        100 * row["unseen_share"].get<double>(), row["auc"].get<double>(), row["mrr"].get<double>(),
        row["ndcg@5"].get<double>(), row["ndcg@10"].get<double>());
  }
}

void print_by_category(const nlohmann::json& categories) {
  std::cout << "\ncategory       impressions  candidates  unseen    AUC     MRR  nDCG@5 nDCG@10\n";
  for (const auto& row : categories) {
    std::printf("%-14s %11lld  %10lld  %5.1f%%  %.4f  %.4f  %.4f  %.4f\n",
                row["category"].get<std::string>().c_str(),
                static_cast<long long>(row["impressions"].get<int64_t>()),
                static_cast<long long>(row["candidates"].get<int64_t>()),
                100 * row["unseen_share"].get<double>(), row["auc"].get<double>(),
                row["mrr"].get<double>(), row["ndcg@5"].get<double>(),
                row["ndcg@10"].get<double>());
  }
  std::cout << "(each impression restricted to its candidates of the category; impressions "
               "with one class there are left out of AUC)\n";
}

int run_eval(const ScoreCommand& c) {
  if (auto code = c.dist.launch_workers()) return *code;
  EvalResult result = evaluate_split(c.options());
  if (result.out_dir.empty()) return 0;  // not rank 0
  if (c.json) {
    std::cout << result.report.dump(2) << "\n";
    return 0;
  }
  const MetricSummary& m = result.metrics;
  std::cout << m.to_text() << "\n";
  if (m.single_class > 0)
    std::cout << "(" << m.single_class << " of " << m.impressions
              << " impressions have one class only: left out of AUC)\n";
  if (c.score.by_day) print_by_day(result.report["by_day"]);
  if (c.score.by_category) print_by_category(result.report["by_category"]);
  std::cout << "scores and metrics: " << result.out_dir << "\n";
  return 0;
}

int run_predict(const ScoreCommand& c) {
  if (auto code = c.dist.launch_workers()) return *code;
  SubmissionFiles files = predict_split(c.options());
  if (files.text.empty()) return 0;  // not rank 0
  std::cout << "wrote " << files.text << " (and scores.tsv beside it)\n"
            << "upload " << files.zip << " to the MIND leaderboard\n";
  return 0;
}

void add_common_options(CLI::App* app, ScoreCommand* c, const char* kind) {
  c->config.add_to(*app,
                   "JSON config file (default: the config.json of the run holding the checkpoint)");
  app->add_option("--run-dir", c->score.run_dir, "run to use (default: the latest run)");
  app->add_option("--checkpoint", c->score.checkpoint,
                  "checkpoint folder (default: the run's best); it carries its own tokenizer");
  app->add_option("--device", c->score.device, "auto, cpu, cuda or cuda:N (default: the config's)");
  app->add_option("--out", c->score.out,
                  std::string("folder for the results (default: the run's ") + kind +
                      "/<split>, or the checkpoint's own for one outside a run)");
  c->dist.add_to(*app);
}

}  // namespace

Command add_eval_command(CLI::App& root) {
  auto c = std::make_shared<ScoreCommand>();
  c->score.split = "dev";
  CLI::App* app = root.add_subcommand("eval", "Score a labeled split and print AUC, MRR, nDCG");
  add_common_options(app, c.get(), "eval");
  app->add_option("--split", c->score.split, "dev or train")->capture_default_str();
  app->add_flag("--by-day", c->score.by_day,
                "also metrics per day and the share of candidates unseen in training");
  app->add_flag("--by-category", c->score.by_category,
                "also metrics per MIND category (each impression's candidates of that category)");
  app->add_flag("--json", c->json, "print the metrics as JSON (what metrics.json holds)");
  return {app, [c] { return run_eval(*c); }};
}

Command add_predict_command(CLI::App& root) {
  auto c = std::make_shared<ScoreCommand>();
  c->score.split = "test";
  CLI::App* app =
      root.add_subcommand("predict", "Write prediction.txt and prediction.zip for the leaderboard");
  add_common_options(app, c.get(), "predict");
  app->add_option("--split", c->score.split, "test, or dev")->capture_default_str();
  app->add_flag("--resume", c->score.resume,
                "continue from the partial scores a stopped predict left in <out>/partial/ (same "
                "checkpoint, split, eval.batch_size and number of ranks)");
  return {app, [c] { return run_predict(*c); }};
}

}  // namespace unbert::cli
