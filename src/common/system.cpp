#include "unbert/common/system.h"

#include <dlfcn.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <torch/torch.h>

namespace unbert {

int hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void set_threads(int threads) {
  torch::set_num_threads(threads > 0 ? threads : hardware_threads());
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

}  // namespace unbert
