#include "unbert/model/checkpoint.h"

#include <filesystem>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/config/config_io.h"
#include "unbert/model/weights_io.h"

namespace unbert {
namespace {

std::string file_in(const std::string& dir, const char* name) {
  return (std::filesystem::path(dir) / name).string();
}

}  // namespace

void write_model_files(const std::string& dir, Unbert& model, const CheckpointInfo& info,
                       const std::string& tokenizer_source) {
  NamedTensors tensors;
  for (const auto& p : model->named_parameters()) tensors[p.key()] = p.value().detach();
  for (const auto& b : model->named_buffers()) tensors[b.key()] = b.value().detach();
  write_safetensors(file_in(dir, "model.safetensors"), tensors);
  write_text_atomic(file_in(dir, "model.json"), info.shape.to_json().dump(2) + "\n");
  // The copy's name replaces the source path in the recorded text options.
  const bool wordpiece = info.text.value("tokenizer", std::string("wordpiece")) == "wordpiece";
  const std::string file = wordpiece ? "vocab.txt" : "tokenizer.model";
  std::filesystem::copy_file(tokenizer_source, file_in(dir, file.c_str()),
                             std::filesystem::copy_options::overwrite_existing);
  nlohmann::json text = info.text;
  text[wordpiece ? "vocab" : "spm_model"] = file;
  nlohmann::json tokenizer = {
      {"identity", info.tokenizer_identity}, {"text", text}, {"file", file}};
  write_text_atomic(file_in(dir, "tokenizer.json"), tokenizer.dump(2) + "\n");
}

CheckpointInfo read_checkpoint_info(const std::string& dir) {
  if (!std::filesystem::is_directory(dir)) throw UsageError(dir + ": no such checkpoint folder");
  CheckpointInfo info;
  std::string model_json = file_in(dir, "model.json");
  try {
    info.shape = ModelShape::from_json(read_json_file(model_json));
    nlohmann::json tokenizer = read_json_file(file_in(dir, "tokenizer.json"));
    info.tokenizer_identity = tokenizer.at("identity").get<std::string>();
    info.text = tokenizer.at("text");
    info.tokenizer_file = tokenizer.value("file", std::string());
    if (!info.tokenizer_file.empty() &&
        !std::filesystem::is_regular_file(file_in(dir, info.tokenizer_file.c_str())))
      throw Error(dir + ": tokenizer.json names " + info.tokenizer_file +
                  ", which is missing from the folder (copy the whole checkpoint folder)");
  } catch (const nlohmann::json::exception& e) {
    throw Error(dir + ": malformed checkpoint metadata (" + e.what() + ")");
  } catch (const UsageError& e) {
    throw Error(std::string(e.what()) + " (an incomplete checkpoint?)");
  }
  return info;
}

void load_model_weights(Unbert& model, const std::string& dir) {
  NamedTensors tensors = read_safetensors(file_in(dir, "model.safetensors"));
  torch::NoGradGuard no_grad;
  auto params = model->named_parameters();
  for (const auto& p : params) {
    auto it = tensors.find(p.key());
    if (it == tensors.end())
      throw Error(dir + "/model.safetensors: lacks '" + p.key() +
                  "' (not a checkpoint of this model)");
    if (!it->second.sizes().equals(p.value().sizes()))
      throw Error(dir + "/model.safetensors: '" + p.key() + "' has the wrong shape");
    p.value().copy_(it->second);
  }
  if (tensors.size() != params.size())
    throw Error(dir + "/model.safetensors: holds " + std::to_string(tensors.size()) +
                " tensors, the model has " + std::to_string(params.size()));
}

Unbert load_checkpoint_model(const std::string& dir, const torch::Device& device) {
  CheckpointInfo info = read_checkpoint_info(dir);
  Unbert model(info.shape);
  load_model_weights(model, dir);
  model->to(device);
  model->eval();
  return model;
}

ModelShape shape_for_checkpoint(const CheckpointInfo& info, const RunConfig& config) {
  ModelShape expected = info.shape;
  expected.aggregator = config.model.aggregator;
  expected.level = config.model.level;
  expected.use_position_embeddings = config.model.use_position_embeddings;
  expected.max_news_segments = config.text.max_news_segments;
  return expected;
}

void check_checkpoint_fits(const CheckpointInfo& info, const ModelShape& expected,
                           const std::string& tokenizer_identity, const std::string& dir) {
  nlohmann::json have = info.shape.to_json(), want = expected.to_json();
  std::string differences;
  for (const auto& [key, value] : want.items()) {
    if (key == "dropout" || key == "attention_dropout") continue;  // training-only
    if (have.value(key, nlohmann::json()) != value)
      differences += (differences.empty() ? "" : "; ") + key + " is " + have[key].dump() +
                     " in the checkpoint but " + value.dump() + " in the config";
  }
  if (info.tokenizer_identity != tokenizer_identity)
    differences += (differences.empty() ? "" : "; ") + std::string("the tokenizer is ") +
                   info.tokenizer_identity + " in the checkpoint but " + tokenizer_identity +
                   " in the config";
  if (!differences.empty())
    throw UsageError("checkpoint " + dir + " does not fit the config: " + differences);
}

}  // namespace unbert
