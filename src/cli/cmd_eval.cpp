// unbert eval (metrics on a labeled split) and unbert predict (leaderboard
// files): both score every candidate with a trained checkpoint.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "unbert/cli/steps.h"
#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/common/log.h"
#include "unbert/config/config_io.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/eval/evaluator.h"
#include "unbert/eval/submission.h"
#include "unbert/model/checkpoint.h"
#include "unbert/model/device.h"
#include "unbert/model/precision.h"
#include "unbert/text/text_setup.h"
#include "unbert/train/run_dir.h"

namespace unbert::cli {
namespace {

// A run's checkpoint, data and tokenizer, ready to score one split.
struct Inference {
  RunConfig config;
  std::unique_ptr<RunDir> run;
  std::string checkpoint;
  MindData data;
  std::unique_ptr<TextPipeline> text;
  torch::Device device = torch::kCPU;
  ResolvedPrecision precision;
  Unbert model{nullptr};
};

std::unique_ptr<Inference> prepare(const ScoreSplitOptions& o, std::vector<std::string> splits,
                                   void (*check_data)(const DataConfig&) = nullptr) {
  auto in = std::make_unique<Inference>();
  std::string run_dir = o.run_dir;
  if (!o.config.config.empty()) {
    in->config = o.config.load();
    if (run_dir.empty()) run_dir = default_run_dir(in->config);
  } else {
    if (run_dir.empty() && o.checkpoint.empty()) run_dir = latest_run();
    std::string saved =
        run_dir.empty() ? "" : (std::filesystem::path(run_dir) / "config.json").string();
    if (saved.empty() || !std::filesystem::exists(saved))
      throw UsageError("no config: pass --config FILE (or --run-dir of a trained run)");
    ConfigOptions from_run = o.config;
    from_run.config = saved;
    in->config = from_run.load();
  }
  if (!o.device.empty()) in->config.device = o.device;
  validate(in->config);
  if (check_data) check_data(in->config.data);
  in->run = std::make_unique<RunDir>(run_dir.empty() ? default_run_dir(in->config) : run_dir);
  in->checkpoint = o.checkpoint.empty() ? in->run->model_checkpoint() : o.checkpoint;
  CheckpointInfo info = read_checkpoint_info(in->checkpoint);

  in->data = load_mind(in->config.data, splits);
  in->text = build_text_pipeline(in->config, in->data.news);
  // The model's shape comes from the checkpoint; the config must not contradict it.
  ModelShape expected = info.shape;
  expected.aggregator = in->config.model.aggregator;
  expected.level = in->config.model.level;
  expected.use_position_embeddings = in->config.model.use_position_embeddings;
  expected.max_news_segments = in->config.text.max_news_segments;
  check_checkpoint_fits(info, expected, in->text->tokenizer->identity(), in->checkpoint);
  in->device = resolve_device(in->config.device);
  in->precision = resolve_precision(in->config.eval.precision, in->device, "eval.precision");
  in->model = load_checkpoint_model(in->checkpoint, in->device);
  spdlog::info("[eval] checkpoint {}", in->checkpoint);
  return in;
}

std::vector<float> score_split(Inference& in, const Behaviors& behaviors, double* seconds) {
  ScoringOptions options;
  options.batch_size = in.config.eval.batch_size;
  options.device = in.device;
  options.precision = in.precision.used;
  auto start = std::chrono::steady_clock::now();
  auto scores = score_candidates(in.model, behaviors, *in.text->packer,
                                 in.text->tokenizer->special().pad, options);
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info(
      "[eval] scored {} impressions ({} candidates) in {:.1f} s: {:.1f} impressions/s, {} ({})",
      behaviors.size(), behaviors.num_candidates(), *seconds,
      behaviors.size() / std::max(*seconds, 1e-9), enum_name(in.precision.used), in.precision.why);
  return scores;
}

std::string scores_table(const Behaviors& behaviors, const NewsTable& news,
                         const std::vector<float>& scores) {
  // The label column only where the split has labels (not the test split).
  const bool labeled = behaviors.labeled();
  std::string table =
      labeled ? "impression_id\tnews_id\tlabel\tscore\n" : "impression_id\tnews_id\tscore\n";
  char score_text[32];
  for (std::size_t i = 0; i < behaviors.size(); ++i) {
    Impression imp = behaviors[i];
    for (std::size_t c = 0; c < imp.candidates.size(); ++c) {
      std::snprintf(score_text, sizeof score_text, "%.7g",
                    scores[behaviors.candidate_offset(i) + c]);
      table += std::to_string(imp.id) + "\t" + std::string(news.id(imp.candidates[c])) + "\t" +
               (labeled ? std::to_string(imp.labels[c]) + "\t" : std::string()) + score_text + "\n";
    }
  }
  return table;
}

nlohmann::json by_day_report(const std::vector<DayMetrics>& days) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& day : days) {
    nlohmann::json row = day.metrics.to_json();
    row["day"] = day.day;
    row["unseen_share"] = day.unseen_share;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

EvalResult evaluate_split(const ScoreSplitOptions& o) {
  std::vector<std::string> splits{o.split};
  if (o.by_day && o.split != "train") splits.push_back("train");
  auto in = prepare(o, splits);
  const Behaviors& behaviors = in->data.split(o.split);
  if (!behaviors.labeled())
    throw UsageError("eval: " + behaviors.path() +
                     " has no labels (a test split?); use 'unbert "
                     "predict --split " +
                     o.split + "' for leaderboard files");
  double seconds = 0;
  auto scores = score_split(*in, behaviors, &seconds);
  EvalResult result;
  result.metrics = metrics_of(behaviors, scores);
  result.out_dir = in->run->file("eval/" + o.split);
  std::filesystem::create_directories(result.out_dir);
  write_text_atomic(result.out_dir + "/scores.tsv", scores_table(behaviors, in->data.news, scores));
  nlohmann::json& report = result.report;
  report = result.metrics.to_json();
  report["checkpoint"] = in->checkpoint;
  report["split"] = o.split;
  report["impressions_per_second"] = behaviors.size() / std::max(seconds, 1e-9);
  report["precision"] = enum_name(in->precision.used);
  if (o.by_day) {
    auto seen = news_in_behaviors(in->data.split("train"), in->data.news.size());
    report["by_day"] = by_day_report(metrics_by_day(behaviors, scores, seen));
  }
  write_text_atomic(result.out_dir + "/metrics.json", report.dump(2) + "\n");
  return result;
}

namespace {

// A leaderboard file ranks every candidate of every impression; a skipped
// line or candidate would make a file that looks complete and is not.
void require_complete_split(const DataConfig& data) {
  if (data.unknown_candidate == UnknownNews::Skip)
    throw ConfigError("data.unknown_candidate",
                      "is \"skip\", which would drop candidates from the prediction file; set "
                      "it to \"error\" for predict (--set data.unknown_candidate=error)");
  if (data.on_error == OnError::Skip)
    throw ConfigError("data.on_error",
                      "is \"skip\", which would drop malformed impressions from the prediction "
                      "file; set it to \"fail\" for predict (--set data.on_error=fail)");
}

}  // namespace

SubmissionFiles predict_split(const ScoreSplitOptions& o) {
  auto in = prepare(o, {o.split}, require_complete_split);
  const Behaviors& behaviors = in->data.split(o.split);
  double seconds = 0;
  auto scores = score_split(*in, behaviors, &seconds);
  const std::string dir = in->run->file("predict/" + o.split);
  SubmissionFiles files = write_submission(behaviors, scores, dir);
  // The raw scores beside the ranks: what an ensemble of runs averages.
  write_text_atomic(dir + "/scores.tsv", scores_table(behaviors, in->data.news, scores));
  return files;
}

namespace {

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

int run_eval(const ScoreSplitOptions& o) {
  EvalResult result = evaluate_split(o);
  if (o.json) {
    std::cout << result.report.dump(2) << "\n";
    return 0;
  }
  const MetricSummary& m = result.metrics;
  std::cout << m.to_text() << "\n";
  if (m.single_class > 0)
    std::cout << "(" << m.single_class << " of " << m.impressions
              << " impressions have one class only: left out of AUC)\n";
  if (o.by_day) print_by_day(result.report["by_day"]);
  std::cout << "scores and metrics: " << result.out_dir << "\n";
  return 0;
}

int run_predict(const ScoreSplitOptions& o) {
  SubmissionFiles files = predict_split(o);
  std::cout << "wrote " << files.text << " (and scores.tsv beside it)\n"
            << "upload " << files.zip << " to the MIND leaderboard\n";
  return 0;
}

void add_common_options(CLI::App* app, ScoreSplitOptions* o) {
  o->config.add_to(*app);
  app->add_option("--run-dir", o->run_dir, "run to use (default: the latest run)");
  app->add_option("--checkpoint", o->checkpoint, "checkpoint folder (default: the run's best)");
  app->add_option("--device", o->device, "auto, cpu, cuda or cuda:N (default: the config's)");
}

}  // namespace

Command add_eval_command(CLI::App& root) {
  auto o = std::make_shared<ScoreSplitOptions>();
  o->split = "dev";
  CLI::App* app = root.add_subcommand("eval", "Score a labeled split and print AUC, MRR, nDCG");
  add_common_options(app, o.get());
  app->add_option("--split", o->split, "dev or train")->capture_default_str();
  app->add_flag("--by-day", o->by_day,
                "also metrics per day and the share of candidates unseen in training");
  app->add_flag("--json", o->json, "print the metrics as JSON (what metrics.json holds)");
  return {app, [o] { return run_eval(*o); }};
}

Command add_predict_command(CLI::App& root) {
  auto o = std::make_shared<ScoreSplitOptions>();
  o->split = "test";
  CLI::App* app =
      root.add_subcommand("predict", "Write prediction.txt and prediction.zip for the leaderboard");
  add_common_options(app, o.get());
  app->add_option("--split", o->split, "test, or dev")->capture_default_str();
  return {app, [o] { return run_predict(*o); }};
}

}  // namespace unbert::cli
