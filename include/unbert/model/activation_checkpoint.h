// Activation checkpointing (train.activation_checkpointing): a layer's
// forward runs without keeping its intermediate activations, and backward
// runs it again to get them, so a stack of N layers keeps N inputs instead of
// N layers' worth of attention scores and feed-forward states. The recompute
// sees the random state (dropout) and the autocast state the forward saw, so
// gradients are those of the plain forward bit for bit (a test).
#pragma once

#include <functional>

#include <torch/torch.h>

namespace unbert {

using LayerFunction = std::function<torch::Tensor(const torch::Tensor& x)>;

// layer(x), with x's graph kept and layer's activations recomputed in backward.
// `layer` must stay valid until backward has run (it is called again there).
torch::Tensor checkpointed(const LayerFunction& layer, const torch::Tensor& x);

}  // namespace unbert
