#include "unbert/train/data_fingerprint.h"

#include <filesystem>

#include "unbert/common/error.h"
#include "unbert/common/hash.h"

namespace unbert {

nlohmann::json training_files_fingerprint(const DataConfig& data) {
  nlohmann::json files = nlohmann::json::object();
  for (const char* name : {"behaviors.tsv", "news.tsv"}) {
    const std::string path = (std::filesystem::path(data.train_dir) / name).string();
    files[std::string("train/") + name] = {{"path", path},
                                           {"bytes", std::filesystem::file_size(path)},
                                           {"hash", hex64(hash_file(path))}};
  }
  return files;
}

void check_same_training_files(const nlohmann::json& recorded, const nlohmann::json& now,
                               const std::string& checkpoint) {
  if (!recorded.is_object()) return;  // a checkpoint from before the record
  for (const auto& [role, then] : recorded.items()) {
    if (!now.contains(role) || now[role].value("hash", "") == then.value("hash", "")) continue;
    const nlohmann::json& current = now[role];
    throw Error(current.value("path", role) + " changed since checkpoint " + checkpoint +
                " was written (" + std::to_string(then.value("bytes", uint64_t{0})) +
                " bytes, hash " + then.value("hash", "?") + "; now " +
                std::to_string(current.value("bytes", uint64_t{0})) + " bytes, hash " +
                current.value("hash", "?") +
                "): restore the data the run was trained on, or start a new run on this data");
  }
}

}  // namespace unbert
