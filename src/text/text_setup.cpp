#include "unbert/text/text_setup.h"

#include <filesystem>

#include "unbert/common/error.h"
#include "unbert/common/log.h"
#include "unbert/common/system.h"
#include "unbert/text/sentencepiece_tokenizer.h"

namespace unbert {

void train_tokenizer(const TextConfig& text, const NewsTable& news, int threads) {
  if (text.tokenizer != TokenizerKind::SentencePiece)
    throw ConfigError("text.tokenizer",
                      "is \"wordpiece\"; only a SentencePiece model is trained "
                      "(set text.tokenizer to \"sentencepiece\")");
  if (text.spm_model.empty())
    throw ConfigError("text.spm_model", "needs the path where the model is written");
  if (news.size() == 0) throw Error("no news titles to train SentencePiece on");
  std::vector<std::string_view> sentences;
  for (uint32_t i = 0; i < news.size(); ++i) {
    if (!news.title(i).empty()) sentences.push_back(news.title(i));
    if (text.use_abstract && !news.abstract(i).empty()) sentences.push_back(news.abstract(i));
  }
  train_sentencepiece(sentences, text.spm_model, text, threads > 0 ? threads : hardware_threads());
}

std::unique_ptr<Tokenizer> prepare_tokenizer(const TextConfig& text, const NewsTable& news,
                                             int threads) {
  if (text.tokenizer == TokenizerKind::SentencePiece && !text.spm_model.empty() &&
      !std::filesystem::exists(text.spm_model)) {
    spdlog::info("[text] {} does not exist yet: training it on the news titles", text.spm_model);
    train_tokenizer(text, news, threads);
  }
  return load_tokenizer(text);
}

std::unique_ptr<TextPipeline> build_text_pipeline(const RunConfig& config, const NewsTable& news) {
  auto pipeline = std::make_unique<TextPipeline>();
  pipeline->tokenizer = prepare_tokenizer(config.text, news);
  pipeline->tokens = cached_news_tokens(news, *pipeline->tokenizer, config.text.use_abstract,
                                        config.data.cache_dir);
  pipeline->packer =
      std::make_unique<Packer>(pipeline->tokens, pipeline->tokenizer->special(), config.text);
  return pipeline;
}

}  // namespace unbert
