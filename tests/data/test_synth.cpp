#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/data/behaviors.h"
#include "unbert/data/synth.h"

namespace unbert {
namespace {

SynthOptions small_options(uint64_t seed) {
  SynthOptions o;
  o.users = 50;
  o.news_per_day = 40;
  o.days = 4;
  o.candidates = 12;
  o.seed = seed;
  return o;
}

TEST(Synth, DeterministicPerSeedAndParsesCleanly) {
  test::TempDir dir;
  SynthSummary a = write_synthetic_mind(dir.file("a"), small_options(7));
  write_synthetic_mind(dir.file("b"), small_options(7));
  write_synthetic_mind(dir.file("c"), small_options(8));
  for (const char* file : {"train/behaviors.tsv", "dev/news.tsv", "test/behaviors.tsv"}) {
    EXPECT_EQ(read_text_file(dir.file(std::string("a/") + file)),
              read_text_file(dir.file(std::string("b/") + file)))
        << file;
  }
  EXPECT_NE(read_text_file(dir.file("a/train/behaviors.tsv")),
            read_text_file(dir.file("c/train/behaviors.tsv")));
  NewsTable news;
  for (const char* split : {"train", "dev", "test"}) {
    LoadReport report = news.load(dir.file(std::string("a/") + split + "/news.tsv"), {});
    EXPECT_EQ(report.skipped_lines, 0u);
  }
  for (const char* split : {"train", "dev", "test"}) {
    LoadReport report;
    Behaviors b =
        Behaviors::load(dir.file(std::string("a/") + split + "/behaviors.tsv"), news, {}, &report);
    EXPECT_GT(b.size(), 0u) << split;
    EXPECT_EQ(report.skipped_lines + report.unknown_history + report.unknown_candidate, 0u);
    EXPECT_EQ(b.labeled(), std::string(split) != "test");
  }
  EXPECT_EQ(a.dev_impressions,
            static_cast<int64_t>(
                Behaviors::load(dir.file("a/dev/behaviors.tsv"), news, {}, nullptr).size()));
}

TEST(Synth, BadOptionsAreOneClearErrorLine) {
  test::TempDir dir;
  auto r = test::run_unbert("synth --out x --interests 0", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("--interests >= 1"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x")));
}

TEST(Synth, RefusesToOverwrite) {
  test::TempDir dir;
  write_synthetic_mind(dir.file("a"), small_options(1));
  EXPECT_THROW(write_synthetic_mind(dir.file("a"), small_options(1)), UsageError);
}

}  // namespace
}  // namespace unbert
