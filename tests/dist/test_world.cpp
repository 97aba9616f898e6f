#include <map>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/dist/launcher.h"
#include "unbert/dist/world.h"

namespace unbert {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(World, NoVariablesIsOneProcess) {
  World w = world_from_environment(env_of({}));
  EXPECT_FALSE(w.distributed());
  EXPECT_FALSE(w.launched);
  EXPECT_EQ(w.describe(), "single process");
}

// torchrun --nproc-per-node 1 still forms a process group of one.
TEST(World, ALaunchersWorldOfOneIsLaunched) {
  World w = world_from_environment(
      env_of({{"RANK", "0"}, {"WORLD_SIZE", "1"}, {"MASTER_ADDR", "127.0.0.1"}}));
  EXPECT_FALSE(w.distributed());
  EXPECT_TRUE(w.launched);
  WorldOverrides flags;
  flags.size = 1;
  EXPECT_TRUE(world_from_environment(env_of({}), flags).launched);
}

TEST(World, TorchrunVariables) {
  World w = world_from_environment(env_of({{"RANK", "3"},
                                           {"WORLD_SIZE", "8"},
                                           {"LOCAL_RANK", "1"},
                                           {"MASTER_ADDR", "node0"},
                                           {"MASTER_PORT", "29555"}}));
  EXPECT_EQ(w.rank, 3);
  EXPECT_EQ(w.size, 8);
  EXPECT_EQ(w.local_rank, 1);
  EXPECT_EQ(w.master_addr, "node0");
  EXPECT_EQ(w.master_port, 29555);
  EXPECT_EQ(w.source, "torchrun environment");
}

TEST(World, SlurmIsTheFallbackAndFlagsWin) {
  auto env = env_of({{"SLURM_PROCID", "5"},
                     {"SLURM_NTASKS", "16"},
                     {"SLURM_LOCALID", "1"},
                     {"SLURM_LAUNCH_NODE_IPADDR", "10.0.0.7"}});
  World w = world_from_environment(env);
  EXPECT_EQ(w.rank, 5);
  EXPECT_EQ(w.size, 16);
  EXPECT_EQ(w.local_rank, 1);
  EXPECT_EQ(w.master_addr, "10.0.0.7");
  EXPECT_EQ(w.master_port, 29500);
  WorldOverrides flags;
  flags.master_port = 4000;
  flags.timeout_s = 30;
  w = world_from_environment(env, flags);
  EXPECT_EQ(w.master_port, 4000);
  EXPECT_EQ(w.timeout.count(), 30);
}

// A PyTorchJob runs one process per pod and sets no LOCAL_RANK: its GPU is 0.
TEST(World, LocalRankDefaultsToZero) {
  World w = world_from_environment(
      env_of({{"RANK", "3"}, {"WORLD_SIZE", "4"}, {"MASTER_ADDR", "unbert-large-master-0"}}));
  EXPECT_EQ(w.local_rank, 0);
}

TEST(World, MistakesAreNamed) {
  auto error = [](std::map<std::string, std::string> vars) {
    return test::error_of([&] { world_from_environment(env_of(vars)); });
  };
  EXPECT_NE(error({{"RANK", "0"}}).find("RANK is set but WORLD_SIZE is not"), std::string::npos);
  EXPECT_NE(error({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}})
                .find("rank 2 is outside a world of 2"),
            std::string::npos);
  EXPECT_NE(error({{"RANK", "x"}, {"WORLD_SIZE", "2"}}).find("RANK is \"x\" but must be"),
            std::string::npos);
  EXPECT_NE(error({{"RANK", "0"}, {"WORLD_SIZE", "2"}}).find("MASTER_ADDR is not set"),
            std::string::npos);
  EXPECT_NE(error({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "0"}})
                .find("MASTER_PORT is \"0\""),
            std::string::npos);
}

TEST(Launcher, DropsItsOwnOption) {
  std::vector<std::string> argv{"unbert",   "train",  "--nproc-per-node",  "2",
                                "--config", "c.json", "--nproc-per-node=3"};
  EXPECT_EQ(without_option(argv, "--nproc-per-node"),
            (std::vector<std::string>{"unbert", "train", "--config", "c.json"}));
}

}  // namespace
}  // namespace unbert
