#include "unbert/common/signals.h"

#include <unistd.h>

#include <atomic>
#include <csignal>

namespace unbert {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int signal_number) {
  if (g_stop.exchange(true)) {  // a second signal: stop now, saying so (write is signal-safe)
    static const char kLine[] =
        "error: stopped at once by a second signal; no checkpoint was written for the steps "
        "since the last one (continue with --resume)\n";
    ssize_t ignored = ::write(STDERR_FILENO, kLine, sizeof kLine - 1);
    (void)ignored;
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
  }
}

}  // namespace

void install_stop_signals() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
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
