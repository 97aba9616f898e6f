#include "unbert/eval/partial_scores.h"

#include <cstring>
#include <filesystem>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/common/log.h"

namespace unbert {

namespace {

namespace fs = std::filesystem;

constexpr const char* kMagic = "unbert-partial-scores 1 ";

// Reads one record (u64 n, n x u64 slot, n x f32 score) at `pos`; false at
// the end or at a torn record.
bool read_record(const std::string& bytes, std::size_t* pos, std::vector<uint64_t>* slots,
                 std::vector<float>* values) {
  uint64_t n = 0;
  if (bytes.size() - *pos < sizeof n) return false;
  std::memcpy(&n, bytes.data() + *pos, sizeof n);
  const std::size_t need = sizeof n + n * (sizeof(uint64_t) + sizeof(float));
  if (n > bytes.size() || bytes.size() - *pos < need) return false;
  const char* at = bytes.data() + *pos + sizeof n;
  const std::size_t old = slots->size();
  slots->resize(old + n);
  values->resize(old + n);
  std::memcpy(slots->data() + old, at, n * sizeof(uint64_t));
  std::memcpy(values->data() + old, at + n * sizeof(uint64_t), n * sizeof(float));
  *pos += need;
  return true;
}

}  // namespace

PartialScores::PartialScores(std::string path, std::string key, bool resume)
    : path_(std::move(path)) {
  fs::create_directories(fs::path(path_).parent_path());
  const std::string header = kMagic + key + "\n";
  std::size_t keep = 0;
  if (fs::exists(path_)) {
    const std::string bytes = read_text_file(path_);
    if (!resume) {
      spdlog::info(
          "[predict] {}: discarding the partial scores of an earlier attempt (--resume "
          "continues one)",
          path_);
    } else if (bytes.compare(0, header.size(), header) != 0) {
      throw UsageError(path_ +
                       ": these partial scores are of another checkpoint (or other weights at its "
                       "path), split content, text packing, precision, device, batch size or "
                       "number of ranks (" +
                       bytes.substr(0, std::min<std::size_t>(bytes.find('\n'), 300)) +
                       "); resume with the same ones, or run without --resume to start afresh");
    } else {
      std::size_t pos = header.size();
      while (read_record(bytes, &pos, &slots_, &values_)) ++batches_;
      keep = pos;
      spdlog::info("[predict] {}: continuing after {} scored batches ({} pairs)", path_, batches_,
                   slots_.size());
    }
  }
  if (keep == 0) {
    write_text_atomic(path_, header);
  } else {
    fs::resize_file(path_, keep);  // drop a torn last record
  }
  out_.open(path_, std::ios::binary | std::ios::app);
  if (!out_) throw Error(path_ + ": cannot write partial scores (" + std::strerror(errno) + ")");
}

void PartialScores::restore(std::vector<float>& scores) const {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i] >= scores.size())
      throw Error(path_ + ": a partial score for candidate " + std::to_string(slots_[i]) + " of " +
                  std::to_string(scores.size()) +
                  " (the file is damaged); run without --resume to start afresh");
    scores[slots_[i]] = values_[i];
  }
}

void PartialScores::append(const std::vector<std::size_t>& slots, const float* values) {
  const uint64_t n = slots.size();
  std::vector<uint64_t> wide(slots.begin(), slots.end());
  out_.write(reinterpret_cast<const char*>(&n), sizeof n);
  out_.write(reinterpret_cast<const char*>(wide.data()),
             static_cast<std::streamsize>(n * sizeof(uint64_t)));
  out_.write(reinterpret_cast<const char*>(values),
             static_cast<std::streamsize>(n * sizeof(float)));
  out_.flush();
  check_written(out_, path_);
  ++batches_;
}

void PartialScores::discard_other_layouts(const std::string& folder, int ranks) {
  std::error_code missing;
  const std::string mine = "-of-" + std::to_string(ranks) + ".scores";
  for (const auto& entry : fs::directory_iterator(folder, missing)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > mine.size() &&
        name.compare(name.size() - mine.size(), mine.size(), mine) == 0)
      continue;
    spdlog::info(
        "[predict] {}: partial scores of an attempt with another number of ranks; a {}-rank "
        "attempt cannot continue them, so they are deleted",
        entry.path().string(), ranks);
    fs::remove_all(entry.path(), missing);
  }
}

void PartialScores::remove_all() {
  out_.close();
  std::error_code ignored;
  fs::remove_all(fs::path(path_).parent_path(), ignored);
}

}  // namespace unbert
