// Two ranks in one test process, each on its own thread with its own c10d
// process group over loopback.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "unbert/dist/launcher.h"
#include "unbert/dist/world.h"

namespace unbert::test {

// A world of `size` on loopback at `port`, as rank `rank`.
World loopback_world(int rank, int size, int port, int timeout_s = 60);

// Runs body(rank) on `size` threads; returns each rank's error ("" if none).
std::vector<std::string> run_ranks(int size, const std::function<void(int rank, int port)>& body);

// A TCP server on 127.0.0.1 that is not a c10d store: it accepts each
// connection and closes it at once (a MASTER_PORT of some other service).
class ForeignListener {
 public:
  ForeignListener();
  ~ForeignListener();
  ForeignListener(const ForeignListener&) = delete;
  ForeignListener& operator=(const ForeignListener&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace unbert::test
