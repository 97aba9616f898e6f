// Our model checkpoints: a folder with model.safetensors (weights named as
// in the model), model.json (its shape), tokenizer.json (the tokenizer's
// identity and the text options it was trained with) and the tokenizer file
// itself (vocab.txt or tokenizer.model), so that the folder alone scores news
// on any machine. Loadable on any device.
#pragma once

#include <string>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "unbert/config/config.h"
#include "unbert/model/model_shape.h"
#include "unbert/model/unbert.h"

namespace unbert {

struct CheckpointInfo {
  ModelShape shape;
  std::string tokenizer_identity;
  nlohmann::json text;  // the TextConfig the model was trained with
  // Read: the tokenizer file's name inside the folder ("" in checkpoints
  // written before they carried one).
  std::string tokenizer_file;
};

// Writes the model files into the existing folder `dir`, with a copy of the
// tokenizer file `tokenizer_source`.
void write_model_files(const std::string& dir, Unbert& model, const CheckpointInfo& info,
                       const std::string& tokenizer_source);

// Reads model.json and tokenizer.json; errors name the file.
CheckpointInfo read_checkpoint_info(const std::string& dir);

// Copies model.safetensors into `model`; names and shapes must match exactly.
void load_model_weights(Unbert& model, const std::string& dir);

// The model of a checkpoint, on `device`, in eval mode.
Unbert load_checkpoint_model(const std::string& dir, const torch::Device& device);

// The shape `config` expects of a model with the checkpoint's BERT sizes: its
// own aggregator, level, position embeddings and news segments.
ModelShape shape_for_checkpoint(const CheckpointInfo& info, const RunConfig& config);

// Refuses a checkpoint whose shape or tokenizer differs from what the run
// expects, naming each difference.
void check_checkpoint_fits(const CheckpointInfo& info, const ModelShape& expected,
                           const std::string& tokenizer_identity, const std::string& dir);

}  // namespace unbert
