// One process per run directory (two `train --resume` on one run once both
// ran to the end, interleaving metrics.jsonl).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/train/run_lock.h"

namespace unbert {
namespace {

TEST(RunLock, SecondHolderGetsOneLineNamingTheFirst) {
  test::TempDir dir;
  const std::string run = dir.file("runs/a");
  auto first = std::make_unique<RunLock>(run);
  try {
    RunLock second(run);
    FAIL() << "two locks on one run";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "run directory " + run +
                                         " is in use by another unbert process (pid " +
                                         std::to_string(::getpid()) +
                                         "); wait for it to end, or choose another run with "
                                         "--run-dir");
  }
  first.reset();
  EXPECT_NO_THROW(RunLock again(run));  // released with its holder
}

// The lock file a killed process leaves behind holds no lock: it never blocks.
TEST(RunLock, StaleLockFileDoesNotBlock) {
  test::TempDir dir;
  const std::string run = dir.file("runs/b");
  std::filesystem::create_directories(run);
  std::ofstream(run + "/.lock") << "999999\n";
  EXPECT_NO_THROW(RunLock lock(run));
}

}  // namespace
}  // namespace unbert
