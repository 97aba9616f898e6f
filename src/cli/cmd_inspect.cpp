// unbert inspect: the packed input of each candidate of one impression, as
// the model reads it (pieces, segment and news-segment ids).
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/common/error.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/data/mind_time.h"
#include "unbert/pipeline/run_config.h"
#include "unbert/text/news_tokens.h"
#include "unbert/text/packer.h"
#include "unbert/text/text_setup.h"

namespace unbert::cli {
namespace {

struct InspectOptions {
  ConfigOptions config;
  std::string run_dir;  // a run's own config instead of --config
  std::string split = "dev";
  std::string impression;  // as written in behaviors.tsv
};

void print_sequence(const PackedSequence& s, const Tokenizer& tokenizer) {
  std::vector<std::string> pieces;
  for (int32_t id : s.token_ids) pieces.push_back(tokenizer.piece(id));
  auto print_row = [&](const char* name, auto value) {
    std::cout << "  " << std::left << std::setw(9) << name;
    for (std::size_t i = 0; i < pieces.size(); ++i)
      std::cout << ' ' << std::setw(static_cast<int>(std::max<std::size_t>(pieces[i].size(), 2)))
                << value(i);
    std::cout << '\n';
  };
  print_row("piece", [&](std::size_t i) { return pieces[i]; });
  print_row("segment", [&](std::size_t i) { return std::to_string(s.segment_ids[i]); });
  print_row("news_seg", [&](std::size_t i) { return std::to_string(s.news_segment_ids[i]); });
}

int run_inspect(const InspectOptions& o) {
  if (!o.run_dir.empty() && !o.config.path.empty())
    throw UsageError("inspect: give --config FILE or --run-dir DIR, not both");
  RunConfig config =
      o.run_dir.empty() ? o.config.load() : read_run_config(o.run_dir, o.config.overrides);
  MindData mind = load_mind(config.data, {o.split});
  const Behaviors& behaviors = mind.split(o.split);
  std::size_t row = behaviors.size();
  for (std::size_t i = 0; i < behaviors.size() && row == behaviors.size(); ++i)
    if (behaviors[i].id == o.impression) row = i;
  if (row == behaviors.size())
    throw UsageError("inspect: impression " + o.impression + " is not in " + behaviors.path());
  auto tokenizer = prepare_tokenizer(config.text, mind.news);
  NewsTokens tokens =
      cached_news_tokens(mind.news, *tokenizer, config.text.use_abstract, config.data.cache_dir);
  Packer packer(tokens, tokenizer->special(), config.text);
  Impression imp = behaviors[row];
  std::cout << "impression " << imp.id << " (" << behaviors.path() << ":" << imp.line << "), user "
            << behaviors.user_id(imp.user) << ", " << format_mind_time(imp.time) << ", "
            << imp.history.size() << " clicked news, " << imp.candidates.size() << " candidates\n";
  PackedSequence packed;
  for (std::size_t c = 0; c < imp.candidates.size(); ++c) {
    packer.pack(imp.candidates[c], imp.history, &packed);
    std::cout << "\ncandidate " << c + 1 << "/" << imp.candidates.size() << " "
              << mind.news.id(imp.candidates[c]) << " label "
              << (imp.labels[c] == kUnlabeled ? std::string("?") : std::to_string(imp.labels[c]))
              << ", " << packed.length() << " tokens, " << packed.num_news() - 1
              << " clicked news kept\n";
    print_sequence(packed, *tokenizer);
  }
  return 0;
}

}  // namespace

Command add_inspect_command(CLI::App& root) {
  auto o = std::make_shared<InspectOptions>();
  CLI::App* app = root.add_subcommand(
      "inspect", "Show the packed model input of every candidate of one impression");
  o->config.add_to(*app);
  app->add_option("--run-dir", o->run_dir, "use a run's own config.json instead of --config");
  app->add_option("--split", o->split, "train, dev or test")->capture_default_str();
  app->add_option("--impression", o->impression, "impression id")->required();
  return {app, [o] { return run_inspect(*o); }};
}

}  // namespace unbert::cli
