// Ctrl-C, SIGTERM and SIGHUP ask a long command to stop at its next safe point
// (the trainer finishes its step, writes a checkpoint and exits 130). A second
// one at least kSameSignalWindowMs after the first stops the process at once.
#pragma once

namespace unbert {

inline constexpr long long kSameSignalWindowMs = 500;

void install_stop_signals();
bool stop_requested();
void request_stop();  // what the handlers do; also for tests
void clear_stop_request();

}  // namespace unbert
