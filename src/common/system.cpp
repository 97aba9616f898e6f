#include "unbert/common/system.h"

#include <dlfcn.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sched.h>
#include <unistd.h>

#include <ctime>

#include <fstream>
#include <sstream>
#include <thread>

#include <torch/torch.h>

namespace unbert {

int hardware_threads() {
  // The cores this process may run on (a container's or taskset's share), not the machine's.
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 0)
    return CPU_COUNT(&allowed);
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void set_threads(int threads) {
  torch::set_num_threads(threads > 0 ? threads : hardware_threads());
}

std::optional<std::string> oversubscribed_threads_warning(int threads, int cores) {
  if (threads <= cores) return std::nullopt;
  return "--threads " + std::to_string(threads) + " is more than the " + std::to_string(cores) +
         " cores this process may use: the threads take turns and every pass runs slower; use "
         "--threads " +
         std::to_string(cores) + " (or 0, all of them)";
}

std::optional<std::string> find_reference_blas(const std::string& proc_maps,
                                               bool optimized_symbols_loaded) {
  if (optimized_symbols_loaded) return std::nullopt;
  std::istringstream lines(proc_maps);
  std::string line;
  while (std::getline(lines, line)) {
    auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash);
    // Debian installs the reference implementation as .../blas/libblas.so.3;
    // optimized ones live in their own folders (openblas-openmp/, blis-openmp/).
    auto base = path.rfind('/');
    std::string name = path.substr(base + 1);
    if (name.rfind("libblas.so", 0) == 0 && path.find("/blas/libblas.so") != std::string::npos)
      return path;
  }
  return std::nullopt;
}

std::optional<std::string> slow_blas_warning() {
  std::ifstream maps("/proc/self/maps");
  if (!maps) return std::nullopt;
  std::stringstream text;
  text << maps.rdbuf();
  bool optimized = dlsym(RTLD_DEFAULT, "openblas_get_config") != nullptr ||
                   dlsym(RTLD_DEFAULT, "bli_info_get_version_str") != nullptr ||
                   dlsym(RTLD_DEFAULT, "mkl_get_version") != nullptr;
  auto path = find_reference_blas(text.str(), optimized);
  if (!path) return std::nullopt;
  return "LibTorch uses the slow reference BLAS (" + *path +
         "): matrix products run 10-15x slower. Fix: apt-get install libopenblas0-openmp "
         "(or run scripts/setup.sh)";
}

namespace {

// The first line of /proc/self/maps naming a file whose name contains `part`.
std::string mapped_library(const std::string& part) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash);
    if (path.substr(path.rfind('/') + 1).find(part) != std::string::npos) return path;
  }
  return "";
}

}  // namespace

std::string blas_in_use() {
  using ConfigText = const char* (*)();
  if (auto config = reinterpret_cast<ConfigText>(dlsym(RTLD_DEFAULT, "openblas_get_config")))
    return config();
  if (auto version = reinterpret_cast<ConfigText>(dlsym(RTLD_DEFAULT, "bli_info_get_version_str")))
    return std::string("BLIS ") + version();
  if (dlsym(RTLD_DEFAULT, "mkl_get_version") != nullptr) return "MKL";
  std::string library = mapped_library("blas");
  return library.empty() ? "unknown" : library;
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

int64_t peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      int64_t kilobytes = 0;
      status >> kilobytes;
      return kilobytes * 1024;
    }
    status.ignore(1 << 16, '\n');
  }
  return 0;
}

void reset_peak_resident() {
#ifdef __GLIBC__
  malloc_trim(0);  // freed memory back to the system first, or it would count as held
#endif
  std::ofstream("/proc/self/clear_refs") << "5";  // 5: reset the peak resident set size
}

}  // namespace unbert
