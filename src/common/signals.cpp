#include "unbert/common/signals.h"

#include <time.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>

namespace unbert {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int64_t> g_first_signal_ns{0};

int64_t monotonic_ns() {  // clock_gettime is async-signal-safe
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
}

extern "C" void on_stop_signal(int signal_number) {
  const int64_t now = monotonic_ns();
  if (!g_stop.exchange(true)) {
    g_first_signal_ns.store(now);
    return;
  }
  // One keypress can arrive twice (a terminal's and a wrapper's copy, as under
  // `timeout --foreground`): only a signal well after the first means "now".
  if (now - g_first_signal_ns.load() < kSameSignalWindowMs * 1000000) return;
  static const char kLine[] =
      "error: stopped at once by a second signal; no checkpoint was written for the steps "
      "since the last one (continue with --resume)\n";
  ssize_t ignored = ::write(STDERR_FILENO, kLine, sizeof kLine - 1);  // signal-safe
  (void)ignored;
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

}  // namespace

void install_stop_signals() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGHUP, on_stop_signal);  // a dropped ssh session: stop with a checkpoint
}

bool stop_requested() {
  return g_stop.load();
}
void request_stop() {
  g_stop.store(true);
}
void clear_stop_request() {
  g_stop.store(false);
}

}  // namespace unbert
