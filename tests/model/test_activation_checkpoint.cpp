// train.activation_checkpointing: the same gradients, bit for bit, with the
// activations recomputed in backward, with dropout and under bf16 autocast.
#include <gtest/gtest.h>

#include "toy_data.h"
#include "unbert/common/torch_compat.h"
#include "unbert/model/unbert.h"

namespace unbert {
namespace {

struct StepResult {
  std::vector<torch::Tensor> grads;
  torch::Tensor next_random;  // the generator's state after the step
};

StepResult train_step(bool checkpointing, bool bf16) {
  ModelShape shape = test::tiny_shape(MatchLevel::Both, AggregatorKind::Attention);
  shape.dropout = shape.attention_dropout = 0.2;  // the recompute must draw the same masks
  Unbert model = make_unbert(shape, 7);
  model->train();
  model->set_activation_checkpointing(checkpointing);
  const Batch batch = test::toy_batch(12, 3);
  torch::manual_seed(11);
  {
    compat::AutocastGuard autocast(torch::kCPU, torch::kBFloat16, bf16);
    torch::cross_entropy_loss(model(batch), batch.labels).backward();
  }
  StepResult r;
  for (const auto& p : model->parameters())
    r.grads.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());
  r.next_random = torch::rand({4});
  return r;
}

void expect_same(const StepResult& a, const StepResult& b) {
  ASSERT_EQ(a.grads.size(), b.grads.size());
  int compared = 0;
  for (std::size_t i = 0; i < a.grads.size(); ++i) {
    ASSERT_EQ(a.grads[i].defined(), b.grads[i].defined()) << i;
    if (!a.grads[i].defined()) continue;
    EXPECT_TRUE(torch::equal(a.grads[i], b.grads[i])) << "parameter " << i;
    EXPECT_GT(a.grads[i].abs().sum().item<double>(), 0.0) << "parameter " << i;
    ++compared;
  }
  EXPECT_GT(compared, 20);
  EXPECT_TRUE(torch::equal(a.next_random, b.next_random));  // dropout draws left as they were
}

TEST(ActivationCheckpoint, GradientsAreThoseOfThePlainForwardBitForBit) {
  expect_same(train_step(false, false), train_step(true, false));
}

TEST(ActivationCheckpoint, UnderBf16AutocastToo) {
  expect_same(train_step(false, true), train_step(true, true));
}

TEST(ActivationCheckpoint, ScoringWithoutGradientsIsUnchanged) {
  ModelShape shape = test::tiny_shape(MatchLevel::Both, AggregatorKind::Nseg);
  Unbert model = make_unbert(shape, 5);
  model->eval();
  const Batch batch = test::toy_batch(6, 9);
  torch::NoGradGuard no_grad;
  const torch::Tensor plain = model->click_probability(batch);
  model->set_activation_checkpointing(true);
  EXPECT_TRUE(torch::equal(plain, model->click_probability(batch)));
}

}  // namespace
}  // namespace unbert
