// Weight readers: safetensors (header and offsets), and PyTorch's .bin (a zip
// holding a pickle); the first byte picks which.
#include "fuzz_util.h"
#include "unbert/model/weights_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace unbert;
  if (size == 0) return 0;
  const bool bin = data[0] & 1;
  const std::string path = fuzz::as_file(data + 1, size - 1, bin ? ".bin" : ".safetensors");
  fuzz::expect_clean([&] {
    NamedTensors tensors = bin ? read_torch_bin(path) : read_safetensors(path);
    for (auto& [name, tensor] : tensors) (void)tensor.sum();  // every byte it claims is readable
  });
  return 0;
}
