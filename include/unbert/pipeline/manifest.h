// runs/<name>/manifest.json: what made the run, so that a number in a paper
// can be traced to a build, a machine and the exact input files. One session
// per start or resume:
//   {"run": "...", "sessions": [{"status", "start", "end", "command_line",
//     "unbert": {version, git_commit},
//     "libtorch": {version, cuda_build, cpu_capability, onednn},
//     "blas", "device", "precision", "threads", "host",
//     "files": {"data.train_dir/behaviors.tsv": {"path", "bytes", "sha256"}, ...}}]}
#pragma once

#include <string>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "unbert/config/config.h"
#include "unbert/config/enums.h"

namespace unbert {

class RunManifest {
 public:
  // Starts a session (status "starting") and writes the manifest.
  RunManifest(std::string run_dir, const RunConfig& config, const std::string& command_line,
              const torch::Device& device);
  // Once the model is built: the precision used, and the input files' hashes.
  void started(Precision precision);
  // "finished", "interrupted" or "failed", with the end time.
  void ended(const std::string& status);

  const nlohmann::json& session() const { return session_; }

 private:
  void write() const;

  std::string run_dir_;
  RunConfig config_;
  nlohmann::json earlier_;  // sessions recorded before this one
  nlohmann::json session_;
};

// The files a run reads, as (label, path): each split's behaviors.tsv and
// news.tsv, the tokenizer, pretrained or init_from weights; only those present.
std::vector<std::pair<std::string, std::string>> run_input_files(const RunConfig& config);

}  // namespace unbert
