#include "unbert/model/int8_linear.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include "unbert/common/error.h"

namespace unbert {
namespace {

// The engine, chosen once: FBGEMM or x86 where built in, else oneDNN
// (Debian's LibTorch has oneDNN only).
std::string choose_engine() {
  const auto& supported = at::globalContext().supportedQEngines();
  auto has = [&](at::QEngine e) {
    return std::find(supported.begin(), supported.end(), e) != supported.end();
  };
  for (auto [engine, name] :
       {std::pair{at::QEngine::X86, "x86"}, std::pair{at::QEngine::FBGEMM, "fbgemm"},
        std::pair{at::QEngine::ONEDNN, "onednn"}})
    if (has(engine)) {
      at::globalContext().setQEngine(engine);
      return name;
    }
  return "";
}

c10::OperatorHandle op(const char* name) {
  return c10::Dispatcher::singleton().findSchemaOrThrow(name, "");
}

}  // namespace

std::string int8_engine() {
  static const std::string engine = choose_engine();
  return engine;
}

Int8Linear::Int8Linear(const torch::Tensor& weight, const torch::Tensor& bias)
    : out_features_(weight.size(0)) {
  UNBERT_CHECK(!int8_engine().empty(), "int8 scoring without a quantized engine");
  torch::NoGradGuard no_grad;
  const torch::Tensor w = weight.detach().to(torch::kFloat32).contiguous();
  const torch::Tensor scales = (w.abs().amax(1) / 127.0).clamp_min(1e-12).to(torch::kDouble);
  const torch::Tensor q = at::quantize_per_channel(
      w, scales, torch::zeros({w.size(0)}, torch::kLong), 0, torch::kQInt8);
  std::vector<c10::IValue> stack{q, c10::optional<at::Tensor>(bias.detach().to(torch::kFloat32))};
  op("quantized::linear_prepack").callBoxed(&stack);
  packed_ = std::move(stack.at(0));
}

torch::Tensor Int8Linear::operator()(const torch::Tensor& x) const {
  // FBGEMM's kernels without VNNI saturate 8-bit activations in a pairwise
  // sum: 7 bits there, as PyTorch's quantize_dynamic does on x86.
  static const bool reduce_range = int8_engine() != "onednn";
  auto sizes = x.sizes().vec();
  std::vector<c10::IValue> stack{x.reshape({-1, x.size(-1)}).to(torch::kFloat32).contiguous(),
                                 packed_, reduce_range};
  op("quantized::linear_dynamic").callBoxed(&stack);
  sizes.back() = out_features_;
  return stack.at(0).toTensor().view(sizes);
}

}  // namespace unbert
