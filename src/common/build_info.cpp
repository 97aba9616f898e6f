#include "unbert/common/build_info.h"

#include <regex>

#include <ATen/Version.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "unbert/common/system.h"

#ifndef UNBERT_GIT_COMMIT
#define UNBERT_GIT_COMMIT "unknown"
#endif

namespace unbert {

std::string cpu_capability_from_config(const std::string& show_config) {
  // Present on 1.13 and 2.x alike (2.x also has at::get_cpu_capability()).
  std::smatch match;
  static const std::regex line(R"(CPU capability usage:\s*([A-Za-z0-9_]+))");
  return std::regex_search(show_config, match, line) ? match[1].str() : "";
}

std::string onednn_version_from(const std::string& mkldnn_line) {
  std::smatch match;
  static const std::regex version(R"(v(\d+(\.\d+)+))");
  return std::regex_search(mkldnn_line, match, version) ? match[1].str() : "";
}

BuildInfo build_info() {
  BuildInfo info;
  info.version = UNBERT_VERSION;
  info.git_commit = UNBERT_GIT_COMMIT;
  info.libtorch = TORCH_VERSION;
  info.cuda_build = at::hasCUDA();
  info.cpu_capability = cpu_capability_from_config(at::show_config());
  if (info.cpu_capability.empty()) info.cpu_capability = "unknown";
  info.onednn = at::hasMKLDNN() ? onednn_version_from(at::get_mkldnn_version()) : "";
  info.blas = blas_in_use();
  return info;
}

std::string version_text(const BuildInfo& info) {
  std::string commit = info.git_commit.substr(0, 12);
  return "unbert " + info.version + " (commit " + commit + ")\n" + "LibTorch " + info.libtorch +
         (info.cuda_build ? " with CUDA" : " (CPU only)") + ", ATen CPU kernels " +
         info.cpu_capability + (info.onednn.empty() ? "" : ", oneDNN " + info.onednn) + "\nBLAS " +
         info.blas;
}

nlohmann::json to_json(const BuildInfo& info) {
  return {{"unbert", {{"version", info.version}, {"git_commit", info.git_commit}}},
          {"libtorch",
           {{"version", info.libtorch},
            {"cuda_build", info.cuda_build},
            {"cpu_capability", info.cpu_capability},
            {"onednn", info.onednn}}},
          {"blas", info.blas}};
}

}  // namespace unbert
