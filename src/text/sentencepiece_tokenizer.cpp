#include "unbert/text/sentencepiece_tokenizer.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "spm_plugin/spm_plugin.h"
#include "unbert/common/error.h"
#include "unbert/common/hash.h"
#include "unbert/common/log.h"
#include "unbert/common/process.h"

namespace unbert {
namespace {

constexpr const char* kPluginName = "libunbert_spm.so";

struct Plugin {
  unbert_spm_load_fn load = nullptr;
  unbert_spm_free_fn free = nullptr;
  unbert_spm_encode_fn encode = nullptr;
  unbert_spm_piece_to_id_fn piece_to_id = nullptr;
  unbert_spm_id_to_piece_fn id_to_piece = nullptr;
  unbert_spm_vocab_size_fn vocab_size = nullptr;
  unbert_spm_unk_id_fn unk_id = nullptr;
  unbert_spm_train_fn train = nullptr;
};

// Sends stderr to /dev/null while alive; restores it however the scope ends.
class StderrMuted {
 public:
  StderrMuted() : saved_(::dup(STDERR_FILENO)) {
    int null_fd = ::open("/dev/null", O_WRONLY);
    if (saved_ >= 0 && null_fd >= 0) ::dup2(null_fd, STDERR_FILENO);
    if (null_fd >= 0) ::close(null_fd);
  }
  ~StderrMuted() {
    if (saved_ < 0) return;
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  StderrMuted(const StderrMuted&) = delete;
  StderrMuted& operator=(const StderrMuted&) = delete;

 private:
  int saved_;
};

// UNBERT_SPM_PLUGIN, when set, is the only place looked at.
std::vector<std::filesystem::path> plugin_candidates() {
  std::vector<std::filesystem::path> out;
  if (const char* forced = std::getenv("UNBERT_SPM_PLUGIN")) return {forced};
  std::filesystem::path exe_dir = executable_dir();
  if (!exe_dir.empty()) {
    for (const char* relative : {".", "..", "../lib", "../lib/unbert"})
      out.push_back(exe_dir / relative / kPluginName);
  }
  out.push_back(std::filesystem::path(UNBERT_PLUGIN_DIR) / kPluginName);
  return out;
}

// Debian's libsentencepiece exports a protobuf that crashes next to Debian
// LibTorch's, hence a namespace of its own. UNBERT_SPM_ISOLATE=0 loads it
// plainly instead: for LibTorch builds without that clash, and to bisect.
bool isolated_namespace() {
  const char* setting = std::getenv("UNBERT_SPM_ISOLATE");
  return setting == nullptr || std::string(setting) != "0";
}

const Plugin& plugin() {
  static Plugin loaded;
  static std::once_flag once;
  static std::string failure;
  std::call_once(once, [] {
    void* handle = nullptr;
    std::string tried;
    for (const auto& path : plugin_candidates()) {
      if (!std::filesystem::exists(path)) continue;
      handle = isolated_namespace() ? dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL)
                                    : dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle) break;
      tried += std::string(" (") + dlerror() + ")";
    }
    if (!handle) {
      const char* forced = std::getenv("UNBERT_SPM_PLUGIN");
      failure = forced ? std::string("UNBERT_SPM_PLUGIN=") + forced + ": cannot load it" +
                             (tried.empty() ? " (no such file)" : tried) + "; point it at build/" +
                             kPluginName + " or unset it"
                       : std::string("SentencePiece plugin ") + kPluginName +
                             " not found beside the unbert binary" + tried +
                             "; rebuild with scripts/setup.sh or set UNBERT_SPM_PLUGIN to its path";
      return;
    }
    auto symbol = [&](const char* name) {
      void* address = dlsym(handle, name);
      if (!address) failure = std::string(kPluginName) + ": missing symbol " + name;
      return address;
    };
    loaded.load = reinterpret_cast<unbert_spm_load_fn>(symbol("unbert_spm_load"));
    loaded.free = reinterpret_cast<unbert_spm_free_fn>(symbol("unbert_spm_free"));
    loaded.encode = reinterpret_cast<unbert_spm_encode_fn>(symbol("unbert_spm_encode"));
    loaded.piece_to_id =
        reinterpret_cast<unbert_spm_piece_to_id_fn>(symbol("unbert_spm_piece_to_id"));
    loaded.id_to_piece =
        reinterpret_cast<unbert_spm_id_to_piece_fn>(symbol("unbert_spm_id_to_piece"));
    loaded.vocab_size = reinterpret_cast<unbert_spm_vocab_size_fn>(symbol("unbert_spm_vocab_size"));
    loaded.unk_id = reinterpret_cast<unbert_spm_unk_id_fn>(symbol("unbert_spm_unk_id"));
    loaded.train = reinterpret_cast<unbert_spm_train_fn>(symbol("unbert_spm_train"));
  });
  if (!failure.empty()) throw Error(failure);
  return loaded;
}

}  // namespace

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::from_file(
    const std::string& model_path) {
  if (!std::filesystem::exists(model_path))
    throw Error(model_path +
                ": no such SentencePiece model (train one with 'unbert tokenizer "
                "train --config ...')");
  char error[512] = {0};
  void* processor = plugin().load(model_path.c_str(), error, sizeof error);
  if (!processor) throw Error(model_path + ": not a SentencePiece model (" + error + ")");
  return std::make_unique<SentencePieceTokenizer>(processor,
                                                  "sentencepiece:" + hex64(hash_file(model_path)));
}

SentencePieceTokenizer::SentencePieceTokenizer(void* processor, std::string identity)
    : processor_(processor), identity_(std::move(identity)) {}

SentencePieceTokenizer::~SentencePieceTokenizer() {
  plugin().free(processor_);
}

void SentencePieceTokenizer::encode(std::string_view text, std::vector<int32_t>* ids) const {
  std::size_t start = ids->size();
  int capacity = static_cast<int>(text.size()) + 16;
  while (true) {
    ids->resize(start + static_cast<std::size_t>(capacity));
    int count =
        plugin().encode(processor_, text.data(), text.size(), ids->data() + start, capacity);
    if (count < 0) throw Error("SentencePiece could not encode a text");
    if (count <= capacity) {
      ids->resize(start + static_cast<std::size_t>(count));
      return;
    }
    capacity = count;
  }
}

std::string SentencePieceTokenizer::piece(int32_t id) const {
  if (id < 0 || id >= vocab_size()) return "<" + std::to_string(id) + ">";
  return plugin().id_to_piece(processor_, id);
}

std::optional<int32_t> SentencePieceTokenizer::find(std::string_view piece) const {
  int id = plugin().piece_to_id(processor_, piece.data(), piece.size());
  // PieceToId answers unk_id for an unknown piece; only the unk piece itself maps there.
  if (id == plugin().unk_id(processor_) && plugin().id_to_piece(processor_, id) != piece)
    return std::nullopt;
  return id;
}

int32_t SentencePieceTokenizer::vocab_size() const {
  return plugin().vocab_size(processor_);
}

void train_sentencepiece(const std::vector<std::string_view>& sentences,
                         const std::string& model_path, const TextConfig& text, int threads) {
  const std::string suffix = ".model";
  if (model_path.size() <= suffix.size() ||
      model_path.compare(model_path.size() - suffix.size(), suffix.size(), suffix) != 0)
    throw ConfigError("text.spm_model", "must end in .model, got \"" + model_path + "\"");
  std::filesystem::path target(model_path);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  std::string prefix = model_path.substr(0, model_path.size() - suffix.size());
  std::string corpus = prefix + ".corpus.txt";
  {
    std::ofstream out(corpus);
    for (auto sentence : sentences) {
      std::string line(sentence);
      for (char& c : line)
        if (c == '\n' || c == '\r') c = ' ';
      out << line << '\n';
    }
    if (!out) throw Error(corpus + ": cannot write the training text");
  }
  std::string arguments = "--input=" + corpus + " --model_prefix=" + prefix +
                          " --vocab_size=" + std::to_string(text.spm_vocab_size) +
                          " --model_type=unigram --character_coverage=0.9999"
                          " --hard_vocab_limit=false --minloglevel=1"
                          " --num_threads=" +
                          std::to_string(std::max(1, threads)) +
                          " --pad_id=0 --unk_id=1 --bos_id=-1 --eos_id=-1"
                          " --pad_piece=" +
                          text.pad_token + " --unk_piece=" + text.unk_token +
                          " --control_symbols=" + text.cls_token + "," + text.sep_token + "," +
                          text.nsep_token +
                          (text.lowercase ? " --normalization_rule_name=nmt_nfkc_cf" : "");
  char error[1024] = {0};
  const Plugin& spm = plugin();  // may throw: before stderr is muted
  int status = 0;
  {
    // SentencePiece echoes its arguments on stderr whatever minloglevel says;
    // its errors come back in `error`.
    StderrMuted muted;
    status = spm.train(arguments.c_str(), error, sizeof error);
  }
  std::filesystem::remove(corpus);
  if (status != 0) throw Error("SentencePiece training failed: " + std::string(error));
  spdlog::info("[text] trained SentencePiece model {} ({} sentences, vocab {})", model_path,
               sentences.size(), text.spm_vocab_size);
}

}  // namespace unbert
