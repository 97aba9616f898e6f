#include "unbert/pipeline/compare_runs.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>

#include "unbert/common/error.h"
#include "unbert/config/config_io.h"
#include "unbert/eval/impression_table.h"
#include "unbert/pipeline/score_split.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;

// One eval folder's results.
struct Scored {
  std::string input, dir;
  nlohmann::json report;    // metrics.json
  nlohmann::json settings;  // its config without train.seed and name
  int64_t seed = 0;
  std::vector<ImpressionRow> rows;
};

std::string eval_folder_of(const std::string& input, const std::string& split) {
  if (fs::is_regular_file(fs::path(input) / "impressions.tsv")) return input;
  const fs::path in_run = fs::path(input) / "eval" / split;
  if (fs::is_regular_file(in_run / "impressions.tsv")) return in_run.string();
  if (fs::is_regular_file(fs::path(input) / "config.json"))
    throw UsageError(input + ": this run has no " + (in_run / "impressions.tsv").string() +
                     " yet; run 'unbert eval --run-dir " + input + " --split " + split + "' first");
  throw UsageError(input +
                   ": neither a run folder nor an eval folder (no impressions.tsv); give a "
                   "run folder such as runs/NAME or an eval folder such as runs/NAME/eval/dev");
}

// Results in a run's eval/<split>/ are of its best/ as it was then; a run that
// trained on since (a resumed or extended run) has other weights there now.
void require_current_weights(const Scored& s) {
  if (eval_results_current(s.dir)) return;
  fs::path dir = fs::path(s.dir).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();
  const fs::path run = dir.parent_path().parent_path();
  throw UsageError(s.dir + ": these results are of earlier weights than " +
                   (run / "best").string() + " holds now (the run trained on after it was " +
                   "evaluated); run 'unbert eval --run-dir " + run.string() + " --split " +
                   dir.filename().string() + "' again");
}

// A group's label: its inputs as a pattern when they differ only in a
// number (runs/s/level-word_seed-*), else the first and how many more.
std::string group_label(const std::vector<std::string>& inputs) {
  if (inputs.size() == 1) return inputs[0];
  std::size_t common = inputs[0].size();
  for (const std::string& input : inputs) {
    std::size_t n = 0;
    while (n < common && n < input.size() && input[n] == inputs[0][n]) ++n;
    common = n;
  }
  while (common > 0 && std::isdigit(static_cast<unsigned char>(inputs[0][common - 1]))) --common;
  const bool numbers_differ = std::all_of(inputs.begin(), inputs.end(), [&](const std::string& in) {
    return in.size() > common &&
           std::all_of(in.begin() + static_cast<std::ptrdiff_t>(common), in.end(),
                       [](unsigned char c) { return std::isdigit(c); });
  });
  if (numbers_differ) return inputs[0].substr(0, common) + "*";
  return inputs[0] + " (+" + std::to_string(inputs.size() - 1) + " more seeds)";
}

Scored read_scored(const std::string& input, const std::string& split) {
  Scored s;
  s.input = input;
  s.dir = eval_folder_of(input, split);
  const std::string metrics = (fs::path(s.dir) / "metrics.json").string();
  if (!fs::is_regular_file(metrics))
    throw UsageError(s.dir + ": has impressions.tsv but no metrics.json; run 'unbert eval' again");
  s.report = read_json_file(metrics);
  if (!s.report.contains("behaviors") || !s.report.contains("config"))
    throw UsageError(metrics +
                     ": written by an older unbert (it does not say which split it scored); run "
                     "'unbert eval' again for this run");
  s.settings = s.report["config"];
  if (!s.settings.is_object() || !s.settings["train"].is_object() ||
      !s.settings["train"]["seed"].is_number_integer())
    throw DataError(metrics, "its \"config\" is not a run config; run 'unbert eval' again");
  s.seed = s.settings["train"]["seed"].get<int64_t>();
  // What makes the experiment: not its seed, name, folder, or where its
  // tokenizer file (the checkpoint's copy) and cache lie.
  s.settings["train"].erase("seed");
  s.settings.erase("name");
  s.settings.erase("run_dir");
  for (const auto& [section, key] : {std::pair<const char*, const char*>{"text", "spm_model"},
                                     {"text", "vocab"},
                                     {"data", "cache_dir"}})
    if (s.settings[section].is_object()) s.settings[section].erase(key);
  require_current_weights(s);
  s.rows = read_impression_table((fs::path(s.dir) / "impressions.tsv").string());
  return s;
}

void require_same_split(const Scored& first, const Scored& other) {
  const nlohmann::json& a = first.report["behaviors"];
  const nlohmann::json& b = other.report["behaviors"];
  if (a["hash"] == b["hash"] && a["bytes"] == b["bytes"]) return;
  auto text = [](const nlohmann::json& j) {
    return j.value("path", std::string("?")) + " (" + std::to_string(j.value("bytes", 0)) +
           " bytes, hash " + j.value("hash", std::string("?")) + ")";
  };
  throw UsageError(other.input + " was scored on " + text(b) + ", " + first.input + " on " +
                   text(a) + ": compare runs scored on the same split");
}

double metric_of(const ImpressionRow& r, std::size_t m) {
  return m == 0 ? r.auc : m == 1 ? r.mrr : m == 2 ? r.ndcg5 : r.ndcg10;
}

// Per metric, the impressions (row indices into each run's rows, by id) where
// every run defines it.
struct Pairing {
  std::vector<std::vector<std::size_t>> index;  // [run][k]: row of the k-th shared impression
};

Pairing pair_impressions(const std::vector<Scored>& runs) {
  std::map<std::string, std::size_t> first_ids;
  for (std::size_t i = 0; i < runs[0].rows.size(); ++i) first_ids[runs[0].rows[i].id] = i;
  std::vector<std::map<std::string, std::size_t>> ids(runs.size());
  for (std::size_t r = 1; r < runs.size(); ++r)
    for (std::size_t i = 0; i < runs[r].rows.size(); ++i) ids[r][runs[r].rows[i].id] = i;
  Pairing p;
  p.index.assign(runs.size(), {});
  for (std::size_t i = 0; i < runs[0].rows.size(); ++i) {
    const std::string& id = runs[0].rows[i].id;
    std::vector<std::size_t> at{i};
    for (std::size_t r = 1; r < runs.size(); ++r) {
      auto found = ids[r].find(id);
      if (found == ids[r].end()) break;
      at.push_back(found->second);
    }
    if (at.size() != runs.size()) continue;
    for (std::size_t r = 0; r < runs.size(); ++r) p.index[r].push_back(at[r]);
  }
  return p;
}

// values[run][k] of metric m over the impressions every run defines it for.
std::vector<std::vector<double>> metric_values(const std::vector<Scored>& runs, const Pairing& p,
                                               std::size_t m) {
  std::vector<std::vector<double>> values(runs.size());
  for (std::size_t k = 0; k < p.index[0].size(); ++k) {
    bool defined = true;
    for (std::size_t r = 0; r < runs.size() && defined; ++r)
      defined = !std::isnan(metric_of(runs[r].rows[p.index[r][k]], m));
    if (!defined) continue;
    for (std::size_t r = 0; r < runs.size(); ++r)
      values[r].push_back(metric_of(runs[r].rows[p.index[r][k]], m));
  }
  return values;
}

// Rows: inputs whose settings differ only by seed share one (in input order);
// a second input of the same seed starts a row of its own.
std::vector<std::vector<std::size_t>> group_runs(const std::vector<Scored>& runs, bool by_seed) {
  std::vector<std::vector<std::size_t>> groups;
  auto joins = [&](const std::vector<std::size_t>& group, std::size_t r) {
    if (!by_seed || runs[group[0]].settings != runs[r].settings) return false;
    for (std::size_t member : group)
      if (runs[member].seed == runs[r].seed) return false;
    return true;
  };
  for (std::size_t r = 0; r < runs.size(); ++r) {
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const std::vector<std::size_t>& g) { return joins(g, r); });
    if (group == groups.end())
      groups.push_back({r});
    else
      group->push_back(r);
  }
  return groups;
}

std::vector<std::vector<double>> members(const std::vector<std::vector<double>>& values,
                                         const std::vector<std::size_t>& group) {
  std::vector<std::vector<double>> out;
  for (std::size_t r : group) out.push_back(values[r]);
  return out;
}

MetricCell cell_of(const std::vector<std::vector<double>>& group, int resamples, uint64_t seed) {
  MetricCell cell;
  cell.impressions = group[0].size();
  cell.value = group.size() == 1 ? bootstrap_mean(group[0], resamples, seed)
                                 : seed_group_mean(group, resamples, seed);
  std::vector<double> means;
  for (const auto& run : group) means.push_back(mean_of(run));
  cell.seed_std = sample_std(means);
  return cell;
}

void add_difference(const std::vector<std::vector<double>>& first,
                    const std::vector<std::vector<double>>& group, int resamples, uint64_t seed,
                    MetricCell* cell) {
  cell->has_difference = true;
  if (first.size() == 1 && group.size() == 1) {
    std::vector<double> d(group[0].size());
    for (std::size_t k = 0; k < d.size(); ++k) d[k] = group[0][k] - first[0][k];
    cell->difference = paired_difference(d, resamples, seed);
    cell->test = cell->difference.exact ? "sign-flip permutation, exact" : "sign-flip permutation";
  } else {
    cell->difference = seed_group_difference(first, group, resamples, seed);
    cell->test = "hierarchical bootstrap over seeds and impressions";
  }
}

}  // namespace

Comparison compare_runs(const CompareOptions& o) {
  if (o.inputs.empty()) throw UsageError("compare: give at least one run or eval folder");
  if (o.resamples < 100 || o.resamples > 1000000)
    throw UsageError("--resamples must be in [100, 1000000], got " + std::to_string(o.resamples));
  std::vector<Scored> runs;
  for (const std::string& input : o.inputs) runs.push_back(read_scored(input, o.split));
  for (std::size_t r = 1; r < runs.size(); ++r) require_same_split(runs[0], runs[r]);

  Comparison c;
  c.split = runs[0].report.value("split", o.split);
  c.behaviors = runs[0].report["behaviors"].value("path", std::string());
  c.resamples = o.resamples;
  const Pairing pairing = pair_impressions(runs);
  c.impressions = pairing.index[0].size();
  if (c.impressions == 0)
    throw UsageError(
        "compare: the runs share no impression id; compare runs scored on the same "
        "split");
  const auto groups = group_runs(runs, o.group_seeds);
  for (const auto& group : groups) {
    CompareRow row;
    std::vector<std::string> inputs;
    for (std::size_t r : group) inputs.push_back(runs[r].input);
    row.label = group_label(inputs);
    for (std::size_t r : group) {
      row.inputs.push_back(runs[r].input);
      row.seeds.push_back(runs[r].seed);
    }
    c.rows.push_back(std::move(row));
  }
  for (std::size_t m = 0; m < kCompareMetrics.size(); ++m) {
    const auto values = metric_values(runs, pairing, m);
    if (values[0].empty()) continue;  // no impression defines it (no clicks at all)
    const auto first = members(values, groups[0]);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto group = members(values, groups[g]);
      MetricCell& cell = c.rows[g].metrics[m];
      cell = cell_of(group, o.resamples, o.seed + m);
      if (g > 0) add_difference(first, group, o.resamples, o.seed + 100 * g + m, &cell);
    }
  }
  return c;
}

nlohmann::json Comparison::to_json() const {
  nlohmann::json out = {
      {"split", split},         {"behaviors", behaviors}, {"impressions", impressions},
      {"resamples", resamples}, {"interval", 0.95},       {"rows", nlohmann::json::array()}};
  for (const CompareRow& row : rows) {
    nlohmann::json j = {{"label", row.label}, {"inputs", row.inputs}, {"seeds", row.seeds}};
    for (std::size_t m = 0; m < kCompareMetrics.size(); ++m) {
      const MetricCell& cell = row.metrics[m];
      nlohmann::json metric = {{"mean", cell.value.mean},
                               {"low", cell.value.interval.low},
                               {"high", cell.value.interval.high},
                               {"seed_std", cell.seed_std},
                               {"impressions", cell.impressions}};
      if (cell.has_difference)
        metric["difference"] = {{"mean", cell.difference.mean},
                                {"low", cell.difference.interval.low},
                                {"high", cell.difference.interval.high},
                                {"p_value", cell.difference.p_value},
                                {"test", cell.test}};
      j["metrics"][kCompareMetrics[m]] = metric;
    }
    out["rows"].push_back(j);
  }
  return out;
}

}  // namespace unbert
