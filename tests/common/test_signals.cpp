// Ctrl-C once: stop after the step, with a checkpoint; twice: stop at once,
// with a line on stderr saying so (it once exited 130 in silence). SIGHUP is
// a stop request too (it once ended the run with no checkpoint), and one
// keypress delivered twice is one request (it once stopped at once).
#include <csignal>
#include <thread>

#include <gtest/gtest.h>

#include "unbert/common/signals.h"

namespace unbert {
namespace {

void sleep_past_the_window() {
  std::this_thread::sleep_for(std::chrono::milliseconds(kSameSignalWindowMs + 100));
}

TEST(StopSignals, FirstRequestsAStopAndSecondStopsAtOnceSayingSo) {
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";  // LibTorch has threads running
  EXPECT_EXIT(
      {
        install_stop_signals();
        std::raise(SIGINT);
        if (!stop_requested()) std::_Exit(3);
        sleep_past_the_window();
        std::raise(SIGINT);
        std::_Exit(4);  // not reached: the second signal ends the process
      },
      ::testing::KilledBySignal(SIGINT), "error: stopped at once by a second signal");
}

TEST(StopSignals, HangupRequestsAStopLikeTerm) {
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  EXPECT_EXIT(
      {
        install_stop_signals();
        std::raise(SIGHUP);
        std::_Exit(stop_requested() ? 0 : 3);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(StopSignals, TheSameSignalTwiceAtOnceIsOneRequest) {
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  EXPECT_EXIT(
      {
        install_stop_signals();
        std::raise(SIGINT);
        std::raise(SIGINT);  // the copy a wrapper forwards
        std::raise(SIGTERM);
        std::_Exit(stop_requested() ? 0 : 3);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace unbert
