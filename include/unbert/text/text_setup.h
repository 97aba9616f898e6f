// The tokenizer a run uses, made ready from its config and news.
#pragma once

#include <memory>

#include "unbert/data/news_table.h"
#include "unbert/text/tokenizer.h"

namespace unbert {

// Loads the config's tokenizer; when it names a SentencePiece model that does
// not exist yet, trains one on the news titles first.
std::unique_ptr<Tokenizer> prepare_tokenizer(const TextConfig& text, const NewsTable& news,
                                             int threads = 0);

// Trains the config's SentencePiece model on the titles (and abstracts when
// text.use_abstract) of every news in the table, replacing any old model.
void train_tokenizer(const TextConfig& text, const NewsTable& news, int threads = 0);

}  // namespace unbert
