#include "dist_test_util.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
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

ForeignListener::ForeignListener() {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      listen(fd_, 16) != 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0)
    throw std::runtime_error("ForeignListener: cannot listen on loopback");
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] {
    while (!stop_) {
      pollfd ready{fd_, POLLIN, 0};
      if (poll(&ready, 1, 100) <= 0) continue;
      const int client = accept(fd_, nullptr, nullptr);
      if (client >= 0) close(client);
    }
  });
}

ForeignListener::~ForeignListener() {
  stop_ = true;
  thread_.join();
  close(fd_);
}

}  // namespace unbert::test
