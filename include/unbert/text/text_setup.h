// The tokenizer a run uses, made ready from its config and news.
#pragma once

#include <memory>

#include "unbert/config/config.h"
#include "unbert/data/news_table.h"
#include "unbert/text/news_tokens.h"
#include "unbert/text/packer.h"
#include "unbert/text/tokenizer.h"

namespace unbert {

// Loads the config's tokenizer; when it names a SentencePiece model that does
// not exist yet, trains one on the news titles first.
std::unique_ptr<Tokenizer> prepare_tokenizer(const TextConfig& text, const NewsTable& news,
                                             int threads = 0);

// Trains the config's SentencePiece model on the titles (and abstracts when
// text.use_abstract) of every news in the table, replacing any old model.
void train_tokenizer(const TextConfig& text, const NewsTable& news, int threads = 0);

// Everything between news and model input: tokenizer, cached news tokens and
// the packer (which refers to the tokens, so the whole is not movable).
struct TextPipeline {
  std::unique_ptr<Tokenizer> tokenizer;
  NewsTokens tokens;
  std::unique_ptr<Packer> packer;
};
std::unique_ptr<TextPipeline> build_text_pipeline(const RunConfig& config, const NewsTable& news);

}  // namespace unbert
