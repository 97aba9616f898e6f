// A helper program that serves requests on its stdin and stdout: started
// without a shell, spoken to in length-prefixed frames over a socket pair,
// and always reaped (no zombies), however it ends.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace unbert {

class ChildProcess {
 public:
  // Starts argv[0] (a path); throws Error naming `what` when it cannot.
  ChildProcess(std::vector<std::string> argv, std::string what);
  // Closes the helper's stdin, waits briefly for it to exit, then kills it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // One request, one reply. Throws Error when the helper died or broke the
  // framing (the message says how it ended and how to fix it).
  std::string call(const std::string& request, const char* doing);
  pid_t pid() const { return pid_; }

 private:
  void send_frame(const std::string& payload, const char* doing);
  std::string receive_frame(const char* doing);
  [[noreturn]] void died(const char* doing, const std::string& detail);
  void reap(bool kill_first);

  std::string what_;
  pid_t pid_ = -1;
  int socket_ = -1;
  bool reaped_ = false;
};

// "exit status N" / "killed by signal N (SIGKILL)" for a waitpid status.
std::string describe_exit(int status);

}  // namespace unbert
