#include "unbert/text/sentencepiece_tokenizer.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "spm_helper/spm_protocol.h"
#include "unbert/common/child_process.h"
#include "unbert/common/error.h"
#include "unbert/common/hash.h"
#include "unbert/common/log.h"
#include "unbert/common/process.h"

namespace unbert {
namespace {

namespace protocol = spm_protocol;

constexpr const char* kHelperName = "unbert-spm";
constexpr const char* kHelperVariable = "UNBERT_SPM_HELPER";
// Texts per encode request: one round trip per few thousand titles, frames of
// a few hundred kilobytes.
constexpr std::size_t kBatchTexts = 4096;
constexpr std::size_t kBatchBytes = 8u << 20;

std::unique_ptr<ChildProcess> start_helper() {
  return std::make_unique<ChildProcess>(std::vector<std::string>{sentencepiece_helper_path()},
                                        std::string("SentencePiece helper ") + kHelperName);
}

// The reply's payload after its 'K'; a failure reply becomes an Error.
protocol::Reader ok_reply(const std::string& reply, const std::string& context) {
  protocol::Reader in(reply);
  char status = in.byte();
  if (status == protocol::kOk) return in;
  std::string message = status == protocol::kFailed ? reply.substr(1) : "malformed reply";
  throw Error(context + message);
}

}  // namespace

std::string sentencepiece_helper_path() {
  if (const char* forced = std::getenv(kHelperVariable)) {
    if (::access(forced, X_OK) == 0) return forced;
    throw Error(std::string(kHelperVariable) + "=" + forced +
                ": no executable there; point it at build/" + kHelperName + " or unset it");
  }
  std::vector<std::filesystem::path> candidates;
  const std::filesystem::path exe_dir = executable_dir();
  if (!exe_dir.empty())
    for (const char* relative : {".", "..", "../lib/unbert"})
      candidates.push_back(exe_dir / relative / kHelperName);
  candidates.push_back(std::filesystem::path(UNBERT_HELPER_DIR) / kHelperName);
  std::string looked;
  for (const auto& path : candidates) {
    if (::access(path.c_str(), X_OK) == 0) return path.lexically_normal().string();
    looked += (looked.empty() ? "" : ", ") + path.lexically_normal().string();
  }
  throw Error(std::string("SentencePiece helper ") + kHelperName + " not found (looked at " +
              looked + "); rebuild with scripts/setup.sh, or set " + kHelperVariable +
              " to its path");
}

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::from_file(
    const std::string& model_path) {
  if (!std::filesystem::exists(model_path))
    throw Error(model_path +
                ": no such SentencePiece model (train one with 'unbert tokenizer "
                "train --config ...')");
  std::unique_ptr<SentencePieceTokenizer> tokenizer(
      new SentencePieceTokenizer(start_helper(), "sentencepiece:" + hex64(hash_file(model_path))));
  std::string request(1, protocol::kLoad);
  protocol::put_string(&request, std::filesystem::absolute(model_path).string());
  std::string reply = tokenizer->helper_->call(request, "loading the model");
  protocol::Reader in = ok_reply(reply, model_path + ": not a SentencePiece model (");
  const uint32_t size = in.u32();
  for (uint32_t id = 0; id < size && !in.failed(); ++id) {
    tokenizer->pieces_.emplace_back(in.string());
    tokenizer->ids_.emplace(tokenizer->pieces_.back(), static_cast<int32_t>(id));
  }
  if (in.failed() || tokenizer->pieces_.empty())
    throw Error(model_path + ": the SentencePiece helper sent a malformed vocabulary");
  return tokenizer;
}

SentencePieceTokenizer::SentencePieceTokenizer(std::unique_ptr<ChildProcess> helper,
                                               std::string identity)
    : helper_(std::move(helper)), identity_(std::move(identity)) {}

SentencePieceTokenizer::~SentencePieceTokenizer() = default;

pid_t SentencePieceTokenizer::helper_pid() const {
  return helper_->pid();
}

void SentencePieceTokenizer::encode(std::string_view text, std::vector<int32_t>* ids) const {
  std::vector<uint32_t> lengths;
  encode_batch({text}, ids, &lengths);
}

void SentencePieceTokenizer::encode_batch(const std::vector<std::string_view>& texts,
                                          std::vector<int32_t>* ids,
                                          std::vector<uint32_t>* lengths) const {
  std::size_t next = 0;
  while (next < texts.size()) {
    std::string request(1, protocol::kEncode);
    protocol::put_u32(&request, 0);  // the count, filled in below
    uint32_t count = 0;
    while (next < texts.size() && count < kBatchTexts && request.size() < kBatchBytes) {
      protocol::put_string(&request, texts[next++]);
      ++count;
    }
    std::string counted;
    protocol::put_u32(&counted, count);
    request.replace(1, 4, counted);
    std::string reply;
    {
      std::lock_guard<std::mutex> lock(helper_mutex_);
      reply = helper_->call(request, "encoding text");
    }
    protocol::Reader in = ok_reply(reply, "SentencePiece could not encode a text: ");
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t length = in.u32();
      for (uint32_t j = 0; j < length && !in.failed(); ++j)
        ids->push_back(static_cast<int32_t>(in.u32()));
      lengths->push_back(length);
    }
    if (in.failed() || !in.at_end())
      throw Error("the SentencePiece helper sent a malformed encode reply");
  }
}

std::string SentencePieceTokenizer::piece(int32_t id) const {
  if (id < 0 || id >= vocab_size()) return "<" + std::to_string(id) + ">";
  return pieces_[static_cast<std::size_t>(id)];
}

std::optional<int32_t> SentencePieceTokenizer::find(std::string_view piece) const {
  auto found = ids_.find(std::string(piece));
  if (found == ids_.end()) return std::nullopt;
  return found->second;
}

void train_sentencepiece(const std::vector<std::string_view>& sentences,
                         const std::string& model_path, const TextConfig& text, int threads) {
  const std::string suffix = ".model";
  if (model_path.size() <= suffix.size() ||
      model_path.compare(model_path.size() - suffix.size(), suffix.size(), suffix) != 0)
    throw ConfigError("text.spm_model", "must end in .model, got \"" + model_path + "\"");
  auto helper = start_helper();  // before any file is written: a missing helper changes nothing
  std::filesystem::path target(model_path);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  std::string prefix = std::filesystem::absolute(model_path).string();
  prefix.resize(prefix.size() - suffix.size());
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
  std::string request(1, protocol::kTrain);
  protocol::put_string(&request, arguments);
  std::string reply;
  try {
    reply = helper->call(request, "training a model");
  } catch (...) {
    std::filesystem::remove(corpus);
    throw;
  }
  std::filesystem::remove(corpus);
  ok_reply(reply, "SentencePiece training failed: ");
  spdlog::info("[text] trained SentencePiece model {} ({} sentences, vocab {})", model_path,
               sentences.size(), text.spm_vocab_size);
}

}  // namespace unbert
