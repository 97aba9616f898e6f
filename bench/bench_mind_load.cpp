// Benchmark: load time and peak memory of the MIND reader on files the size
// of MIND-large train (101,527 news; 2,232,748 impressions, ~1.4 GB).
//   build/bench/bench_mind_load [DIR] [--impressions N] [--threads T]
// DIR (default /tmp/unbert_bench_mind) is filled with generated files the
// first time and reused afterwards.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "unbert/common/system.h"
#include "unbert/data/behaviors.h"
#include "unbert/data/news_table.h"

namespace {

struct Shape {
  std::size_t news = 101527, users = 711222, impressions = 2232748;
  std::size_t history_mean = 33, candidates_mean = 37;
};

std::string news_id(std::size_t i) {
  return "N" + std::to_string(i + 1);
}

void generate(const std::string& dir, const Shape& shape) {
  std::filesystem::create_directories(dir);
  std::mt19937_64 rng(7);
  {
    std::ofstream news(dir + "/news.tsv");
    for (std::size_t i = 0; i < shape.news; ++i)
      news << news_id(i) << "\tnews\tnewsworld\tGenerated title number " << i
           << " about a topic\tAn abstract.\thttps://example.invalid/" << i << "\t[]\t[]\n";
  }
  std::vector<std::string> histories(shape.users);
  for (auto& h : histories) {
    std::size_t length = rng() % (2 * shape.history_mean + 1);
    for (std::size_t j = 0; j < length; ++j) h += (j ? " " : "") + news_id(rng() % shape.news);
  }
  std::FILE* out = std::fopen((dir + "/behaviors.tsv").c_str(), "w");
  std::string line;
  for (std::size_t i = 0; i < shape.impressions; ++i) {
    std::size_t user = rng() % shape.users;
    line = std::to_string(i + 1) + "\tU" + std::to_string(user + 1) + "\t11/" +
           std::to_string(9 + i * 5 / shape.impressions) + "/2019 " +
           std::to_string(1 + rng() % 12) + ":" + std::to_string(10 + rng() % 50) + ":" +
           std::to_string(10 + rng() % 50) + (rng() % 2 ? " AM\t" : " PM\t") + histories[user] +
           "\t";
    std::size_t candidates = 2 + rng() % (2 * shape.candidates_mean - 3);
    for (std::size_t j = 0; j < candidates; ++j)
      line +=
          (j ? " " : "") + news_id(rng() % shape.news) + (j == 0 || rng() % 25 == 0 ? "-1" : "-0");
    line += "\n";
    std::fwrite(line.data(), 1, line.size(), out);
  }
  std::fclose(out);
}

long status_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field));
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/unbert_bench_mind";
  Shape shape;
  int threads = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--impressions" && i + 1 < argc)
      shape.impressions = std::stoul(argv[++i]);
    else if (arg == "--threads" && i + 1 < argc)
      threads = std::stoi(argv[++i]);
    else
      dir = arg;
  }
  if (!std::filesystem::exists(dir + "/behaviors.tsv")) {
    std::printf("generating %zu impressions into %s ...\n", shape.impressions, dir.c_str());
    generate(dir, shape);
  }
  auto bytes = std::filesystem::file_size(dir + "/behaviors.tsv");
  unbert::LoadOptions options;
  options.threads = threads;
  auto start = std::chrono::steady_clock::now();
  unbert::NewsTable news;
  news.load(dir + "/news.tsv", options);
  auto news_done = std::chrono::steady_clock::now();
  unbert::LoadReport report;
  auto behaviors = unbert::Behaviors::load(dir + "/behaviors.tsv", news, options, &report);
  auto end = std::chrono::steady_clock::now();
  auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::printf("threads            %d\n", threads > 0 ? threads : unbert::hardware_threads());
  std::printf("news.tsv           %zu news in %.2f s\n", news.size(), seconds(start, news_done));
  std::printf(
      "behaviors.tsv      %.2f GB, %zu impressions, %zu candidates, %zu users, "
      "%zu distinct histories in %.2f s (%.0f MB/s)\n",
      bytes / 1e9, behaviors.size(), behaviors.num_candidates(), behaviors.num_users(),
      behaviors.num_histories(), seconds(news_done, end), bytes / 1e6 / seconds(news_done, end));
  std::printf("peak RSS           %.0f MB (the mapped file's pages count while it is read)\n",
              status_kib("VmHWM:") / 1024.0);
  std::printf("RSS after load     %.0f MB (anonymous: %.0f MB)\n", status_kib("VmRSS:") / 1024.0,
              status_kib("RssAnon:") / 1024.0);
  return 0;
}
