// Typed configuration. Defaults live only here, in the member initialisers;
// each section lists its keys once in visit(), which drives JSON reading,
// writing and the key table (`unbert config --keys`).
#pragma once

#include <cstdint>
#include <string>

#include "unbert/config/enums.h"

namespace unbert {

struct DataConfig {
  std::string train_dir = "data/MINDsmall_train";
  std::string dev_dir = "data/MINDsmall_dev";
  std::string test_dir = "";
  OnError on_error = OnError::Fail;
  UnknownNews unknown_history = UnknownNews::Skip;
  UnknownNews unknown_candidate = UnknownNews::Error;
  std::string cache_dir = "data/cache";

  template <class V>
  void visit(V& v) {
    v("train_dir", train_dir, "MIND folder (news.tsv, behaviors.tsv) to train on");
    v("dev_dir", dev_dir, "MIND folder for dev evaluation");
    v("test_dir", test_dir, "MIND folder for leaderboard predictions (unlabeled)");
    v("on_error", on_error, "malformed line: fail with file:line, or skip and report a count");
    v("unknown_history", unknown_history, "history news id missing from news.tsv");
    v("unknown_candidate", unknown_candidate, "candidate news id missing from news.tsv");
    v("cache_dir", cache_dir, "where tokenized news are cached");
  }
};

struct TextConfig {
  TokenizerKind tokenizer = TokenizerKind::WordPiece;
  std::string vocab = "models/bert-base-uncased/vocab.txt";
  bool lowercase = true;
  std::string spm_model = "";
  int64_t spm_vocab_size = 8000;
  bool use_abstract = false;
  int64_t max_title_tokens = 20;
  int64_t max_history = 20;
  int64_t max_seq_len = 300;
  int64_t max_news_segments = 64;
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
  std::string unk_token = "[UNK]";
  std::string nsep_token = "[unused1]";

  template <class V>
  void visit(V& v) {
    v("tokenizer", tokenizer, "wordpiece (vocab.txt) or sentencepiece (.model)");
    v("vocab", vocab, "WordPiece vocab.txt");
    v("lowercase", lowercase, "lower-case and strip accents (uncased BERT)");
    v("spm_model", spm_model, "SentencePiece .model; trained from the titles if missing");
    v("spm_vocab_size", spm_vocab_size, "vocabulary size when training SentencePiece");
    v("use_abstract", use_abstract, "append the abstract to each title");
    v("max_title_tokens", max_title_tokens, "tokens kept per news title");
    v("max_history", max_history, "most recent clicked news kept per user");
    v("max_seq_len", max_seq_len, "tokens per packed sequence; oldest clicks dropped first");
    v("max_news_segments", max_news_segments, "size of the news-segment embedding table");
    v("cls_token", cls_token, "classification token");
    v("sep_token", sep_token, "separator token");
    v("pad_token", pad_token, "padding token");
    v("unk_token", unk_token, "unknown token");
    v("nsep_token", nsep_token, "news separator [NSEP]; an unused vocab slot for BERT");
  }
};

struct NewsLevelConfig {
  int64_t layers = 12;
  NewsLevelInit init = NewsLevelInit::Random;

  template <class V>
  void visit(V& v) {
    v("layers", layers, "transformer layers over the news vectors");
    v("init", init, "random, or copy_word_level (first layers of the word-level module)");
  }
};

struct ModelConfig {
  std::string pretrained = "models/bert-base-uncased";
  int64_t hidden_size = 768;
  int64_t num_layers = 12;
  int64_t num_heads = 12;
  int64_t intermediate_size = 3072;
  double dropout = 0.1;
  double attention_dropout = 0.1;
  double layer_norm_eps = 1e-12;
  bool use_position_embeddings = false;
  int64_t max_position_embeddings = 512;
  AggregatorKind aggregator = AggregatorKind::Attention;
  MatchLevel level = MatchLevel::Both;
  RandomInit random_init = RandomInit::Bert;
  NewsLevelConfig news_level;

  template <class V>
  void visit(V& v) {
    v("pretrained", pretrained,
      "HuggingFace BERT folder; empty = random init with the sizes below");
    v("hidden_size", hidden_size, "hidden size (taken from the checkpoint when pretrained)");
    v("num_layers", num_layers, "word-level transformer layers");
    v("num_heads", num_heads, "attention heads");
    v("intermediate_size", intermediate_size, "feed-forward size");
    v("dropout", dropout, "hidden dropout");
    v("attention_dropout", attention_dropout, "attention-probability dropout");
    v("layer_norm_eps", layer_norm_eps, "LayerNorm epsilon");
    v("use_position_embeddings", use_position_embeddings, "add position embeddings (paper: off)");
    v("max_position_embeddings", max_position_embeddings, "position table size");
    v("aggregator", aggregator, "nseg, mean or attention: word states to one vector per news");
    v("level", level, "click head input: word, news or both");
    v("random_init", random_init,
      "bert, or matching (key = query at init; for training from scratch)");
    v("news_level", news_level, "news-level module");
  }
};

struct TrainConfig {
  int64_t neg_ratio = 4;
  LossKind loss = LossKind::Pointwise;
  OptimizerKind optimizer = OptimizerKind::Adam;
  double lr = 2e-5;
  double weight_decay = 0.0;
  double warmup_ratio = 0.0;
  int64_t batch_size = 128;
  int64_t micro_batch = 32;
  int64_t epochs = 2;
  int64_t max_steps = 0;
  double grad_clip = 1.0;
  int64_t seed = 42;
  int64_t eval_every = 0;
  int64_t save_every = 1000;
  int64_t eval_impressions = 0;
  int64_t keep = 3;
  int64_t log_every = 50;
  int64_t patience = 0;
  int64_t holdout_days = 0;
  bool activation_checkpointing = false;
  std::string init_from = "";
  Precision precision = Precision::Fp32;

  template <class V>
  void visit(V& v) {
    v("neg_ratio", neg_ratio, "non-clicked candidates sampled per click");
    v("loss", loss, "pointwise (2-way cross-entropy per pair) or listwise");
    v("optimizer", optimizer, "adam, or adamw with weight_decay");
    v("lr", lr, "peak learning rate");
    v("weight_decay", weight_decay, "decoupled weight decay (adamw)");
    v("warmup_ratio", warmup_ratio, "share of steps with linear warm-up, then linear decay");
    v("batch_size", batch_size, "samples per optimizer step");
    v("micro_batch", micro_batch, "samples per forward pass (gradient accumulation)");
    v("epochs", epochs, "passes over the training impressions");
    v("max_steps", max_steps, "stop after this many optimizer steps; 0 = the epochs decide");
    v("grad_clip", grad_clip, "max global gradient norm; 0 = off");
    v("seed", seed, "random seed (sampling, init, dropout)");
    v("eval_every", eval_every, "dev evaluation every N steps; 0 = at epoch ends only");
    v("save_every", save_every,
      "step checkpoint every N steps besides those at evaluations; 0 = at evaluations only");
    v("eval_impressions", eval_impressions, "dev impressions scored while training; 0 = all");
    v("keep", keep, "checkpoints kept besides best");
    v("log_every", log_every, "steps between log lines");
    v("patience", patience,
      "stop after this many dev evaluations without a better AUC; 0 = never stop early");
    v("holdout_days", holdout_days,
      "validate (best/, patience) on the training split's last N days, held out from training, "
      "so dev stays untouched; 0 = validate on dev");
    v("activation_checkpointing", activation_checkpointing,
      "recompute each layer's activations in backward: less memory for long batches, one "
      "more forward of each layer per step; the same gradients");
    v("init_from", init_from,
      "start from this UNBERT checkpoint folder's weights (fine-tuning); \"\" = model.pretrained");
    v("precision", precision,
      "fp32, bf16, fp16 (CUDA only) or auto: bf16 on CUDA and on CPUs with AVX-512 BF16 or AMX");
  }
};

struct EvalConfig {
  int64_t batch_size = 256;
  Precision precision = Precision::Fp32;

  template <class V>
  void visit(V& v) {
    v("batch_size", batch_size, "pairs per forward pass when scoring");
    v("precision", precision,
      "scoring (eval, predict, dev evaluation in training): as train.precision, or int8 "
      "(CPU); auto adds int8 where the CPU has VNNI or AMX and the model hidden size >= 512");
  }
};

struct RunConfig {
  std::string name = "unbert";
  std::string run_dir = "";
  std::string device = "auto";
  DataConfig data;
  TextConfig text;
  ModelConfig model;
  TrainConfig train;
  EvalConfig eval;

  template <class V>
  void visit(V& v) {
    v("name", name, "run name; default: the config file's stem");
    v("run_dir", run_dir, "where the run writes; default: runs/<name>");
    v("device", device, "auto, cpu, cuda or cuda:N");
    v("data", data, "MIND files");
    v("text", text, "tokenizer and input packing");
    v("model", model, "UNBERT model");
    v("train", train, "training recipe (paper section 4.3)");
    v("eval", eval, "scoring");
  }
};

}  // namespace unbert
