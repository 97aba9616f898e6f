#include "unbert/eval/submission_check.h"

#include <zip.h>

#include <fstream>
#include <sstream>

#include "unbert/common/error.h"
#include "unbert/common/zip_member.h"
#include "unbert/eval/rank_file.h"

namespace unbert {
namespace {

// One list per impression: its id and as many slots as candidates.
std::vector<ImpressionList> expected_lists(const Behaviors& behaviors) {
  std::vector<ImpressionList> lists(behaviors.size());
  for (std::size_t i = 0; i < behaviors.size(); ++i) {
    Impression imp = behaviors[i];
    lists[i].id = std::string(imp.id);
    lists[i].line = imp.line;
    lists[i].values.assign(imp.candidates.size(), 0);
  }
  return lists;
}

SubmissionSummary summarize(const std::vector<ImpressionList>& lists, bool zip) {
  SubmissionSummary summary;
  summary.impressions = lists.size();
  for (const auto& list : lists) summary.candidates += list.values.size();
  summary.zip = zip;
  return summary;
}

bool is_zip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

Behaviors load_behaviors(const std::string& path) {
  NewsTable news;  // ids and candidate counts only: news ids need not be known
  LoadOptions options;
  options.add_unknown_news = true;
  return Behaviors::load(path, news, options, nullptr);
}

}  // namespace

std::string prediction_from_zip(const std::string& zip_path) {
  int error = 0;
  zip_t* archive = zip_open(zip_path.c_str(), ZIP_RDONLY, &error);
  if (!archive) throw DataError(zip_path, "not a readable zip archive");
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  std::string names;
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* name = zip_get_name(archive, static_cast<zip_uint64_t>(i), 0);
    names += std::string(names.empty() ? "" : ", ") + (name ? name : "(unnamed)");
  }
  if (entries != 1 || names != "prediction.txt") {
    zip_discard(archive);
    throw DataError(zip_path, "holds " + (names.empty() ? std::string("nothing") : names) +
                                  "; the leaderboard wants prediction.txt at the zip's root and "
                                  "nothing else (zip -j prediction.zip prediction.txt)");
  }
  std::string text;
  try {
    text = read_zip_member(archive, 0, zip_path);
  } catch (...) {
    zip_discard(archive);
    throw;
  }
  zip_discard(archive);
  return text;
}

SubmissionSummary check_submission_text(const std::string& text, const std::string& name,
                                        const Behaviors& behaviors) {
  std::istringstream in(text);
  auto lists = read_impression_lists(in, name, ListKind::Ranks);
  check_lines_match(expected_lists(behaviors), lists, behaviors.path(), name);
  return summarize(lists, false);
}

SubmissionSummary check_submission(const std::string& path, const std::string& behaviors_path) {
  if (!std::ifstream(path)) throw UsageError(path + ": cannot open the file (check the path)");
  const bool zip = is_zip(path);
  std::vector<ImpressionList> lists;
  if (zip) {
    std::istringstream in(prediction_from_zip(path));
    lists = read_impression_lists(in, path + ":prediction.txt", ListKind::Ranks);
  } else {
    lists = read_impression_lists(path, ListKind::Ranks);
  }
  if (lists.empty()) throw DataError(path, "holds no prediction lines");
  if (!behaviors_path.empty())
    check_lines_match(expected_lists(load_behaviors(behaviors_path)), lists, behaviors_path,
                      zip ? path + ":prediction.txt" : path);
  return summarize(lists, zip);
}

}  // namespace unbert
