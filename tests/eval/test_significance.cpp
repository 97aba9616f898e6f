// compare's statistics against computations done another way: by hand,
// in closed form, or by the normal approximation they converge to.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "unbert/eval/significance.h"

namespace unbert {
namespace {

TEST(Significance, ExactSignFlipMatchesTheHandCount) {
  // d = (1, 2, 3): of the 8 sign patterns only +++ and --- reach |sum| 6.
  Difference d = paired_difference({1, 2, 3}, 1000, 1);
  EXPECT_TRUE(d.exact);
  EXPECT_DOUBLE_EQ(d.p_value, 2.0 / 8);
  EXPECT_DOUBLE_EQ(d.mean, 2.0);
  // (1, 1, 1, 1, 3), sum 7: flipping any one value already gives |sum| <= 5,
  // so only +++++ and ----- reach 7: 2 of 32.
  EXPECT_DOUBLE_EQ(paired_difference({1, 1, 1, 1, 3}, 1000, 1).p_value, 2.0 / 32);
  // (1, 3): |±1 ± 3| >= 4 for ++ and --: 2 of 4.
  EXPECT_DOUBLE_EQ(paired_difference({1, 3}, 1000, 1).p_value, 0.5);
}

TEST(Significance, IdenticalRunsDifferByExactlyZero) {
  Difference d = paired_difference(std::vector<double>(500, 0.0), 2000, 3);
  EXPECT_EQ(d.mean, 0.0);
  EXPECT_EQ(d.interval.low, 0.0);
  EXPECT_EQ(d.interval.high, 0.0);
  EXPECT_EQ(d.p_value, 1.0);
  const std::vector<std::vector<double>> runs = {{0.5, 0.7, 0.6}, {0.4, 0.9, 0.5}};
  Difference g = seed_group_difference(runs, runs, 500, 3);
  EXPECT_EQ(g.mean, 0.0);
  EXPECT_EQ(g.p_value, 1.0);
}

// Many pairs: the sign-flip statistic sum(d) has variance sum(d^2), so its
// p-value tends to erfc(|z| / sqrt 2) with z = sum d / sqrt(sum d^2).
TEST(Significance, SampledSignFlipAgreesWithItsNormalLimit) {
  std::vector<double> d;
  for (int i = 0; i < 600; ++i) d.push_back(0.04 + std::sin(1.7 * i));
  double sum = 0, squares = 0;
  for (double v : d) sum += v, squares += v * v;
  const double expected = std::erfc(std::fabs(sum / std::sqrt(squares)) / std::sqrt(2.0));
  Difference got = paired_difference(d, 20000, 11);
  EXPECT_FALSE(got.exact);
  EXPECT_NEAR(got.p_value, expected, 0.015) << "normal limit " << expected;
  EXPECT_GT(expected, 0.01);  // a case where the p-value is not at its floor
  EXPECT_LT(expected, 0.5);
}

// The percentile interval of a mean tends to mean +- 1.96 sd / sqrt(n).
TEST(Significance, BootstrapIntervalAgreesWithTheNormalInterval) {
  std::vector<double> v;
  for (int i = 0; i < 2000; ++i) v.push_back(0.6 + 0.2 * std::cos(0.37 * i * i));
  double mean = 0, var = 0;
  for (double x : v) mean += x;
  mean /= v.size();
  for (double x : v) var += (x - mean) * (x - mean);
  const double half = 1.96 * std::sqrt(var / v.size()) / std::sqrt(double(v.size()));
  Estimate e = bootstrap_mean(v, 4000, 5);
  EXPECT_DOUBLE_EQ(e.mean, mean);
  EXPECT_NEAR(e.interval.low, mean - half, 0.12 * half);
  EXPECT_NEAR(e.interval.high, mean + half, 0.12 * half);
}

TEST(Significance, SeedGroupsSeparatedByAConstantGiveThatConstant) {
  const std::vector<std::vector<double>> a = {{0.5, 0.7, 0.6, 0.8}, {0.5, 0.7, 0.6, 0.8}};
  std::vector<std::vector<double>> b = a;
  for (auto& run : b)
    for (double& x : run) x += 0.25;  // exact in binary
  Difference d = seed_group_difference(a, b, 999, 1);
  EXPECT_DOUBLE_EQ(d.mean, 0.25);
  EXPECT_DOUBLE_EQ(d.interval.low, 0.25);
  EXPECT_DOUBLE_EQ(d.interval.high, 0.25);
  EXPECT_DOUBLE_EQ(d.p_value, 2.0 / 1000);  // never <= 0: the floor (0 + 1) / (R + 1), twice
  Estimate m = seed_group_mean(b, 999, 1);
  EXPECT_DOUBLE_EQ(m.mean, 0.9);
  EXPECT_DOUBLE_EQ(sample_std({1, 2, 3, 4}), std::sqrt(5.0 / 3));
}

TEST(Significance, QuantilesInterpolateBetweenNeighbours) {
  EXPECT_DOUBLE_EQ(quantile({0, 1, 2, 3}, 0.5), 1.5);
  EXPECT_DOUBLE_EQ(quantile({0, 1, 2, 3}, 0.0), 0.0);
  EXPECT_DOUBLE_EQ(quantile({0, 1, 2, 3}, 1.0), 3.0);
  EXPECT_DOUBLE_EQ(quantile({4}, 0.025), 4.0);
}

}  // namespace
}  // namespace unbert
