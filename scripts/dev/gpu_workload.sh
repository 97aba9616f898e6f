#!/usr/bin/env bash
# Shared by gpu_check.sh and gpu_debug.sh: generated data and a GPU-sized
# config in the current folder ($B is the build folder).
"$B/unbert" synth --out data --users 2000 --news 300 --days 6 --seed 1 > /dev/null
cat > gpu.json <<'JSON'
{
  "data": {"train_dir": "data/train", "dev_dir": "data/dev", "test_dir": "data/test", "cache_dir": "cache"},
  "text": {"tokenizer": "sentencepiece", "spm_model": "spm/titles.model", "spm_vocab_size": 1000,
           "nsep_token": "[NSEP]"},
  "model": {"pretrained": "", "hidden_size": 256, "num_layers": 4, "num_heads": 4,
            "intermediate_size": 1024, "random_init": "matching", "news_level": {"layers": 2}},
  "train": {"lr": 5e-4, "batch_size": 128, "micro_batch": 128, "epochs": 3, "warmup_ratio": 0.1,
            "eval_every": 100, "log_every": 50, "precision": "bf16"}
}
JSON
