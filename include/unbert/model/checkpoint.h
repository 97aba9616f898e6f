// Our model checkpoints: a folder with model.safetensors (weights named as
// in the model), model.json (its shape) and tokenizer.json (the tokenizer's
// identity and the text options it was trained with). Loadable on any device.
#pragma once

#include <string>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "unbert/model/model_shape.h"
#include "unbert/model/unbert.h"

namespace unbert {

struct CheckpointInfo {
  ModelShape shape;
  std::string tokenizer_identity;
  nlohmann::json text;  // the TextConfig the model was trained with
};

// Writes the three model files into the existing folder `dir`.
void write_model_files(const std::string& dir, Unbert& model, const CheckpointInfo& info);

// Reads model.json and tokenizer.json; errors name the file.
CheckpointInfo read_checkpoint_info(const std::string& dir);

// Copies model.safetensors into `model`; names and shapes must match exactly.
void load_model_weights(Unbert& model, const std::string& dir);

// The model of a checkpoint, on `device`, in eval mode.
Unbert load_checkpoint_model(const std::string& dir, const torch::Device& device);

// Refuses a checkpoint whose shape or tokenizer differs from what the run
// expects, naming each difference.
void check_checkpoint_fits(const CheckpointInfo& info, const ModelShape& expected,
                           const std::string& tokenizer_identity, const std::string& dir);

}  // namespace unbert
