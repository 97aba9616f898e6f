#include "unbert/common/memory_limit.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>

#include <ATen/Parallel.h>

#include "unbert/common/error.h"

namespace unbert {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

// VmSize of /proc/self/status, in bytes (0 when it cannot be read).
uint64_t mapped_now() {
  std::ifstream status("/proc/self/status");
  std::string key;
  uint64_t kilobytes = 0;
  while (status >> key) {
    if (key == "VmSize:") {
      status >> kilobytes;
      return kilobytes * 1024;
    }
    status.ignore(1 << 16, '\n');
  }
  return 0;
}

// OpenBLAS's initialiser allocates a buffer of 128 MiB per core it may use
// and retries forever when that fails.
constexpr uint64_t kBlasBufferPerCore = 128 * kMiB;

// VmSize with system calls alone (no C++ runtime yet): 0 when unknown.
uint64_t mapped_by_syscalls() {
  const int fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[4096];
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return 0;
  text[n] = '\0';
  const char* field = std::strstr(text, "VmSize:");
  return field ? std::strtoull(field + 7, nullptr, 10) * 1024 : 0;
}

const char* kLimitAdvice =
    "remove the limit (ulimit -v unlimited; a cgroup's MemoryMax caps memory without counting "
    "reserved address space)";

}  // namespace

MemoryBounds memory_bounds() {
  MemoryBounds b;
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    b.address_limit = static_cast<uint64_t>(limit.rlim_cur);
  b.mapped = mapped_now();
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0)
    b.physical = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page);
  return b;
}

uint64_t library_reserve(int threads) {
  // Measured on Debian 12 (LibTorch 1.13, OpenBLAS-OpenMP, oneDNN 2.6), 2
  // threads: eval of the demo's model crashed in oneDNN or spun in OpenBLAS
  // with up to ~250 MiB of room above what was mapped once loaded, and
  // training mapped ~1.3 GiB beyond that at its peak; each thread adds a malloc
  // arena (64 MiB), its stack and oneDNN's scratch.
  return 256 * kMiB + static_cast<uint64_t>(threads > 0 ? threads : 1) * 192 * kMiB;
}

std::optional<std::string> memory_shortfall(const MemoryBounds& b, uint64_t need, int threads,
                                            const std::string& task, const std::string& fix) {
  if (b.physical > 0 && need > b.physical)
    return task + " needs about " + format_bytes(need) + ", more than this machine's " +
           format_bytes(b.physical) + " of memory; " + fix;
  if (!b.address_limit) return std::nullopt;
  const uint64_t total = b.mapped + library_reserve(threads) + need;
  if (total <= *b.address_limit) return std::nullopt;
  return "the address-space limit (ulimit -v) is " + format_bytes(*b.address_limit) + ", and " +
         task + " needs about " + format_bytes(total) + " of address space (" +
         format_bytes(b.mapped) + " mapped, " + format_bytes(need) + " of tensors, " +
         format_bytes(library_reserve(threads)) + " for thread pools); " + kLimitAdvice + " or " +
         fix;
}

void check_address_space_before_libraries() {
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  const int cores = sched_getaffinity(0, sizeof allowed, &allowed) == 0 ? CPU_COUNT(&allowed) : 1;
  const uint64_t need =
      mapped_by_syscalls() + static_cast<uint64_t>(cores) * kBlasBufferPerCore + 64 * kMiB;
  if (need <= limit.rlim_cur) return;
  char line[512];
  const int n = std::snprintf(
      line, sizeof line,
      "error: the address-space limit (ulimit -v) is %.0f MiB, and unbert needs at least %.0f MiB "
      "of it to start on %d cores (LibTorch, OpenMP and OpenBLAS reserve address space per core); "
      "%s, or run it on fewer cores (taskset -c 0 unbert ...)\n",
      static_cast<double>(limit.rlim_cur) / double(kMiB), static_cast<double>(need) / double(kMiB),
      cores, kLimitAdvice);
  if (n > 0) (void)!::write(2, line, std::strlen(line));
  ::_exit(1);
}

void check_memory(uint64_t need, const std::string& task, const std::string& fix) {
  if (auto message = memory_shortfall(memory_bounds(), need, at::get_num_threads(), task, fix))
    throw Error("not enough memory: " + *message);
}

std::optional<std::string> explain_allocation_failure(const std::string& what,
                                                      const MemoryBounds& b) {
  static const std::regex c10_failure(
      R"(can't allocate memory: you tried to allocate (\d+) bytes)");
  std::smatch match;
  std::string size;
  if (std::regex_search(what, match, c10_failure))
    size = " " + format_bytes(std::stoull(match[1].str()));
  else if (what != "std::bad_alloc")
    return std::nullopt;
  std::string line =
      "out of memory: an allocation of" + (size.empty() ? " memory" : size) + " failed";
  if (b.address_limit)
    return line + " under the address-space limit (ulimit -v) of " +
           format_bytes(*b.address_limit) + "; " + kLimitAdvice +
           ", or lower train.micro_batch / eval.batch_size";
  return line + " (this machine has " + format_bytes(b.physical) +
         "); lower train.micro_batch / eval.batch_size, or stop what else uses the memory";
}

std::string format_bytes(uint64_t bytes) {
  char text[32];
  if (bytes >= (kMiB << 10))
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / double(kMiB << 10));
  else if (bytes >= kMiB)
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / double(kMiB));
  else
    std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  return text;
}

}  // namespace unbert
