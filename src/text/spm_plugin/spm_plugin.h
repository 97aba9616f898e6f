// C interface of libunbert_spm.so, the plugin that wraps libsentencepiece.
// Debian's libsentencepiece exports its own copy of protobuf, which clashes
// with the libprotobuf that LibTorch loads (a crash at start-up). The plugin
// is therefore opened with dlmopen(LM_ID_NEWLM) in a link-map namespace of its
// own (RTLD_DEEPBIND is not enough: it breaks libstdc++'s copy-relocated
// std::cerr); only plain C types cross this boundary.
#pragma once

#include <cstddef>

extern "C" {

// Each returns 0 on success; on failure it writes a message into `error`.
typedef void* (*unbert_spm_load_fn)(const char* model_path, char* error, size_t error_size);
typedef void (*unbert_spm_free_fn)(void* processor);
// Writes up to `capacity` ids; returns how many there are (call again with a
// larger buffer when that is more than capacity), or -1 on error.
typedef int (*unbert_spm_encode_fn)(void* processor, const char* text, size_t length, int* ids,
                                    int capacity);
typedef int (*unbert_spm_piece_to_id_fn)(void* processor, const char* piece, size_t length);
typedef const char* (*unbert_spm_id_to_piece_fn)(void* processor, int id);
typedef int (*unbert_spm_vocab_size_fn)(void* processor);
typedef int (*unbert_spm_unk_id_fn)(void* processor);
typedef int (*unbert_spm_train_fn)(const char* arguments, char* error, size_t error_size);
}
