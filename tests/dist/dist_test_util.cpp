#include "dist_test_util.h"

#include <thread>

namespace unbert::test {

World loopback_world(int rank, int size, int port, int timeout_s) {
  World world;
  world.rank = rank;
  world.size = size;
  world.local_rank = rank;
  world.master_addr = "127.0.0.1";
  world.master_port = port;
  world.source = "test";
  world.launched = true;
  world.timeout = std::chrono::seconds(timeout_s);
  return world;
}

std::vector<std::string> run_ranks(int size, const std::function<void(int, int)>& body) {
  const int port = free_loopback_port();
  std::vector<std::string> errors(static_cast<std::size_t>(size));
  std::vector<std::thread> threads;
  for (int r = 0; r < size; ++r)
    threads.emplace_back([&, r] {
      try {
        body(r, port);
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(r)] = e.what();
      }
    });
  for (auto& t : threads) t.join();
  return errors;
}

}  // namespace unbert::test
