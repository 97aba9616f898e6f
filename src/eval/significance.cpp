#include "unbert/eval/significance.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "unbert/common/error.h"

namespace unbert {
namespace {

constexpr double kLevel = 0.95;
constexpr std::size_t kExactPairs = 20;

Interval percentile_interval(std::vector<double> stats) {
  std::sort(stats.begin(), stats.end());
  return {quantile(stats, (1 - kLevel) / 2), quantile(stats, 1 - (1 - kLevel) / 2)};
}

// How often each of n items is drawn in one resample of n with replacement.
void draw_counts(std::mt19937_64& rng, std::size_t n, std::vector<uint32_t>* counts) {
  counts->assign(n, 0);
  std::uniform_int_distribution<std::size_t> pick(0, n - 1);
  for (std::size_t k = 0; k < n; ++k) ++(*counts)[pick(rng)];
}

double weighted_mean(const std::vector<double>& values, const std::vector<uint32_t>& counts) {
  double sum = 0;
  for (std::size_t i = 0; i < values.size(); ++i) sum += counts[i] * values[i];
  return sum / static_cast<double>(values.size());
}

// The sign-flip p-value by enumerating all 2^n patterns.
double exact_sign_flip(const std::vector<double>& d, double observed) {
  const std::size_t n = d.size();
  uint64_t extreme = 0;
  for (uint64_t pattern = 0; pattern < (uint64_t{1} << n); ++pattern) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += (pattern >> i & 1) ? -d[i] : d[i];
    extreme += std::fabs(sum) >= observed - 1e-12 * (1 + observed);
  }
  return static_cast<double>(extreme) / static_cast<double>(uint64_t{1} << n);
}

double sampled_sign_flip(const std::vector<double>& d, double observed, int resamples,
                         std::mt19937_64& rng) {
  uint64_t extreme = 0;
  for (int r = 0; r < resamples; ++r) {
    double sum = 0;
    uint64_t bits = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (i % 64 == 0) bits = rng();
      sum += (bits >> (i % 64) & 1) ? -d[i] : d[i];
    }
    extreme += std::fabs(sum) >= observed - 1e-12 * (1 + observed);
  }
  // The observed pattern counts as one of the resamples (never p = 0).
  return static_cast<double>(extreme + 1) / static_cast<double>(resamples + 1);
}

void require_resamples(int resamples) {
  if (resamples < 100)
    throw UsageError("resamples must be >= 100, got " + std::to_string(resamples));
}

// One hierarchical resample: the mean over drawn seeds of each drawn run's
// mean under the impression counts.
double group_resample(const std::vector<std::vector<double>>& runs,
                      const std::vector<uint32_t>& impression_counts, std::mt19937_64& rng) {
  std::uniform_int_distribution<std::size_t> pick(0, runs.size() - 1);
  double sum = 0;
  for (std::size_t s = 0; s < runs.size(); ++s)
    sum += weighted_mean(runs[pick(rng)], impression_counts);
  return sum / static_cast<double>(runs.size());
}

double group_mean(const std::vector<std::vector<double>>& runs) {
  double sum = 0;
  for (const auto& run : runs) sum += mean_of(run);
  return sum / static_cast<double>(runs.size());
}

}  // namespace

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return NAN;
  const double at = q * static_cast<double>(sorted.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(at));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (at - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

Estimate bootstrap_mean(const std::vector<double>& values, int resamples, uint64_t seed) {
  require_resamples(resamples);
  Estimate e;
  e.mean = mean_of(values);
  if (values.empty()) return {NAN, {NAN, NAN}};
  std::mt19937_64 rng(seed);
  std::vector<double> stats(static_cast<std::size_t>(resamples));
  std::vector<uint32_t> counts;
  for (double& stat : stats) {
    draw_counts(rng, values.size(), &counts);
    stat = weighted_mean(values, counts);
  }
  e.interval = percentile_interval(std::move(stats));
  return e;
}

Difference paired_difference(const std::vector<double>& d, int resamples, uint64_t seed) {
  Difference out;
  const Estimate e = bootstrap_mean(d, resamples, seed);
  out.mean = e.mean;
  out.interval = e.interval;
  if (d.empty()) return out;
  const double observed = std::fabs(std::accumulate(d.begin(), d.end(), 0.0));
  if (observed == 0) return out;  // identical runs: p = 1
  std::mt19937_64 rng(seed + 1);
  out.exact = d.size() <= kExactPairs;
  out.p_value =
      out.exact ? exact_sign_flip(d, observed) : sampled_sign_flip(d, observed, resamples, rng);
  return out;
}

Estimate seed_group_mean(const std::vector<std::vector<double>>& runs, int resamples,
                         uint64_t seed) {
  require_resamples(resamples);
  if (runs.empty() || runs[0].empty()) return {NAN, {NAN, NAN}};
  std::mt19937_64 rng(seed);
  std::vector<double> stats(static_cast<std::size_t>(resamples));
  std::vector<uint32_t> counts;
  for (double& stat : stats) {
    draw_counts(rng, runs[0].size(), &counts);
    stat = group_resample(runs, counts, rng);
  }
  return {group_mean(runs), percentile_interval(std::move(stats))};
}

Difference seed_group_difference(const std::vector<std::vector<double>>& a,
                                 const std::vector<std::vector<double>>& b, int resamples,
                                 uint64_t seed) {
  require_resamples(resamples);
  Difference out;
  if (a.empty() || b.empty() || a[0].empty()) return out;
  out.mean = group_mean(b) - group_mean(a);
  std::mt19937_64 rng(seed);
  std::vector<double> stats(static_cast<std::size_t>(resamples));
  std::vector<uint32_t> counts;
  std::size_t at_most_zero = 0, at_least_zero = 0;
  for (double& stat : stats) {
    draw_counts(rng, a[0].size(), &counts);
    const double mean_a = group_resample(a, counts, rng);
    stat = group_resample(b, counts, rng) - mean_a;
    at_most_zero += stat <= 0;
    at_least_zero += stat >= 0;
  }
  out.interval = percentile_interval(stats);
  out.p_value = std::min(1.0, 2.0 * static_cast<double>(std::min(at_most_zero, at_least_zero) + 1) /
                                  static_cast<double>(resamples + 1));
  if (out.mean == 0 && out.interval.low == 0 && out.interval.high == 0) out.p_value = 1;
  return out;
}

double mean_of(const std::vector<double>& v) {
  return v.empty() ? NAN : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double sample_std(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  const double m = mean_of(values);
  double sum = 0;
  for (double v : values) sum += (v - m) * (v - m);
  return std::sqrt(sum / static_cast<double>(values.size() - 1));
}

}  // namespace unbert
