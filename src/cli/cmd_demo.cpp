// unbert demo: the whole pipeline with no downloads. Generated MIND data ->
// SentencePiece on its titles -> a small UNBERT trained from scratch
// (configs/demo.json, compiled in) -> dev metrics beside word-blind baselines
// -> test predictions. Everything is written inside --out.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/cli/demo_config_json.h"
#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/common/log.h"
#include "unbert/common/process.h"
#include "unbert/config/config_io.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/data/synth.h"
#include "unbert/eval/baselines.h"
#include "unbert/eval/evaluator.h"
#include "unbert/pipeline/score_split.h"
#include "unbert/pipeline/train_run.h"

namespace unbert::cli {
namespace {

namespace fs = std::filesystem;

struct DemoOptions {
  std::string out = "demo";
  ConfigOptions config;  // --config replaces the compiled-in demo config
  SynthOptions synth;
  bool no_plot = false;
};

void check_out_folder(const fs::path& out) {
  if (!fs::exists(out)) return;
  if (fs::is_directory(out) && fs::is_empty(out)) return;
  throw UsageError("demo: " + out.string() +
                   " already exists and is not an empty folder; remove it or pass --out NEW_FOLDER "
                   "(nothing was changed)");
}

// The demo config with every path the demo writes placed inside `out`.
RunConfig demo_config(const DemoOptions& o, const fs::path& out) {
  RunConfig config =
      o.config.path.empty()
          ? load_config_tree(nlohmann::json::parse(kDemoConfigJson), o.config.overrides)
          : o.config.load();
  // Relative when --out is: the run's config.json then stores paths relative
  // to the run, and the demo folder can be moved as a whole.
  const fs::path base = fs::path(o.out).is_absolute() ? out : fs::path(o.out).lexically_normal();
  auto inside = [&](std::string& path) {
    if (!path.empty() && fs::path(path).is_relative()) path = (base / path).string();
  };
  for (std::string* path : {&config.data.train_dir, &config.data.dev_dir, &config.data.test_dir,
                            &config.data.cache_dir, &config.text.spm_model})
    inside(*path);
  if (config.run_dir.empty()) config.run_dir = "runs/" + config.name;
  inside(config.run_dir);
  validate(config);
  return config;
}

struct Row {
  std::string name;
  MetricSummary metrics;
};

std::vector<Row> baseline_rows(const RunConfig& config) {
  MindData data = load_mind(config.data, {"train", "dev"});
  const Behaviors& dev = data.split("dev");
  auto popular = most_clicked_scores(dev, data.split("train"), data.news.size());
  return {{"most clicked in train", metrics_of(dev, popular)},
          {"random", metrics_of(dev, random_scores(dev, config.train.seed))}};
}

std::string comparison_table(const std::vector<Row>& rows) {
  char line[160];
  std::snprintf(line, sizeof line, "dev (%zu impressions)          AUC     MRR  nDCG@5 nDCG@10\n",
                rows.front().metrics.impressions);
  std::string table = line;
  for (const auto& row : rows) {
    std::snprintf(line, sizeof line, "  %-24s  %.4f  %.4f  %.4f  %.4f\n", row.name.c_str(),
                  row.metrics.auc, row.metrics.mrr, row.metrics.ndcg5, row.metrics.ndcg10);
    table += line;
  }
  return table;
}

// The table as printed, and as JSON, kept in the run beside its metrics.
void save_comparison(const std::vector<Row>& rows, const std::string& run_dir) {
  write_text_atomic(run_dir + "/demo_comparison.txt", comparison_table(rows));
  nlohmann::json json = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json entry = row.metrics.to_json();
    entry["name"] = row.name;
    json.push_back(entry);
  }
  write_text_atomic(run_dir + "/demo_comparison.json", json.dump(2) + "\n");
}

// Runs scripts/plot_metrics.py (from the source tree or an install) with the
// first Python that has matplotlib; returns what to tell the user.
std::string plot_curves(const std::string& run_dir) {
  fs::path exe_dir = executable_dir();
  if (exe_dir.empty()) return "skipped (cannot tell where the unbert executable is)";
  fs::path script;
  for (fs::path candidate :
       {exe_dir / "../scripts/plot_metrics.py", exe_dir / "../share/unbert/plot_metrics.py"})
    if (fs::exists(candidate)) script = fs::weakly_canonical(candidate);
  if (script.empty()) return "skipped (scripts/plot_metrics.py not found beside the executable)";
  std::string log = run_dir + "/plot.log";
  for (const char* python : {"python3", "/usr/bin/python3"}) {
    int code = run_program({python, script.string(), run_dir}, log);
    if (code == 0) return run_dir + "/{loss,lr,valid_auc}.{png,pdf}";
    if (code != 3 && code != -1) return "failed (see " + log + ")";
  }
  return "skipped (needs Python 3 with matplotlib: apt install python3-matplotlib)";
}

int run_demo(const DemoOptions& o) {
  auto start = std::chrono::steady_clock::now();
  fs::path out = fs::absolute(o.out).lexically_normal();
  check_out_folder(out);
  RunConfig config = demo_config(o, out);  // bad --set/--config fail before anything is written

  spdlog::info("[demo] 1/5 generating MIND-format data in {}", (out / "data").string());
  fs::create_directories(out);
  SynthSummary synth = write_synthetic_mind((out / "data").string(), o.synth);
  spdlog::info("[demo] {} news; {} train, {} dev, {} test impressions", synth.news,
               synth.train_impressions, synth.dev_impressions, synth.test_impressions);
  std::string config_file = (out / "demo.json").string();
  write_text_atomic(config_file, config_to_json(config).dump(2) + "\n");

  spdlog::info("[demo] 2/5 tokenizer and 3/5 training ({})", config_file);
  TrainOptions train;
  train.config.path = config_file;
  train.remember_latest = false;                // nothing outside --out
  train.command_line = process_command_line();  // the manifest says what made the run
  TrainResult trained = train_run(train);

  spdlog::info("[demo] 4/5 evaluating on dev");
  ScoreSplitOptions score;
  score.config.path = config_file;
  score.run_dir = trained.run_dir;
  score.split = "dev";
  EvalResult dev = evaluate_split(score);
  spdlog::info("[demo] 5/5 predicting the test split");
  score.split = "test";
  SubmissionFiles submission = predict_split(score);

  std::vector<Row> rows{{"UNBERT (this run)", dev.metrics}};
  for (auto& row : baseline_rows(config)) rows.push_back(row);
  std::string plots = o.no_plot ? "skipped (--no-plot)" : plot_curves(trained.run_dir);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  save_comparison(rows, trained.run_dir);
  std::printf("\n%s", comparison_table(rows).c_str());
  std::printf("\nrun directory:   %s (the table: demo_comparison.txt)\n", trained.run_dir.c_str());
  std::printf("dev scores:      %s/scores.tsv\n", dev.out_dir.c_str());
  std::printf("leaderboard zip: %s\n", submission.zip.c_str());
  std::printf("curves:          %s\n", plots.c_str());
  std::printf("took %.0f s. Next: unbert eval --run-dir %s --by-day\n", seconds,
              trained.run_dir.c_str());
  return 0;
}

}  // namespace

Command add_demo_command(CLI::App& root) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* app = root.add_subcommand(
      "demo", "Generate MIND-format data, train a small UNBERT on the CPU, evaluate and predict");
  app->add_option("--out", o->out, "folder to create (must be new or empty)")
      ->capture_default_str();
  o->config.add_to(*app,
                   "JSON config instead of the compiled-in configs/demo.json (its data "
                   "and tokenizer paths are replaced by ones inside --out)");
  app->add_option("--users", o->synth.users, "generated users")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--seed", o->synth.seed, "seed of the generated data")->capture_default_str();
  app->add_flag("--no-plot", o->no_plot, "do not draw the training curves");
  return {app, [o] { return run_demo(*o); }};
}

}  // namespace unbert::cli
