#include "unbert/model/hf_loader.h"

#include <filesystem>
#include <set>
#include <sstream>

#include "unbert/common/error.h"
#include "unbert/common/log.h"

namespace unbert {
namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

bool replace_suffix(std::string* text, const std::string& from, const std::string& to) {
  if (text->size() < from.size() ||
      text->compare(text->size() - from.size(), from.size(), from) != 0)
    return false;
  text->replace(text->size() - from.size(), from.size(), to);
  return true;
}

std::string shape_text(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

std::string join(const std::vector<std::string>& items, std::size_t most = 8) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < most; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > most) out += ", ... (" + std::to_string(items.size()) + " in all)";
  return out;
}

}  // namespace

NamedTensors read_hf_weights(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::path safetensors = fs::path(dir) / "model.safetensors";
  fs::path bin = fs::path(dir) / "pytorch_model.bin";
  if (fs::exists(safetensors)) return read_safetensors(safetensors.string());
  if (fs::exists(bin)) return read_torch_bin(bin.string());
  throw Error(dir +
              ": has neither model.safetensors nor pytorch_model.bin (download them with "
              "scripts/download_bert.sh)");
}

void WeightReport::log(const std::string& source) const {
  spdlog::info("[model] loaded {} tensors from {}", loaded, source);
  if (!ignored.empty()) spdlog::info("[model] not used: {}", join(ignored));
  if (!missing.empty())
    spdlog::warn("[model] missing from {} (left initialised): {}", source, join(missing));
  if (!unexpected.empty())
    spdlog::warn("[model] unexpected in {} (not loaded): {}", source, join(unexpected));
}

WeightReport load_bert_weights(torch::nn::Module& module, const NamedTensors& tensors,
                               const std::string& prefix,
                               const std::vector<std::string>& new_parameters) {
  torch::NoGradGuard no_grad;
  auto params = module.named_parameters(/*recurse=*/true);
  WeightReport report;
  std::set<std::string> filled;
  bool has_pooler = false;
  for (const auto& p : params) has_pooler = has_pooler || starts_with(p.key(), prefix + "pooler.");
  for (const auto& [original, tensor] : tensors) {
    std::string key = original;
    if (starts_with(key, "cls.")) {
      report.ignored.push_back(original + " (pretraining head)");
      continue;
    }
    if (starts_with(key, "bert.")) key = key.substr(5);
    replace_suffix(&key, ".gamma", ".weight") || replace_suffix(&key, ".beta", ".bias");
    std::string target = prefix + key;
    auto* param = params.find(target);
    if (!param) {
      if (starts_with(key, "embeddings.position_embeddings."))
        report.ignored.push_back(original + " (model.use_position_embeddings is off)");
      else if (starts_with(key, "pooler.") && !has_pooler)
        report.ignored.push_back(original + " (UNBERT uses the [CLS] state, not the pooler)");
      else if (key == "embeddings.position_ids")
        report.ignored.push_back(original + " (a buffer, recomputed)");
      else
        report.unexpected.push_back(original);
      continue;
    }
    if (!param->sizes().equals(tensor.sizes()))
      throw Error("checkpoint tensor '" + original + "' has shape " + shape_text(tensor) +
                  " but the model's '" + target + "' has shape " + shape_text(*param));
    param->copy_(tensor);
    filled.insert(target);
    ++report.loaded;
  }
  for (const auto& p : params) {
    if (!starts_with(p.key(), prefix) || filled.count(p.key())) continue;
    bool is_new = false;
    for (const auto& fresh : new_parameters)
      is_new = is_new || starts_with(p.key(), prefix + fresh);
    if (!is_new) report.missing.push_back(p.key());
  }
  return report;
}

}  // namespace unbert
