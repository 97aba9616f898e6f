// Two ranks in one test process, each on its own thread with its own c10d
// process group over loopback.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "unbert/dist/launcher.h"
#include "unbert/dist/world.h"

namespace unbert::test {

// A world of `size` on loopback at `port`, as rank `rank`.
World loopback_world(int rank, int size, int port, int timeout_s = 60);

// Runs body(rank) on `size` threads; returns each rank's error ("" if none).
std::vector<std::string> run_ranks(int size, const std::function<void(int rank, int port)>& body);

}  // namespace unbert::test
