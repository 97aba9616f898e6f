#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/data/holdout.h"
#include "unbert/data/mind_time.h"

namespace unbert {
namespace {

std::set<int64_t> days_of(const Behaviors& b) {
  std::set<int64_t> days;
  for (std::size_t i = 0; i < b.size(); ++i) days.insert(day_of(b[i].time));
  return days;
}

std::set<uint32_t> lines_of(const Behaviors& b) {
  std::set<uint32_t> lines;
  for (std::size_t i = 0; i < b.size(); ++i) lines.insert(b[i].line);
  return lines;
}

MindData small_synth(const test::TempDir& dir, const std::string& dev = "synth/dev") {
  if (!std::filesystem::exists(dir.file("synth")))
    test::write_small_synth(dir.file("synth"));  // train days 1-2, dev day 3
  DataConfig data;
  data.train_dir = dir.file("synth/train");
  data.dev_dir = dir.file(dev);
  return load_mind(data, {"train", "dev"});
}

TEST(HoldOut, TheLastDaysValidateAndTheRestTrainsWithNothingShared) {
  test::TempDir dir;
  MindData data = small_synth(dir);
  const Behaviors& train = data.split("train");
  HeldOutDays held = hold_out_last_days(train, 1);
  EXPECT_EQ(held.train.size() + held.valid.size(), train.size());
  const std::set<int64_t> train_days = days_of(held.train), valid_days = days_of(held.valid);
  ASSERT_EQ(valid_days.size(), 1u);
  EXPECT_EQ(*valid_days.begin(), *days_of(train).rbegin());
  EXPECT_LT(*train_days.rbegin(), *valid_days.begin());
  EXPECT_EQ(held.first_date, format_day(*valid_days.begin() * 86400));
  std::set<uint32_t> lines = lines_of(held.train);
  for (uint32_t line : lines_of(held.valid)) EXPECT_EQ(lines.count(line), 0u) << line;
  EXPECT_TRUE(held.valid.labeled());
  // The copy keeps each impression whole: candidates, labels, history, user.
  const Impression a = held.valid[0];
  std::size_t source = 0;
  while (train[source].line != a.line) ++source;
  const Impression b = train[source];
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(held.valid.user_id(a.user), train.user_id(b.user));
  ASSERT_EQ(a.candidates.size(), b.candidates.size());
  for (std::size_t c = 0; c < a.candidates.size(); ++c) {
    EXPECT_EQ(a.candidates[c], b.candidates[c]);
    EXPECT_EQ(a.labels[c], b.labels[c]);
  }
  ASSERT_EQ(a.history.size(), b.history.size());
  for (std::size_t h = 0; h < a.history.size(); ++h) EXPECT_EQ(a.history[h], b.history[h]);
}

TEST(HoldOut, ValidationReplacesDevAndNeverOverlapsIt) {
  test::TempDir dir;
  MindData data = small_synth(dir);
  const std::set<int64_t> dev_days = days_of(data.split("dev"));
  const std::size_t train_size = data.split("train").size();
  hold_out_validation(1, &data);
  EXPECT_EQ(data.splits.count("dev"), 0u);  // dev is not scored while training
  const Behaviors& valid = data.split("valid");
  EXPECT_EQ(data.split("train").size() + valid.size(), train_size);
  for (int64_t day : days_of(valid)) EXPECT_EQ(dev_days.count(day), 0u) << format_day(day * 86400);
  EXPECT_EQ(valid.path(), dir.file("synth/train/behaviors.tsv"));

  MindData untouched = small_synth(dir);
  hold_out_validation(0, &untouched);
  EXPECT_EQ(untouched.splits.count("valid"), 0u);
  EXPECT_EQ(untouched.split("train").size(), train_size);
}

TEST(HoldOut, RefusesDaysOfDevAndAHoldOutOfEveryDay) {
  test::TempDir dir;
  MindData same = small_synth(dir, "synth/train");  // dev given as the training folder
  EXPECT_NE(test::error_of([&] { hold_out_validation(1, &same); }).find("day(s) of dev"),
            std::string::npos);
  MindData data = small_synth(dir);
  const std::string all = test::error_of([&] { hold_out_validation(2, &data); });
  EXPECT_NE(all.find("train.holdout_days"), std::string::npos) << all;
  EXPECT_NE(all.find("spans 2 day(s)"), std::string::npos) << all;
}

}  // namespace
}  // namespace unbert
