#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"
#include "unbert/common/fs.h"
#include "unbert/data/behaviors.h"
#include "unbert/data/day_split.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/data/mind_time.h"
#include "unbert/data/synth.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;

std::string news_line(const std::string& id, const std::string& title) {
  return id + "\tnews\tworld\t" + title + "\t\thttps://example.org/" + id + "\t[]\t[]\n";
}

// Two folders numbering their impressions alike, days 1-3 across both.
void write_two_inputs(const test::TempDir& dir) {
  dir.write("one/news.tsv", news_line("N1", "First") + news_line("N2", "Second") +
                                news_line("N3", "Third") + news_line("N4", "Fourth"));
  dir.write("one/behaviors.tsv",
            "1\tU1\t11/09/2019 11:59:59 PM\tN1\tN2-1 N3-0\n"
            "2\tU2\t11/10/2019 12:00:00 AM\tN1 N2\tN3-1 N4-0\n");
  dir.write("two/news.tsv", news_line("N3", "Third again") + news_line("N5", "Fifth"));
  dir.write("two/behaviors.tsv",
            "1\tU1\t11/11/2019 8:00:00 AM\tN2\tN5-1 N1-0\n"
            "\n"
            "2\tU3\t11/10/2019 9:00:00 PM\t\tN4-1 N5-0\n");
}

DaySplitOptions two_inputs_split(const test::TempDir& dir, std::vector<DayGroup> groups) {
  DaySplitOptions o;
  o.inputs = {dir.file("one"), dir.file("two")};
  o.out = dir.file("out");
  o.groups = std::move(groups);
  return o;
}

TEST(DaySplit, GroupsByDayRenumbersIdsAndCopiesLinesAsWritten) {
  test::TempDir dir;
  write_two_inputs(dir);
  DaySplitSummary s = split_by_day(two_inputs_split(dir, {{"a", 1, 1}, {"b", 2, 0}}));

  ASSERT_EQ(s.days.size(), 3u);
  EXPECT_EQ(s.days[0].date, "11/9/2019");  // as MIND writes dates
  EXPECT_EQ(s.days[1].impressions, 2);
  ASSERT_EQ(s.groups.size(), 2u);
  EXPECT_EQ(s.groups[1].group.last, 3);
  EXPECT_EQ(s.groups[1].impressions, 3);
  EXPECT_EQ(s.groups[1].candidates, 6);
  EXPECT_EQ(s.groups[1].news, 5);
  // b's candidates N3 N4 N5 N1 N4 N5; a names N1 N2 N3 only.
  EXPECT_DOUBLE_EQ(s.groups[1].unseen_share, 4.0 / 6.0);

  EXPECT_EQ(read_text_file(dir.file("out/a/behaviors.tsv")),
            "1\tU1\t11/09/2019 11:59:59 PM\tN1\tN2-1 N3-0\n");
  EXPECT_EQ(read_text_file(dir.file("out/b/behaviors.tsv")),
            "1\tU2\t11/10/2019 12:00:00 AM\tN1 N2\tN3-1 N4-0\n"
            "2\tU1\t11/11/2019 8:00:00 AM\tN2\tN5-1 N1-0\n"
            "3\tU3\t11/10/2019 9:00:00 PM\t\tN4-1 N5-0\n");
  EXPECT_EQ(read_text_file(dir.file("out/a/news.tsv")),
            news_line("N1", "First") + news_line("N2", "Second") + news_line("N3", "Third"));
  EXPECT_EQ(read_text_file(dir.file("out/b/news.tsv")),
            news_line("N1", "First") + news_line("N2", "Second") + news_line("N3", "Third") +
                news_line("N4", "Fourth") + news_line("N5", "Fifth"));
  EXPECT_EQ(read_text_file(dir.file("out/b/origin.tsv")),
            "impression_id\tsource\tline\tsource_impression_id\n"
            "1\t" +
                dir.file("one/behaviors.tsv") +
                "\t2\t2\n"
                "2\t" +
                dir.file("two/behaviors.tsv") +
                "\t1\t1\n"
                "3\t" +
                dir.file("two/behaviors.tsv") + "\t3\t2\n");
  const auto record = nlohmann::json::parse(read_text_file(dir.file("out/split.json")));
  EXPECT_EQ(record["groups"][1]["last_day"], 3);
  EXPECT_EQ(record["days"][2]["date"], "11/11/2019");
}

TEST(DaySplit, WritesMindFoldersTheLoaderReadsWithEveryImpressionOnce) {
  test::TempDir dir;
  SynthOptions synth;
  synth.users = 40;
  synth.news_per_day = 30;
  synth.days = 6;  // train 1-4, dev 5
  synth.candidates = 8;
  SynthSummary made = write_synthetic_mind(dir.file("synth"), synth);
  DaySplitOptions o;
  o.inputs = {dir.file("synth/train"), dir.file("synth/dev")};
  o.out = dir.file("cold");  // the paper's groups: train=1-3, test=4-
  DaySplitSummary s = split_by_day(o);
  ASSERT_EQ(s.days.size(), 5u);
  EXPECT_EQ(s.groups[0].impressions + s.groups[1].impressions,
            made.train_impressions + made.dev_impressions);

  DataConfig data;
  data.train_dir = dir.file("cold/train");
  data.dev_dir = dir.file("cold/test");
  data.unknown_history = UnknownNews::Error;  // every history news was copied
  MindData mind = load_mind(data, {"train", "dev"});
  const Behaviors& train = mind.splits.at("train");
  const Behaviors& test = mind.splits.at("dev");
  EXPECT_EQ(static_cast<int64_t>(train.size()), s.groups[0].impressions);
  EXPECT_EQ(static_cast<int64_t>(test.size()), s.groups[1].impressions);
  int64_t min_day = day_of(train[0].time);
  for (std::size_t i = 0; i < train.size(); ++i) min_day = std::min(min_day, day_of(train[i].time));
  for (std::size_t i = 0; i < train.size(); ++i) EXPECT_LE(day_of(train[i].time) - min_day, 2);
  for (std::size_t i = 0; i < test.size(); ++i) EXPECT_GE(day_of(test[i].time) - min_day, 3);
  EXPECT_GT(s.groups[1].unseen_share, 0.3);  // new news every day
}

TEST(DaySplit, RefusesGroupsThatOverlapOrPassTheDataAndAFolderInUse) {
  test::TempDir dir;
  write_two_inputs(dir);
  EXPECT_NE(test::error_of([&] {
              split_by_day(two_inputs_split(dir, {{"a", 1, 2}, {"b", 2, 3}}));
            }).find("share days"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              split_by_day(two_inputs_split(dir, {{"a", 1, 4}}));
            }).find("the data's last day is 3 (11/11/2019)"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir.file("out")));
  dir.write("out/keep.txt", "mine\n");
  EXPECT_NE(test::error_of([&] {
              split_by_day(two_inputs_split(dir, {{"a", 1, 1}}));
            }).find("exists and is not empty"),
            std::string::npos);
  EXPECT_EQ(read_text_file(dir.file("out/keep.txt")), "mine\n");
  DaySplitOptions twice = two_inputs_split(dir, {{"a", 1, 1}});
  twice.inputs = {dir.file("one"), dir.file("two/../one")};
  twice.out = dir.file("out3");
  EXPECT_NE(test::error_of([&] { split_by_day(twice); }).find("are the same folder"),
            std::string::npos);
  dir.write("bad/news.tsv", news_line("N1", "First"));
  dir.write("bad/behaviors.tsv", "1\tU1\tyesterday\t\tN1-1\n");
  DaySplitOptions bad;
  bad.inputs = {dir.file("bad")};
  bad.out = dir.file("out2");
  EXPECT_NE(test::error_of([&] { split_by_day(bad); }).find("behaviors.tsv:1: time"),
            std::string::npos);
}

TEST(DaySplit, ParsesGroupsAndNamesTheFormOnBadOnes) {
  DayGroup open = parse_day_group("test=4-");
  EXPECT_EQ(open.name, "test");
  EXPECT_EQ(open.first, 4);
  EXPECT_EQ(open.last, 0);
  DayGroup one = parse_day_group("day5=5");
  EXPECT_EQ(one.first, 5);
  EXPECT_EQ(one.last, 5);
  for (const char* bad : {"train", "train=", "train=0-3", "train=3-1", "../x=1", "a=1-b", "=1"})
    EXPECT_NE(test::error_of([&] { parse_day_group(bad); }), "") << bad;
  EXPECT_NE(test::error_of([] { parse_day_group("train=x"); }).find("NAME=FIRST-LAST"),
            std::string::npos);
}

}  // namespace
}  // namespace unbert
