// libunbert_spm.so: a thin C wrapper over SentencePiece (see spm_plugin.h).
#include "spm_plugin.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

void write_error(const std::string& message, char* error, size_t size) {
  if (error == nullptr || size == 0) return;
  std::strncpy(error, message.c_str(), size - 1);
  error[size - 1] = '\0';
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void* unbert_spm_load(const char* model_path, char* error,
                                                             size_t error_size) {
  auto processor = std::make_unique<sentencepiece::SentencePieceProcessor>();
  auto status = processor->Load(model_path);
  if (!status.ok()) {
    write_error(status.ToString(), error, error_size);
    return nullptr;
  }
  return processor.release();
}

__attribute__((visibility("default"))) void unbert_spm_free(void* processor) {
  delete static_cast<sentencepiece::SentencePieceProcessor*>(processor);
}

__attribute__((visibility("default"))) int unbert_spm_encode(void* processor, const char* text,
                                                             size_t length, int* ids,
                                                             int capacity) {
  std::vector<int> pieces;
  auto* spm = static_cast<sentencepiece::SentencePieceProcessor*>(processor);
  if (!spm->Encode(std::string(text, length), &pieces).ok()) return -1;
  int count = static_cast<int>(pieces.size());
  std::memcpy(ids, pieces.data(), sizeof(int) * static_cast<size_t>(std::min(count, capacity)));
  return count;
}

__attribute__((visibility("default"))) int unbert_spm_piece_to_id(void* processor,
                                                                  const char* piece,
                                                                  size_t length) {
  auto* spm = static_cast<sentencepiece::SentencePieceProcessor*>(processor);
  return spm->PieceToId(std::string(piece, length));
}

__attribute__((visibility("default"))) const char* unbert_spm_id_to_piece(void* processor, int id) {
  return static_cast<sentencepiece::SentencePieceProcessor*>(processor)->IdToPiece(id).c_str();
}

__attribute__((visibility("default"))) int unbert_spm_vocab_size(void* processor) {
  return static_cast<sentencepiece::SentencePieceProcessor*>(processor)->GetPieceSize();
}

__attribute__((visibility("default"))) int unbert_spm_unk_id(void* processor) {
  return static_cast<sentencepiece::SentencePieceProcessor*>(processor)->unk_id();
}

__attribute__((visibility("default"))) int unbert_spm_train(const char* arguments, char* error,
                                                            size_t error_size) {
  auto status = sentencepiece::SentencePieceTrainer::Train(arguments);
  if (!status.ok()) {
    write_error(status.ToString(), error, error_size);
    return 1;
  }
  return 0;
}
}
