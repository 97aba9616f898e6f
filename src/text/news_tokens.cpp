#include "unbert/text/news_tokens.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/common/hash.h"
#include "unbert/common/log.h"
#include "unbert/common/system.h"

namespace unbert {
namespace {

constexpr char kMagic[8] = {'U', 'N', 'B', 'N', 'T', 'O', 'K', '1'};

template <class T>
void put(std::string* out, const T& value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <class T>
void put_array(std::string* out, const std::vector<T>& values) {
  out->append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

std::string serialize(const NewsTokens& tokens, uint64_t key) {
  std::string out(kMagic, sizeof kMagic);
  put(&out, key);
  put(&out, static_cast<uint64_t>(tokens.size()));
  put(&out, static_cast<uint64_t>(tokens.ids().size()));
  put_array(&out, tokens.offsets());
  put_array(&out, tokens.ids());
  put(&out, hash_bytes(out));
  return out;
}

// Returns the tokens, or an empty optional with the reason in `why`.
std::optional<NewsTokens> deserialize(const std::string& bytes, uint64_t key, std::string* why) {
  const std::size_t header = sizeof kMagic + 3 * sizeof(uint64_t);
  if (bytes.size() < header + sizeof(uint64_t) || std::memcmp(bytes.data(), kMagic, 8) != 0) {
    *why = "not a news-token cache (bad header)";
    return std::nullopt;
  }
  uint64_t stored_key, count, total;
  std::memcpy(&stored_key, bytes.data() + 8, 8);
  std::memcpy(&count, bytes.data() + 16, 8);
  std::memcpy(&total, bytes.data() + 24, 8);
  std::size_t expected = header + (count + 1) * 8 + total * 4 + 8;
  if (count > bytes.size() || total > bytes.size() || bytes.size() != expected) {
    *why = "corrupt (size does not match its header)";
    return std::nullopt;
  }
  uint64_t checksum;
  std::memcpy(&checksum, bytes.data() + bytes.size() - 8, 8);
  if (checksum != hash_bytes(std::string_view(bytes.data(), bytes.size() - 8))) {
    *why = "corrupt (checksum mismatch)";
    return std::nullopt;
  }
  if (stored_key != key) {
    *why = "stale (the news files, tokenizer or text options changed)";
    return std::nullopt;
  }
  std::vector<uint64_t> offsets(count + 1);
  std::vector<int32_t> ids(total);
  std::memcpy(offsets.data(), bytes.data() + header, offsets.size() * 8);
  std::memcpy(ids.data(), bytes.data() + header + offsets.size() * 8, ids.size() * 4);
  if (offsets.front() != 0 || offsets.back() != total) {
    *why = "corrupt (offsets out of range)";
    return std::nullopt;
  }
  return NewsTokens(std::move(offsets), std::move(ids));
}

}  // namespace

NewsTokens tokenize_news(const NewsTable& news, const Tokenizer& tokenizer, bool use_abstract,
                         int threads) {
  std::size_t n = news.size();
  std::size_t workers = static_cast<std::size_t>(threads > 0 ? threads : hardware_threads());
  workers = std::max<std::size_t>(1, std::min(workers, n / 256 + 1));
  std::vector<std::vector<int32_t>> ids(workers);
  std::vector<std::vector<uint64_t>> lengths(workers);
  // In batches: SentencePiece answers a batch in one round trip to its helper.
  constexpr std::size_t kNewsPerBatch = 2048;
  auto work = [&](std::size_t w) {
    std::size_t begin = n * w / workers, end = n * (w + 1) / workers;
    std::vector<std::string_view> texts;
    std::vector<uint32_t> text_lengths;
    std::vector<uint8_t> texts_per_news;
    for (std::size_t first = begin; first < end; first += kNewsPerBatch) {
      texts.clear();
      text_lengths.clear();
      texts_per_news.clear();
      for (std::size_t i = first; i < std::min(end, first + kNewsPerBatch); ++i) {
        auto index = static_cast<uint32_t>(i);
        texts.push_back(news.title(index));
        const bool abstract = use_abstract && !news.abstract(index).empty();
        if (abstract) texts.push_back(news.abstract(index));
        texts_per_news.push_back(abstract ? 2 : 1);
      }
      tokenizer.encode_batch(texts, &ids[w], &text_lengths);
      std::size_t text = 0;
      for (uint8_t parts : texts_per_news) {
        uint64_t length = 0;
        for (uint8_t p = 0; p < parts; ++p) length += text_lengths[text++];
        lengths[w].push_back(length);
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& thread : pool) thread.join();

  std::vector<uint64_t> offsets{0};
  offsets.reserve(n + 1);
  std::vector<int32_t> all;
  for (std::size_t w = 0; w < workers; ++w) {
    for (uint64_t length : lengths[w]) offsets.push_back(offsets.back() + length);
    all.insert(all.end(), ids[w].begin(), ids[w].end());
  }
  return NewsTokens(std::move(offsets), std::move(all));
}

uint64_t news_tokens_key(const NewsTable& news, const Tokenizer& tokenizer, bool use_abstract) {
  uint64_t key = hash_bytes(tokenizer.identity());
  key = hash_value(static_cast<uint8_t>(use_abstract), key);
  key = hash_value(static_cast<uint64_t>(news.size()), key);
  for (uint32_t i = 0; i < news.size(); ++i) {
    key = hash_bytes(news.id(i), key);
    key = hash_bytes(news.title(i), hash_value('\t', key));
    if (use_abstract) key = hash_bytes(news.abstract(i), hash_value('\t', key));
  }
  return key;
}

std::string news_tokens_cache_path(const std::string& cache_dir, const Tokenizer& tokenizer,
                                   bool use_abstract) {
  uint64_t name = hash_value(static_cast<uint8_t>(use_abstract), hash_bytes(tokenizer.identity()));
  return (std::filesystem::path(cache_dir) / ("news_tokens_" + hex64(name) + ".bin")).string();
}

NewsTokens cached_news_tokens(const NewsTable& news, const Tokenizer& tokenizer, bool use_abstract,
                              const std::string& cache_dir, int threads) {
  uint64_t key = news_tokens_key(news, tokenizer, use_abstract);
  std::string path = news_tokens_cache_path(cache_dir, tokenizer, use_abstract);
  std::string why = "no cache yet";
  if (std::filesystem::exists(path)) {
    if (auto tokens = deserialize(read_text_file(path), key, &why)) {
      if (tokens->size() == news.size()) {
        spdlog::info("[text] loaded tokenized news from {}", path);
        return std::move(*tokens);
      }
      why = "stale (news count changed)";
    }
  }
  spdlog::info("[text] tokenizing {} news ({}): {}", news.size(), path, why);
  NewsTokens tokens = tokenize_news(news, tokenizer, use_abstract, threads);
  std::filesystem::create_directories(cache_dir);
  write_text_atomic(path, serialize(tokens, key));
  return tokens;
}

}  // namespace unbert
