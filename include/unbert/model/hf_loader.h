// Loading a HuggingFace BERT folder (config.json + model.safetensors or
// pytorch_model.bin) into UNBERT's word-level module.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "unbert/model/weights_io.h"

namespace unbert {

// model.safetensors when present, else pytorch_model.bin; an Error otherwise.
NamedTensors read_hf_weights(const std::string& dir);

struct WeightReport {
  std::size_t loaded = 0;
  std::vector<std::string> missing;     // our parameters the checkpoint lacks
  std::vector<std::string> unexpected;  // checkpoint keys we have no place for
  std::vector<std::string> ignored;     // keys deliberately unused (pretraining head, ...)

  void log(const std::string& source) const;  // one line per non-empty list
};

// Copies checkpoint tensors into the parameters of `module` named
// `prefix` + key. Keys may carry "bert." or not; TF-era gamma/beta become
// weight/bias; cls.* (the pretraining head) is ignored. Parameters whose names
// start with an entry of `new_parameters` are expected to be missing. A shape
// mismatch is an Error naming the tensor and both shapes.
WeightReport load_bert_weights(torch::nn::Module& module, const NamedTensors& tensors,
                               const std::string& prefix,
                               const std::vector<std::string>& new_parameters = {});

}  // namespace unbert
