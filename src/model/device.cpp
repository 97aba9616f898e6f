#include "unbert/model/device.h"

#include "unbert/common/error.h"
#include "unbert/common/torch_compat.h"

namespace unbert {

torch::Device resolve_device(const std::string& spec) {
  if (spec == "auto") return compat::cuda_available() ? torch::Device(torch::kCUDA) : torch::kCPU;
  if (spec == "cpu") return torch::kCPU;
  if (spec == "cuda" || spec.rfind("cuda:", 0) == 0) {
    if (!compat::cuda_available())
      throw UsageError(
          "device '" + spec +
          "': no CUDA device in this build or machine (Debian's "
          "LibTorch is CPU-only; build against LibTorch with CUDA, or use --device cpu)");
    int index = spec == "cuda" ? 0 : std::stoi(spec.substr(5));
    if (index >= static_cast<int>(torch::cuda::device_count()))
      throw UsageError("device '" + spec + "': this machine has " +
                       std::to_string(torch::cuda::device_count()) + " CUDA device(s)");
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw UsageError("device '" + spec + "': use auto, cpu, cuda or cuda:N");
}

torch::Device resolve_device_for_rank(const std::string& spec, int local_rank, bool distributed) {
  torch::Device device = resolve_device(spec);
  if (distributed && device.is_cuda() && (spec == "auto" || spec == "cuda"))
    return resolve_device("cuda:" + std::to_string(local_rank));
  return device;
}

}  // namespace unbert
