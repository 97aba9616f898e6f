// unbert score: the official MIND scorer on rank files.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "unbert/cli/command.h"
#include "unbert/common/error.h"
#include "unbert/common/log.h"
#include "unbert/eval/rank_file.h"
#include "unbert/eval/submission_check.h"

namespace unbert::cli {
namespace {

struct ScoreOptions {
  std::string truth, behaviors, prediction, check;
  bool json = false;
};

// --check: what the leaderboard would say, before uploading.
int run_check(const ScoreOptions& o) {
  SubmissionSummary s = check_submission(o.check, o.behaviors);
  std::cout << o.check << ": OK, " << s.impressions << " impressions, " << s.candidates
            << " candidates ranked"
            << (o.behaviors.empty() ? " (format only: add --behaviors to check against a split)"
                                    : ", matching " + o.behaviors)
            << (s.zip ? "; prediction.txt at the zip's root" : "") << "\n";
  return 0;
}

int run_score(const ScoreOptions& o) {
  std::vector<ImpressionList> truth;
  std::string truth_path = o.truth.empty() ? o.behaviors : o.truth;
  if (!o.truth.empty()) {
    truth = read_impression_lists(o.truth, ListKind::Labels);
  } else {
    NewsTable news;  // labels only: news ids need not be known
    LoadOptions options;
    options.add_unknown_news = true;
    truth = truth_from_behaviors(Behaviors::load(o.behaviors, news, options, nullptr));
  }
  auto predictions = read_impression_lists(o.prediction, ListKind::Ranks);
  MetricSummary s = score_rankings(truth, predictions, truth_path, o.prediction);
  if (s.single_class > 0)
    spdlog::warn("[score] {} of {} impressions have one class only: left out of the AUC mean",
                 s.single_class, s.impressions);
  if (o.json)
    std::cout << s.to_json().dump(2) << "\n";
  else
    std::cout << s.to_text() << "\n";
  return 0;
}

}  // namespace

Command add_score_command(CLI::App& root) {
  auto o = std::make_shared<ScoreOptions>();
  CLI::App* app = root.add_subcommand(
      "score", "Score a prediction file against labels, exactly like the official MIND scorer");
  auto* truth = app->add_option("--truth", o->truth, "truth file, lines 'impid [0,1,0]'");
  auto* behaviors = app->add_option("--behaviors", o->behaviors,
                                    "take the labels from a labeled MIND behaviors.tsv instead");
  truth->excludes(behaviors);
  auto* prediction =
      app->add_option("--prediction", o->prediction, "prediction file, lines 'impid [2,1,3]'");
  auto* check = app->add_option("--check", o->check,
                                "check a prediction.txt or prediction.zip the way the leaderboard "
                                "would (with --behaviors: against that split)");
  check->excludes(prediction)->excludes(truth);
  app->add_flag("--json", o->json, "print the metrics as JSON");
  return {app, [o] {
            if (!o->check.empty()) return run_check(*o);
            if (o->prediction.empty())
              throw UsageError("score: give --prediction FILE (or --check FILE)");
            if (o->truth.empty() && o->behaviors.empty())
              throw UsageError("score: give --truth FILE or --behaviors FILE");
            return run_score(*o);
          }};
}

}  // namespace unbert::cli
