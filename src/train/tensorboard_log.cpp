#include "unbert/train/tensorboard_log.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/common/system.h"

namespace unbert {
namespace {

namespace fs = std::filesystem;

// Protocol-buffer wire format: keys and varints, fixed-width little-endian.
enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kBytes = 2, kFixed32 = 5 };

void put_varint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

void put_key(std::string* out, uint32_t field, WireType type) {
  put_varint(out, (static_cast<uint64_t>(field) << 3) | type);
}

void put_fixed(std::string* out, uint64_t bits, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

void put_bytes(std::string* out, uint32_t field, const std::string& bytes) {
  put_key(out, field, kBytes);
  put_varint(out, bytes.size());
  *out += bytes;
}

void put_double(std::string* out, uint32_t field, double value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  put_key(out, field, kFixed64);
  put_fixed(out, bits, 8);
}

void put_float(std::string* out, uint32_t field, float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  put_key(out, field, kFixed32);
  put_fixed(out, bits, 4);
}

// tensorflow.Event: wall_time 1, step 2, file_version 3, summary 5, session_log 7.
std::string event_head(double wall_time, int64_t step) {
  std::string event;
  put_double(&event, 1, wall_time);
  put_key(&event, 2, kVarint);
  put_varint(&event, static_cast<uint64_t>(step));
  return event;
}

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

uint32_t masked(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

std::string little_endian(uint64_t bits, int bytes) {
  std::string out;
  put_fixed(&out, bits, bytes);
  return out;
}

// Scalars of a row: top-level numbers as train/<key>, an object's numbers
// as <object>/<key> (dev/auc); the step is the event's, the epoch no curve.
void add_scalars(const nlohmann::json& row, const std::string& prefix, std::string* summary) {
  for (const auto& [key, value] : row.items()) {
    if (prefix.empty() && (key == "step" || key == "epoch")) continue;
    if (value.is_object()) {
      add_scalars(value, key, summary);
      continue;
    }
    if (!value.is_number()) continue;
    std::string entry;
    put_bytes(&entry, 1, (prefix.empty() ? "train" : prefix) + "/" + key);  // Value.tag
    put_float(&entry, 2, value.get<float>());                               // simple_value
    put_bytes(summary, 1, entry);                                           // Summary.value
  }
}

// A reader of one message's fields.
class Fields {
 public:
  Fields(std::string_view bytes, const std::string& where) : bytes_(bytes), where_(where) {}
  bool next() {
    if (pos_ >= bytes_.size()) return false;
    const uint64_t key = varint();
    field_ = static_cast<uint32_t>(key >> 3);
    type_ = static_cast<uint32_t>(key & 7);
    if (type_ == kVarint) {
      number_ = varint();
    } else if (type_ == kFixed64 || type_ == kFixed32) {
      const std::size_t n = type_ == kFixed64 ? 8 : 4;
      need(n);
      number_ = 0;
      for (std::size_t i = 0; i < n; ++i)
        number_ |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
      pos_ += n;
    } else if (type_ == kBytes) {
      const uint64_t n = varint();
      need(n);
      data_ = bytes_.substr(pos_, n);
      pos_ += n;
    } else {
      throw Error(where_ + ": an event holds protobuf wire type " + std::to_string(type_) +
                  ", which these files never use");
    }
    return true;
  }
  uint32_t field() const { return field_; }
  uint64_t number() const { return number_; }
  std::string_view data() const { return data_; }

 private:
  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1);
      const auto byte = static_cast<unsigned char>(bytes_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return value;
    }
    throw Error(where_ + ": a varint longer than 10 bytes");
  }
  void need(uint64_t n) const {
    if (n > bytes_.size() - pos_) throw Error(where_ + ": an event ends inside a field");
  }
  std::string_view bytes_;
  std::string where_;
  std::size_t pos_ = 0;
  uint32_t field_ = 0, type_ = 0;
  uint64_t number_ = 0;
  std::string_view data_;
};

TensorBoardEvent parse_event(std::string_view bytes, const std::string& where) {
  TensorBoardEvent event;
  Fields f(bytes, where);
  while (f.next()) {
    if (f.field() == 1) {
      const uint64_t bits = f.number();
      std::memcpy(&event.wall_time, &bits, sizeof bits);
    } else if (f.field() == 2) {
      event.step = static_cast<int64_t>(f.number());
    } else if (f.field() == 3) {
      event.file_version = std::string(f.data());
    } else if (f.field() == 7) {
      Fields log(f.data(), where);
      while (log.next())
        if (log.field() == 1) event.session_status = static_cast<int>(log.number());
    } else if (f.field() == 5) {
      Fields summary(f.data(), where);
      while (summary.next()) {
        if (summary.field() != 1) continue;
        Fields value(summary.data(), where);
        std::pair<std::string, float> scalar;
        while (value.next()) {
          if (value.field() == 1) scalar.first = std::string(value.data());
          if (value.field() == 2) {
            const auto bits = static_cast<uint32_t>(value.number());
            std::memcpy(&scalar.second, &bits, sizeof bits);
          }
        }
        event.scalars.push_back(scalar);
      }
    }
  }
  return event;
}

uint64_t read_fixed(std::string_view bytes, std::size_t at, int n) {
  uint64_t value = 0;
  for (int i = 0; i < n; ++i)
    value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return value;
}

}  // namespace

uint32_t crc32c(const std::string& bytes) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : bytes) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

TensorBoardLog::TensorBoardLog(const std::string& run_dir, int64_t first_step) {
  const double now = now_seconds();
  path_ = (fs::path(run_dir) / ("events.out.tfevents." + std::to_string(static_cast<int64_t>(now)) +
                                "." + host_name() + "." + std::to_string(::getpid())))
              .string();
  out_.open(path_, std::ios::binary | std::ios::app);
  if (!out_) throw Error(path_ + ": cannot be written (TensorBoard events)");
  std::string version = event_head(now, first_step);
  put_bytes(&version, 3, "brain.Event:2");
  write_event(version);
  std::string start = event_head(now, first_step);
  std::string session_log;
  put_key(&session_log, 1, kVarint);
  put_varint(&session_log, 1);  // START: TensorBoard drops older events from first_step on
  put_bytes(&start, 7, session_log);
  write_event(start);
}

void TensorBoardLog::append(const nlohmann::json& row) {
  std::string summary;
  add_scalars(row, "", &summary);
  if (summary.empty()) return;
  std::string event = event_head(now_seconds(), row.at("step").get<int64_t>());
  put_bytes(&event, 5, summary);
  write_event(event);
}

void TensorBoardLog::write_event(const std::string& event) {
  const std::string length = little_endian(event.size(), 8);
  out_ << length << little_endian(masked(crc32c(length)), 4) << event
       << little_endian(masked(crc32c(event)), 4);
  check_written(out_, path_);
}

std::vector<TensorBoardEvent> read_tensorboard_events(const std::string& path) {
  const std::string bytes = read_text_file(path);
  std::vector<TensorBoardEvent> events;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::string where = path + " at byte " + std::to_string(pos);
    if (bytes.size() - pos < 12) throw Error(where + ": a record is cut short");
    const uint64_t length = read_fixed(bytes, pos, 8);
    if (masked(crc32c(bytes.substr(pos, 8))) != read_fixed(bytes, pos + 8, 4))
      throw Error(where + ": the record length fails its checksum");
    if (length > bytes.size() - pos - 12 || bytes.size() - pos - 12 - length < 4)
      throw Error(where + ": a record is cut short");
    const std::string data = bytes.substr(pos + 12, length);
    if (masked(crc32c(data)) != read_fixed(bytes, pos + 12 + length, 4))
      throw Error(where + ": the record fails its checksum");
    events.push_back(parse_event(data, where));
    pos += 12 + length + 4;
  }
  return events;
}

}  // namespace unbert
