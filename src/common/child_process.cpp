#include "unbert/common/child_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "unbert/common/error.h"
#include "unbert/common/frame.h"

extern char** environ;

namespace unbert {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

}  // namespace

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    const char* name = ::strsignal(WTERMSIG(status));
    return "killed by signal " + std::to_string(WTERMSIG(status)) +
           (name ? std::string(" (") + name + ")" : "");
  }
  return "exit status " + std::to_string(WEXITSTATUS(status));
}

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string what)
    : what_(std::move(what)) {
  int ends[2];
  // Close-on-exec on both ends: the child gets its end as 0 and 1 by dup2
  // (which clears the flag), and no other child inherits either.
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
    throw Error(what_ + ": cannot create its socket: " + errno_text());
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, ends[1], 0);
  posix_spawn_file_actions_adddup2(&actions, ends[1], 1);
  int failed = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(ends[1]);
  if (failed != 0) {
    ::close(ends[0]);
    throw Error(what_ + ": cannot start " + argv[0] + ": " + std::strerror(failed));
  }
  socket_ = ends[0];
}

ChildProcess::~ChildProcess() {
  if (socket_ >= 0) ::close(socket_);  // the helper reads end-of-file and exits
  reap(false);
}

void ChildProcess::reap(bool kill_first) {
  if (reaped_ || pid_ <= 0) return;
  if (kill_first) ::kill(pid_, SIGKILL);
  int status = 0;
  for (int waited_ms = 0;; waited_ms += 10) {
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_ || (done < 0 && errno != EINTR)) break;
    if (waited_ms == 2000) ::kill(pid_, SIGKILL);  // a helper that hangs is not waited for
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  reaped_ = true;
}

std::string ChildProcess::call(const std::string& request, const char* doing) {
  send_frame(request, doing);
  return receive_frame(doing);
}

void ChildProcess::send_frame(const std::string& payload, const char* doing) {
  std::string bytes;
  frame::put_u32(&bytes, static_cast<uint32_t>(payload.size()));
  bytes += payload;
  const char* data = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    // MSG_NOSIGNAL: a dead helper is an error here, not a SIGPIPE for unbert.
    ssize_t sent = ::send(socket_, data, left, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) died(doing, "cannot write to it: " + errno_text());
    data += sent;
    left -= static_cast<std::size_t>(sent);
  }
}

std::string ChildProcess::receive_frame(const char* doing) {
  auto read_exactly = [&](char* data, std::size_t size) {
    while (size > 0) {
      ssize_t got = ::recv(socket_, data, size, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got == 0) died(doing, "it closed its output");
      if (got < 0) died(doing, "cannot read from it: " + errno_text());
      data += got;
      size -= static_cast<std::size_t>(got);
    }
  };
  char header[4];
  read_exactly(header, 4);
  const uint32_t size = frame::Reader(std::string_view(header, 4)).u32();
  if (size == 0 || size > frame::kMaxFrame)
    died(doing, "it sent a malformed reply (frame of " + std::to_string(size) + " bytes)");
  std::string payload(size, '\0');
  read_exactly(payload.data(), size);
  return payload;
}

void ChildProcess::died(const char* doing, const std::string& detail) {
  // Say how the helper ended when it did; never leave it running or unreaped.
  int status = 0;
  pid_t done = -1;
  for (int i = 0; i < 100 && (done = ::waitpid(pid_, &status, WNOHANG)) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::string how = detail;
  if (done == pid_) {
    reaped_ = true;
    how = describe_exit(status);
  } else {
    reap(true);
  }
  throw Error(what_ + " (pid " + std::to_string(pid_) + ") failed while " + doing + ": " + how +
              "; run the command again, and if it keeps failing rebuild with scripts/setup.sh");
}

}  // namespace unbert
