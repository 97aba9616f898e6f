// Ctrl-C and SIGTERM ask a long command to stop at its next safe point (the
// trainer finishes its step, writes a checkpoint and exits 130).
#pragma once

namespace unbert {

void install_stop_signals();
bool stop_requested();
void request_stop();  // what the handlers do; also for tests
void clear_stop_request();

}  // namespace unbert
