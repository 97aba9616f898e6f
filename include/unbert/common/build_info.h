// What this unbert is built on, as the run manifest and `unbert --version`
// report it: a number in a paper traces back to these.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace unbert {

struct BuildInfo {
  std::string version;         // unbert's own
  std::string git_commit;      // "unknown" outside a git checkout
  std::string libtorch;        // "2.6.0"
  bool cuda_build = false;     // LibTorch has CUDA kernels
  std::string cpu_capability;  // the ATen kernels in use: "AVX2", "AVX512", "DEFAULT"
  std::string onednn;          // "3.7.1" or "" without oneDNN
  std::string blas;            // blas_in_use()
};

BuildInfo build_info();

// The "CPU capability usage: X" line of ATen's build summary ("" when absent).
std::string cpu_capability_from_config(const std::string& show_config);
// The version in ATen's oneDNN (MKL-DNN) line: "Intel(R) MKL-DNN v2.6.3 (Git ...)" -> "2.6.3".
std::string onednn_version_from(const std::string& mkldnn_line);

// Lines for `unbert --version`.
std::string version_text(const BuildInfo& info);

// The manifest's "unbert" / "libtorch" / "blas" fields.
nlohmann::json to_json(const BuildInfo& info);

}  // namespace unbert
