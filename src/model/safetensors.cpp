// The safetensors format: u64 header size, JSON header, raw data.
#include <algorithm>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/common/mapped_file.h"
#include "unbert/model/weights_io.h"

namespace unbert {
namespace {

struct DtypeInfo {
  torch::ScalarType type;
  int64_t bytes;
};

bool parse_dtype(const std::string& name, DtypeInfo* out) {
  if (name == "F32")
    *out = {torch::kFloat32, 4};
  else if (name == "F16")
    *out = {torch::kFloat16, 2};
  else if (name == "BF16")
    *out = {torch::kBFloat16, 2};
  else if (name == "F64")
    *out = {torch::kFloat64, 8};
  else if (name == "I64")
    *out = {torch::kInt64, 8};
  else if (name == "I32")
    *out = {torch::kInt32, 4};
  else
    return false;
  return true;
}

}  // namespace

NamedTensors read_safetensors(const std::string& path) {
  MappedFile file(path);
  std::string_view bytes = file.text();
  auto fail = [&](const std::string& why) -> Error {
    return Error(path + ": not a valid safetensors file (" + why + ")");
  };
  if (bytes.size() < 8) throw fail("shorter than its 8-byte header length");
  uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);  // little-endian, as x86 and ARM run
  if (header_size > bytes.size() - 8) throw fail("header length beyond the end of the file");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.substr(8, header_size));
  } catch (const nlohmann::json::exception& e) {
    throw fail(std::string("header is not JSON: ") + e.what());
  }
  if (!header.is_object()) throw fail("header is not a JSON object");
  const uint64_t data_start = 8 + header_size;
  const uint64_t data_size = bytes.size() - data_start;
  NamedTensors tensors;
  std::vector<std::pair<std::pair<uint64_t, uint64_t>, std::string>>
      spans;  // for the overlap check
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    DtypeInfo dtype{};
    try {
      if (!parse_dtype(entry.at("dtype").get<std::string>(), &dtype))
        throw fail("tensor '" + name + "' has unsupported dtype " + entry.at("dtype").dump());
      // Whole numbers only: a JSON float cast to an integer is undefined.
      for (const char* key : {"shape", "data_offsets"})
        for (const auto& value : entry.at(key))
          if (!value.is_number_integer())
            throw fail("tensor '" + name + "' has a " + key +
                       " that is not a list of whole numbers");
      auto shape = entry.at("shape").get<std::vector<int64_t>>();
      auto offsets = entry.at("data_offsets").get<std::vector<uint64_t>>();
      if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data_size)
        throw fail("tensor '" + name + "' has data_offsets outside the file (truncated?)");
      int64_t numel = 1, bytes_needed = 0;
      for (int64_t d : shape) {
        if (d < 0) throw fail("tensor '" + name + "' has a negative dimension");
        if (__builtin_mul_overflow(numel, d, &numel)) numel = -1;  // larger than any file
      }
      if (numel < 0 ||
          __builtin_mul_overflow(numel, static_cast<int64_t>(dtype.bytes), &bytes_needed) ||
          static_cast<uint64_t>(bytes_needed) != offsets[1] - offsets[0])
        throw fail("tensor '" + name + "' size does not match its shape and dtype");
      if (offsets[1] > offsets[0]) spans.push_back({{offsets[0], offsets[1]}, name});
      void* data = const_cast<char*>(bytes.data() + data_start + offsets[0]);
      auto view = torch::from_blob(data, shape, torch::TensorOptions().dtype(dtype.type));
      bool floating = torch::isFloatingType(dtype.type);
      tensors[name] =
          floating ? view.to(torch::kFloat32, /*non_blocking=*/false, /*copy=*/true) : view.clone();
    } catch (const nlohmann::json::exception& e) {
      throw fail("entry '" + name + "' is malformed: " + e.what());
    }
  }
  // Tensors must not share bytes (the format's rule; a damaged or hand-made
  // header could otherwise alias two weights silently).
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (spans[i].first.first < spans[i - 1].first.second)
      throw fail("tensors '" + spans[i - 1].second + "' and '" + spans[i].second +
                 "' overlap in the data section");
  return tensors;
}

void write_safetensors(const std::string& path, const NamedTensors& tensors) {
  nlohmann::json header = nlohmann::json::object();
  header["__metadata__"] = {{"format", "pt"}};
  std::string data;
  for (const auto& [name, tensor] : tensors) {
    auto t = tensor.contiguous().cpu();
    const char* dtype = t.scalar_type() == torch::kInt64 ? "I64" : "F32";
    if (t.scalar_type() != torch::kInt64) t = t.to(torch::kFloat32);
    std::size_t begin = data.size();
    data.append(static_cast<const char*>(t.data_ptr()), t.numel() * t.element_size());
    header[name] = {
        {"dtype", dtype}, {"shape", t.sizes().vec()}, {"data_offsets", {begin, data.size()}}};
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  uint64_t size = text.size();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(&size), 8);
  out << text << data;
  check_written(out, path);
}

}  // namespace unbert
