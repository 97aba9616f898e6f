// `--nproc-per-node N`: this machine's N workers for users without torchrun,
// under the same contract (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
// MASTER_ADDR=127.0.0.1, MASTER_PORT). The launcher forwards Ctrl-C and
// SIGTERM, and when a worker fails it names the rank, gives the others a few
// seconds to report it in their own words (a lost peer is seen within
// seconds through the heartbeats), then stops whatever is left: a worker
// waiting for a peer that is gone would otherwise wait out its timeout.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace unbert {

struct LaunchPlan {
  int workers = 2;
  int master_port = 0;                 // 0: a free port
  std::vector<std::string> arguments;  // each worker's argv (argv[0] = this program)
  std::chrono::seconds grace{15};      // after a failure, before the rest are stopped
};

// Starts the workers and waits for all. Returns the exit code: 0 when every
// worker succeeded, else the first failing worker's (130 after Ctrl-C).
int launch_local_workers(const LaunchPlan& plan);

// A port on 127.0.0.1 that nobody listens on now (the kernel picks it).
int free_loopback_port();

// argv without `flag VALUE` / `flag=VALUE` (the launcher's own options).
std::vector<std::string> without_option(std::vector<std::string> argv, const std::string& flag);

}  // namespace unbert
