#include "unbert/train/training_state.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cstdio>
#include <mutex>

#include "unbert/common/error.h"

namespace unbert {

nlohmann::json TrainingState::to_json() const {
  return {{"epoch", epoch},
          {"batch_in_epoch", batch_in_epoch},
          {"step", step},
          {"total_steps", total_steps},
          {"samples_seen", samples_seen},
          {"best_auc", best_auc},
          {"best_step", best_step},
          {"evaluations_since_best", evaluations_since_best},
          {"loss_scale", loss_scale},
          {"good_steps", good_steps},
          {"torch_rng", torch_rng},
          {"torch_rng_ranks", rank_rngs},
          {"world_size", world_size},
          {"training_files", training_files}};
}

TrainingState TrainingState::from_json(const nlohmann::json& j, const std::string& where) {
  TrainingState s;
  try {
    s.epoch = j.at("epoch").get<int64_t>();
    s.batch_in_epoch = j.at("batch_in_epoch").get<int64_t>();
    s.step = j.at("step").get<int64_t>();
    s.total_steps = j.at("total_steps").get<int64_t>();
    s.samples_seen = j.at("samples_seen").get<int64_t>();
    s.best_auc = j.at("best_auc").get<double>();
    s.best_step = j.at("best_step").get<int64_t>();
    s.evaluations_since_best = j.value("evaluations_since_best", int64_t{0});
    s.loss_scale = j.at("loss_scale").get<double>();
    s.good_steps = j.at("good_steps").get<int64_t>();
    s.torch_rng = j.at("torch_rng").get<std::string>();
    s.rank_rngs = j.value("torch_rng_ranks", std::vector<std::string>());
    s.world_size = j.value("world_size", int64_t{1});
    s.training_files = j.value("training_files", nlohmann::json());
  } catch (const nlohmann::json::exception& e) {
    throw Error(where + ": malformed training state (" + e.what() + ")");
  }
  return s;
}

std::string save_torch_rng() {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  auto state = generator.get_state().contiguous();
  const auto* bytes = state.data_ptr<uint8_t>();
  std::string hex;
  char buffer[3];
  for (int64_t i = 0; i < state.numel(); ++i) {
    std::snprintf(buffer, sizeof buffer, "%02x", bytes[i]);
    hex += buffer;
  }
  return hex;
}

void restore_torch_rng(const std::string& hex) {
  if (hex.empty()) return;
  auto state = torch::empty({static_cast<int64_t>(hex.size() / 2)}, torch::kUInt8);
  auto* bytes = state.data_ptr<uint8_t>();
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes[i / 2] = static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16));
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

}  // namespace unbert
