// Every rule on config values, one sentence each.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "unbert/common/error.h"
#include "unbert/config/config_io.h"

namespace unbert {
namespace {

template <class T>
void require(bool ok, const std::string& key, const std::string& rule, T value) {
  if (ok) return;
  std::ostringstream got;
  got << value;
  throw ConfigError(key, rule + ", got " + got.str());
}

void validate_device(const std::string& device) {
  if (device == "auto" || device == "cpu" || device == "cuda") return;
  if (device.rfind("cuda:", 0) == 0 && device.size() > 5 &&
      device.find_first_not_of("0123456789", 5) == std::string::npos)
    return;
  throw ConfigError("device", "expected auto, cpu, cuda or cuda:N, got \"" + device + "\"");
}

constexpr int64_t kMaxWidth = 65536, kMaxLayers = 1024;

// The weights alone (fp32) must fit in this machine's memory; training needs
// about four times that (gradients, Adam's two moments).
void check_weights_fit(const RunConfig& c) {
  const ModelConfig& m = c.model;
  const double h = static_cast<double>(m.hidden_size), i = static_cast<double>(m.intermediate_size);
  const double vocab = std::max<double>(30522, static_cast<double>(c.text.spm_vocab_size));
  const double layer = 4 * h * h + 2 * h * i + 9 * h + i;  // attention, feed-forward, norms
  const double layers = static_cast<double>(m.num_layers + m.news_level.layers);
  const double bytes =
      4 * (vocab * h + static_cast<double>(m.max_position_embeddings) * h + layers * layer);
  const double memory =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
  if (memory <= 0 || bytes <= memory) return;
  char text[160];
  std::snprintf(text, sizeof text,
                "a model of these sizes needs %.1f GB for its weights alone, more than this "
                "machine's %.1f GB of memory; choose smaller sizes",
                bytes / 1e9, memory / 1e9);
  throw ConfigError("model.hidden_size / model.intermediate_size / model.num_layers", text);
}

}  // namespace

void validate(const RunConfig& c) {
  require(!c.name.empty(), "name", "must not be empty", "\"\"");
  validate_device(c.device);

  const TextConfig& t = c.text;
  require(t.max_title_tokens >= 1, "text.max_title_tokens", "must be >= 1", t.max_title_tokens);
  require(t.max_history >= 0, "text.max_history", "must be >= 0", t.max_history);
  require(t.max_seq_len >= t.max_title_tokens + 3, "text.max_seq_len",
          "must hold [CLS], a candidate title, [SEP] and the closing [SEP] (>= "
          "text.max_title_tokens + 3)",
          t.max_seq_len);
  require(t.max_news_segments >= t.max_history + 2, "text.max_news_segments",
          "must be >= text.max_history + 2 (one id for specials, one for the candidate, one per "
          "clicked news)",
          t.max_news_segments);
  require(t.spm_vocab_size >= 16, "text.spm_vocab_size", "must be >= 16", t.spm_vocab_size);
  for (const auto* token : {&t.cls_token, &t.sep_token, &t.pad_token, &t.unk_token, &t.nsep_token})
    require(!token->empty(), "text.*_token", "special tokens must not be empty", "\"\"");

  const ModelConfig& m = c.model;
  require(m.hidden_size >= 1, "model.hidden_size", "must be >= 1", m.hidden_size);
  // Past these a size is a typo, and LibTorch's allocator would fail naming
  // no key (BERT-large is 1024 / 4096 / 24).
  require(m.hidden_size <= kMaxWidth, "model.hidden_size", "must be <= 65536", m.hidden_size);
  require(m.intermediate_size <= 4 * kMaxWidth, "model.intermediate_size", "must be <= 262144",
          m.intermediate_size);
  require(m.num_layers <= kMaxLayers, "model.num_layers", "must be <= 1024", m.num_layers);
  require(m.news_level.layers <= kMaxLayers, "model.news_level.layers", "must be <= 1024",
          m.news_level.layers);
  require(m.max_position_embeddings <= kMaxWidth, "model.max_position_embeddings",
          "must be <= 65536", m.max_position_embeddings);
  require(m.num_heads >= 1, "model.num_heads", "must be >= 1", m.num_heads);
  require(m.hidden_size % m.num_heads == 0, "model.num_heads",
          "must divide model.hidden_size (" + std::to_string(m.hidden_size) + ")", m.num_heads);
  require(m.num_layers >= 1, "model.num_layers", "must be >= 1", m.num_layers);
  require(m.intermediate_size >= 1, "model.intermediate_size", "must be >= 1", m.intermediate_size);
  require(m.dropout >= 0 && m.dropout < 1, "model.dropout", "must be in [0, 1)", m.dropout);
  require(m.attention_dropout >= 0 && m.attention_dropout < 1, "model.attention_dropout",
          "must be in [0, 1)", m.attention_dropout);
  require(m.layer_norm_eps > 0, "model.layer_norm_eps", "must be > 0", m.layer_norm_eps);
  check_weights_fit(c);
  require(m.news_level.layers >= 0, "model.news_level.layers", "must be >= 0", m.news_level.layers);
  require(m.news_level.layers >= 1 || m.level == MatchLevel::Word, "model.news_level.layers",
          "must be >= 1 unless model.level is \"word\"", m.news_level.layers);
  require(!m.use_position_embeddings || m.max_position_embeddings >= t.max_seq_len,
          "model.max_position_embeddings", "must be >= text.max_seq_len with position embeddings",
          m.max_position_embeddings);

  const TrainConfig& r = c.train;
  require(r.neg_ratio >= 1, "train.neg_ratio", "must be >= 1", r.neg_ratio);
  // Past 10 a rate is a typo (Adam's steps are ~lr per weight), and past
  // float's range LibTorch fails with a message that names no key.
  require(r.lr > 0 && r.lr <= 10, "train.lr", "must be in (0, 10]", r.lr);
  require(r.weight_decay >= 0, "train.weight_decay", "must be >= 0", r.weight_decay);
  require(r.weight_decay == 0 || r.optimizer == OptimizerKind::AdamW, "train.weight_decay",
          "needs train.optimizer \"adamw\" (Adam would couple it with the gradient)",
          r.weight_decay);
  require(r.warmup_ratio >= 0 && r.warmup_ratio < 1, "train.warmup_ratio", "must be in [0, 1)",
          r.warmup_ratio);
  require(r.batch_size >= 1, "train.batch_size", "must be >= 1", r.batch_size);
  // Past 2^24 a batch is a typo: no epoch of MIND-large holds that many pairs.
  require(r.batch_size <= (int64_t{1} << 24), "train.batch_size", "must be <= 16777216",
          r.batch_size);
  require(r.micro_batch >= 1, "train.micro_batch", "must be >= 1", r.micro_batch);
  require(r.micro_batch <= r.batch_size, "train.micro_batch",
          "must be <= train.batch_size (" + std::to_string(r.batch_size) +
              "): it splits each batch into forward passes",
          r.micro_batch);
  require(r.epochs >= 1, "train.epochs", "must be >= 1", r.epochs);
  require(r.max_steps >= 0, "train.max_steps", "must be >= 0 (0 = no limit)", r.max_steps);
  require(r.grad_clip >= 0, "train.grad_clip", "must be >= 0 (0 = off)", r.grad_clip);
  require(r.seed >= 0, "train.seed", "must be >= 0", r.seed);
  require(r.eval_every >= 0, "train.eval_every", "must be >= 0", r.eval_every);
  require(r.save_every >= 0, "train.save_every", "must be >= 0", r.save_every);
  require(r.eval_impressions >= 0, "train.eval_impressions", "must be >= 0", r.eval_impressions);
  require(r.keep >= 1, "train.keep", "must be >= 1", r.keep);
  require(r.log_every >= 1, "train.log_every", "must be >= 1", r.log_every);
  require(r.patience >= 0, "train.patience", "must be >= 0 (0 = no early stopping)", r.patience);
  require(r.holdout_days >= 0 && r.holdout_days <= 366, "train.holdout_days",
          "must be in [0, 366] (0 = validate on dev)", r.holdout_days);
  require(c.eval.batch_size >= 1, "eval.batch_size", "must be >= 1", c.eval.batch_size);
}

RunConfig load_config(const std::optional<std::string>& path,
                      const std::vector<std::string>& overrides) {
  nlohmann::json tree = nlohmann::json::object();
  if (path) {
    tree = read_json_file(*path);
    if (!tree.is_object()) throw UsageError(*path + ": expected a JSON object at the top level");
    if (!tree.contains("name")) tree["name"] = std::filesystem::path(*path).stem().string();
  }
  return load_config_tree(std::move(tree), overrides);
}

RunConfig ConfigSource::load() const {
  return load_config(path.empty() ? std::nullopt : std::optional<std::string>(path), overrides);
}

RunConfig load_config_tree(nlohmann::json tree, const std::vector<std::string>& overrides) {
  for (const auto& assignment : overrides) apply_override(tree, assignment);
  RunConfig config = config_from_json(tree);
  validate(config);
  return config;
}

}  // namespace unbert
