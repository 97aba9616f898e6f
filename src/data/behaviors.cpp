#include "unbert/data/behaviors.h"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <unordered_map>

#include "tsv.h"
#include "unbert/common/error.h"
#include "unbert/common/mapped_file.h"
#include "unbert/common/system.h"
#include "unbert/data/mind_time.h"

namespace unbert {
namespace {

constexpr std::size_t kBehaviorColumns = 5;
constexpr std::size_t kMinBytesPerChunk = 4 << 20;

// What one thread makes of a slice of the file; merged in file order.
struct ParsedChunk {
  std::string_view text;
  std::size_t lines = 0;
  bool failed = false;
  std::size_t error_line = 0;  // local to the chunk
  std::string error;
  LoadReport report;  // skipped examples carry local line numbers until merged
  std::vector<std::size_t> skipped_lines;
  bool all_labeled = true;

  std::vector<std::string_view> ids;
  std::vector<std::string_view> users;
  std::vector<int64_t> times;
  std::vector<uint32_t> local_lines;
  std::vector<uint32_t> history_ref;           // row -> distinct history in this chunk
  std::vector<std::string_view> history_text;  // distinct raw history fields
  std::vector<uint64_t> history_offsets{0};
  std::vector<uint32_t> history_news;
  std::vector<uint32_t> history_unknown;  // dropped ids per distinct history
  std::unordered_map<std::string_view, uint32_t> history_index;
  std::vector<uint64_t> candidate_offsets{0};
  std::vector<uint32_t> candidate_news;
  std::vector<int8_t> labels;
};

bool is_whole_number(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

template <class F>
void for_each_token(std::string_view text, F&& f) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) f(text.substr(pos, end - pos));
    pos = end + 1;
  }
}

std::string quoted(std::string_view text) {
  return "'" + std::string(text.substr(0, 60)) + "'";
}

class ChunkParser {
 public:
  ChunkParser(ParsedChunk& out, NewsTable& news, const LoadOptions& options)
      : out_(out), news_(news), options_(options) {}

  void run() {
    std::size_t pos = 0;
    while (pos < out_.text.size()) {
      std::string_view line = tsv::next_line(out_.text, &pos);
      ++out_.lines;
      if (tsv::is_blank(line)) continue;
      ++out_.report.lines;
      std::string problem = parse_line(line);
      if (problem.empty()) continue;
      if (options_.on_error == OnError::Fail) {
        out_.failed = true;
        out_.error_line = out_.lines;
        out_.error = problem;
        return;
      }
      out_.skipped_lines.push_back(out_.lines);
      out_.report.note_skip(problem);
    }
  }

 private:
  std::optional<uint32_t> resolve(std::string_view id) {
    if (auto found = news_.find(id)) return found;
    if (options_.add_unknown_news) return news_.add_bare(id);
    return std::nullopt;
  }

  std::string parse_candidates(std::string_view field, bool* labeled) {
    candidates_.clear();
    labels_.clear();
    std::string problem;
    int labeled_count = 0, unlabeled_count = 0;
    std::size_t dropped = 0;
    for_each_token(field, [&](std::string_view token) {
      if (!problem.empty()) return;
      std::size_t dash = token.rfind('-');
      std::string_view id = dash == std::string_view::npos ? token : token.substr(0, dash);
      int8_t label = kUnlabeled;
      if (dash != std::string_view::npos) {
        std::string_view value = token.substr(dash + 1);
        if (value != "0" && value != "1") {
          problem = "candidate " + quoted(token) + ": the label after '-' must be 0 or 1";
          return;
        }
        label = value == "1" ? 1 : 0;
        ++labeled_count;
      } else {
        ++unlabeled_count;
      }
      if (id.empty()) {
        problem = "candidate " + quoted(token) + " has an empty news id";
        return;
      }
      auto news = resolve(id);
      if (!news) {
        if (options_.unknown_candidate == UnknownNews::Error) {
          problem = "candidate news id " + quoted(id) +
                    " is not in news.tsv (set data.unknown_candidate to \"skip\" to drop it)";
        } else {
          ++dropped;
        }
        return;
      }
      candidates_.push_back(*news);
      labels_.push_back(label);
    });
    if (!problem.empty()) return problem;
    if (labeled_count > 0 && unlabeled_count > 0)
      return "mixes labeled (id-label) and unlabeled candidates";
    if (labeled_count + unlabeled_count == 0) return "no candidates in the impressions column";
    out_.report.unknown_candidate += dropped;
    *labeled = unlabeled_count == 0;
    return "";
  }

  // Distinct history fields are parsed once: a user's history repeats across
  // all of their impressions in MIND.
  std::string parse_history(std::string_view field, uint32_t* ref) {
    auto found = out_.history_index.find(field);
    if (found != out_.history_index.end()) {
      *ref = found->second;
      return "";
    }
    std::size_t start = out_.history_news.size();
    uint32_t unknown = 0;
    std::string problem;
    for_each_token(field, [&](std::string_view id) {
      if (!problem.empty()) return;
      if (auto news = resolve(id)) {
        out_.history_news.push_back(*news);
      } else if (options_.unknown_history == UnknownNews::Error) {
        problem = "history news id " + quoted(id) +
                  " is not in news.tsv (set data.unknown_history to \"skip\" to drop it)";
      } else {
        ++unknown;
      }
    });
    if (!problem.empty()) {
      out_.history_news.resize(start);
      return problem;
    }
    *ref = static_cast<uint32_t>(out_.history_text.size());
    out_.history_index.emplace(field, *ref);
    out_.history_text.push_back(field);
    out_.history_offsets.push_back(out_.history_news.size());
    out_.history_unknown.push_back(unknown);
    return "";
  }

  std::string parse_line(std::string_view line) {
    std::string_view f[kBehaviorColumns];
    std::size_t count = tsv::split(line, f, kBehaviorColumns);
    if (count != kBehaviorColumns)
      return "expected 5 tab-separated fields (impression_id, user_id, time, history, "
             "impressions), got " +
             std::to_string(count) + " (is this a MIND behaviors.tsv?)";
    if (f[0].empty()) return "empty impression id";
    if (!is_whole_number(f[0])) return "impression id " + quoted(f[0]) + " is not a whole number";
    if (f[1].empty()) return "empty user id";
    auto time = parse_mind_time(f[2]);
    if (!time) return "time " + quoted(f[2]) + " is not like 11/15/2019 8:55:22 AM";
    bool labeled = false;
    std::string problem = parse_candidates(f[4], &labeled);
    if (!problem.empty()) return problem;
    uint32_t history = 0;
    problem = parse_history(f[3], &history);
    if (!problem.empty()) return problem;
    if (candidates_.empty()) {  // every candidate unknown and skipped
      ++out_.report.empty_impressions;
      return "";
    }
    out_.all_labeled = out_.all_labeled && labeled;
    out_.ids.push_back(f[0]);
    out_.users.push_back(f[1]);
    out_.times.push_back(*time);
    out_.local_lines.push_back(static_cast<uint32_t>(out_.lines));
    out_.history_ref.push_back(history);
    out_.candidate_news.insert(out_.candidate_news.end(), candidates_.begin(), candidates_.end());
    out_.labels.insert(out_.labels.end(), labels_.begin(), labels_.end());
    out_.candidate_offsets.push_back(out_.candidate_news.size());
    return "";
  }

  ParsedChunk& out_;
  NewsTable& news_;
  const LoadOptions& options_;
  std::vector<uint32_t> candidates_;
  std::vector<int8_t> labels_;
};

std::vector<ParsedChunk> split_chunks(std::string_view text, std::size_t chunks) {
  std::vector<ParsedChunk> out(chunks);
  std::size_t start = 0;
  for (std::size_t i = 0; i < chunks; ++i) {
    std::size_t end = i + 1 == chunks ? text.size() : text.size() * (i + 1) / chunks;
    if (end < start) end = start;
    if (i + 1 < chunks) {
      std::size_t newline = text.find('\n', end);
      end = newline == std::string_view::npos ? text.size() : newline + 1;
    }
    out[i].text = text.substr(start, end - start);
    start = end;
  }
  return out;
}

// The scorer matches predictions to impressions by id: two impressions with
// one id would make a submission that cannot be scored.
void check_unique_ids(const Behaviors& b) {
  std::unordered_map<std::string_view, uint32_t> first_line;
  first_line.reserve(b.size());
  for (std::size_t i = 0; i < b.size(); ++i) {
    Impression imp = b[i];
    auto [it, added] = first_line.emplace(imp.id, imp.line);
    if (!added)
      throw DataError(b.path(), imp.line,
                      "impression id " + quoted(imp.id) + " already appears at line " +
                          std::to_string(it->second) + "; impression ids must be unique");
  }
}

}  // namespace

// Appends parsed chunks in file order (a friend of Behaviors).
struct BehaviorsBuilder {
  Behaviors& b;
  std::unordered_map<std::string_view, uint32_t> history_index;

  void reserve(const std::vector<ParsedChunk>& chunks) {
    std::size_t rows = 0, candidates = 0, id_bytes = 0;
    for (const auto& c : chunks) {
      rows += c.ids.size();
      candidates += c.candidate_news.size();
      for (std::string_view id : c.ids) id_bytes += id.size();
    }
    b.id_text_.reserve(id_bytes);
    b.id_ends_.reserve(rows);
    b.user_.reserve(rows);
    b.time_.reserve(rows);
    b.line_.reserve(rows);
    b.history_of_.reserve(rows);
    b.candidate_offsets_.reserve(rows + 1);
    b.candidate_news_.reserve(candidates);
    b.candidate_labels_.reserve(candidates);
  }

  void append(ParsedChunk& c, std::size_t line_base, LoadReport* report) {
    std::vector<uint32_t> history_global(c.history_text.size());
    for (std::size_t h = 0; h < c.history_text.size(); ++h) {
      auto [it, added] =
          history_index.emplace(c.history_text[h], static_cast<uint32_t>(b.num_histories()));
      history_global[h] = it->second;
      if (!added) continue;
      b.history_news_.insert(b.history_news_.end(), c.history_news.begin() + c.history_offsets[h],
                             c.history_news.begin() + c.history_offsets[h + 1]);
      b.history_offsets_.push_back(b.history_news_.size());
      report->unknown_history += c.history_unknown[h];
    }
    uint64_t candidate_base = b.candidate_news_.size();
    for (std::size_t r = 0; r < c.ids.size(); ++r) {
      b.id_text_ += c.ids[r];
      b.id_ends_.push_back(b.id_text_.size());
      b.user_.push_back(b.users_.intern(c.users[r]));
      b.time_.push_back(c.times[r]);
      b.line_.push_back(static_cast<uint32_t>(line_base + c.local_lines[r]));
      b.history_of_.push_back(history_global[c.history_ref[r]]);
      b.candidate_offsets_.push_back(candidate_base + c.candidate_offsets[r + 1]);
    }
    b.candidate_news_.insert(b.candidate_news_.end(), c.candidate_news.begin(),
                             c.candidate_news.end());
    b.candidate_labels_.insert(b.candidate_labels_.end(), c.labels.begin(), c.labels.end());
    b.labeled_ = b.labeled_ && c.all_labeled;
    merge_report(c, line_base, report);
    c = ParsedChunk{};  // free the chunk's memory as we go
  }

  void merge_report(const ParsedChunk& c, std::size_t line_base, LoadReport* report) {
    report->lines += c.report.lines;
    report->unknown_candidate += c.report.unknown_candidate;
    report->empty_impressions += c.report.empty_impressions;
    for (std::size_t i = 0; i < c.skipped_lines.size(); ++i) {
      std::string where = b.path_ + ":" + std::to_string(line_base + c.skipped_lines[i]) + ": ";
      report->note_skip(where + (i < c.report.skipped_examples.size() ? c.report.skipped_examples[i]
                                                                      : std::string("malformed")));
    }
  }
};

Behaviors Behaviors::load(const std::string& path, NewsTable& news, const LoadOptions& options,
                          LoadReport* report) {
  MappedFile file(path);
  const std::string_view text = tsv::without_bom(file.text(), path);
  int threads = options.add_unknown_news ? 1
                : options.threads > 0    ? options.threads
                                         : hardware_threads();
  std::size_t chunk_count =
      std::max<std::size_t>(1, std::min<std::size_t>(threads * 4, text.size() / kMinBytesPerChunk));
  if (threads == 1) chunk_count = 1;
  std::vector<ParsedChunk> chunks = split_chunks(text, chunk_count);

  std::vector<std::thread> workers;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < chunks.size(); i = next++)
      ChunkParser(chunks[i], news, options).run();
  };
  for (int t = 1; t < threads && static_cast<std::size_t>(t) < chunk_count; ++t)
    workers.emplace_back(work);
  work();
  for (auto& worker : workers) worker.join();

  std::size_t line_base = 0;
  for (const auto& c : chunks) {
    if (c.failed) throw DataError(path, line_base + c.error_line, c.error);
    line_base += c.lines;
  }
  Behaviors b;
  b.path_ = path;
  LoadReport local;
  LoadReport* out = report ? report : &local;
  BehaviorsBuilder builder{b, {}};
  builder.reserve(chunks);
  line_base = 0;
  for (auto& c : chunks) {
    std::size_t lines = c.lines;
    builder.append(c, line_base, out);
    line_base += lines;
  }
  b.labeled_ = b.labeled_ && b.size() > 0;
  check_unique_ids(b);
#ifdef __GLIBC__
  malloc_trim(0);  // hand the chunks' freed memory back to the system
#endif
  return b;
}

Behaviors Behaviors::select(const std::vector<std::size_t>& rows) const {
  Behaviors b;
  b.path_ = path_;
  b.users_.reserve(users_.size());  // re-interned: the same indices, views into b's own blocks
  for (uint32_t u = 0; u < users_.size(); ++u) b.users_.intern(users_.at(u));
  b.history_offsets_ = history_offsets_;  // histories are shared across impressions
  b.history_news_ = history_news_;
  for (std::size_t i : rows) {
    const Impression imp = (*this)[i];
    b.id_text_ += imp.id;
    b.id_ends_.push_back(b.id_text_.size());
    b.user_.push_back(imp.user);
    b.time_.push_back(imp.time);
    b.line_.push_back(imp.line);
    b.history_of_.push_back(history_of_[i]);
    b.candidate_news_.insert(b.candidate_news_.end(), imp.candidates.begin(), imp.candidates.end());
    b.candidate_labels_.insert(b.candidate_labels_.end(), imp.labels.begin(), imp.labels.end());
    b.candidate_offsets_.push_back(b.candidate_news_.size());
  }
  b.labeled_ = labeled_ && !rows.empty();
  return b;
}

Impression Behaviors::operator[](std::size_t i) const {
  uint32_t h = history_of_[i];
  uint64_t c0 = candidate_offsets_[i], c1 = candidate_offsets_[i + 1];
  uint64_t id0 = i == 0 ? 0 : id_ends_[i - 1];
  return Impression{
      std::string_view(id_text_).substr(id0, id_ends_[i] - id0),
      user_[i],
      time_[i],
      line_[i],
      {history_news_.data() + history_offsets_[h], history_offsets_[h + 1] - history_offsets_[h]},
      {candidate_news_.data() + c0, c1 - c0},
      {candidate_labels_.data() + c0, c1 - c0}};
}

}  // namespace unbert
