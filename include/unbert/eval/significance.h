// Confidence intervals and tests over impressions, for comparing runs.
//   Intervals: the percentile bootstrap over impressions (Efron and
//   Tibshirani, An Introduction to the Bootstrap, 1993).
//   Two runs: the paired randomization (sign-flip) test on per-impression
//   differences, exact up to 20 pairs, else Monte Carlo (Smucker, Allan and
//   Carterette, A comparison of statistical significance tests for
//   information retrieval evaluation, CIKM 2007).
//   Runs over several seeds: the hierarchical bootstrap, seeds then
//   impressions (Saravanan, Berman and Sober, Application of the
//   hierarchical bootstrap to multi-level data in neuroscience, 2020).
// Every function takes its random seed, so a comparison prints the same
// numbers every time.
#pragma once

#include <cstdint>
#include <vector>

namespace unbert {

struct Interval {
  double low = 0, high = 0;
};

struct Estimate {
  double mean = 0;
  Interval interval;  // 95 %
};

struct Difference {
  double mean = 0;  // of b - a
  Interval interval;
  double p_value = 1;  // two-sided
  bool exact = false;  // the p-value enumerates every sign pattern
};

// The `q` quantile (0..1) of sorted values, interpolating linearly.
double quantile(const std::vector<double>& sorted, double q);

// The mean of `values` and its 95 % percentile-bootstrap interval.
Estimate bootstrap_mean(const std::vector<double>& values, int resamples, uint64_t seed);

// Per-impression differences b - a: their mean, its bootstrap interval, and
// the sign-flip test's p-value (the share of sign patterns whose mean is at
// least as far from 0 as the observed one).
Difference paired_difference(const std::vector<double>& differences, int resamples, uint64_t seed);

// runs[s][i]: the metric of impression i under seed s (every run the same
// impressions). The mean over seeds of the runs' means and its hierarchical
// bootstrap interval.
Estimate seed_group_mean(const std::vector<std::vector<double>>& runs, int resamples,
                         uint64_t seed);

// Group b against group a (each runs[s][i] as above, the same impressions):
// the difference of the seed-averaged means, its hierarchical bootstrap
// interval (seeds drawn within each group, one impression draw for both), and
// the bootstrap p-value 2 min(P(d <= 0), P(d >= 0)).
Difference seed_group_difference(const std::vector<std::vector<double>>& a,
                                 const std::vector<std::vector<double>>& b, int resamples,
                                 uint64_t seed);

// The plain mean; NaN for no values.
double mean_of(const std::vector<double>& values);

// The sample standard deviation (n - 1); 0 for fewer than two values.
double sample_std(const std::vector<double>& values);

}  // namespace unbert
