// unbert synth: a generated MIND-format dataset (see data/synth.h).
#include <cstdio>
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/data/synth.h"

namespace unbert::cli {

Command add_synth_command(CLI::App& root) {
  auto out = std::make_shared<std::string>();
  auto o = std::make_shared<SynthOptions>();
  CLI::App* app = root.add_subcommand(
      "synth",
      "Write a generated MIND-format dataset (train/, dev/, test/) with a learnable signal");
  app->add_option("--out", *out, "folder to create")->required();
  app->add_option("--users", o->users, "users")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--news", o->news_per_day, "news published per day")->capture_default_str();
  app->add_option("--days", o->days, "days (last: test, one before: dev)")->capture_default_str();
  app->add_option("--candidates", o->candidates, "mean candidates per impression")
      ->capture_default_str();
  app->add_option("--interests", o->interests, "(topic, place) pairs a user follows, at most")
      ->capture_default_str();
  app->add_option("--history-focus", o->history_focus,
                  "share of past clicks on followed news (lower: a harder task)")
      ->capture_default_str();
  app->add_option("--seed", o->seed, "random seed")->capture_default_str();
  return {app, [out, o] {
            SynthSummary s = write_synthetic_mind(*out, *o);
            std::printf("wrote %s: %lld news; %lld train, %lld dev, %lld test impressions\n",
                        out->c_str(), static_cast<long long>(s.news),
                        static_cast<long long>(s.train_impressions),
                        static_cast<long long>(s.dev_impressions),
                        static_cast<long long>(s.test_impressions));
            return 0;
          }};
}

}  // namespace unbert::cli
