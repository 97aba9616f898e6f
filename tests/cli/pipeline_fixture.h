// Generated MIND data and a tiny SentencePiece config (tiny.json) in a
// fresh folder: the setting of the command-line pipeline tests.
#pragma once

#include <gtest/gtest.h>

#include "test_util.h"

namespace unbert::test {

// A tiny UNBERT on a SentencePiece model trained from the titles; one epoch.
inline constexpr const char* kTinySpmConfig = R"({
  "data": {"train_dir": "data/train", "dev_dir": "data/dev", "test_dir": "data/test",
           "cache_dir": "cache"},
  "text": {"tokenizer": "sentencepiece", "spm_model": "spm/titles.model", "spm_vocab_size": 300,
           "nsep_token": "[NSEP]", "max_history": 5, "max_seq_len": 80},
  "model": {"pretrained": "", "hidden_size": 16, "num_layers": 1, "num_heads": 2,
            "intermediate_size": 32, "random_init": "matching", "news_level": {"layers": 1}},
  "train": {"lr": 1e-3, "batch_size": 16, "micro_batch": 8, "epochs": 1, "log_every": 1}
})";

class Pipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    auto synth = run_unbert(
        "synth --out data --users 40 --news 40 --days 4 --candidates 10 --seed 3", dir_.path());
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    dir_.write("tiny.json", kTinySpmConfig);
  }
  TempDir dir_;
};

}  // namespace unbert::test
