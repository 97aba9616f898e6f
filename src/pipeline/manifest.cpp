#include "unbert/pipeline/manifest.h"

#include <filesystem>

#include "unbert/common/build_info.h"
#include "unbert/common/fs.h"
#include "unbert/common/log.h"
#include "unbert/common/sha256.h"
#include "unbert/common/system.h"
#include "unbert/config/config_io.h"

namespace unbert {

namespace fs = std::filesystem;

std::vector<std::pair<std::string, std::string>> run_input_files(const RunConfig& config) {
  std::vector<std::pair<std::string, std::string>> files;
  auto add = [&](const std::string& label, const fs::path& path) {
    if (!path.empty() && fs::is_regular_file(path)) files.emplace_back(label, path.string());
  };
  for (const auto& [key, dir] :
       {std::pair<std::string, std::string>{"data.train_dir", config.data.train_dir},
        {"data.dev_dir", config.data.dev_dir},
        {"data.test_dir", config.data.test_dir}}) {
    if (dir.empty()) continue;
    add(key + "/behaviors.tsv", fs::path(dir) / "behaviors.tsv");
    add(key + "/news.tsv", fs::path(dir) / "news.tsv");
  }
  if (config.text.tokenizer == TokenizerKind::WordPiece)
    add("text.vocab", config.text.vocab);
  else
    add("text.spm_model", config.text.spm_model);
  if (!config.train.init_from.empty()) {
    add("train.init_from/model.safetensors",
        fs::path(config.train.init_from) / "model.safetensors");
  } else if (!config.model.pretrained.empty()) {
    for (const char* name : {"model.safetensors", "pytorch_model.bin", "config.json"})
      add(std::string("model.pretrained/") + name, fs::path(config.model.pretrained) / name);
  }
  return files;
}

RunManifest::RunManifest(std::string run_dir, const RunConfig& config,
                         const std::string& command_line, const torch::Device& device)
    : run_dir_(std::move(run_dir)), config_(config), earlier_(nlohmann::json::array()) {
  const std::string path = (fs::path(run_dir_) / "manifest.json").string();
  if (fs::exists(path)) {
    // A damaged manifest loses its history, never the run: the new session
    // starts a fresh list and says so.
    auto old = nlohmann::json::parse(read_text_file(path), nullptr, /*allow_exceptions=*/false);
    if (old.is_object() && old.contains("sessions") && old["sessions"].is_array())
      earlier_ = old["sessions"];
    else
      spdlog::warn("[train] {} is not a manifest this version wrote; starting a new one", path);
  }
  session_ = {{"status", "starting"},
              {"start", utc_now()},
              {"command_line", command_line},
              {"device", device.str()},
              {"threads", at::get_num_threads()},
              {"host", host_name()}};
  session_.update(to_json(build_info()));
  if (device.is_cuda()) session_["cuda_devices"] = torch::cuda::device_count();
  write();
}

void RunManifest::started(Precision precision) {
  session_["precision"] = enum_name(precision);
  const auto inputs = run_input_files(config_);
  uintmax_t total = 0;
  for (const auto& input : inputs) total += fs::file_size(input.second);
  // About 5 s per GB here: say so before a silent pause on MIND-large.
  spdlog::info("[train] manifest.json: hashing {} input files ({:.1f} MB, sha256)", inputs.size(),
               static_cast<double>(total) / 1e6);
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [label, path] : inputs)
    files[label] = {{"path", fs::absolute(path).lexically_normal().string()},
                    {"bytes", fs::file_size(path)},
                    {"sha256", sha256_file(path)}};
  session_["files"] = files;
  session_["status"] = "running";
  write();
}

void RunManifest::ended(const std::string& status) {
  session_["status"] = status;
  session_["end"] = utc_now();
  try {
    write();
  } catch (const std::exception& e) {  // never hide the error that ended the run
    spdlog::warn("[train] could not update the manifest: {}", e.what());
  }
}

void RunManifest::write() const {
  nlohmann::json sessions = earlier_;
  sessions.push_back(session_);
  nlohmann::json manifest = {{"run", fs::absolute(run_dir_).lexically_normal().string()},
                             {"sessions", sessions}};
  write_text_atomic((fs::path(run_dir_) / "manifest.json").string(), manifest.dump(2) + "\n");
}

}  // namespace unbert
