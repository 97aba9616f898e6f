#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/data/behaviors.h"
#include "unbert/data/news_table.h"

namespace unbert {
namespace {

using test::TempDir;

const char* kNews =
    "N1\tsports\tfootball\tFlorida wins the cup\tAn abstract.\thttps://x/1\t[]\t[]\n"
    "N2\tmovies\tmovienews\tBest movies in Japan\t\thttps://x/2\t[]\t[]\n"
    "N3\tnews\tnewsus\tRain later\t\t\t\t\n";

std::string behaviors_error(const std::string& line, LoadOptions options = {}) {
  TempDir dir;
  NewsTable news;
  news.load(dir.write("news.tsv", kNews), options);
  std::string path =
      dir.write("behaviors.tsv", "1\tU1\t11/15/2019 8:55:22 AM\tN1\tN2-1 N3-0\n" + line);
  try {
    Behaviors::load(path, news, options, nullptr);
  } catch (const DataError& e) {
    std::string what = e.what();
    return what.substr(what.find("behaviors.tsv"));
  }
  return "";
}

TEST(NewsTable, ReadsColumnsAndMergesSplits) {
  TempDir dir;
  NewsTable news;
  LoadReport first = news.load(dir.write("a/news.tsv", kNews), {});
  EXPECT_EQ(first.lines, 3u);
  LoadReport second =
      news.load(dir.write("b/news.tsv",
                          "N3\tnews\tnewsus\tRain later\t\t\t\t\nN4\ta\tb\tNew one\t\t\t[]\t[]\n"),
                {});
  EXPECT_EQ(second.duplicate_news, 1u);
  EXPECT_EQ(second.repeated_in_file, 0u);
  ASSERT_EQ(news.size(), 4u);
  uint32_t n2 = *news.find("N2");
  EXPECT_EQ(news.title(n2), "Best movies in Japan");
  EXPECT_EQ(news.abstract(n2), "");
  EXPECT_EQ(news.category(n2), "movies");
  EXPECT_EQ(news.subcategory(n2), "movienews");
  EXPECT_EQ(news.abstract(*news.find("N1")), "An abstract.");
  EXPECT_FALSE(news.find("N9").has_value());
  // An id twice in one file is that file's fault, not another split's.
  LoadReport third = news.load(
      dir.write("c/news.tsv", "N7\ta\tb\tOne\t\t\t[]\t[]\nN7\ta\tb\tTwo\t\t\t[]\t[]\n"), {});
  EXPECT_EQ(third.repeated_in_file, 1u);
  EXPECT_EQ(third.duplicate_news, 0u);
  EXPECT_EQ(news.title(*news.find("N7")), "One");
}

TEST(NewsTable, MalformedLineIsAnErrorWithFileAndLine) {
  TempDir dir;
  NewsTable news;
  std::string path = dir.write("news.tsv", std::string(kNews) + "N5\tonly\tfour\tfields\n");
  try {
    news.load(path, {});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("news.tsv:4: expected 8 tab-separated fields"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(NewsTable().load(dir.write("n2.tsv", "\tc\ts\tt\ta\tu\t[]\t[]\n"), {}), DataError);
}

TEST(NewsTable, SkipModeCountsMalformedLines) {
  TempDir dir;
  NewsTable news;
  LoadOptions skip;
  skip.on_error = OnError::Skip;
  LoadReport report = news.load(dir.write("news.tsv", std::string(kNews) + "bad line\n"), skip);
  EXPECT_EQ(news.size(), 3u);
  EXPECT_EQ(report.skipped_lines, 1u);
  EXPECT_NE(report.skipped_examples[0].find("news.tsv:4:"), std::string::npos);
}

TEST(Behaviors, ReadsLabeledRowsAndEmptyHistory) {
  TempDir dir;
  NewsTable news;
  news.load(dir.write("news.tsv", kNews), {});
  std::string path = dir.write("behaviors.tsv",
                               "7\tU1\t11/15/2019 8:55:22 AM\tN1 N3\tN2-1 N3-0\r\n"
                               "8\tU2\t11/15/2019 9:00:00 PM\t\tN1-0 N2-0 N3-1\n"
                               "\n"
                               "9\tU1\t11/16/2019 1:00:00 AM\tN1 N3\tN1-1\n");
  LoadReport report;
  Behaviors b = Behaviors::load(path, news, {}, &report);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_TRUE(b.labeled());
  Impression first = b[0];
  EXPECT_EQ(first.id, "7");
  EXPECT_EQ(b.user_id(first.user), "U1");
  ASSERT_EQ(first.history.size(), 2u);
  EXPECT_EQ(news.id(first.history[0]), "N1");
  EXPECT_EQ(news.id(first.history[1]), "N3");
  ASSERT_EQ(first.candidates.size(), 2u);
  EXPECT_EQ(news.id(first.candidates[0]), "N2");
  EXPECT_EQ(first.labels[0], 1);
  EXPECT_EQ(first.labels[1], 0);
  EXPECT_TRUE(b[1].history.empty());
  EXPECT_EQ(b[1].labels[2], 1);
  EXPECT_EQ(b[2].line, 4u);
  EXPECT_EQ(b[2].user, first.user);
  EXPECT_EQ(b.num_histories(), 2u);  // the repeated history is stored once
  EXPECT_EQ(b.num_users(), 2u);
}

// A UTF-8 byte-order mark (Windows editors) is not part of the first id:
// it once turned N1 into "\ufeffN1" in news.tsv and broke behaviors.tsv's first line.
TEST(Behaviors, ByteOrderMarksAreSkipped) {
  TempDir dir;
  NewsTable news;
  news.load(dir.write("news.tsv", "\xEF\xBB\xBF" + std::string(kNews)), {});
  ASSERT_TRUE(news.find("N1").has_value());
  EXPECT_EQ(news.id(0), "N1");
  std::string path = dir.write("behaviors.tsv",
                               "\xEF\xBB\xBF"
                               "7\tU1\t11/15/2019 8:55:22 AM\tN1 N3\tN2-1 N3-0\n");
  Behaviors b = Behaviors::load(path, news, {}, nullptr);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].id, "7");
  EXPECT_EQ(b[0].history.size(), 2u);
}

TEST(Behaviors, ReadsUnlabeledTestRows) {
  TempDir dir;
  NewsTable news;
  news.load(dir.write("news.tsv", kNews), {});
  Behaviors b = Behaviors::load(
      dir.write("behaviors.tsv", "1\tU1\t11/15/2019 8:55:22 AM\tN1\tN2 N3\n"), news, {}, nullptr);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_FALSE(b.labeled());
  EXPECT_EQ(b[0].labels[0], kUnlabeled);
}

TEST(Behaviors, EachMalformedKindNamesLineAndReason) {
  const std::string t = "\tU1\t11/15/2019 8:55:22 AM\tN1\t";
  EXPECT_EQ(behaviors_error("2\tU1\tN1\tN2-1\n"),
            "behaviors.tsv:2: expected 5 tab-separated fields (impression_id, user_id, time, "
            "history, impressions), got 4 (is this a MIND behaviors.tsv?)");
  EXPECT_EQ(behaviors_error("2" + t + "N2-2\n"),
            "behaviors.tsv:2: candidate 'N2-2': the label after '-' must be 0 or 1");
  EXPECT_EQ(behaviors_error("2\tU1\t2019-11-15 08:55\tN1\tN2-1\n"),
            "behaviors.tsv:2: time '2019-11-15 08:55' is not like 11/15/2019 8:55:22 AM");
  EXPECT_EQ(behaviors_error("" + t + "N2-1\n"), "behaviors.tsv:2: empty impression id");
  EXPECT_EQ(behaviors_error("x1" + t + "N2-1\n"),
            "behaviors.tsv:2: impression id 'x1' is not a whole number");
  EXPECT_EQ(behaviors_error("2\t\t11/15/2019 8:55:22 AM\t\tN2-1\n"),
            "behaviors.tsv:2: empty user id");
  EXPECT_EQ(behaviors_error("2" + t + "N2-1 N3\n"),
            "behaviors.tsv:2: mixes labeled (id-label) and unlabeled candidates");
  EXPECT_EQ(behaviors_error("2" + t + "\n"),
            "behaviors.tsv:2: no candidates in the impressions column");
  EXPECT_EQ(behaviors_error("2" + t + "-1\n"),
            "behaviors.tsv:2: candidate '-1' has an empty news id");
  EXPECT_EQ(behaviors_error("2" + t + "N9-1\n"),
            "behaviors.tsv:2: candidate news id 'N9' is not in news.tsv (set "
            "data.unknown_candidate to \"skip\" to drop it)");
}

TEST(Behaviors, UnknownNewsIdsAreSkippedAndCounted) {
  LoadOptions options;
  options.unknown_candidate = UnknownNews::Skip;
  TempDir dir;
  NewsTable news;
  news.load(dir.write("news.tsv", kNews), {});
  LoadReport report;
  Behaviors b = Behaviors::load(dir.write("behaviors.tsv",
                                          "1\tU1\t11/15/2019 8:55:22 AM\tN1 N8 N9\tN2-1 N7-0\n"
                                          "2\tU2\t11/15/2019 8:55:22 AM\t\tN7-1\n"),
                                news, options, &report);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].history.size(), 1u);
  EXPECT_EQ(b[0].candidates.size(), 1u);
  EXPECT_EQ(report.unknown_history, 2u);
  EXPECT_EQ(report.unknown_candidate, 2u);
  EXPECT_EQ(report.empty_impressions, 1u);

  options.unknown_history = UnknownNews::Error;
  EXPECT_NE(behaviors_error("2\tU1\t11/15/2019 8:55:22 AM\tN1 N8\tN2-1\n", options)
                .find("behaviors.tsv:2: history news id 'N8' is not in news.tsv"),
            std::string::npos);
}

TEST(Behaviors, SkipModeDropsOnlyBadLinesAndReportsThem) {
  TempDir dir;
  NewsTable news;
  news.load(dir.write("news.tsv", kNews), {});
  LoadOptions options;
  options.on_error = OnError::Skip;
  LoadReport report;
  Behaviors b = Behaviors::load(dir.write("behaviors.tsv",
                                          "1\tU1\t11/15/2019 8:55:22 AM\t\tN2-1\n"
                                          "2\tU1\tbad time\t\tN2-1\n"
                                          "3\tU1\t11/15/2019 8:55:22 AM\t\tN2-1 N3-0\n"),
                                news, options, &report);
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(report.skipped_lines, 1u);
  EXPECT_NE(report.skipped_examples[0].find("behaviors.tsv:2: time 'bad time'"), std::string::npos)
      << report.skipped_examples[0];
  EXPECT_EQ(b[1].id, "3");
}

// A file large enough to be split across threads gives the same result as a
// single-threaded read, and errors keep their true line numbers.
TEST(Behaviors, ParallelReadMatchesSerialRead) {
  TempDir dir;
  NewsTable news;
  news.load(dir.write("news.tsv", kNews), {});
  std::string text;
  const char* ids[] = {"N1", "N2", "N3"};
  for (int i = 0; i < 60000; ++i) {
    text += std::to_string(i + 1) + "\tU" + std::to_string(i % 977) + "\t11/15/2019 8:55:22 AM\t";
    for (int h = 0; h < i % 977 % 40; ++h) text += std::string(h ? " " : "") + ids[(i + h) % 3];
    text += "\t";
    for (int c = 0; c < 30; ++c)
      text += std::string(c ? " " : "") + ids[(i + c) % 3] + (c % 7 ? "-0" : "-1");
    text += "\n";
  }
  ASSERT_GT(text.size(), 10u << 20);
  std::string path = dir.write("behaviors.tsv", text);
  LoadOptions serial, parallel;
  serial.threads = 1;
  parallel.threads = 4;
  Behaviors a = Behaviors::load(path, news, serial, nullptr);
  Behaviors b = Behaviors::load(path, news, parallel, nullptr);
  ASSERT_EQ(a.size(), 60000u);
  ASSERT_EQ(b.size(), a.size());
  EXPECT_EQ(a.num_histories(), b.num_histories());
  for (std::size_t i = 0; i < a.size(); i += 997) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].line, b[i].line);
    EXPECT_EQ(a.user_id(a[i].user), b.user_id(b[i].user));
    ASSERT_EQ(a[i].history.size(), b[i].history.size());
    for (std::size_t h = 0; h < a[i].history.size(); ++h)
      EXPECT_EQ(a[i].history[h], b[i].history[h]);
    for (std::size_t c = 0; c < 30; ++c) EXPECT_EQ(a[i].labels[c], b[i].labels[c]);
  }
  text.insert(text.size() - 100, "x");  // corrupt a label near the end
  std::string bad = dir.write("bad.tsv", text);
  try {
    Behaviors::load(bad, news, parallel, nullptr);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.tsv:60000:"), std::string::npos) << e.what();
  }
}

// The leaderboard compares ids as text: "007" once came back as "7", and a
// 20-digit id was refused although MIND's scorer takes it.
TEST(Behaviors, ImpressionIdsKeepTheirSpelling) {
  TempDir dir;
  NewsTable news;
  news.load(dir.write("news.tsv", kNews), {});
  Behaviors b = Behaviors::load(dir.write("behaviors.tsv",
                                          "007\tU1\t11/15/2019 8:55:22 AM\tN1\tN2-1\n"
                                          "7\tU1\t11/15/2019 8:55:22 AM\tN1\tN2-1\n"
                                          "123456789012345678901234\tU2\t11/15/2019 8:55:22 "
                                          "AM\t\tN3-0\n"),
                                news, {}, nullptr);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].id, "007");
  EXPECT_EQ(b[1].id, "7");
  EXPECT_EQ(b[2].id, "123456789012345678901234");
}

// Two impressions with one id make a submission no scorer can match to its
// lines; they once passed the reader, predict and score --check.
TEST(Behaviors, RepeatedImpressionIdsAreAnError) {
  EXPECT_EQ(behaviors_error("1\tU2\t11/15/2019 8:55:22 AM\t\tN1-1\n"),
            "behaviors.tsv:2: impression id '1' already appears at line 1; impression ids must "
            "be unique");
  // Across the chunks of a parallel read, with the true line numbers.
  TempDir dir;
  NewsTable news;
  news.load(dir.write("news.tsv", kNews), {});
  std::string text;
  for (int i = 0; i < 200000; ++i)
    text += std::to_string(i + 1) +
            "\tU1\t11/15/2019 8:55:22 AM\tN1 N2 N3 N1 N2 N3\tN1-1 N2-0 "
            "N3-0 N1-0 N2-0 N3-0 N1-0 N2-0\n";
  text += "17\tU1\t11/15/2019 8:55:22 AM\t\tN1-1\n";
  LoadOptions parallel;
  parallel.threads = 4;
  try {
    Behaviors::load(dir.write("big.tsv", text), news, parallel, nullptr);
    FAIL() << "a repeated id was accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("big.tsv:200001: impression id '17' already appears at "
                                         "line 17"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace unbert
