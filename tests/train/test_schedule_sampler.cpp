#include <chrono>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/train/cadence.h"
#include "unbert/train/sampler.h"
#include "unbert/train/schedule.h"
#include "unbert/train/step_window.h"

namespace unbert {
namespace {

TEST(Schedule, LinearWarmupThenLinearDecay) {
  const double peak = 2e-5;
  int64_t warmup = warmup_steps(0.1, 100);
  EXPECT_EQ(warmup, 10);
  EXPECT_DOUBLE_EQ(learning_rate(peak, 0, 100, warmup), peak * 1 / 10);
  EXPECT_DOUBLE_EQ(learning_rate(peak, 4, 100, warmup), peak * 5 / 10);
  EXPECT_DOUBLE_EQ(learning_rate(peak, 9, 100, warmup), peak);
  EXPECT_DOUBLE_EQ(learning_rate(peak, 10, 100, warmup), peak);
  EXPECT_DOUBLE_EQ(learning_rate(peak, 55, 100, warmup), peak * 45 / 90);
  EXPECT_DOUBLE_EQ(learning_rate(peak, 99, 100, warmup), peak * 1 / 90);
  // No warm-up: the peak at the first step, then decay.
  EXPECT_DOUBLE_EQ(learning_rate(peak, 0, 50, 0), peak);
  EXPECT_DOUBLE_EQ(learning_rate(peak, 25, 50, 0), peak / 2);
}

class SamplerTest : public ::testing::Test {
 protected:
  SamplerTest() {
    std::string news;
    for (int i = 1; i <= 9; ++i)
      news += "N" + std::to_string(i) + "\tc\ts\tTitle " + std::to_string(i) + "\t\t\t\t\n";
    news_.load(dir_.write("news.tsv", news), {});
    behaviors_ = std::make_unique<Behaviors>(Behaviors::load(
        dir_.write(
            "behaviors.tsv",
            "1\tU1\t11/11/2019 9:00:00 AM\t\tN1-1 N2-0 N3-0 N4-0 N5-0 N6-0 N7-0\n"  // 1 click, 6
                                                                                    // negatives
            "2\tU1\t11/11/2019 9:00:00 AM\t\tN1-1 N2-1 N3-0 N4-0\n"  // 2 clicks, 2 negatives
            "3\tU2\t11/11/2019 9:00:00 AM\t\tN1-0 N2-0\n"            // no click
            "4\tU2\t11/11/2019 9:00:00 AM\t\tN1-1 N2-1\n"),          // no negative
        news_, {}, nullptr));
  }
  test::TempDir dir_;
  NewsTable news_;
  std::unique_ptr<Behaviors> behaviors_;
};

TEST_F(SamplerTest, EachClickGetsNegRatioNegativesFromItsImpression) {
  auto rng = epoch_rng(42, 0);
  EpochSamples e = draw_epoch_samples(*behaviors_, 4, rng);
  EXPECT_EQ(e.group_size, 5);
  EXPECT_EQ(e.samples.size(), 3u * 5u);  // 1 + 2 clicks, each with 4 negatives
  EXPECT_EQ(e.skipped_impressions, 1);   // impression 4 has no negative
  std::map<uint32_t, int> clicks, negatives;
  for (std::size_t g = 0; g < e.groups(); ++g) {
    const TrainSample& click = e.samples[g * 5];
    EXPECT_EQ(click.label, 1);
    ++clicks[click.impression];
    std::set<uint32_t> distinct;
    for (int k = 1; k < 5; ++k) {
      const TrainSample& negative = e.samples[g * 5 + k];
      EXPECT_EQ(negative.label, 0);
      EXPECT_EQ(negative.impression, click.impression);
      EXPECT_EQ((*behaviors_)[negative.impression].labels[negative.candidate], 0);
      distinct.insert(negative.candidate);
      ++negatives[negative.impression];
    }
    // Impression 0 has 6 negatives: drawn without replacement. Impression 1 has 2: with.
    if (click.impression == 0) {
      EXPECT_EQ(distinct.size(), 4u);
    } else {
      EXPECT_LE(distinct.size(), 2u);
    }
  }
  EXPECT_EQ(clicks[0], 1);
  EXPECT_EQ(clicks[1], 2);
  EXPECT_EQ(negatives[1], 8);
  EXPECT_EQ(clicks.count(2), 0u);
}

TEST_F(SamplerTest, RedrawnEachEpochAndRepeatablePerSeed) {
  auto draw = [&](int64_t seed, int64_t epoch) {
    auto rng = epoch_rng(seed, epoch);
    std::vector<uint32_t> picks;
    for (const auto& s : draw_epoch_samples(*behaviors_, 4, rng).samples)
      picks.push_back(s.candidate);
    return picks;
  };
  EXPECT_EQ(draw(1, 0), draw(1, 0));
  bool differs = false;
  for (int epoch = 1; epoch < 6; ++epoch) differs = differs || draw(1, epoch) != draw(1, 0);
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace unbert

namespace unbert {
namespace {

TEST(Cadence, EvaluatesAtEpochEndsEveryNAndTheLastStep) {
  TrainConfig t;
  t.log_every = 2;
  t.eval_every = 3;
  Cadence cadence(t, 7);
  EXPECT_FALSE(cadence.after_step(1, false).log);
  EXPECT_TRUE(cadence.after_step(2, false).log);
  EXPECT_FALSE(cadence.after_step(2, false).evaluate);
  EXPECT_TRUE(cadence.after_step(3, false).evaluate);
  EXPECT_TRUE(cadence.after_step(4, true).evaluate);  // an epoch's end
  EXPECT_FALSE(cadence.after_step(6, false).last);
  StepActions end = cadence.after_step(7, false);
  EXPECT_TRUE(end.last);
  EXPECT_TRUE(end.evaluate);
}

// With evaluations only at epoch ends (configs/small.json), a crash lost up
// to an epoch: train.save_every writes step checkpoints in between.
TEST(Cadence, SavesEveryNStepsBetweenEvaluations) {
  TrainConfig t;
  t.save_every = 2;
  t.eval_every = 3;
  Cadence cadence(t, 10);
  EXPECT_FALSE(cadence.after_step(1, false).save);
  EXPECT_TRUE(cadence.after_step(2, false).save);
  EXPECT_FALSE(cadence.after_step(3, false).save);  // the evaluation writes one anyway
  EXPECT_TRUE(cadence.after_step(3, false).evaluate);
  EXPECT_TRUE(cadence.after_step(4, false).save);
  EXPECT_FALSE(cadence.after_step(6, true).save);  // an epoch's end evaluates
  t.save_every = 0;
  EXPECT_FALSE(Cadence(t, 10).after_step(2, false).save);
}

TEST(Cadence, PatienceCountsEvaluationsWithoutABetterAuc) {
  TrainConfig t;
  EXPECT_FALSE(Cadence(t, 10).out_of_patience(100));  // 0: never
  t.patience = 2;
  EXPECT_FALSE(Cadence(t, 10).out_of_patience(1));
  EXPECT_TRUE(Cadence(t, 10).out_of_patience(2));
}

}  // namespace
}  // namespace unbert

namespace unbert {
namespace {

// A dev evaluation inside training once counted as training time (the
// samples/s of the row after it dropped to 16-67).
TEST(StepWindow, PausedTimeIsNotTrainingTime) {
  StepWindow window;
  window.add(1.0, 100);
  window.pause([] { std::this_thread::sleep_for(std::chrono::milliseconds(300)); });
  EXPECT_GT(window.samples_per_second(), 1000.0);  // 100 samples in well under 0.1 s
  window.add(3.0, 100);
  EXPECT_DOUBLE_EQ(window.mean_loss(), 2.0);
  window.reset();
  EXPECT_DOUBLE_EQ(window.mean_loss(), 0.0);
}

}  // namespace
}  // namespace unbert
