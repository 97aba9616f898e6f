// unbert split --by-day: MIND folders regrouped by day (see data/day_split.h).
#include <cstdio>
#include <memory>

#include "unbert/cli/command.h"
#include "unbert/common/error.h"
#include "unbert/data/day_split.h"

namespace unbert::cli {
namespace {

struct SplitCommand {
  DaySplitOptions split;
  std::vector<std::string> groups;
  bool by_day = false;
};

std::string dates_of(const DaySplitSummary& s, const DayGroup& g) {
  const std::string& first = s.days[static_cast<std::size_t>(g.first - 1)].date;
  const std::string& last = s.days[static_cast<std::size_t>(g.last - 1)].date;
  return first == last ? first : first + " - " + last;
}

void print_summary(const DaySplitOptions& o, const DaySplitSummary& s) {
  std::printf("wrote %s: days 1-%zu (%s - %s)\n\n", o.out.c_str(), s.days.size(),
              s.days.front().date.c_str(), s.days.back().date.c_str());
  const std::string unseen = "unseen in " + s.groups.front().group.name;
  std::printf("%-12s %-6s %-25s %11s %10s %7s  %s\n", "folder", "days", "dates", "impressions",
              "candidates", "news", unseen.c_str());
  for (const DayGroupSummary& g : s.groups) {
    const std::string days = g.group.first == g.group.last ? std::to_string(g.group.first)
                                                           : std::to_string(g.group.first) + "-" +
                                                                 std::to_string(g.group.last);
    std::printf("%-12s %-6s %-25s %11lld %10lld %7lld  %.1f %%\n", g.group.name.c_str(),
                days.c_str(), dates_of(s, g.group).c_str(), static_cast<long long>(g.impressions),
                static_cast<long long>(g.candidates), static_cast<long long>(g.news),
                100.0 * g.unseen_share);
  }
  int64_t left_out = 0;
  for (const DayCount& d : s.days) left_out += d.impressions;
  for (const DayGroupSummary& g : s.groups) left_out -= g.impressions;
  if (left_out > 0)
    std::printf("\n%lld impressions fall on days no group takes and were left out\n",
                static_cast<long long>(left_out));
}

int run_split(SplitCommand& c) {
  if (!c.by_day)
    throw UsageError(
        "split: give --by-day (split regroups MIND folders by the day of each "
        "impression)");
  for (const std::string& text : c.groups) c.split.groups.push_back(parse_day_group(text));
  print_summary(c.split, split_by_day(c.split));
  return 0;
}

}  // namespace

Command add_split_command(CLI::App& root) {
  auto c = std::make_shared<SplitCommand>();
  CLI::App* app = root.add_subcommand(
      "split",
      "Regroup MIND folders by day into new MIND folders (the paper's cold-start protocol: "
      "train on days 1-3, test on each later day)");
  app->add_flag("--by-day", c->by_day, "group impressions by their day (day 1: the earliest)");
  app->add_option("inputs", c->split.inputs,
                  "MIND folders to read, e.g. data/MINDsmall_train data/MINDsmall_dev")
      ->required();
  app->add_option("--out", c->split.out, "folder to create, one MIND folder per group inside")
      ->required();
  app->add_option("--group", c->groups,
                  "NAME=FIRST-LAST: a folder of these days (repeat; 'test=4-' runs to the last "
                  "day; default: train=1-3 test=4-)");
  return {app, [c] { return run_split(*c); }};
}

}  // namespace unbert::cli
