#define UNBERT_COMPAT_C10D
#include "unbert/dist/process_group.h"

#include <net/if.h>
#include <netdb.h>
#include <sys/socket.h>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "unbert/common/error.h"
#include "unbert/common/log.h"
#include "unbert/common/torch_compat.h"

#if defined(UNBERT_C10D_GLOO)
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#endif

namespace unbert {

namespace {

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

}  // namespace

#if defined(UNBERT_C10D_GLOO)

namespace {

constexpr auto kBeat = std::chrono::milliseconds(1000);

std::string beat_key(int rank) {
  return "unbert/beat/" + std::to_string(rank);
}

bool loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

c10::intrusive_ptr<c10d::TCPStore> open_store(const World& world, bool server,
                                              std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(world.master_port);
  options.isServer = server;
  options.numWorkers = server ? c10::optional<std::size_t>(world.size) : c10::nullopt;
  options.waitWorkers = false;
  options.timeout = timeout;
  return compat::make_tcp_store(world.master_addr, options);
}

bool is_timeout(const std::string& detail) {
  std::string said = detail;
  for (char& c : said) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return said.find("timed out") != std::string::npos || said.find("timeout") != std::string::npos;
}

constexpr auto kWaitNote = std::chrono::seconds(10);  // how often a waiting rank says so

std::string seconds_left(std::chrono::steady_clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::seconds>(deadline - std::chrono::steady_clock::now());
  return std::to_string(std::max<int64_t>(0, left.count()));
}

// A rank other than 0 connects in short tries, so that it can say it is
// waiting for the master instead of being silent for the whole timeout.
c10::intrusive_ptr<c10d::TCPStore> join_store(const World& world) {
  if (world.main()) return open_store(world, true, world.timeout);  // listens; returns at once
  const auto deadline = std::chrono::steady_clock::now() + world.timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    try {
      return open_store(world, false,
                        std::max(std::chrono::milliseconds(100),
                                 std::min<std::chrono::milliseconds>(left, kWaitNote)));
    } catch (const std::exception& e) {
      if (!is_timeout(e.what()) || std::chrono::steady_clock::now() >= deadline) throw;
      spdlog::info("[dist] rank {}: waiting for the master at {}:{} (gives up in {} s)", world.rank,
                   world.master_addr, world.master_port, seconds_left(deadline));
    }
  }
}

std::string joined_key(int rank) {
  return "unbert/joined/" + std::to_string(rank);
}

std::string rank_list(const std::vector<int>& ranks) {
  std::string out;
  for (int r : ranks) out += (out.empty() ? "rank " : ", rank ") + std::to_string(r);
  return out;
}

std::vector<uint8_t> bytes_of(const std::string& text) {
  return {text.begin(), text.end()};
}

// Each rank adds to its counter every second on its own store connection
// (c10d's store client is not shared between threads). A rank that stopped
// counting is gone; the store itself lives in rank 0.
class Heartbeat {
 public:
  explicit Heartbeat(const World& world) : rank_(world.rank) {
    store_ = open_store(world, false, world.timeout);
    thread_ = std::thread([this] { beat(); });
  }
  ~Heartbeat() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void beat() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      try {
        store_->add(beat_key(rank_), 1);
      } catch (const std::exception&) {
        return;  // the store (rank 0) is gone; the next collective says so
      }
      wake_.wait_for(lock, kBeat, [this] { return stop_; });
    }
  }

  int rank_;
  c10::intrusive_ptr<c10d::TCPStore> store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

struct ProcessGroup::Impl {
  World world;
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<compat::C10dBackend> backend;
  std::string backend_name;
  std::unique_ptr<Heartbeat> heartbeat;
  std::string advice = "see each rank's unbert.rank<N>.log";

  // Which ranks stopped beating over a few beats, as words for an error.
  std::string missing_ranks() {
    try {
      store->setTimeout(std::chrono::seconds(5));
      auto counts = [&] {
        std::vector<int64_t> out;
        for (int r = 0; r < world.size; ++r) out.push_back(store->add(beat_key(r), 0));
        return out;
      };
      auto before = counts();
      std::this_thread::sleep_for(kBeat * 3);
      auto after = counts();
      std::string gone;
      for (int r = 0; r < world.size; ++r)
        if (r != world.rank && after[r] == before[r])
          gone += (gone.empty() ? "rank " : ", rank ") + std::to_string(r);
      return gone.empty() ? "every rank is still alive, so one is stuck (not answering)"
                          : gone + " stopped (died, was killed or hangs)";
    } catch (const std::exception&) {
      return "rank 0 is gone (its rendezvous store at " + world.master_addr + ":" +
             std::to_string(world.master_port) + " no longer answers)";
    }
  }

  [[noreturn]] void failed(const char* what, const std::string& detail) {
    const std::string who = missing_ranks();
    throw Error("distributed: " + std::string(what) + " failed on rank " +
                std::to_string(world.rank) + " of " + std::to_string(world.size) + ": " + who +
                " (" + first_line(detail) + "); " + advice);
  }

  // Starts a collective; a failure to start is reported as one that ran.
  template <class Start>
  c10::intrusive_ptr<c10d::Work> start(const char* what, Start&& begin) {
    try {
      return begin();
    } catch (const std::exception& e) {
      failed(what, e.what());
    }
  }

  void wait(const c10::intrusive_ptr<c10d::Work>& work, const char* what) {
    try {
      work->wait(world.timeout);
    } catch (const std::exception& e) {
      failed(what, e.what());
    }
  }
};

struct ProcessGroup::Pending::Impl {
  ProcessGroup::Impl* group;
  c10::intrusive_ptr<c10d::Work> work;
  const char* what;
};

namespace {

c10::intrusive_ptr<compat::C10dBackend> make_backend(const World& world,
                                                     const c10::intrusive_ptr<c10d::Store>& store,
                                                     const torch::Device& device,
                                                     std::string* name) {
  auto prefixed = c10::make_intrusive<c10d::PrefixStore>("unbert/pg", store);
#if defined(UNBERT_C10D_NCCL)
  if (device.is_cuda()) {
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = world.timeout;
    *name = "nccl";
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(prefixed, world.rank, world.size, options);
  }
#endif
  (void)device;  // Gloo takes CPU tensors; a CUDA device was refused before joining
  auto options = c10d::ProcessGroupGloo::Options::create(world.timeout);
  if (const char* iface = std::getenv("GLOO_SOCKET_IFNAME")) {
    // Gloo leaks its getifaddrs() list when the name is unknown (LeakSanitizer
    // reports it), so an unknown name never reaches it.
    if (if_nametoindex(iface) == 0)
      throw UsageError("distributed: GLOO_SOCKET_IFNAME=" + std::string(iface) +
                       " names no interface here; name one from 'ip -brief address'");
    try {
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(iface));
    } catch (const std::exception& e) {
      throw UsageError("distributed: GLOO_SOCKET_IFNAME=" + std::string(iface) +
                       " is not a network interface Gloo can use here (" + first_line(e.what()) +
                       "); name one from 'ip -brief address', or unset it");
    }
  } else if (loopback(world.master_addr))
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  else
    options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  options->threads = 2;
  *name = "gloo";
  return c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, world.rank, world.size, options);
}

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

// c10d retries a host name that does not resolve until its timeout, and then
// reports a timeout; a name the resolver says cannot exist is an error now.
void check_master_resolves(const World& world) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int code = getaddrinfo(world.master_addr.c_str(), nullptr, &hints, &found);
  if (found) freeaddrinfo(found);
  if (code == EAI_NONAME || code == EAI_FAIL)
    throw Error("distributed: rank " + std::to_string(world.rank) + ": the master's host '" +
                world.master_addr + "' does not resolve (" + gai_strerror(code) +
                "); set MASTER_ADDR (or --master-addr) to rank 0's host name or IP address");
}

// Why joining failed, as one line: a port in use and a timeout (rank 0
// waiting for peers, or a rank that never reached rank 0) have their own
// words; anything else (a port of another service) says what LibTorch said.
[[noreturn]] void throw_rendezvous_error(const World& world, const std::string& detail) {
  const std::string where = world.master_addr + ":" + std::to_string(world.master_port);
  const std::string rank = std::to_string(world.rank);
  if (contains(detail, "ddress already in use"))
    throw Error("distributed: rank 0 cannot listen on " + where +
                ": the port is in use (another job?); set MASTER_PORT (or --master-port) to a "
                "free port");
  const bool timed_out = is_timeout(detail);
  if (timed_out && world.main())
    throw Error("distributed: rank 0 (the master, at " + where + ") waited " +
                std::to_string(world.timeout.count()) + " s for the other ranks (" +
                first_line(detail) + "); check that all " + std::to_string(world.size) +
                " ranks were started with MASTER_ADDR / MASTER_PORT pointing here");
  if (timed_out)
    throw Error("distributed: rank " + rank + " could not reach the master at " + where +
                " within " + std::to_string(world.timeout.count()) + " s (" + first_line(detail) +
                "); check MASTER_ADDR / MASTER_PORT, that rank 0 is running, and that all " +
                std::to_string(world.size) + " ranks were started");
  throw Error("distributed: rank " + rank + " could not open the rendezvous store at " + where +
              ": " + first_line(detail) +
              "; check MASTER_ADDR / MASTER_PORT (for rank 0 the host must be this machine)");
}

// Leaf keys of a JSON object as "a.b.c" -> value.
void flatten(const nlohmann::json& node, const std::string& prefix,
             std::map<std::string, nlohmann::json>* out) {
  if (!node.is_object() || node.empty()) {
    (*out)[prefix] = node;
    return;
  }
  for (const auto& [key, value] : node.items())
    flatten(value, prefix.empty() ? key : prefix + "." + key, out);
}

// "KEY is A here, B on rank 0" for the first key that differs, else "".
std::string first_difference(const nlohmann::json& mine, const nlohmann::json& theirs) {
  std::map<std::string, nlohmann::json> a, b;
  flatten(mine, "", &a);
  flatten(theirs, "", &b);
  for (auto& [key, value] : b) a.emplace(key, nullptr);  // keys only rank 0 has
  for (const auto& [key, value] : a) {
    auto other = b.find(key);
    const nlohmann::json there = other == b.end() ? nlohmann::json() : other->second;
    if (value != there)
      return key + " is " + (value.is_null() ? "absent" : value.dump()) + " here, " +
             (there.is_null() ? "absent" : there.dump()) + " on rank 0";
  }
  return "";
}

// Every rank marks itself joined, then waits for the rest, saying so every
// few seconds: Gloo would wait silently for the whole timeout.
void wait_for_peers(c10d::TCPStore& store, const World& world) {
  const auto deadline = std::chrono::steady_clock::now() + world.timeout;
  auto next_note = std::chrono::steady_clock::now() + kWaitNote / 2;
  std::vector<int> missing;
  try {
    store.set(joined_key(world.rank), bytes_of("1"));
    while (true) {
      missing.clear();
      for (int r = 0; r < world.size; ++r)
        if (!store.check({joined_key(r)})) missing.push_back(r);
      if (missing.empty()) return;
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      if (now >= next_note) {
        spdlog::info(
            "[dist] rank {}: waiting for {} to join at {}:{} ({} of {} here; gives up in "
            "{} s)",
            world.rank, rank_list(missing), world.master_addr, world.master_port,
            world.size - static_cast<int>(missing.size()), world.size, seconds_left(deadline));
        next_note = now + kWaitNote;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  } catch (const std::exception& e) {
    throw_rendezvous_error(world, e.what());
  }
  const std::string where = world.master_addr + ":" + std::to_string(world.master_port);
  const std::string who = world.main() ? "rank 0 (the master, at " + where + ")"
                                       : "rank " + std::to_string(world.rank) +
                                             " (joined at the master, " + where + ")";
  throw Error("distributed: " + who + " waited " + std::to_string(world.timeout.count()) +
              " s for the other ranks: " + rank_list(missing) + " never joined (" +
              std::to_string(world.size - static_cast<int>(missing.size())) + " of " +
              std::to_string(world.size) + " did); check that all " + std::to_string(world.size) +
              " ranks were started with MASTER_ADDR / MASTER_PORT pointing here");
}

}  // namespace

bool ProcessGroup::available() {
  return true;
}

ProcessGroup::ProcessGroup(const World& world, const torch::Device& device)
    : world_(world), impl_(std::make_unique<Impl>()) {
  impl_->world = world;
  if (!world.distributed() && !world.launched) return;
  check_master_resolves(world);
#if !defined(UNBERT_C10D_NCCL)
  if (device.is_cuda())  // said before waiting for peers that would meet for nothing
    throw UsageError(
        "--device " + device.str() +
        " across processes needs NCCL, and this build has no c10d NCCL; build against a CUDA "
        "LibTorch with NCCL headers, or train with --device cpu");
#endif
  try {
    impl_->store = join_store(world);
  } catch (const std::exception& e) {
    throw_rendezvous_error(world, e.what());
  }
  wait_for_peers(*impl_->store, world);
  try {
    // Gloo and NCCL meet their peers through the store.
    impl_->backend = make_backend(world, impl_->store, device, &impl_->backend_name);
  } catch (const UsageError&) {
    throw;
  } catch (const std::exception& e) {
    throw_rendezvous_error(world, e.what());
  }
  impl_->heartbeat = std::make_unique<Heartbeat>(world);
  spdlog::info("[dist] {}: joined over {} ({} s timeout, {} store)", world.describe(),
               impl_->backend_name, world.timeout.count(),
               compat::tcp_store_uses_libuv(*impl_->store) ? "libuv" : "classic");
}

ProcessGroup::~ProcessGroup() {
  if (!impl_) return;
  impl_->heartbeat.reset();
  impl_->backend.reset();
}

std::string ProcessGroup::backend() const {
  return impl_ && impl_->backend ? impl_->backend_name : "none";
}

void ProcessGroup::allreduce_sum(torch::Tensor& tensor, const char* what) {
  if (!impl_->backend) return;
  std::vector<torch::Tensor> tensors{tensor};
  impl_->wait(impl_->start(what, [&] { return impl_->backend->allreduce(tensors); }), what);
}

ProcessGroup::Pending ProcessGroup::allreduce_sum_async(torch::Tensor tensor, const char* what) {
  Pending pending;
  if (!impl_->backend) return pending;
  std::vector<torch::Tensor> tensors{tensor};
  pending.impl_ = std::make_unique<Pending::Impl>();
  pending.impl_->group = impl_.get();
  pending.impl_->what = what;
  pending.impl_->work = impl_->start(what, [&] { return impl_->backend->allreduce(tensors); });
  return pending;
}

void ProcessGroup::broadcast(torch::Tensor& tensor, const char* what) {
  if (!impl_->backend) return;
  std::vector<torch::Tensor> tensors{tensor};
  impl_->wait(impl_->start(what, [&] { return impl_->backend->broadcast(tensors); }), what);
}

std::vector<torch::Tensor> ProcessGroup::allgather(const torch::Tensor& mine, const char* what) {
  if (!impl_->backend) return {mine};
  std::vector<torch::Tensor> input{mine.contiguous()};
  std::vector<std::vector<torch::Tensor>> output(1);
  for (int r = 0; r < world_.size; ++r) output[0].push_back(torch::empty_like(input[0]));
  impl_->wait(impl_->start(what, [&] { return impl_->backend->allgather(output, input); }), what);
  return output[0];
}

void ProcessGroup::barrier(const char* what) {
  if (!impl_->backend) return;
  impl_->wait(impl_->start(what, [&] { return impl_->backend->barrier(); }), what);
}

void ProcessGroup::agree(const std::string& what, const nlohmann::json& facts) {
  if (!impl_->store) return;
  const std::string prefix = "unbert/agree/" + what + "/";
  c10d::TCPStore& store = *impl_->store;
  try {
    if (main()) store.set(prefix + "0", bytes_of(facts.dump()));
    std::string verdict;
    if (!main()) {
      const std::vector<uint8_t> theirs = store.get(prefix + "0");
      verdict = first_difference(facts, nlohmann::json::parse(theirs.begin(), theirs.end()));
      if (!verdict.empty())
        verdict =
            "rank " + std::to_string(rank()) + "'s " + what + " differs from rank 0's: " + verdict;
    }
    store.set(prefix + "verdict/" + std::to_string(rank()), bytes_of(verdict));
    for (int r = 0; r < size(); ++r) {
      const std::vector<uint8_t> said = store.get(prefix + "verdict/" + std::to_string(r));
      if (!said.empty() && verdict.empty()) verdict.assign(said.begin(), said.end());
    }
    // Rank 0 holds the store: it stays until every rank has read the verdicts.
    store.add(prefix + "read", 1);
    const auto deadline = std::chrono::steady_clock::now() + world_.timeout;
    while (main() && store.add(prefix + "read", 0) < size() &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (verdict.empty()) return;
    throw UsageError("distributed: " + verdict +
                     "; start every rank with the same config, data and unbert build");
  } catch (const UsageError&) {
    throw;
  } catch (const std::exception& e) {
    impl_->failed("agreement on the setup", e.what());
  }
}

void ProcessGroup::set_failure_advice(std::string advice) {
  impl_->advice = std::move(advice);
}

void ProcessGroup::Pending::wait() {
  if (!impl_) return;
  auto impl = std::move(impl_);
  impl->group->wait(impl->work, impl->what);
}

#else  // a LibTorch without c10d's Gloo: one process only

struct ProcessGroup::Impl {};
struct ProcessGroup::Pending::Impl {};

bool ProcessGroup::available() {
  return false;
}

ProcessGroup::ProcessGroup(const World& world, const torch::Device&) : world_(world) {
  if (world.distributed())
    throw UsageError(
        "this unbert was built without c10d's Gloo (libgloo-dev was missing at build time), so "
        "it runs as one process; install libgloo-dev and rebuild (scripts/setup.sh)");
}
ProcessGroup::~ProcessGroup() = default;
std::string ProcessGroup::backend() const {
  return "none";
}
void ProcessGroup::allreduce_sum(torch::Tensor&, const char*) {}
ProcessGroup::Pending ProcessGroup::allreduce_sum_async(torch::Tensor, const char*) {
  return {};
}
void ProcessGroup::broadcast(torch::Tensor&, const char*) {}
std::vector<torch::Tensor> ProcessGroup::allgather(const torch::Tensor& mine, const char*) {
  return {mine};
}
void ProcessGroup::barrier(const char*) {}
void ProcessGroup::agree(const std::string&, const nlohmann::json&) {}
void ProcessGroup::set_failure_advice(std::string) {}
void ProcessGroup::Pending::wait() {}

#endif

ProcessGroup::ProcessGroup() : impl_(std::make_unique<Impl>()) {}

ProcessGroup::Pending::Pending() = default;
ProcessGroup::Pending::Pending(Pending&&) noexcept = default;
ProcessGroup::Pending& ProcessGroup::Pending::operator=(Pending&&) noexcept = default;
ProcessGroup::Pending::~Pending() = default;

ProcessGroup& single_process_group() {
  static ProcessGroup group;
  return group;
}

void broadcast_tensors(ProcessGroup& group, const std::vector<torch::Tensor>& tensors,
                       const char* what) {
  if (group.size() == 1) return;
  constexpr int64_t kPiece = int64_t{64} << 20;
  std::map<torch::ScalarType, std::vector<torch::Tensor>> by_type;
  for (const auto& t : tensors) by_type[t.scalar_type()].push_back(t);
  torch::NoGradGuard no_grad;
  for (auto& [type, list] : by_type) {
    std::size_t begin = 0;
    while (begin < list.size()) {
      std::size_t end = begin;
      int64_t bytes = 0;
      while (end < list.size() && (end == begin || bytes + list[end].nbytes() <= kPiece))
        bytes += static_cast<int64_t>(list[end++].nbytes());
      std::vector<torch::Tensor> flat;
      for (std::size_t i = begin; i < end; ++i) flat.push_back(list[i].reshape({-1}));
      torch::Tensor piece = torch::cat(flat);
      group.broadcast(piece, what);
      int64_t offset = 0;
      for (std::size_t i = begin; i < end; ++i) {
        const int64_t n = list[i].numel();
        list[i].copy_(piece.narrow(0, offset, n).view_as(list[i]));
        offset += n;
      }
      begin = end;
    }
  }
}

}  // namespace unbert
