// unbert tokenize: token ids (or pieces) of each line of standard input;
// unbert tokenizer train: train the config's SentencePiece model.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
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
  if (o.config.path.empty() && o.config.overrides.empty())
    throw UsageError("tokenize: give --vocab FILE, --spm FILE or --config FILE");
  return load_tokenizer(o.config.load().text);
}

// The lines of standard input in the batches they arrive in: what one read()
// returns (a line typed at a terminal, or up to 1 MiB of a file), so a
// terminal gets each answer at once and a file costs one helper round trip
// per batch.
class StdinLineBatches {
 public:
  bool next(std::vector<std::string>* lines) {
    lines->clear();
    while (lines->empty()) {
      if (done_) {
        if (pending_.empty()) return false;
        lines->push_back(std::move(pending_));  // a last line without a newline
        pending_.clear();
        return true;
      }
      ssize_t got = ::read(STDIN_FILENO, buffer_.data(), buffer_.size());
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw Error(std::string("standard input: cannot read: ") + std::strerror(errno));
      if (got == 0) {
        done_ = true;
        continue;
      }
      pending_.append(buffer_.data(), static_cast<std::size_t>(got));
      std::size_t start = 0, end;
      while ((end = pending_.find('\n', start)) != std::string::npos) {
        lines->push_back(pending_.substr(start, end - start));
        start = end + 1;
      }
      pending_.erase(0, start);
    }
    return true;
  }

 private:
  std::vector<char> buffer_ = std::vector<char>(1 << 20);
  std::string pending_;
  bool done_ = false;
};

int run_tokenize(const TokenizeOptions& o) {
  auto tokenizer = chosen_tokenizer(o);
  StdinLineBatches input;
  std::vector<std::string> lines;
  std::vector<int32_t> ids;
  std::vector<uint32_t> lengths;
  while (input.next(&lines)) {
    ids.clear();
    lengths.clear();
    tokenizer->encode_batch(std::vector<std::string_view>(lines.begin(), lines.end()), &ids,
                            &lengths);
    std::size_t next = 0;
    for (uint32_t length : lengths) {
      for (uint32_t i = 0; i < length; ++i, ++next) {
        if (i) std::cout << ' ';
        if (o.tokens)
          std::cout << tokenizer->piece(ids[next]);
        else
          std::cout << ids[next];
      }
      std::cout << '\n';
    }
    std::cout.flush();
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
  app->add_flag("--cased", o->cased, "with --vocab: keep case and accents (cased BERT)")
      ->needs(vocab);
  return {app, [o] { return run_tokenize(*o); }};
}

Command add_tokenizer_command(CLI::App& root) {
  struct Options {
    ConfigOptions config;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = root.add_subcommand("tokenizer", "Tokenizer tools");
  app->require_subcommand(1);
  CLI::App* train = app->add_subcommand(
      "train", "Train the config's SentencePiece model (text.spm_model) on the news titles");
  o->config.add_to(*train,
                   "JSON config naming text.spm_model and data.train_dir (e.g. the demo's "
                   "DIR/demo.json); the paper's configs use WordPiece");
  train->add_flag("--force", o->force, "replace text.spm_model if it exists");
  return {app, [o] {
            RunConfig config = o->config.load();
            // Checkpoints trained with a model need it unchanged: never replaced unasked.
            if (!o->force && std::filesystem::exists(config.text.spm_model))
              throw ConfigError("text.spm_model",
                                config.text.spm_model +
                                    " already exists (runs trained with it need it as it is); "
                                    "pass --force to replace it, or set a new path");
            MindData mind = load_mind(config.data, {});
            train_tokenizer(config.text, mind.news);
            return 0;
          }};
}

}  // namespace unbert::cli
