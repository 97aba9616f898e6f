// What a run trains on, recorded in each checkpoint: the size and content
// hash of the train split's behaviors.tsv and news.tsv. A resume on other
// data would continue a position that means something else (or lies past
// the end of the epoch), so it is refused with what changed.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "unbert/config/config.h"

namespace unbert {

// {"train/behaviors.tsv": {"path": ..., "bytes": n, "hash": "hex"}, "train/news.tsv": ...}
nlohmann::json training_files_fingerprint(const DataConfig& data);

// Throws Error naming the first file that differs and how to proceed.
void check_same_training_files(const nlohmann::json& recorded, const nlohmann::json& now,
                               const std::string& checkpoint);

}  // namespace unbert
