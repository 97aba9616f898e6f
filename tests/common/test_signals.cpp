// Ctrl-C once: stop after the step, with a checkpoint; twice: stop at once,
// with a line on stderr saying so (it once exited 130 in silence).
#include <csignal>

#include <gtest/gtest.h>

#include "unbert/common/signals.h"

namespace unbert {
namespace {

TEST(StopSignals, FirstRequestsAStopAndSecondStopsAtOnceSayingSo) {
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";  // LibTorch has threads running
  EXPECT_EXIT(
      {
        install_stop_signals();
        std::raise(SIGINT);
        if (!stop_requested()) std::_Exit(3);
        std::raise(SIGINT);
        std::_Exit(4);  // not reached: the second signal ends the process
      },
      ::testing::KilledBySignal(SIGINT), "error: stopped at once by a second signal");
}

}  // namespace
}  // namespace unbert
