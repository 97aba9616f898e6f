#include "dist_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "unbert/common/error.h"

namespace unbert::test {

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw Error("test: no free port on 127.0.0.1");
  close(fd);
  return ntohs(address.sin_port);
}

World loopback_world(int rank, int size, int port, int timeout_s) {
  World world;
  world.rank = rank;
  world.size = size;
  world.local_rank = rank;
  world.master_addr = "127.0.0.1";
  world.master_port = port;
  world.source = "test";
  world.timeout = std::chrono::seconds(timeout_s);
  return world;
}

std::vector<std::string> run_ranks(int size, const std::function<void(int, int)>& body) {
  const int port = free_port();
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
