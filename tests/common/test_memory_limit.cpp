// Memory limits end in one error line, never in a crash or a spin inside
// OpenBLAS or oneDNN (ulimit -v once did both).
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "../cli/pipeline_fixture.h"
#include "test_util.h"
#include "unbert/common/fs.h"
#include "unbert/common/memory_limit.h"

namespace unbert {
namespace {

using test::Pipeline;
constexpr uint64_t kMiB = uint64_t{1} << 20;

TEST(MemoryLimit, AStepPastTheAddressSpaceLimitNamesTheLimitTheNeedAndTheKey) {
  MemoryBounds bounds;
  bounds.address_limit = 1024 * kMiB;
  bounds.mapped = 850 * kMiB;
  bounds.physical = 16384 * kMiB;
  auto refused = memory_shortfall(bounds, 400 * kMiB, 2, "scoring (eval.batch_size 256)",
                                  "lower eval.batch_size");
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->find("the address-space limit (ulimit -v) is 1.0 GiB, and scoring "
                          "(eval.batch_size 256) needs about 1.8 GiB"),
            std::string::npos)
      << *refused;
  EXPECT_NE(refused->find("ulimit -v unlimited"), std::string::npos) << *refused;
  EXPECT_EQ(refused->substr(refused->size() - 21), "lower eval.batch_size") << *refused;

  bounds.address_limit = 4096 * kMiB;  // room enough
  EXPECT_FALSE(memory_shortfall(bounds, 400 * kMiB, 2, "scoring", "fix"));
  bounds.address_limit.reset();  // no limit: only the machine's memory bounds it
  EXPECT_FALSE(memory_shortfall(bounds, 400 * kMiB, 2, "scoring", "fix"));
  auto too_big = memory_shortfall(bounds, 20000 * kMiB, 2, "training", "lower train.micro_batch");
  ASSERT_TRUE(too_big);
  EXPECT_NE(too_big->find("training needs about 19.5 GiB, more than this machine's 16.0 GiB"),
            std::string::npos)
      << *too_big;
}

TEST(MemoryLimit, AnAllocationThatFailedInsideLibTorchIsOneLineWithTheLimit) {
  MemoryBounds bounds;
  bounds.address_limit = 1536 * kMiB;
  const std::string c10 =
      "[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: "
      "you tried to allocate 25165824 bytes. Error code 12 (Cannot allocate memory)";
  auto line = explain_allocation_failure(c10, bounds);
  ASSERT_TRUE(line);
  EXPECT_EQ(line->rfind("out of memory: an allocation of 24.0 MiB failed under the address-space "
                        "limit (ulimit -v) of 1.5 GiB",
                        0),
            0u)
      << *line;
  bounds.address_limit.reset();
  bounds.physical = 8192 * kMiB;
  line = explain_allocation_failure("std::bad_alloc", bounds);
  ASSERT_TRUE(line);
  EXPECT_NE(line->find("(this machine has 8.0 GiB); lower train.micro_batch"), std::string::npos)
      << *line;
  EXPECT_FALSE(explain_allocation_failure("shape '[2, 3]' is invalid", bounds));
}

TEST(MemoryLimit, BytesAreShownInTheirUnit) {
  EXPECT_EQ(format_bytes(512), "512 bytes");
  EXPECT_EQ(format_bytes(3 * kMiB / 2), "1.5 MiB");
  EXPECT_EQ(format_bytes(5 * 1024 * kMiB), "5.0 GiB");
}

// `command` run by the shell under `ulimit -v kilobytes` on one core, in `dir`.
test::CommandResult under_limit(const std::string& dir, long kilobytes, const std::string& args) {
  const std::string err = dir + "/limited.err";
  const std::string line = "cd '" + dir + "' && ulimit -v " + std::to_string(kilobytes) +
                           " && exec timeout 120 taskset -c 0 '" UNBERT_BINARY "' " + args +
                           " > /dev/null 2> '" + err + "'";
  const int status = std::system(("bash -c \"" + line + "\"").c_str());
  test::CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = read_text_file(err);
  return result;
}

#if defined(__SANITIZE_ADDRESS__)
#define UNBERT_SKIP_UNDER_ASAN() GTEST_SKIP() << "AddressSanitizer needs terabytes of address space"
#else
#define UNBERT_SKIP_UNDER_ASAN() (void)0
#endif

// OpenBLAS's initialiser, before main, once retried forever when its buffers
// did not fit; below that, the check from the executable's pre-initialisers.
TEST(MemoryLimit, TooLittleAddressSpaceToStartIsOneErrorLineBeforeTheLibraries) {
  UNBERT_SKIP_UNDER_ASAN();
  test::TempDir dir;
  auto r = under_limit(dir.path(), 650000, "config");
  if (r.exit_code == 127) GTEST_SKIP() << "the loader alone needs more here: " << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err.rfind("error: the address-space limit (ulimit -v) is 635 MiB, and unbert needs "
                        "at least ",
                        0),
            0u)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// Scoring under 1 GB once crashed in oneDNN (bf16) or spun in OpenBLAS (fp32);
// training the same.
TEST_F(Pipeline, ScoringAndTrainingPastTheAddressSpaceLimitAreRefusedFirst) {
  UNBERT_SKIP_UNDER_ASAN();
  auto train = test::run_unbert("train --config tiny.json", dir_.path());
  ASSERT_EQ(train.exit_code, 0) << train.err;
  for (const char* precision : {"fp32", "bf16"}) {
    auto eval = under_limit(dir_.path(), 1000000,
                            std::string("eval --split dev --set eval.precision=") + precision);
    EXPECT_EQ(eval.exit_code, 1) << eval.err;
    EXPECT_NE(eval.err.find("error: not enough memory: the address-space limit (ulimit -v) is "
                            "976.6 MiB, and scoring (eval.batch_size 256 of 80 tokens) needs"),
              std::string::npos)
        << eval.err;
  }
  auto again = under_limit(dir_.path(), 1000000, "train --config tiny.json --run-dir runs/other");
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_NE(again.err.find("and training (0.0 M parameters, train.micro_batch 8 and "
                           "eval.batch_size 256 of 80 tokens) needs about"),
            std::string::npos)
      << again.err;
  EXPECT_NE(again.err.find("lower train.micro_batch"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace unbert
