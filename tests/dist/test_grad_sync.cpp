#include <gtest/gtest.h>

#include "dist_test_util.h"
#include "unbert/common/error.h"
#include "unbert/train/grad_sync.h"

namespace unbert {
namespace {

// A model with a parameter the loss never uses (the optimizer must keep
// skipping it) and enough weights for several buckets. Its weights come from
// a formula, not the global generator: the ranks build their nets on threads
// at once, and seeding a shared generator there raced (ranks got different
// weights about one time in five).
struct Net : torch::nn::Module {
  Net() {
    a = register_module("a", torch::nn::Linear(6, 40));
    b = register_module("b", torch::nn::Linear(40, 1));
    unused = register_parameter("unused", torch::ones({3}));
    torch::NoGradGuard no_grad;
    double offset = 0;
    for (auto& p : parameters()) {
      auto values = torch::arange(p.numel(), torch::kFloat) * 0.37 + offset++;
      p.copy_(torch::sin(values).reshape(p.sizes()) * 0.3);
    }
  }
  torch::Tensor forward(const torch::Tensor& x) { return b(torch::tanh(a(x))).sum(); }
  torch::nn::Linear a{nullptr}, b{nullptr};
  torch::Tensor unused;
};

// Micro-batches of rows; each loss is its share of the global batch.
void backward_over(Net& net, GradientSync& sync, const std::vector<torch::Tensor>& micro) {
  for (std::size_t m = 0; m < micro.size(); ++m) {
    if (m + 1 == micro.size()) sync.last_backward_begins();
    (net.forward(micro[m]) / 8.0).backward();
  }
  sync.finish();
}

TEST(GradientSync, TwoRanksSumToTheOneProcessGradient) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  torch::manual_seed(1);
  auto data = torch::randn({8, 6});
  Net one;
  auto none = make_gradient_sync(single_process_group(), one.parameters());
  backward_over(one, *none, {data.slice(0, 0, 4), data.slice(0, 4, 8)});

  std::vector<std::vector<torch::Tensor>> grads(2);
  auto errors = test::run_ranks(2, [&](int rank, int port) {
    ProcessGroup group(test::loopback_world(rank, 2, port), torch::kCPU);
    Net net;
    auto sync = make_gradient_sync(group, net.parameters(), /*bucket_mb=*/0.0005);
    // rank 0: rows 0-4 in two micro-batches (one accumulation step); rank 1:
    // rows 5-7 in one. Twice, to see that the buckets reset.
    for (int round = 0; round < 2; ++round) {
      for (auto& p : net.parameters())
        if (p.grad().defined()) p.mutable_grad().zero_();
      if (rank == 0)
        backward_over(net, *sync, {data.slice(0, 0, 2), data.slice(0, 2, 5)});
      else
        backward_over(net, *sync, {data.slice(0, 5, 8)});
    }
    for (auto& p : net.parameters()) grads[rank].push_back(p.grad());
  });
  ASSERT_EQ(errors, std::vector<std::string>(2));
  auto params = one.parameters();
  for (int r = 0; r < 2; ++r) {
    ASSERT_EQ(grads[r].size(), params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (!params[i].grad().defined()) {
        EXPECT_FALSE(grads[r][i].defined()) << "unused parameter " << i << " got a gradient";
        continue;
      }
      // fp32 sums in another grouping (per rank, then across): a few ulp apart.
      EXPECT_TRUE(torch::allclose(grads[r][i], params[i].grad(), 1e-5, 1e-6)) << i;
      EXPECT_TRUE(torch::equal(grads[r][i], grads[0][i])) << "ranks differ at " << i;
    }
  }
}

TEST(GradientSync, ARankWithoutSamplesStillTakesPart) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  torch::manual_seed(2);
  auto data = torch::randn({3, 6});
  std::vector<torch::Tensor> firsts(2);
  auto errors = test::run_ranks(2, [&](int rank, int port) {
    ProcessGroup group(test::loopback_world(rank, 2, port), torch::kCPU);
    Net net;
    auto sync = make_gradient_sync(group, net.parameters(), 0.0005);
    backward_over(net, *sync,
                  rank == 0 ? std::vector<torch::Tensor>{data} : std::vector<torch::Tensor>{});
    firsts[rank] = net.a->weight.grad();
  });
  ASSERT_EQ(errors, std::vector<std::string>(2));
  ASSERT_TRUE(firsts[1].defined());
  EXPECT_TRUE(torch::equal(firsts[0], firsts[1]));
}

}  // namespace
}  // namespace unbert

namespace unbert {
namespace {

// The hooks stay on the parameters' AccumulateGrad nodes after the sync is
// gone (the benchmark measures with and then without it); they must not
// reach the freed object (ASan in the sanitizer job fails this before the fix).
TEST(GradientSync, HooksOutliveTheSyncHarmlessly) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  auto errors = test::run_ranks(2, [&](int rank, int port) {
    ProcessGroup group(test::loopback_world(rank, 2, port), torch::kCPU);
    Net net;
    auto sync = make_gradient_sync(group, net.parameters(), 0.0005);
    sync->last_backward_begins();
    sync.reset();
    net.forward(torch::ones({2, 6})).backward();
    EXPECT_TRUE(net.a->weight.grad().defined());
  });
  EXPECT_EQ(errors, std::vector<std::string>(2));
}

}  // namespace
}  // namespace unbert

namespace unbert {
namespace {

// The digest of real-sized weights overflows 64 bits; it once did so in
// signed arithmetic (undefined: UBSan in the sanitizer job failed
// DataParallel.TwoRanksMatchOneProcess). Equal weights agree; one flipped
// bit on rank 1 is named.
TEST(GradientSync, ReplicaDigestOfLargeWeights) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  std::vector<torch::Tensor> weights;
  torch::manual_seed(5);
  for (int i = 0; i < 6; ++i) weights.push_back(torch::randn({5000}));
  std::string mismatch;
  auto errors = test::run_ranks(2, [&](int rank, int port) {
    ProcessGroup group(test::loopback_world(rank, 2, port), torch::kCPU);
    std::vector<torch::Tensor> mine;
    for (const auto& w : weights) mine.push_back(w.clone());
    check_replicas_agree(group, mine, 1);
    if (rank == 1) mine[3].view(torch::kInt32).data_ptr<int32_t>()[17] ^= 1;  // one bit
    try {
      check_replicas_agree(group, mine, 2);
    } catch (const Error& e) {
      if (rank == 0) mismatch = e.what();
    }
  });
  EXPECT_EQ(errors, std::vector<std::string>(2));
  EXPECT_NE(mismatch.find("at step 2 the weights of rank 1 differ"), std::string::npos) << mismatch;
}

}  // namespace
}  // namespace unbert
