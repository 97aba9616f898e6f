// Benchmark: WordPiece over 100,000 news titles (MIND-large size) and UNBERT
// input packing, single-threaded pairs per second.
//   build/bench/bench_text VOCAB.txt [--titles N] [--pairs N]
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "unbert/common/system.h"
#include "unbert/data/news_table.h"
#include "unbert/text/batch.h"
#include "unbert/text/news_tokens.h"
#include "unbert/text/packer.h"
#include "unbert/text/wordpiece.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Headline-like titles from whole words of the vocabulary.
std::string make_news_file(const unbert::WordPieceTokenizer& vocab, std::size_t titles) {
  std::vector<std::string> words;
  for (int32_t id = 0; id < vocab.vocab_size(); ++id) {
    std::string piece = vocab.piece(id);
    bool alpha = piece.size() >= 3 &&
                 piece.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos;
    if (alpha) words.push_back(piece);
  }
  std::mt19937 rng(11);
  std::string path = "/tmp/unbert_bench_news.tsv";
  std::FILE* out = std::fopen(path.c_str(), "w");
  for (std::size_t i = 0; i < titles; ++i) {
    std::string title;
    std::size_t length = 6 + rng() % 10;
    for (std::size_t w = 0; w < length; ++w) {
      std::string word = words[rng() % std::min<std::size_t>(words.size(), 20000)];
      word[0] = static_cast<char>(word[0] - 'a' + 'A');
      title += (w ? " " : "") + word + (rng() % 12 == 0 ? "," : "");
      if (rng() % 20 == 0) title += " " + std::to_string(rng() % 2025);
    }
    std::fprintf(out, "N%zu\tnews\tnewsus\t%s?\t\t\t[]\t[]\n", i + 1, title.c_str());
  }
  std::fclose(out);
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_text VOCAB.txt [--titles N] [--pairs N]\n");
    return 2;
  }
  std::size_t titles = 100000, pairs = 200000;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--titles") titles = std::stoul(argv[i + 1]);
    if (arg == "--pairs") pairs = std::stoul(argv[i + 1]);
  }
  auto tokenizer = unbert::WordPieceTokenizer::from_file(argv[1], true);
  unbert::NewsTable news;
  news.load(make_news_file(*tokenizer, titles), {});

  for (int threads : {1, unbert::hardware_threads()}) {
    auto start = std::chrono::steady_clock::now();
    unbert::NewsTokens tokens = unbert::tokenize_news(news, *tokenizer, false, threads);
    double s = seconds_since(start);
    std::printf("wordpiece  %zu titles, %zu tokens, %d thread(s): %.2f s (%.0f titles/s)\n",
                news.size(), tokens.ids().size(), threads, s, news.size() / s);
  }
  unbert::NewsTokens tokens = unbert::tokenize_news(news, *tokenizer, false);
  unbert::TextConfig text;  // paper settings: 20 title tokens, 20 clicks, 300 tokens
  unbert::SpecialTokens special{101, 102, 0, 100, 2};
  unbert::Packer packer(tokens, special, text);
  std::mt19937 rng(5);
  std::vector<std::vector<uint32_t>> histories(1000);
  for (auto& h : histories)
    for (std::size_t j = 0, n = rng() % 60; j < n; ++j) h.push_back(rng() % news.size());
  unbert::PackedSequence packed;
  std::size_t total_tokens = 0;
  auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < pairs; ++i) {
    const auto& h = histories[i % histories.size()];
    packer.pack(static_cast<uint32_t>(rng() % news.size()), {h.data(), h.size()}, &packed);
    total_tokens += packed.length();
  }
  double s = seconds_since(start);
  std::printf("packing    %zu pairs (mean %.0f tokens), 1 thread: %.2f s (%.0f pairs/s)\n", pairs,
              static_cast<double>(total_tokens) / pairs, s, pairs / s);

  std::vector<unbert::PackedSequence> batch(128);
  std::vector<const unbert::PackedSequence*> views;
  for (auto& p : batch) {
    const auto& h = histories[rng() % histories.size()];
    packer.pack(static_cast<uint32_t>(rng() % news.size()), {h.data(), h.size()}, &p);
    views.push_back(&p);
  }
  std::vector<int8_t> labels(128, 0);
  start = std::chrono::steady_clock::now();
  const int rounds = 200;
  for (int i = 0; i < rounds; ++i) unbert::collate(views, labels, 0);
  s = seconds_since(start);
  std::printf("collate    batches of 128, 1 thread: %.2f ms per batch (%.0f pairs/s)\n",
              1000 * s / rounds, rounds * 128 / s);
  return 0;
}
