// The sizes of the UNBERT network, from a HuggingFace config.json (when the
// word level is pretrained) or from the config's model section.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "unbert/config/config.h"

namespace unbert {

enum class Activation { Gelu, GeluTanh, Relu };

struct ModelShape {
  int64_t vocab_size = 30522;
  int64_t hidden_size = 768;
  int64_t num_layers = 12;
  int64_t num_heads = 12;
  int64_t intermediate_size = 3072;
  Activation activation = Activation::Gelu;
  double layer_norm_eps = 1e-12;
  int64_t max_position_embeddings = 512;
  int64_t type_vocab_size = 2;
  // UNBERT's own parts.
  int64_t max_news_segments = 64;
  bool use_position_embeddings = false;
  double dropout = 0.1;
  double attention_dropout = 0.1;
  int64_t news_layers = 12;
  AggregatorKind aggregator = AggregatorKind::Attention;
  MatchLevel level = MatchLevel::Both;

  nlohmann::json to_json() const;
  static ModelShape from_json(const nlohmann::json& j);  // our checkpoints' model.json
};

// Reads a HuggingFace BERT config.json (hidden_size, num_hidden_layers, ...).
// Missing or wrong-typed keys are errors that name the file and the key.
ModelShape read_hf_config(const std::string& path);

// The run's shape: the pretrained config.json when model.pretrained is set,
// else model.* sizes; UNBERT's own options always from the config.
ModelShape model_shape(const RunConfig& config, int64_t tokenizer_vocab_size);

}  // namespace unbert
