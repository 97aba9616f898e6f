#include "unbert/model/activation_checkpoint.h"

#include <mutex>

#include "unbert/common/torch_compat.h"

namespace unbert {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// What the recompute needs, kept in the autograd context as a capsule.
struct Recompute : torch::CustomClassHolder {
  LayerFunction layer;
  torch::Device device = torch::kCPU;
  torch::Tensor rng_state;  // the device's default generator before the forward
  compat::AutocastState autocast = compat::AutocastState::current();
};

at::Generator default_generator(const torch::Device& device) {
  return at::globalContext().defaultGenerator(device);
}

torch::Tensor generator_state(const torch::Device& device) {
  at::Generator generator = default_generator(device);
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void set_generator_state(const torch::Device& device, const torch::Tensor& state) {
  at::Generator generator = default_generator(device);
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

class Checkpoint : public torch::autograd::Function<Checkpoint> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                               c10::intrusive_ptr<Recompute> recompute) {
    recompute->device = x.device();
    recompute->rng_state = generator_state(x.device());
    torch::Tensor y;
    {
      compat::AutocastCacheOff no_cache;  // autograd is off inside a Function's forward
      y = recompute->layer(x);
    }
    ctx->save_for_backward({x});
    ctx->saved_data["recompute"] = c10::IValue::make_capsule(std::move(recompute));
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto recompute =
        c10::static_intrusive_pointer_cast<Recompute>(ctx->saved_data["recompute"].toCapsule());
    torch::Tensor x = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    torch::Tensor y;
    {
      // The forward's random numbers again, then the state as it is now.
      const torch::Tensor now = generator_state(recompute->device);
      set_generator_state(recompute->device, recompute->rng_state);
      torch::AutoGradMode grad(true);
      compat::AutocastRestore autocast(recompute->autocast);
      y = recompute->layer(x);
      set_generator_state(recompute->device, now);
    }
    torch::autograd::backward({y}, {grad_outputs[0]});
    return {x.grad(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor checkpointed(const LayerFunction& layer, const torch::Tensor& x) {
  auto recompute = c10::make_intrusive<Recompute>();
  recompute->layer = layer;
  return Checkpoint::apply(x, std::move(recompute));
}

}  // namespace unbert
