// unbert split --by-day: MIND folders regrouped by calendar day, for the
// paper's cold-start protocol (section 4.7: MIND-small's 7 days, train and
// validate on the first 3, test on each later one).
//
// Days are numbered from 1, the earliest day of any input's impressions
// (MIND's time stamps, in the data's own time zone). Each group is a folder
// <out>/<name> with behaviors.tsv (the group's lines as written, impression
// ids renumbered 1..N because two inputs number theirs alike), news.tsv (the
// news.tsv lines of every news its impressions name) and origin.tsv (each new
// id's source file, line and old id). <out>/split.json records the days and
// groups.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace unbert {

struct DayGroup {
  std::string name;
  int first = 1;
  int last = 0;  // 0: the data's last day
};

// "train=1-3", "day5=5", "test=4-" (to the last day).
DayGroup parse_day_group(const std::string& text);

// The paper's protocol: train=1-3 and test=4- (eval --by-day reports each
// test day on its own).
std::vector<DayGroup> paper_day_groups();

struct DaySplitOptions {
  std::vector<std::string> inputs;  // MIND folders (news.tsv, behaviors.tsv), in order
  std::string out;                  // created; must not exist or be empty
  std::vector<DayGroup> groups;     // empty: paper_day_groups()
};

struct DayCount {
  std::string date;  // "11/9/2019", as MIND writes it
  int64_t impressions = 0;
};

struct DayGroupSummary {
  DayGroup group;  // last resolved to a day number
  int64_t impressions = 0, candidates = 0, news = 0;
  // Candidates whose news the first group's impressions never name: the
  // cold-start share the paper's Figure 4 draws.
  double unseen_share = 0;
};

struct DaySplitSummary {
  std::vector<DayCount> days;  // day 1 first
  std::vector<DayGroupSummary> groups;
};

DaySplitSummary split_by_day(const DaySplitOptions& o);

}  // namespace unbert
