// Token ids of every news in a NewsTable, tokenized once on all cores and
// cached in a binary file keyed by the news content, the tokenizer and the
// text options that change the ids.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "unbert/common/span.h"
#include "unbert/data/news_table.h"
#include "unbert/text/tokenizer.h"

namespace unbert {

class NewsTokens {
 public:
  NewsTokens() = default;
  NewsTokens(std::vector<uint64_t> offsets, std::vector<int32_t> ids)
      : offsets_(std::move(offsets)), ids_(std::move(ids)) {}

  Span<int32_t> operator[](uint32_t news) const {
    return {ids_.data() + offsets_[news], offsets_[news + 1] - offsets_[news]};
  }
  std::size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  const std::vector<uint64_t>& offsets() const { return offsets_; }
  const std::vector<int32_t>& ids() const { return ids_; }

 private:
  std::vector<uint64_t> offsets_{0};
  std::vector<int32_t> ids_;
};

// Title (and, with use_abstract, the abstract after it) of each news.
NewsTokens tokenize_news(const NewsTable& news, const Tokenizer& tokenizer, bool use_abstract,
                         int threads = 0);

// What the cached ids depend on.
uint64_t news_tokens_key(const NewsTable& news, const Tokenizer& tokenizer, bool use_abstract);

// Loads the cache in `cache_dir` when it matches, else tokenizes and writes
// it; a stale or corrupt file is rebuilt with a log line saying why.
NewsTokens cached_news_tokens(const NewsTable& news, const Tokenizer& tokenizer, bool use_abstract,
                              const std::string& cache_dir, int threads = 0);

// The cache file for this tokenizer in `cache_dir`.
std::string news_tokens_cache_path(const std::string& cache_dir, const Tokenizer& tokenizer,
                                   bool use_abstract);

}  // namespace unbert
