#include "unbert/data/day_split.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "tsv.h"
#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/common/mapped_file.h"
#include "unbert/data/behaviors.h"
#include "unbert/data/mind_time.h"
#include "unbert/data/news_table.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void bad_group(const std::string& text) {
  throw UsageError("--group " + text +
                   ": expected NAME=FIRST-LAST with day numbers from 1 (e.g. train=1-3, day5=5, "
                   "test=4-)");
}

int parse_day_number(const std::string& digits, const std::string& text) {
  const bool digits_only = !digits.empty() && digits.size() <= 6 &&
                           std::all_of(digits.begin(), digits.end(),
                                       [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!digits_only || std::stoi(digits) < 1) bad_group(text);
  return std::stoi(digits);
}

bool is_folder_name(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name == "split.json") return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '.' || c == '-' || c == '_';
  });
}

std::string group_days(const DayGroup& g) {
  return g.first == g.last ? std::to_string(g.first)
                           : std::to_string(g.first) + "-" + std::to_string(g.last);
}

struct Input {
  std::string dir;
  Behaviors behaviors;
  std::vector<int> group_of;  // per impression; -1: a day no group takes
};

void require_mind_folder(const std::string& dir) {
  for (const char* file : {"news.tsv", "behaviors.tsv"})
    if (!fs::is_regular_file(fs::path(dir) / file))
      throw UsageError(dir + ": no " + file +
                       " (give MIND folders, each with news.tsv and behaviors.tsv)");
}

// The same folder twice would hold every impression twice.
void require_distinct(const std::vector<std::string>& inputs) {
  for (std::size_t a = 0; a < inputs.size(); ++a)
    for (std::size_t b = a + 1; b < inputs.size(); ++b)
      if (fs::equivalent(inputs[a], inputs[b]))
        throw UsageError(inputs[a] + " and " + inputs[b] +
                         " are the same folder; give each MIND folder once");
}

void require_new_out(const std::string& out) {
  if (fs::exists(out) && !fs::is_directory(out))
    throw UsageError("--out " + out + ": is a file; give a new folder (nothing was overwritten)");
  if (fs::exists(out) && !fs::is_empty(out))
    throw UsageError("--out " + out +
                     ": exists and is not empty; give a new folder (nothing was overwritten)");
}

// Day numbers resolved against the data's days; overlaps refused.
std::vector<DayGroup> resolve_groups(std::vector<DayGroup> groups,
                                     const std::vector<DayCount>& days) {
  const int last_day = static_cast<int>(days.size());
  for (DayGroup& g : groups) {
    if (g.last == 0) g.last = std::max(g.first, last_day);
    if (g.last > last_day)
      throw UsageError("--group " + g.name + "=" + group_days(g) + ": the data's last day is " +
                       std::to_string(last_day) + " (" + days.back().date +
                       "); give days from 1 to " + std::to_string(last_day));
  }
  for (std::size_t a = 0; a < groups.size(); ++a)
    for (std::size_t b = a + 1; b < groups.size(); ++b) {
      if (groups[a].name == groups[b].name)
        throw UsageError("--group " + groups[a].name + " is given twice; name each group once");
      if (groups[a].first <= groups[b].last && groups[b].first <= groups[a].last)
        throw UsageError("--group " + groups[a].name + "=" + group_days(groups[a]) + " and " +
                         groups[b].name + "=" + group_days(groups[b]) +
                         " share days; a day goes to one group only");
    }
  return groups;
}

std::vector<DayCount> count_days(const std::vector<Input>& inputs, int64_t* first_day) {
  int64_t first = std::numeric_limits<int64_t>::max(), last = std::numeric_limits<int64_t>::min();
  for (const Input& in : inputs)
    for (std::size_t i = 0; i < in.behaviors.size(); ++i) {
      first = std::min(first, day_of(in.behaviors[i].time));
      last = std::max(last, day_of(in.behaviors[i].time));
    }
  if (first > last) throw UsageError("split: the inputs hold no impressions");
  std::vector<DayCount> days(static_cast<std::size_t>(last - first + 1));
  for (std::size_t d = 0; d < days.size(); ++d)
    days[d].date = format_day((first + static_cast<int64_t>(d)) * 86400);
  for (const Input& in : inputs)
    for (std::size_t i = 0; i < in.behaviors.size(); ++i)
      ++days[static_cast<std::size_t>(day_of(in.behaviors[i].time) - first)].impressions;
  *first_day = first;
  return days;
}

std::unique_ptr<std::ofstream> open_output(const fs::path& path) {
  auto out = std::make_unique<std::ofstream>(path, std::ios::binary);
  if (!*out) throw Error(path.string() + ": cannot be created (split's output)");
  return out;
}

// Every group's behaviors.tsv and origin.tsv, in one pass over each input.
void write_behaviors(const std::vector<Input>& inputs, const std::vector<fs::path>& folders) {
  std::vector<std::unique_ptr<std::ofstream>> behaviors, origins;
  for (const fs::path& folder : folders) {
    behaviors.push_back(open_output(folder / "behaviors.tsv"));
    origins.push_back(open_output(folder / "origin.tsv"));
    *origins.back() << "impression_id\tsource\tline\tsource_impression_id\n";
  }
  std::vector<int64_t> next_id(folders.size(), 1);
  for (const Input& in : inputs) {
    const MappedFile file(in.behaviors.path());
    const std::string_view text = tsv::without_bom(file.text(), file.path());
    std::size_t pos = 0, line_number = 0, k = 0;
    while (pos < text.size() && k < in.behaviors.size()) {
      const std::string_view line = tsv::next_line(text, &pos);
      if (++line_number != in.behaviors[k].line) continue;
      const int g = in.group_of[k];
      const Impression imp = in.behaviors[k++];
      if (g < 0) continue;
      const auto gi = static_cast<std::size_t>(g);
      const int64_t id = next_id[gi]++;
      *behaviors[gi] << id << line.substr(line.find('\t')) << '\n';
      *origins[gi] << id << '\t' << in.behaviors.path() << '\t' << imp.line << '\t' << imp.id
                   << '\n';
    }
  }
  for (std::size_t g = 0; g < folders.size(); ++g) {
    check_written(*behaviors[g], (folders[g] / "behaviors.tsv").string());
    check_written(*origins[g], (folders[g] / "origin.tsv").string());
  }
}

// Every group's news.tsv: the first line of each news its impressions name,
// in the inputs' order.
void write_news(const std::vector<Input>& inputs, const NewsTable& news,
                const std::vector<std::vector<char>>& named, const std::vector<fs::path>& folders) {
  std::vector<std::unique_ptr<std::ofstream>> outs;
  for (const fs::path& folder : folders) outs.push_back(open_output(folder / "news.tsv"));
  std::vector<std::vector<char>> written(folders.size(), std::vector<char>(news.size(), 0));
  for (const Input& in : inputs) {
    const MappedFile file((fs::path(in.dir) / "news.tsv").string());
    const std::string_view text = tsv::without_bom(file.text(), file.path());
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::string_view line = tsv::next_line(text, &pos);
      if (tsv::is_blank(line)) continue;
      const auto index = news.find(line.substr(0, line.find('\t')));
      if (!index) continue;
      for (std::size_t g = 0; g < folders.size(); ++g)
        if (named[g][*index] && !written[g][*index]) {
          written[g][*index] = 1;
          *outs[g] << line << '\n';
        }
    }
  }
  for (std::size_t g = 0; g < folders.size(); ++g)
    check_written(*outs[g], (folders[g] / "news.tsv").string());
}

nlohmann::json split_record(const DaySplitOptions& o, const DaySplitSummary& s) {
  nlohmann::json days = nlohmann::json::array(), groups = nlohmann::json::array();
  for (std::size_t d = 0; d < s.days.size(); ++d)
    days.push_back(
        {{"day", d + 1}, {"date", s.days[d].date}, {"impressions", s.days[d].impressions}});
  for (const DayGroupSummary& g : s.groups)
    groups.push_back({{"name", g.group.name},
                      {"first_day", g.group.first},
                      {"last_day", g.group.last},
                      {"impressions", g.impressions},
                      {"candidates", g.candidates},
                      {"news", g.news},
                      {"unseen_share", g.unseen_share}});
  return {{"inputs", o.inputs}, {"days", days}, {"groups", groups}};
}

}  // namespace

DayGroup parse_day_group(const std::string& text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos) bad_group(text);
  DayGroup g;
  g.name = text.substr(0, eq);
  if (!is_folder_name(g.name))
    throw UsageError("--group " + text +
                     ": the name is a folder's; use letters, digits, '.', '-' and '_'");
  const std::string days = text.substr(eq + 1);
  const std::size_t dash = days.find('-');
  g.first = parse_day_number(days.substr(0, dash), text);
  if (dash == std::string::npos)
    g.last = g.first;
  else if (dash + 1 < days.size())
    g.last = parse_day_number(days.substr(dash + 1), text);
  if (g.last != 0 && g.last < g.first)
    throw UsageError("--group " + text + ": the last day comes before the first");
  return g;
}

std::vector<DayGroup> paper_day_groups() {
  return {{"train", 1, 3}, {"test", 4, 0}};
}

DaySplitSummary split_by_day(const DaySplitOptions& o) {
  if (o.inputs.empty()) throw UsageError("split: give one or more MIND folders to split");
  for (const std::string& dir : o.inputs) require_mind_folder(dir);
  require_distinct(o.inputs);
  require_new_out(o.out);
  LoadOptions load;
  load.add_unknown_news = true;  // lines are copied as written, news or not
  NewsTable news;
  for (const std::string& dir : o.inputs) {
    const std::string path = (fs::path(dir) / "news.tsv").string();
    news.load(path, load).log(path);
  }
  std::vector<Input> inputs;
  for (const std::string& dir : o.inputs) {
    LoadReport report;
    const std::string path = (fs::path(dir) / "behaviors.tsv").string();
    inputs.push_back({dir, Behaviors::load(path, news, load, &report), {}});
    report.log(path);
  }
  DaySplitSummary summary;
  int64_t first_day = 0;
  summary.days = count_days(inputs, &first_day);
  const std::vector<DayGroup> groups =
      resolve_groups(o.groups.empty() ? paper_day_groups() : o.groups, summary.days);

  std::vector<int> group_of_day(summary.days.size() + 1, -1);
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (int d = groups[g].first; d <= groups[g].last; ++d)
      group_of_day[static_cast<std::size_t>(d)] = static_cast<int>(g);
  std::vector<std::vector<char>> named(groups.size(), std::vector<char>(news.size(), 0));
  summary.groups.resize(groups.size());
  for (Input& in : inputs)
    for (std::size_t i = 0; i < in.behaviors.size(); ++i) {
      const Impression imp = in.behaviors[i];
      const int g = group_of_day[static_cast<std::size_t>(day_of(imp.time) - first_day + 1)];
      in.group_of.push_back(g);
      if (g < 0) continue;
      auto& mark = named[static_cast<std::size_t>(g)];
      for (uint32_t n : imp.history) mark[n] = 1;
      for (uint32_t n : imp.candidates) mark[n] = 1;
      ++summary.groups[static_cast<std::size_t>(g)].impressions;
    }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    DayGroupSummary& s = summary.groups[g];
    s.group = groups[g];
    if (s.impressions == 0)
      throw UsageError("--group " + s.group.name + "=" + group_days(s.group) +
                       ": no impression falls on these days; give days that hold data");
    s.news = std::count(named[g].begin(), named[g].end(), 1);
  }
  for (const Input& in : inputs)  // unseen: never named by the first group
    for (std::size_t i = 0; i < in.behaviors.size(); ++i) {
      if (in.group_of[i] < 0) continue;
      DayGroupSummary& s = summary.groups[static_cast<std::size_t>(in.group_of[i])];
      for (uint32_t n : in.behaviors[i].candidates) {
        ++s.candidates;
        s.unseen_share += named[0][n] ? 0.0 : 1.0;
      }
    }
  for (DayGroupSummary& s : summary.groups) s.unseen_share /= static_cast<double>(s.candidates);

  write_dir_atomic(o.out, [&](const std::string& dir) {
    std::vector<fs::path> folders;
    for (const DayGroup& g : groups) {
      folders.push_back(fs::path(dir) / g.name);
      fs::create_directories(folders.back());
    }
    write_behaviors(inputs, folders);
    write_news(inputs, news, named, folders);
    write_text_atomic((fs::path(dir) / "split.json").string(),
                      split_record(o, summary).dump(2) + "\n");
  });
  return summary;
}

}  // namespace unbert
