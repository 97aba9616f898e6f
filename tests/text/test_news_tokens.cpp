#include <atomic>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/text/news_tokens.h"

namespace unbert {
namespace {

// Ids = word lengths; counts how many texts it encoded.
class CountingTokenizer : public Tokenizer {
 public:
  explicit CountingTokenizer(std::string name) : name_(std::move(name)) {}
  void encode(std::string_view text, std::vector<int32_t>* ids) const override {
    ++calls;
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = std::min(text.find(' ', start), text.size());
      if (end > start) ids->push_back(static_cast<int32_t>(end - start));
      start = end + 1;
    }
  }
  std::string piece(int32_t id) const override { return std::to_string(id); }
  std::optional<int32_t> find(std::string_view) const override { return std::nullopt; }
  int32_t vocab_size() const override { return 100; }
  std::string identity() const override { return name_; }
  mutable std::atomic<int> calls{0};

 private:
  std::string name_;
};

class NewsTokensTest : public ::testing::Test {
 protected:
  NewsTable load_news(const std::string& extra = "") {
    NewsTable news;
    news.load(dir_.write("news.tsv",
                         "N1\ta\tb\tFlorida wins big\tAbstract here\t\t\t\n"
                         "N2\ta\tb\tRain\t\t\t\t\n" +
                             extra),
              {});
    return news;
  }
  test::TempDir dir_;
};

TEST_F(NewsTokensTest, TokenizesTitlesAndOptionallyAbstracts) {
  NewsTable news = load_news();
  CountingTokenizer tokenizer("t1");
  NewsTokens titles = tokenize_news(news, tokenizer, false, 2);
  ASSERT_EQ(titles.size(), 2u);
  EXPECT_EQ(std::vector<int32_t>(titles[0].begin(), titles[0].end()),
            (std::vector<int32_t>{7, 4, 3}));
  NewsTokens both = tokenize_news(news, tokenizer, true, 2);
  EXPECT_EQ(both[0].size(), 5u);
  EXPECT_EQ(both[1].size(), 1u);
}

TEST_F(NewsTokensTest, SecondRunHitsTheCache) {
  NewsTable news = load_news();
  CountingTokenizer tokenizer("t1");
  NewsTokens first = cached_news_tokens(news, tokenizer, false, dir_.file("cache"));
  int calls = tokenizer.calls;
  NewsTokens second = cached_news_tokens(news, tokenizer, false, dir_.file("cache"));
  EXPECT_EQ(tokenizer.calls, calls);  // nothing tokenized again
  EXPECT_EQ(second.ids(), first.ids());
  EXPECT_EQ(second.offsets(), first.offsets());
}

TEST_F(NewsTokensTest, ChangedNewsOrTokenizerOrOptionsMiss) {
  NewsTable news = load_news();
  CountingTokenizer tokenizer("t1");
  cached_news_tokens(news, tokenizer, false, dir_.file("cache"));
  NewsTable changed = load_news("N3\ta\tb\tNew story\t\t\t\t\n");
  int calls = tokenizer.calls;
  NewsTokens rebuilt = cached_news_tokens(changed, tokenizer, false, dir_.file("cache"));
  EXPECT_GT(tokenizer.calls, calls);
  EXPECT_EQ(rebuilt.size(), 3u);

  CountingTokenizer other("t2");
  cached_news_tokens(changed, other, false, dir_.file("cache"));
  EXPECT_GT(other.calls, 0);
  calls = tokenizer.calls;
  cached_news_tokens(changed, tokenizer, true, dir_.file("cache"));  // use_abstract changed
  EXPECT_GT(tokenizer.calls, calls);
}

TEST_F(NewsTokensTest, CorruptCacheIsRebuilt) {
  NewsTable news = load_news();
  CountingTokenizer tokenizer("t1");
  NewsTokens good = cached_news_tokens(news, tokenizer, false, dir_.file("cache"));
  std::string path = news_tokens_cache_path(dir_.file("cache"), tokenizer, false);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(40);
    file.put('\x7f');  // flip a byte inside the offsets
  }
  int calls = tokenizer.calls;
  NewsTokens again = cached_news_tokens(news, tokenizer, false, dir_.file("cache"));
  EXPECT_GT(tokenizer.calls, calls);
  EXPECT_EQ(again.ids(), good.ids());
  std::filesystem::resize_file(path, 20);  // truncated
  NewsTokens third = cached_news_tokens(news, tokenizer, false, dir_.file("cache"));
  EXPECT_EQ(third.ids(), good.ids());
}

}  // namespace
}  // namespace unbert
