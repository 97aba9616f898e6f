#include <stdlib.h>

#include <chrono>
#include <functional>

#include <gtest/gtest.h>

#include "dist_test_util.h"
#include "unbert/common/error.h"
#include "unbert/dist/process_group.h"

namespace unbert {
namespace {

TEST(ProcessGroup, OneProcessIsANoOp) {
  ProcessGroup& group = single_process_group();
  auto t = torch::arange(4, torch::kFloat32);
  group.allreduce_sum(t, "test");
  EXPECT_TRUE(torch::equal(t, torch::arange(4, torch::kFloat32)));
  EXPECT_EQ(group.allgather(t, "test").size(), 1u);
  EXPECT_EQ(group.backend(), "none");
}

// torchrun --nproc-per-node 1 (or the GPU check's 1-rank NCCL group) forms a
// real group of one; a plain start does not.
TEST(ProcessGroup, ALaunchersWorldOfOneFormsAGroup) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  auto errors = test::run_ranks(1, [&](int, int port) {
    ProcessGroup group(test::loopback_world(0, 1, port), torch::kCPU);
    EXPECT_EQ(group.backend(), "gloo");
    auto t = torch::full({2}, 3.0f);
    group.allreduce_sum(t, "test");
    EXPECT_TRUE(torch::equal(t, torch::full({2}, 3.0f)));
  });
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(ProcessGroup(World(), torch::kCPU).backend(), "none");
}

TEST(ProcessGroup, TwoRanksOverLoopbackReduceBroadcastAndGather) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  std::vector<torch::Tensor> summed(2), broadcast(2), gathered(2);
  auto errors = test::run_ranks(2, [&](int rank, int port) {
    ProcessGroup group(test::loopback_world(rank, 2, port), torch::kCPU);
    EXPECT_EQ(group.backend(), "gloo");
    auto t = torch::full({3}, static_cast<float>(rank + 1));
    group.allreduce_sum(t, "test sum");
    summed[rank] = t;
    auto async = torch::full({5}, 1.0f);
    auto pending = group.allreduce_sum_async(async, "test async");
    pending.wait();
    EXPECT_TRUE(torch::equal(async, torch::full({5}, 2.0f)));
    std::vector<torch::Tensor> weights{torch::full({2, 2}, static_cast<float>(rank)),
                                       torch::full({3}, static_cast<int64_t>(rank))};
    broadcast_tensors(group, weights, "test broadcast");
    broadcast[rank] = torch::cat({weights[0].reshape(-1), weights[1].to(torch::kFloat32)});
    auto all = group.allgather(torch::full({2}, static_cast<float>(rank)), "test gather");
    gathered[rank] = torch::cat(all);
    group.barrier("test end");
  });
  ASSERT_EQ(errors, std::vector<std::string>(2));
  for (int r = 0; r < 2; ++r) {
    EXPECT_TRUE(torch::equal(summed[r], torch::full({3}, 3.0f)));
    EXPECT_TRUE(torch::equal(broadcast[r], torch::zeros({7})));
    EXPECT_TRUE(torch::equal(gathered[r], torch::tensor({0.f, 0.f, 1.f, 1.f})));
  }
}

TEST(ProcessGroup, PortInUseIsOneClearLine) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  const int port = free_loopback_port();
  auto both = test::run_ranks(2, [&](int rank, int) {
    // Two "rank 0"s on one port: the second cannot listen.
    ProcessGroup group(test::loopback_world(0, 2, port, 2), torch::kCPU);
    (void)rank;
  });
  bool named = false;
  for (const auto& e : both) named = named || e.find("the port is in use") != std::string::npos;
  EXPECT_TRUE(named) << both[0] << " | " << both[1];
}

TEST(ProcessGroup, UnreachableMasterIsOneClearLine) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  const int port = free_loopback_port();  // nobody listens
  auto errors = test::run_ranks(
      1, [&](int, int) { ProcessGroup group(test::loopback_world(1, 2, port, 2), torch::kCPU); });
  EXPECT_NE(errors[0].find("could not reach the master at 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << errors[0];
}

TEST(ProcessGroup, AMasterWhosePeersNeverComeSaysItIsTheMaster) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  auto errors = test::run_ranks(1, [&](int, int port) {
    ProcessGroup group(test::loopback_world(0, 2, port, 2), torch::kCPU);
  });
  EXPECT_NE(errors[0].find("rank 0 (the master, at 127.0.0.1:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("waited 2 s for the other ranks: rank 1 never joined (1 of 2 did)"),
            std::string::npos)
      << errors[0];
  EXPECT_EQ(errors[0].find("could not reach the master"), std::string::npos) << errors[0];
}

// Ranks whose config or data differ once aborted inside Gloo (SIGABRT) or
// diverged 50 steps later; now every rank names the first difference.
TEST(ProcessGroup, RanksThatDisagreeNameTheKeyAndBothValues) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  auto errors = test::run_ranks(3, [&](int rank, int port) {
    ProcessGroup group(test::loopback_world(rank, 3, port, 20), torch::kCPU);
    nlohmann::json facts = {
        {"config", {{"model", {{"hidden_size", rank == 2 ? 64 : 32}}}, {"train", {{"lr", 2e-5}}}}}};
    group.agree("setup", facts);
  });
  for (int rank = 0; rank < 3; ++rank)
    EXPECT_NE(errors[rank].find("distributed: rank 2's setup differs from rank 0's: "
                                "config.model.hidden_size is 64 here, 32 on rank 0; start every "
                                "rank with the same config, data and unbert build"),
              std::string::npos)
        << "rank " << rank << ": " << errors[rank];
  // Agreeing ranks go on.
  auto fine = test::run_ranks(2, [&](int rank, int port) {
    ProcessGroup group(test::loopback_world(rank, 2, port, 20), torch::kCPU);
    group.agree("setup", {{"a", 1}});
    group.barrier("after");
  });
  EXPECT_EQ(fine, std::vector<std::string>(2));
}

// Failures that are not timeouts say what failed, at once, and never "within
// N s" (LibTorch >= 2.4 without libuv once failed so, after 180 s).
double seconds_of(const std::function<void()>& body) {
  const auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(ProcessGroup, AMasterHostThatDoesNotResolveIsNamedAtOnce) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  std::vector<std::string> errors;
  const double seconds = seconds_of([&] {
    errors = test::run_ranks(1, [&](int, int port) {
      World world = test::loopback_world(1, 2, port, 20);
      world.master_addr = "no-such-host.invalid";
      ProcessGroup group(world, torch::kCPU);
    });
  });
  EXPECT_NE(errors[0].find("the master's host 'no-such-host.invalid' does not resolve"),
            std::string::npos)
      << errors[0];
  EXPECT_NE(errors[0].find("set MASTER_ADDR (or --master-addr)"), std::string::npos) << errors[0];
  EXPECT_EQ(errors[0].find("within"), std::string::npos) << errors[0];
  EXPECT_LT(seconds, 10) << errors[0];
}

TEST(ProcessGroup, AMasterPortOfAnotherServiceSaysWhatFailed) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  test::ForeignListener other;
  std::vector<std::string> errors;
  const double seconds = seconds_of([&] {
    errors = test::run_ranks(1, [&](int, int) {
      ProcessGroup group(test::loopback_world(1, 2, other.port(), 3), torch::kCPU);
    });
  });
  EXPECT_NE(errors[0].find("could not open the rendezvous store at 127.0.0.1:" +
                           std::to_string(other.port()) + ": "),
            std::string::npos)
      << errors[0];
  EXPECT_EQ(errors[0].find("within"), std::string::npos) << errors[0];
  // LibTorch 2.6 retries a reset connection until its timeout, 1.13 fails at once;
  // either way the line names the cause, not a timeout.
  EXPECT_LT(seconds, 10) << errors[0];
}

TEST(ProcessGroup, AGlooInterfaceThatDoesNotExistIsNamed) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  setenv("GLOO_SOCKET_IFNAME", "no-such-if0", 1);
  auto errors = test::run_ranks(1, [&](int, int port) {
    ProcessGroup group(test::loopback_world(0, 1, port, 5), torch::kCPU);
  });
  unsetenv("GLOO_SOCKET_IFNAME");
  EXPECT_NE(errors[0].find("GLOO_SOCKET_IFNAME=no-such-if0 names no interface here"),
            std::string::npos)
      << errors[0];
}

TEST(ProcessGroup, ARankThatLeavesIsNamed) {
  if (!ProcessGroup::available()) GTEST_SKIP() << "built without c10d Gloo";
  std::string survivor;
  auto errors = test::run_ranks(2, [&](int rank, int port) {
    auto group =
        std::make_unique<ProcessGroup>(test::loopback_world(rank, 2, port, 20), torch::kCPU);
    group->barrier("start");
    if (rank == 1) {
      group.reset();  // leaves: its connections close, its heartbeat stops
      return;
    }
    auto t = torch::ones({4});
    auto start = std::chrono::steady_clock::now();
    try {
      group->allreduce_sum(t, "gradient all-reduce");
    } catch (const Error& e) {
      survivor = e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  });
  EXPECT_NE(survivor.find("gradient all-reduce failed on rank 0 of 2"), std::string::npos)
      << survivor;
  EXPECT_NE(survivor.find("rank 1 stopped"), std::string::npos) << survivor;
  // Before any checkpoint there is none to call intact.
  EXPECT_EQ(survivor.find("checkpoint is intact"), std::string::npos) << survivor;
}

}  // namespace
}  // namespace unbert
