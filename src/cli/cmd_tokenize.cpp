// unbert tokenize: token ids (or pieces) of each line of standard input;
// unbert tokenizer train: train the config's SentencePiece model.
#include <iostream>
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/common/error.h"
#include "unbert/config/config_io.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/text/sentencepiece_tokenizer.h"
#include "unbert/text/text_setup.h"
#include "unbert/text/wordpiece.h"

namespace unbert::cli {
namespace {

struct TokenizeOptions {
  ConfigOptions config;
  std::string vocab, spm;
  bool tokens = false, cased = false;
};

std::unique_ptr<Tokenizer> chosen_tokenizer(const TokenizeOptions& o) {
  if (!o.vocab.empty()) return WordPieceTokenizer::from_file(o.vocab, !o.cased);
  if (!o.spm.empty()) return SentencePieceTokenizer::from_file(o.spm);
  if (o.config.config.empty() && o.config.overrides.empty())
    throw UsageError("tokenize: give --vocab FILE, --spm FILE or --config FILE");
  return load_tokenizer(o.config.load().text);
}

int run_tokenize(const TokenizeOptions& o) {
  auto tokenizer = chosen_tokenizer(o);
  std::string line;
  std::vector<int32_t> ids;
  while (std::getline(std::cin, line)) {
    ids.clear();
    tokenizer->encode(line, &ids);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (i) std::cout << ' ';
      if (o.tokens)
        std::cout << tokenizer->piece(ids[i]);
      else
        std::cout << ids[i];
    }
    std::cout << '\n';
  }
  return 0;
}

}  // namespace

Command add_tokenize_command(CLI::App& root) {
  auto o = std::make_shared<TokenizeOptions>();
  CLI::App* app = root.add_subcommand("tokenize", "Print the token ids of each line of stdin");
  o->config.add_to(*app);
  auto* vocab = app->add_option("--vocab", o->vocab, "WordPiece vocab.txt instead of the config's");
  auto* spm = app->add_option("--spm", o->spm, "SentencePiece .model instead of the config's");
  vocab->excludes(spm);
  app->add_flag("--tokens", o->tokens, "print the pieces instead of ids");
  app->add_flag("--cased", o->cased, "with --vocab: keep case and accents (cased BERT)");
  return {app, [o] { return run_tokenize(*o); }};
}

Command add_tokenizer_command(CLI::App& root) {
  auto o = std::make_shared<ConfigOptions>();
  CLI::App* app = root.add_subcommand("tokenizer", "Tokenizer tools");
  app->require_subcommand(1);
  CLI::App* train = app->add_subcommand(
      "train", "Train the config's SentencePiece model (text.spm_model) on the news titles");
  o->add_to(*train);
  return {app, [o] {
            RunConfig config = o->load();
            MindData mind = load_mind(config.data, {});
            train_tokenizer(config.text, mind.news);
            return 0;
          }};
}

}  // namespace unbert::cli
