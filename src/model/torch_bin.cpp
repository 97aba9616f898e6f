// pytorch_model.bin (torch.save's zip format) without Python: a pickle
// interpreter for the opcodes and globals a state_dict uses. Anything else
// is refused: no code from the file is ever run.
#include <zip.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <unordered_map>
#include <variant>

#include "unbert/common/error.h"
#include "unbert/common/zip_member.h"
#include "unbert/model/weights_io.h"

namespace unbert {
namespace {

struct Value;
// Values live in the Unpickler's arena: a pickle can make a list hold itself
// (BINGET then APPEND), which reference counting would leak.
using ValuePtr = Value*;

struct Storage {
  std::string key;
  torch::ScalarType dtype;
};

// The kinds of value a state_dict pickle builds.
struct Value {
  enum class Kind {
    None,
    Bool,
    Int,
    Float,
    String,
    Tuple,
    List,
    Dict,
    Global,
    Storage,
    Tensor,
    Mark
  };
  Kind kind = Kind::None;
  int64_t integer = 0;
  double real = 0;
  std::string text;                                  // String, Global ("module.name")
  std::vector<ValuePtr> items;                       // Tuple, List
  std::vector<std::pair<ValuePtr, ValuePtr>> pairs;  // Dict, in insertion order
  Storage storage;
  torch::Tensor tensor;
};

class ZipArchive {
 public:
  explicit ZipArchive(const std::string& path) : path_(path) {
    int error = 0;
    archive_ = zip_open(path.c_str(), ZIP_RDONLY, &error);
    if (!archive_)
      throw Error(path +
                  ": not a zip archive (a legacy pre-1.6 torch.save file, or corrupt); "
                  "re-save it with a newer PyTorch or use model.safetensors");
  }
  ~ZipArchive() { zip_discard(archive_); }
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // The record whose name ends in `suffix` after the top folder ("x/data.pkl").
  std::string find(const std::string& suffix) const {
    zip_int64_t n = zip_get_num_entries(archive_, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
      const char* raw = zip_get_name(archive_, static_cast<zip_uint64_t>(i), 0);
      if (!raw) continue;
      std::string name = raw;
      auto slash = name.find('/');
      if (slash != std::string::npos && name.substr(slash + 1) == suffix) return name;
    }
    return "";
  }

  std::string read(const std::string& name) const {
    const zip_int64_t index = zip_name_locate(archive_, name.c_str(), 0);
    if (index < 0) throw Error(path_ + ": missing record " + name + " (truncated or corrupt file)");
    return read_zip_member(archive_, static_cast<zip_uint64_t>(index), path_);
  }

 private:
  std::string path_;
  zip_t* archive_ = nullptr;
};

torch::ScalarType storage_dtype(const std::string& global) {
  if (global == "torch.FloatStorage") return torch::kFloat32;
  if (global == "torch.HalfStorage") return torch::kFloat16;
  if (global == "torch.BFloat16Storage") return torch::kBFloat16;
  if (global == "torch.DoubleStorage") return torch::kFloat64;
  if (global == "torch.LongStorage") return torch::kInt64;
  if (global == "torch.IntStorage") return torch::kInt32;
  throw Error("unsupported storage type " + global);
}

class Unpickler {
 public:
  Unpickler(std::string_view bytes, const std::string& where) : bytes_(bytes), where_(where) {}

  ValuePtr run() {
    while (true) {
      uint8_t op = byte();
      switch (op) {
        case 0x80:
          byte();
          break;  // PROTO
        case 0x95:
          take(8);
          break;  // FRAME
        case '.':
          return pop();  // STOP
        case 'c': {      // GLOBAL
          std::string module = line();
          push_global(module, line());
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          auto name = pop(), module = pop();
          push_global(module->text, name->text);
          break;
        }
        case 'q':
          memo(byte());
          break;  // BINPUT
        case 'r':
          memo(u32());
          break;  // LONG_BINPUT
        case 0x94:
          memo(memo_.size());
          break;  // MEMOIZE
        case 'h':
          push(recall(byte()));
          break;  // BINGET
        case 'j':
          push(recall(u32()));
          break;  // LONG_BINGET
        case '(':
          push(make(Value::Kind::Mark));
          break;  // MARK
        case ')':
          push(make(Value::Kind::Tuple));
          break;  // EMPTY_TUPLE
        case 't':
          push(tuple(pop_mark()));
          break;  // TUPLE
        case 0x85:
          push(tuple({pop()}));
          break;  // TUPLE1
        case 0x86: {
          auto b = pop(), a = pop();
          push(tuple({a, b}));
          break;
        }  // TUPLE2
        case 0x87: {
          auto c = pop(), b = pop(), a = pop();
          push(tuple({a, b, c}));
          break;
        }
        case '}':
          push(make(Value::Kind::Dict));
          break;  // EMPTY_DICT
        case ']':
          push(make(Value::Kind::List));
          break;  // EMPTY_LIST
        case 's': {
          auto v = pop(), k = pop();
          dict_top()->pairs.emplace_back(k, v);
          break;
        }
        case 'u': {  // SETITEMS
          auto items = pop_mark();
          for (std::size_t i = 0; i + 1 < items.size(); i += 2)
            dict_top()->pairs.emplace_back(items[i], items[i + 1]);
          break;
        }
        case 'a': {
          auto v = pop();
          list_top()->items.push_back(v);
          break;
        }  // APPEND
        case 'e': {
          auto items = pop_mark();
          for (auto& v : items) list_top()->items.push_back(v);
          break;
        }
        case 'X':
          push(string(u32()));
          break;  // BINUNICODE
        case 0x8c:
          push(string(byte()));
          break;  // SHORT_BINUNICODE
        case 'K':
          push(integer(byte()));
          break;  // BININT1
        case 'M':
          push(integer(u16()));
          break;  // BININT2
        case 'J':
          push(integer(static_cast<int32_t>(u32())));
          break;  // BININT
        case 0x8a:
          push(long1());
          break;  // LONG1
        case 0x88:
          push(boolean(true));
          break;  // NEWTRUE
        case 0x89:
          push(boolean(false));
          break;  // NEWFALSE
        case 'N':
          push(make(Value::Kind::None));
          break;  // NONE
        case 'G':
          push(real());
          break;  // BINFLOAT
        case 'Q':
          push(persistent(pop()));
          break;  // BINPERSID
        case 'R': {
          auto args = pop(), callable = pop();
          push(reduce(callable, args));
          break;
        }
        case 'b':
          pop();
          break;  // BUILD: state such as _metadata
        default:
          throw fail("unsupported pickle opcode 0x" + hex(op) +
                     " (only state_dict files are read; no code is run)");
      }
    }
  }

 private:
  Error fail(const std::string& why) const { return Error(where_ + ": " + why); }
  static std::string hex(uint8_t op) {
    char buffer[3];
    std::snprintf(buffer, sizeof buffer, "%02x", op);
    return buffer;
  }

  std::string_view take(std::size_t n) {
    if (pos_ + n > bytes_.size()) throw fail("pickle ends early (truncated or corrupt file)");
    auto out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  uint8_t byte() { return static_cast<uint8_t>(take(1)[0]); }
  uint16_t u16() {
    uint16_t v;
    std::memcpy(&v, take(2).data(), 2);
    return v;
  }
  uint32_t u32() {
    uint32_t v;
    std::memcpy(&v, take(4).data(), 4);
    return v;
  }
  std::string line() {
    auto end = bytes_.find('\n', pos_);
    if (end == std::string_view::npos) throw fail("pickle ends inside a GLOBAL");
    std::string out(bytes_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }

  void push(ValuePtr v) { stack_.push_back(std::move(v)); }
  ValuePtr pop() {
    if (stack_.empty()) throw fail("pickle stack underflow (corrupt file)");
    auto v = stack_.back();
    stack_.pop_back();
    return v;
  }
  std::vector<ValuePtr> pop_mark() {
    std::vector<ValuePtr> items;
    while (true) {
      auto v = pop();
      if (v->kind == Value::Kind::Mark) break;
      items.push_back(v);
    }
    return {items.rbegin(), items.rend()};
  }
  ValuePtr top(Value::Kind kind, const char* what) {
    if (stack_.empty() || stack_.back()->kind != kind)
      throw fail(std::string("pickle expects a ") + what + " on the stack (corrupt file)");
    return stack_.back();
  }
  ValuePtr dict_top() { return top(Value::Kind::Dict, "dict"); }
  ValuePtr list_top() { return top(Value::Kind::List, "list"); }
  void memo(std::size_t index) {
    if (stack_.empty()) throw fail("memo of an empty stack");
    memo_[index] = stack_.back();  // a map: the index comes from the file, unbounded
  }
  ValuePtr recall(std::size_t index) {
    auto found = memo_.find(index);
    if (found == memo_.end()) throw fail("unknown memo entry (corrupt file)");
    return found->second;
  }

  ValuePtr make(Value::Kind kind) {
    arena_.emplace_back();
    arena_.back().kind = kind;
    return &arena_.back();
  }
  ValuePtr tuple(std::vector<ValuePtr> items) {
    auto v = make(Value::Kind::Tuple);
    v->items = std::move(items);
    return v;
  }
  ValuePtr string(std::size_t n) {
    auto v = make(Value::Kind::String);
    v->text = std::string(take(n));
    return v;
  }
  ValuePtr integer(int64_t n) {
    auto v = make(Value::Kind::Int);
    v->integer = n;
    return v;
  }
  ValuePtr boolean(bool b) {
    auto v = make(Value::Kind::Bool);
    v->integer = b;
    return v;
  }
  ValuePtr long1() {
    std::size_t n = byte();
    if (n > 8) throw fail("integer too large");
    auto data = take(n);
    int64_t value = 0;
    for (std::size_t i = 0; i < n; ++i)
      value |= static_cast<int64_t>(static_cast<uint8_t>(data[i])) << (8 * i);
    if (n > 0 && n < 8 && (static_cast<uint8_t>(data[n - 1]) & 0x80))
      value -= int64_t{1} << (8 * n);
    return integer(value);
  }
  ValuePtr real() {
    auto data = take(8);
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = (bits << 8) | static_cast<uint8_t>(data[i]);  // big-endian
    auto v = make(Value::Kind::Float);
    std::memcpy(&v->real, &bits, 8);
    return v;
  }

  void push_global(const std::string& module, const std::string& name) {
    std::string full = module + "." + name;
    static const char* kAllowed[] = {"collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
                                     "torch.FloatStorage",      "torch.HalfStorage",
                                     "torch.BFloat16Storage",   "torch.DoubleStorage",
                                     "torch.LongStorage",       "torch.IntStorage"};
    bool allowed = false;
    for (const char* a : kAllowed) allowed = allowed || full == a;
    if (!allowed)
      throw fail("refusing pickle global " + full + " (only state_dict files are read)");
    auto v = make(Value::Kind::Global);
    v->text = full;
    push(v);
  }

  // ('storage', torch.FloatStorage, key, location, numel)
  ValuePtr persistent(const ValuePtr& id) {
    if (id->kind != Value::Kind::Tuple || id->items.size() < 3 || id->items[0]->text != "storage" ||
        id->items[1]->kind != Value::Kind::Global)
      throw fail("unsupported persistent id (not a tensor storage)");
    auto v = make(Value::Kind::Storage);
    v->storage.key = id->items[2]->text;
    v->storage.dtype = storage_dtype(id->items[1]->text);
    return v;
  }

  ValuePtr reduce(const ValuePtr& callable, const ValuePtr& args) {
    if (callable->kind != Value::Kind::Global) throw fail("REDUCE of a non-callable");
    if (callable->text == "collections.OrderedDict") return make(Value::Kind::Dict);
    if (callable->text == "torch._utils._rebuild_tensor_v2") return rebuild_tensor(args);
    throw fail("refusing to call " + callable->text);
  }

  // (storage, storage_offset, size, stride, requires_grad, backward_hooks)
  ValuePtr rebuild_tensor(const ValuePtr& args) {
    if (args->items.size() < 4 || args->items[0]->kind != Value::Kind::Storage)
      throw fail("malformed tensor record");
    auto v = make(Value::Kind::Tensor);
    v->storage = args->items[0]->storage;
    v->integer = args->items[1]->integer;         // storage offset
    v->items = {args->items[2], args->items[3]};  // size, stride
    return v;
  }

  std::string_view bytes_;
  std::string where_;
  std::size_t pos_ = 0;
  std::deque<Value> arena_;  // stable addresses; freed with the Unpickler
  std::vector<ValuePtr> stack_;
  std::unordered_map<std::size_t, ValuePtr> memo_;
};

std::vector<int64_t> ints_of(const ValuePtr& tuple) {
  std::vector<int64_t> out;
  for (const auto& item : tuple->items) out.push_back(item->integer);
  return out;
}

// As many strides as sizes, none negative, and small enough that the last
// element's offset cannot overflow (2^40 elements is far past any BERT).
bool valid_layout(const std::vector<int64_t>& size, const std::vector<int64_t>& stride,
                  int64_t offset) {
  constexpr int64_t kLimit = int64_t{1} << 40;
  if (size.size() != stride.size() || offset < 0 || offset > kLimit) return false;
  for (std::size_t d = 0; d < size.size(); ++d)
    if (size[d] < 0 || size[d] > kLimit || stride[d] < 0 || stride[d] > kLimit) return false;
  return true;
}

}  // namespace

NamedTensors read_torch_bin(const std::string& path) {
  ZipArchive zip(path);
  std::string pickle_name = zip.find("data.pkl");
  if (pickle_name.empty()) throw Error(path + ": no data.pkl record (not a torch.save file)");
  std::string prefix = pickle_name.substr(0, pickle_name.find('/') + 1);
  std::string pickle = zip.read(pickle_name);
  Unpickler unpickler(pickle, path);
  ValuePtr root = unpickler.run();
  if (root->kind != Value::Kind::Dict) throw Error(path + ": does not hold a state_dict");

  std::map<std::string, torch::Tensor> storages;
  NamedTensors tensors;
  for (const auto& [key, value] : root->pairs) {
    if (key->kind != Value::Kind::String || value->kind != Value::Kind::Tensor) continue;
    const Storage& storage = value->storage;
    auto it = storages.find(storage.key);
    if (it == storages.end()) {
      std::string bytes = zip.read(prefix + "data/" + storage.key);
      auto element = static_cast<int64_t>(torch::elementSize(storage.dtype));
      auto flat = torch::empty({static_cast<int64_t>(bytes.size()) / element},
                               torch::TensorOptions().dtype(storage.dtype));
      if (flat.numel() > 0)  // an empty tensor has no data pointer to copy to
        std::memcpy(flat.data_ptr(), bytes.data(),
                    static_cast<std::size_t>(flat.numel() * element));
      it = storages.emplace(storage.key, flat).first;
    }
    auto size = ints_of(value->items[0]), stride = ints_of(value->items[1]);
    if (!valid_layout(size, stride, value->integer))
      throw Error(path + ": tensor '" + key->text + "' has a malformed shape (" +
                  std::to_string(size.size()) + " sizes, " + std::to_string(stride.size()) +
                  " strides, or a negative or huge value; corrupt file)");
    __int128 needed = value->integer + 1;  // sizes and strides < 2^40: no overflow
    for (std::size_t d = 0; d < size.size(); ++d)
      needed += static_cast<__int128>(size[d] - 1) * stride[d];
    if (std::find(size.begin(), size.end(), 0) == size.end() && needed > it->second.numel())
      throw Error(path + ": tensor '" + key->text + "' reaches past its storage (corrupt file)");
    auto tensor = it->second.as_strided(size, stride, value->integer).clone();
    tensors[key->text] = torch::isFloatingType(storage.dtype) ? tensor.to(torch::kFloat32) : tensor;
  }
  return tensors;
}

}  // namespace unbert
