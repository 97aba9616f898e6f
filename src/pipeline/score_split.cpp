#include "unbert/pipeline/score_split.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/common/log.h"
#include "unbert/common/memory_limit.h"
#include "unbert/common/signals.h"
#include "unbert/config/config_io.h"
#include "unbert/data/mind_dataset.h"
#include "unbert/dist/process_group.h"
#include "unbert/eval/evaluator.h"
#include "unbert/eval/impression_table.h"
#include "unbert/model/checkpoint.h"
#include "unbert/model/device.h"
#include "unbert/model/memory_need.h"
#include "unbert/model/precision.h"
#include "unbert/pipeline/rank_agreement.h"
#include "unbert/pipeline/run_config.h"
#include "unbert/text/text_setup.h"
#include "unbert/train/run_dir.h"

namespace unbert {

namespace fs = std::filesystem;

void check_scoring_overrides(const std::vector<std::string>& overrides) {
  static const char* const kFixed[] = {"train.",
                                       "model.hidden_size",
                                       "model.num_layers",
                                       "model.num_heads",
                                       "model.intermediate_size",
                                       "model.layer_norm_eps",
                                       "model.max_position_embeddings",
                                       "model.pretrained",
                                       "model.random_init",
                                       "model.dropout",
                                       "model.attention_dropout",
                                       "model.news_level.",
                                       "text.spm_vocab_size"};
  for (const auto& assignment : overrides) {
    const std::string key = assignment.substr(0, assignment.find('='));
    for (const char* fixed : kFixed) {
      const std::string prefix = fixed;
      const bool group = prefix.back() == '.';
      if (group ? key.rfind(prefix, 0) == 0 : key == prefix)
        throw UsageError("--set " + key +
                         ": scoring uses a trained checkpoint, which fixes this key, so it would "
                         "have no effect; drop it (data.*, text.* packing keys, eval.* and "
                         "device apply here)");
    }
  }
}

namespace {

// A batch's activations beside the loaded weights (a memory limit otherwise
// ends in a crash or a spin inside the BLAS, not an error).
void check_scoring_fits(const ModelShape& shape, const RunConfig& config) {
  const int64_t batch = config.eval.batch_size, tokens = config.text.max_seq_len;
  check_memory(scoring_memory(shape, batch, tokens, config.text.max_history + 2),
               "scoring (eval.batch_size " + std::to_string(batch) + " of " +
                   std::to_string(tokens) + " tokens)",
               "lower eval.batch_size");
}

// A checkpoint, its data and tokenizer, ready to score one split.
struct Inference {
  RunConfig config;
  std::string checkpoint, owner_run;  // owner_run: "" outside any run
  std::string config_run;             // whose config.json, when not owner_run's
  MindData data;
  std::unique_ptr<TextPipeline> text;
  torch::Device device = torch::kCPU;
  ResolvedPrecision precision;
  Unbert model{nullptr};
  std::unique_ptr<ProcessGroup> group;
  nlohmann::json weights;  // size and hash of the checkpoint's model.safetensors
};

// The checkpoint and the run it belongs to.
bool same_path(const std::string& a, const std::string& b) {
  return fs::weakly_canonical(a) == fs::weakly_canonical(b);
}

// The checkpoint and the run it belongs to. A checkpoint of another run
// never writes into --run-dir's; a checkpoint outside any run may take
// --run-dir's config, and then writes into its own folder.
void locate(const ScoreSplitOptions& o, Inference* in) {
  if (!o.checkpoint.empty()) {
    in->checkpoint = o.checkpoint;
    in->owner_run = run_of_checkpoint(o.checkpoint);
    if (o.run_dir.empty() || (!in->owner_run.empty() && same_path(in->owner_run, o.run_dir)))
      return;
    if (!in->owner_run.empty() && o.out.empty())
      throw UsageError("--checkpoint " + o.checkpoint + " belongs to the run in " + in->owner_run +
                       ", not to --run-dir " + o.run_dir +
                       "; drop --run-dir (the results then go to " + in->owner_run +
                       "), or give --out DIR");
    in->config_run = o.run_dir;
    return;
  }
  std::string run = o.run_dir;
  if (run.empty() && !o.config.path.empty()) run = default_run_dir(o.config.load());
  if (run.empty()) run = latest_run();
  in->owner_run = run;
  in->checkpoint = RunDir(run).model_checkpoint();
}

bool has_split_behaviors(const DataConfig& data, const std::string& split) {
  try {
    return fs::is_regular_file(fs::path(split_dir(data, split)) / "behaviors.tsv");
  } catch (const ConfigError&) {  // no folder configured for it
    return false;
  }
}

RunConfig scoring_config(const ScoreSplitOptions& o, const std::string& owner_run) {
  if (!o.config.path.empty()) return o.config.load();
  if (!owner_run.empty() && fs::exists(fs::path(owner_run) / "config.json"))
    return read_run_config(owner_run, o.config.overrides);
  return o.config.load();  // the defaults and --set
}

// The checkpoint's own tokenizer and text options, with the user's --set
// text.* on top. Checkpoints written before they carried a tokenizer file
// keep the config's (and are checked against it).
void use_checkpoint_text(const CheckpointInfo& info, const ScoreSplitOptions& o, Inference* in) {
  if (info.tokenizer_file.empty()) return;
  nlohmann::json tree = config_to_json(in->config);
  tree["text"] = info.text;
  const std::string file = (fs::path(in->checkpoint) / info.tokenizer_file).string();
  const bool wordpiece = info.text.value("tokenizer", std::string("wordpiece")) == "wordpiece";
  tree["text"][wordpiece ? "vocab" : "spm_model"] = file;
  std::vector<std::string> text_overrides;
  for (const auto& assignment : o.config.overrides)
    if (assignment.rfind("text.", 0) == 0) text_overrides.push_back(assignment);
  in->config = load_config_tree(tree, text_overrides);
  spdlog::info("[eval] tokenizer and text options from the checkpoint ({})", file);
}

// `optional_split` is read too when its folder holds a behaviors.tsv.
std::unique_ptr<Inference> prepare(const ScoreSplitOptions& o, std::vector<std::string> splits,
                                   void (*check_data)(const DataConfig&) = nullptr,
                                   const std::string& optional_split = "") {
  check_scoring_overrides(o.config.overrides);
  auto in = std::make_unique<Inference>();
  locate(o, in.get());
  in->config = scoring_config(o, in->config_run.empty() ? in->owner_run : in->config_run);
  if (!o.device.empty()) in->config.device = o.device;
  validate(in->config);
  if (check_data) check_data(in->config.data);
  CheckpointInfo info = read_checkpoint_info(in->checkpoint);
  use_checkpoint_text(info, o, in.get());

  if (!optional_split.empty() &&
      std::find(splits.begin(), splits.end(), optional_split) == splits.end() &&
      has_split_behaviors(in->config.data, optional_split))
    splits.push_back(optional_split);
  in->data = load_mind(in->config.data, splits);
  in->text = build_text_pipeline(in->config, in->data.news);
  // The model's shape comes from the checkpoint; the config must not contradict it.
  const ModelShape shape = shape_for_checkpoint(info, in->config);
  check_checkpoint_fits(info, shape, in->text->tokenizer->identity(), in->checkpoint);
  in->device =
      resolve_device_for_rank(in->config.device, o.world.local_rank, o.world.distributed());
  in->group = std::make_unique<ProcessGroup>(o.world, in->device);
  // What the scores are of: partial scores are kept only for these weights.
  in->weights = file_identity((fs::path(in->checkpoint) / "model.safetensors").string());
  check_ranks_agree(*in->group, in->config, split_files(in->config.data, splits),
                    {{"checkpoint weights", in->weights}});
  if (!in->group->main()) log_as_rank(in->group->rank(), "");
  in->precision = resolve_scoring_precision(in->config.eval.precision, in->device,
                                            in->config.model.hidden_size);
  in->model = load_checkpoint_model(in->checkpoint, in->device);
  if (in->device.is_cpu()) check_scoring_fits(shape, in->config);
  spdlog::info("[eval] checkpoint {}", in->checkpoint);
  return in;
}

// --out; else the run's <kind>/<split> for its best/, <kind>/<split>/<name>
// for another of its checkpoints (step-N's results never replace best/'s);
// else the checkpoint's own folder.
std::string output_dir(const ScoreSplitOptions& o, const Inference& in, const char* kind) {
  if (!o.out.empty()) return o.out;
  if (in.owner_run.empty()) return (fs::path(in.checkpoint) / kind / o.split).string();
  fs::path dir = fs::path(in.owner_run) / kind / o.split;
  if (!same_path(in.checkpoint, RunDir(in.owner_run).best_checkpoint()))
    dir /= fs::weakly_canonical(in.checkpoint).filename();
  return dir.string();
}

std::vector<float> score_split(Inference& in, const Behaviors& behaviors, double* seconds,
                               PartialScores* partial = nullptr) {
  ScoringOptions options;
  options.partial = partial;
  options.batch_size = in.config.eval.batch_size;
  options.device = in.device;
  options.precision = in.precision.used;
  auto start = std::chrono::steady_clock::now();
  auto scores = score_candidates(in.model, behaviors, *in.text->packer,
                                 in.text->tokenizer->special().pad, options, *in.group);
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info(
      "[eval] scored {} impressions ({} candidates) in {:.1f} s: {:.1f} impressions/s, {} ({})",
      behaviors.size(), behaviors.num_candidates(), *seconds,
      behaviors.size() / std::max(*seconds, 1e-9), enum_name(in.precision.used), in.precision.why);
  return scores;
}

std::string scores_table(const Behaviors& behaviors, const NewsTable& news,
                         const std::vector<float>& scores) {
  // The label column only where the split has labels (not the test split).
  const bool labeled = behaviors.labeled();
  std::string table =
      labeled ? "impression_id\tnews_id\tlabel\tscore\n" : "impression_id\tnews_id\tscore\n";
  char score_text[32];
  for (std::size_t i = 0; i < behaviors.size(); ++i) {
    Impression imp = behaviors[i];
    for (std::size_t c = 0; c < imp.candidates.size(); ++c) {
      std::snprintf(score_text, sizeof score_text, "%.7g",
                    scores[behaviors.candidate_offset(i) + c]);
      table += std::string(imp.id) + "\t" + std::string(news.id(imp.candidates[c])) + "\t" +
               (labeled ? std::to_string(imp.labels[c]) + "\t" : std::string()) + score_text + "\n";
    }
  }
  return table;
}

// One row of a breakdown (--by-day, --by-category): the part's metrics, its
// unseen share and its name under `key`.
nlohmann::json breakdown_row(const MetricSummary& metrics, double unseen_share, const char* key,
                             const std::string& name) {
  nlohmann::json row = metrics.to_json();
  row[key] = name;
  row["unseen_share"] = unseen_share;
  return row;
}

nlohmann::json by_category_report(const std::vector<CategoryMetrics>& categories) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& c : categories) {
    rows.push_back(breakdown_row(c.metrics, c.unseen_share, "category", c.category));
    rows.back()["candidates"] = c.candidates;
  }
  return rows;
}

nlohmann::json by_day_report(const std::vector<DayMetrics>& days) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& d : days) rows.push_back(breakdown_row(d.metrics, d.unseen_share, "day", d.day));
  return rows;
}

// A leaderboard file ranks every candidate of every impression; a skipped
// line or candidate would make a file that looks complete and is not.
void require_complete_split(const DataConfig& data) {
  if (data.unknown_candidate == UnknownNews::Skip)
    throw ConfigError("data.unknown_candidate",
                      "is \"skip\", which would drop candidates from the prediction file; set "
                      "it to \"error\" for predict (--set data.unknown_candidate=error)");
  if (data.on_error == OnError::Skip)
    throw ConfigError("data.on_error",
                      "is \"skip\", which would drop malformed impressions from the prediction "
                      "file; set it to \"fail\" for predict (--set data.on_error=fail)");
}

}  // namespace

EvalResult evaluate_split(const ScoreSplitOptions& o) {
  std::vector<std::string> splits{o.split};
  // The training behaviors tell which candidates are unseen (impressions.tsv,
  // --by-day, --by-category): required for those, else read when the folder has them.
  if ((o.by_day || o.by_category) && o.split != "train") splits.push_back("train");
  auto in = prepare(o, splits, nullptr, o.split != "train" ? "train" : "");
  const bool with_train = in->data.splits.count("train") && o.split != "train";
  const Behaviors& behaviors = in->data.split(o.split);
  if (!behaviors.labeled())
    throw UsageError("eval: " + behaviors.path() +
                     " has no labels (a test split?); use 'unbert "
                     "predict --split " +
                     o.split + "' for leaderboard files");
  double seconds = 0;
  auto scores = score_split(*in, behaviors, &seconds);
  EvalResult result;
  result.metrics = metrics_of(behaviors, scores);
  if (!in->group->main()) return result;
  result.out_dir = output_dir(o, *in, "eval");
  fs::create_directories(result.out_dir);
  // metrics.json goes last and says what the folder holds: an earlier one
  // goes first, so a write that fails midway never leaves it beside new files.
  fs::remove(result.out_dir + "/metrics.json");
  write_text_atomic(result.out_dir + "/scores.tsv", scores_table(behaviors, in->data.news, scores));
  const std::vector<bool> seen =
      with_train ? news_in_behaviors(in->data.split("train"), in->data.news.size())
                 : std::vector<bool>();
  write_text_atomic(result.out_dir + "/impressions.tsv",
                    impression_table(impression_rows(behaviors, scores, seen)));
  nlohmann::json& report = result.report;
  report = result.metrics.to_json();
  report["checkpoint"] = in->checkpoint;
  report["weights"] = in->weights;  // compare and sweep tell results of older weights by it
  report["split"] = o.split;
  report["impressions_per_second"] = behaviors.size() / std::max(seconds, 1e-9);
  report["precision"] = enum_name(in->precision.used);
  // What unbert compare needs to pair runs: the split's content and the run's settings.
  report["behaviors"] = file_identity(behaviors.path());
  report["behaviors"]["path"] = behaviors.path();
  report["config"] = config_to_json(in->config);
  if (o.by_day) report["by_day"] = by_day_report(metrics_by_day(behaviors, scores, seen));
  if (o.by_category)
    report["by_category"] =
        by_category_report(metrics_by_category(behaviors, scores, in->data.news, seen));
  write_text_atomic(result.out_dir + "/metrics.json", report.dump(2) + "\n");
  return result;
}

// What a rank's partial scores are of: resuming needs the same weights, the
// same split content (behaviors and titles), the same packing of the text,
// precision and device, and the same batches and sharding.
std::string partial_key(const Inference& in, const Behaviors& behaviors, const std::string& split) {
  nlohmann::json files;
  for (const auto& [label, path] : split_files(in.config.data, {split}))
    files[label] = file_identity(path);
  return nlohmann::json{{"checkpoint", fs::absolute(in.checkpoint).lexically_normal().string()},
                        {"weights", in.weights},
                        {"behaviors", fs::absolute(behaviors.path()).lexically_normal().string()},
                        {"files", files},
                        {"candidates", behaviors.num_candidates()},
                        {"text", config_to_json(in.config)["text"]},
                        {"precision", enum_name(in.precision.used)},
                        {"device", in.device.str()},
                        {"batch_size", in.config.eval.batch_size},
                        {"rank", in.group->rank()},
                        {"ranks", in.group->size()}}
      .dump();
}

SubmissionFiles predict_split(const ScoreSplitOptions& o) {
  auto in = prepare(o, {o.split}, require_complete_split);
  const Behaviors& behaviors = in->data.split(o.split);
  if (behaviors.size() == 0)  // an empty zip would upload as a submission of nothing
    throw DataError(behaviors.path(),
                    "holds no impressions, so there is nothing to predict (nothing was written)");
  const std::string dir = output_dir(o, *in, "predict");
  // Each finished batch is kept in partial/ until the files are written.
  if (in->group->main()) PartialScores::discard_other_layouts(dir + "/partial", in->group->size());
  PartialScores partial(dir + "/partial/rank" + std::to_string(in->group->rank()) + "-of-" +
                            std::to_string(in->group->size()) + ".scores",
                        partial_key(*in, behaviors, o.split), o.resume);
  install_stop_signals();
  double seconds = 0;
  auto scores = score_split(*in, behaviors, &seconds, &partial);
  if (!in->group->main()) return {};  // rank 0 writes, then clears every rank's partial scores
  SubmissionFiles files = write_submission(behaviors, scores, dir);
  // The raw scores beside the ranks: what an ensemble of runs averages.
  write_text_atomic(dir + "/scores.tsv", scores_table(behaviors, in->data.news, scores));
  partial.remove_all();
  return files;
}

bool eval_results_current(const std::string& eval_dir) {
  fs::path dir = fs::path(eval_dir).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "runs/a/eval/dev/"
  const fs::path metrics = dir / "metrics.json";
  if (dir.parent_path().filename() != "eval" || !fs::is_regular_file(metrics)) return true;
  const nlohmann::json report = read_json_file(metrics.string());
  const fs::path weights = dir.parent_path().parent_path() / "best" / "model.safetensors";
  return !report.contains("weights") || !fs::is_regular_file(weights) ||
         report["weights"] == file_identity(weights.string());
}

}  // namespace unbert
