// TensorBoard event files beside metrics.jsonl, so that `tensorboard --logdir
// runs` draws every run's curves: each numeric value of a row as a scalar
// (train/loss, train/lr, dev/auc, valid/auc, ...).
//
// One file per training session (events.out.tfevents.<seconds>.<host>.<pid>),
// append-only and flushed after every row. Its first event after the file
// version is a SessionLog START at the session's first step: TensorBoard
// then drops an earlier session's events from that step on (the steps a
// resumed run trains again), as it does for TensorFlow's and PyTorch's writers.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace unbert {

class TensorBoardLog {
 public:
  TensorBoardLog(const std::string& run_dir, int64_t first_step);
  void append(const nlohmann::json& row);  // needs "step"; strings, step and epoch skipped
  const std::string& path() const { return path_; }

 private:
  void write_event(const std::string& event);
  std::string path_;
  std::ofstream out_;
};

// The file format, for the read-back test and `unbert inspect`-like tools:
// TFRecord framing (length, masked CRC-32C of it, data, masked CRC-32C of
// it) around tensorflow.Event protos.
uint32_t crc32c(const std::string& bytes);
struct TensorBoardEvent {
  double wall_time = 0;
  int64_t step = 0;
  std::string file_version;
  int session_status = 0;  // SessionLog.status: 1 START
  std::vector<std::pair<std::string, float>> scalars;
};
// Every event of `path`; an Error naming the file and byte offset when a
// record is cut short or fails its checksum.
std::vector<TensorBoardEvent> read_tensorboard_events(const std::string& path);

}  // namespace unbert
