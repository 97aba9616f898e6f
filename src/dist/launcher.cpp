#include "unbert/dist/launcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>

#include "unbert/common/child_process.h"
#include "unbert/common/error.h"

namespace unbert {

namespace {

std::atomic<int> g_forward_signal{0};

void remember_signal(int signal) {
  g_forward_signal = signal;
}

pid_t start_worker(const LaunchPlan& plan, int rank, int port) {
  const pid_t pid = fork();
  if (pid < 0)
    throw Error(std::string("--nproc-per-node: cannot start a worker: ") + strerror(errno));
  if (pid > 0) return pid;
  setenv("RANK", std::to_string(rank).c_str(), 1);
  setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
  setenv("WORLD_SIZE", std::to_string(plan.workers).c_str(), 1);
  setenv("LOCAL_WORLD_SIZE", std::to_string(plan.workers).c_str(), 1);
  setenv("MASTER_ADDR", "127.0.0.1", 1);
  setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  std::vector<char*> argv;
  for (const auto& a : plan.arguments) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv("/proc/self/exe", argv.data());
  std::fprintf(stderr, "error: cannot run %s: %s\n", plan.arguments[0].c_str(), strerror(errno));
  _exit(127);
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  if (fd >= 0) close(fd);
  if (!ok) throw Error("--nproc-per-node: no free port on 127.0.0.1; give one with --master-port");
  return ntohs(address.sin_port);
}

std::vector<std::string> without_option(std::vector<std::string> argv, const std::string& flag) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == flag) {
      ++i;  // and its value
      continue;
    }
    if (argv[i].rfind(flag + "=", 0) == 0) continue;
    out.push_back(argv[i]);
  }
  return out;
}

int launch_local_workers(const LaunchPlan& plan) {
  const int port = plan.master_port > 0 ? plan.master_port : free_loopback_port();
  struct sigaction forward {};
  forward.sa_handler = remember_signal;
  sigemptyset(&forward.sa_mask);
  sigaction(SIGINT, &forward, nullptr);
  sigaction(SIGTERM, &forward, nullptr);
  sigaction(SIGHUP, &forward, nullptr);

  std::vector<pid_t> pids;
  for (int rank = 0; rank < plan.workers; ++rank) pids.push_back(start_worker(plan, rank, port));
  std::vector<bool> running(pids.size(), true);
  int left = plan.workers, code = 0;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  bool stopped = false;
  while (left > 0) {
    // Ctrl-C and a hangup reach the workers from the terminal (one process
    // group); passing them on would be a second signal. A SIGTERM sent to the
    // launcher alone is passed on. Each worker stops after its step.
    if (g_forward_signal.exchange(0) == SIGTERM)
      for (std::size_t r = 0; r < pids.size(); ++r)
        if (running[r]) kill(pids[r], SIGTERM);
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      for (std::size_t r = 0; r < pids.size(); ++r) {
        if (pids[r] != pid) continue;
        running[r] = false;
        --left;
        const int worker_code = exit_code_of(status);
        if (worker_code != 0 && code == 0) {
          code = worker_code;
          if (left > 0) {
            std::fprintf(stderr,
                         "unbert launcher: rank %zu %s; waiting up to %llds for the other ranks "
                         "to stop\n",
                         r, describe_exit(status).c_str(),
                         static_cast<long long>(plan.grace.count()));
            deadline = std::chrono::steady_clock::now() + plan.grace;
          }
        }
      }
      continue;
    }
    if (!stopped && std::chrono::steady_clock::now() > deadline) {
      for (std::size_t r = 0; r < pids.size(); ++r)
        if (running[r]) {
          std::fprintf(stderr, "unbert launcher: stopping rank %zu (still running)\n", r);
          kill(pids[r], SIGKILL);
        }
      stopped = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  return code;
}

}  // namespace unbert
