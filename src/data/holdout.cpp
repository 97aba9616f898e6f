#include "unbert/data/holdout.h"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "unbert/common/error.h"
#include "unbert/data/mind_time.h"

namespace unbert {
namespace {

std::set<int64_t> days_of(const Behaviors& b) {
  std::set<int64_t> days;
  for (std::size_t i = 0; i < b.size(); ++i) days.insert(day_of(b[i].time));
  return days;
}

std::string date_range(int64_t first_day, int64_t last_day) {
  const std::string first = format_day(first_day * 86400), last = format_day(last_day * 86400);
  return first == last ? first : first + " - " + last;
}

}  // namespace

HeldOutDays hold_out_last_days(const Behaviors& train, int64_t days) {
  const std::set<int64_t> present = days_of(train);
  const int64_t first = present.empty() ? 0 : *present.begin();
  const int64_t last = present.empty() ? 0 : *present.rbegin();
  const int64_t span = present.empty() ? 0 : last - first + 1;
  if (days >= span)
    throw ConfigError("train.holdout_days",
                      "is " + std::to_string(days) + " but the training split (" + train.path() +
                          ") spans " + std::to_string(span) + " day(s)" +
                          (span > 0 ? " (" + date_range(first, last) + ")" : std::string()) +
                          "; hold out fewer days so that some are left to train on");
  const int64_t cut = last - days + 1;  // the first held-out day
  std::vector<std::size_t> before, after;
  for (std::size_t i = 0; i < train.size(); ++i)
    (day_of(train[i].time) < cut ? before : after).push_back(i);
  return {train.select(before), train.select(after), format_day(cut * 86400),
          format_day(last * 86400)};
}

void hold_out_validation(int64_t days, MindData* data) {
  if (days == 0) return;
  HeldOutDays held = hold_out_last_days(data->split("train"), days);
  auto dev = data->splits.find("dev");
  if (dev != data->splits.end()) {
    const std::set<int64_t> held_days = days_of(held.valid), dev_days = days_of(dev->second);
    std::vector<int64_t> shared;
    std::set_intersection(held_days.begin(), held_days.end(), dev_days.begin(), dev_days.end(),
                          std::back_inserter(shared));
    if (!shared.empty())
      throw ConfigError("train.holdout_days",
                        "the held-out days (" + held.first_date + " - " + held.last_date +
                            ") include " + std::to_string(shared.size()) +
                            " day(s) of dev (data.dev_dir, " + dev->second.path() + ", from " +
                            format_day(*dev_days.begin() * 86400) +
                            "); give a training split whose last days are not dev's");
    data->splits.erase(dev);
  }
  spdlog::info(
      "[data] validation on the held-out days {} - {} of train ({} impressions); {} "
      "impressions left to train on; dev is not scored while training",
      held.first_date, held.last_date, held.valid.size(), held.train.size());
  data->splits.erase("train");
  data->splits.emplace("train", std::move(held.train));
  data->splits.emplace("valid", std::move(held.valid));
}

}  // namespace unbert
