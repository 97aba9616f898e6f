#include "unbert/model/model_shape.h"

#include <filesystem>
#include <type_traits>

#include "unbert/common/error.h"
#include "unbert/config/config_io.h"

namespace unbert {
namespace {

Activation parse_activation(const std::string& name, const std::string& where) {
  if (name == "gelu") return Activation::Gelu;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return Activation::GeluTanh;
  if (name == "relu") return Activation::Relu;
  throw Error(where + ": hidden_act \"" + name + "\" is not supported (gelu, gelu_new or relu)");
}

const char* activation_name(Activation a) {
  return a == Activation::Gelu ? "gelu" : a == Activation::GeluTanh ? "gelu_new" : "relu";
}

template <class T>
T get(const nlohmann::json& j, const char* key, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end()) throw Error(path + ": missing key \"" + key + "\"");
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
    if (!it->is_number_integer())  // a float cast to an integer is undefined
      throw Error(path + ": key \"" + key + "\" has the wrong type (" + it->dump() + ")");
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(path + ": key \"" + key + "\" has the wrong type (" + it->dump() + ")");
  }
}

}  // namespace

nlohmann::json ModelShape::to_json() const {
  return {{"vocab_size", vocab_size},
          {"hidden_size", hidden_size},
          {"num_layers", num_layers},
          {"num_heads", num_heads},
          {"intermediate_size", intermediate_size},
          {"hidden_act", activation_name(activation)},
          {"layer_norm_eps", layer_norm_eps},
          {"max_position_embeddings", max_position_embeddings},
          {"type_vocab_size", type_vocab_size},
          {"max_news_segments", max_news_segments},
          {"use_position_embeddings", use_position_embeddings},
          {"dropout", dropout},
          {"attention_dropout", attention_dropout},
          {"news_layers", news_layers},
          {"aggregator", enum_name(aggregator)},
          {"level", enum_name(level)}};
}

ModelShape ModelShape::from_json(const nlohmann::json& j) {
  const std::string where = "model.json";
  ModelShape s;
  s.vocab_size = get<int64_t>(j, "vocab_size", where);
  s.hidden_size = get<int64_t>(j, "hidden_size", where);
  s.num_layers = get<int64_t>(j, "num_layers", where);
  s.num_heads = get<int64_t>(j, "num_heads", where);
  s.intermediate_size = get<int64_t>(j, "intermediate_size", where);
  s.activation = parse_activation(get<std::string>(j, "hidden_act", where), where);
  s.layer_norm_eps = get<double>(j, "layer_norm_eps", where);
  s.max_position_embeddings = get<int64_t>(j, "max_position_embeddings", where);
  s.type_vocab_size = get<int64_t>(j, "type_vocab_size", where);
  s.max_news_segments = get<int64_t>(j, "max_news_segments", where);
  s.use_position_embeddings = get<bool>(j, "use_position_embeddings", where);
  s.dropout = get<double>(j, "dropout", where);
  s.attention_dropout = get<double>(j, "attention_dropout", where);
  s.news_layers = get<int64_t>(j, "news_layers", where);
  RunConfig probe;
  nlohmann::json model = {{"aggregator", j.at("aggregator")}, {"level", j.at("level")}};
  probe = config_from_json({{"model", model}});
  s.aggregator = probe.model.aggregator;
  s.level = probe.model.level;
  return s;
}

ModelShape read_hf_config(const std::string& path) {
  nlohmann::json j = read_json_file(path);
  ModelShape s;
  s.vocab_size = get<int64_t>(j, "vocab_size", path);
  s.hidden_size = get<int64_t>(j, "hidden_size", path);
  s.num_layers = get<int64_t>(j, "num_hidden_layers", path);
  s.num_heads = get<int64_t>(j, "num_attention_heads", path);
  s.intermediate_size = get<int64_t>(j, "intermediate_size", path);
  s.activation = parse_activation(j.value("hidden_act", std::string("gelu")), path);
  s.layer_norm_eps = j.value("layer_norm_eps", 1e-12);
  s.max_position_embeddings = get<int64_t>(j, "max_position_embeddings", path);
  s.type_vocab_size = j.value("type_vocab_size", int64_t{2});
  if (s.hidden_size <= 0 || s.num_heads <= 0 || s.hidden_size % s.num_heads != 0)
    throw Error(path + ": hidden_size " + std::to_string(s.hidden_size) +
                " is not a multiple of num_attention_heads " + std::to_string(s.num_heads));
  return s;
}

ModelShape model_shape(const RunConfig& config, int64_t tokenizer_vocab_size) {
  const ModelConfig& m = config.model;
  ModelShape s;
  if (!m.pretrained.empty()) {
    std::string path = (std::filesystem::path(m.pretrained) / "config.json").string();
    if (!std::filesystem::exists(path))
      throw ConfigError("model.pretrained",
                        path +
                            " not found (download bert-base-uncased with "
                            "scripts/download_bert.sh, or set model.pretrained to \"\" to "
                            "start from random weights)");
    s = read_hf_config(path);
    if (tokenizer_vocab_size > s.vocab_size)
      throw ConfigError("text.vocab", "has " + std::to_string(tokenizer_vocab_size) +
                                          " tokens but " + path + " has vocab_size " +
                                          std::to_string(s.vocab_size));
  } else {
    s.vocab_size = tokenizer_vocab_size;
    s.hidden_size = m.hidden_size;
    s.num_layers = m.num_layers;
    s.num_heads = m.num_heads;
    s.intermediate_size = m.intermediate_size;
    s.layer_norm_eps = m.layer_norm_eps;
    s.max_position_embeddings = m.max_position_embeddings;
  }
  s.max_news_segments = config.text.max_news_segments;
  s.use_position_embeddings = m.use_position_embeddings;
  if (s.use_position_embeddings && s.max_position_embeddings < config.text.max_seq_len)
    throw ConfigError("text.max_seq_len", "is " + std::to_string(config.text.max_seq_len) +
                                              " but the position table has only " +
                                              std::to_string(s.max_position_embeddings) + " rows");
  s.dropout = m.dropout;
  s.attention_dropout = m.attention_dropout;
  s.news_layers = m.level == MatchLevel::Word ? 0 : m.news_level.layers;
  s.aggregator = m.aggregator;
  s.level = m.level;
  return s;
}

}  // namespace unbert
