// Before the first collective every rank checks that it runs rank 0's
// experiment: a hidden size or a train folder that differs would abort inside
// Gloo, a learning rate that differs would diverge fifty steps later.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "unbert/config/config.h"
#include "unbert/dist/process_group.h"

namespace unbert {

// Compares the resolved config, unbert's build, the size and hash of `files`
// (label -> path) and `known` (identities the caller has already computed)
// with rank 0's; a difference is one UsageError line on every rank naming the
// key and both values. A world of one hashes nothing.
void check_ranks_agree(ProcessGroup& group, const RunConfig& config,
                       const std::vector<std::pair<std::string, std::string>>& files,
                       const nlohmann::json& known = nlohmann::json::object());

// {"bytes": n, "hash": "16 hex digits"} of a file's content.
nlohmann::json file_identity(const std::string& path);

// The files a command reads from `data`'s folder for `splits` (behaviors.tsv,
// news.tsv of each), labelled by config key: "data.train_dir/news.tsv".
std::vector<std::pair<std::string, std::string>> split_files(
    const DataConfig& data, const std::vector<std::string>& splits);

// The tokenizer's file and the weights training starts from (train.init_from's
// or model.pretrained's), as far as they exist yet, labelled by config key.
std::vector<std::pair<std::string, std::string>> model_files(const RunConfig& config);

}  // namespace unbert
