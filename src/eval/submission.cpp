#include "unbert/eval/submission.h"

#include <zip.h>

#include <filesystem>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/eval/rank_file.h"
#include "unbert/eval/submission_check.h"

namespace unbert {
namespace {

void write_zip(const std::string& path, const std::string& member, const std::string& text) {
  std::string temporary = path + ".tmp";
  std::filesystem::remove(temporary);
  int error = 0;
  zip_t* archive = zip_open(temporary.c_str(), ZIP_CREATE | ZIP_EXCL, &error);
  if (!archive) throw Error(temporary + ": cannot create the zip archive");
  zip_source_t* source = zip_source_buffer(archive, text.data(), text.size(), 0);
  if (!source || zip_file_add(archive, member.c_str(), source, ZIP_FL_ENC_UTF_8) < 0) {
    if (source) zip_source_free(source);
    zip_discard(archive);
    throw Error(temporary + ": cannot add " + member);
  }
  if (zip_close(archive) != 0) {
    zip_discard(archive);
    throw Error(temporary + ": cannot write the zip archive (disk full?)");
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace

SubmissionFiles write_submission(const Behaviors& behaviors, const std::vector<float>& scores,
                                 const std::string& dir) {
  if (scores.size() != behaviors.num_candidates())
    throw Error(behaviors.path() + ": " + std::to_string(scores.size()) + " scores for " +
                std::to_string(behaviors.num_candidates()) +
                " candidates; a prediction file must rank every candidate (nothing was written)");
  std::filesystem::create_directories(dir);
  std::string text;
  for (std::size_t i = 0; i < behaviors.size(); ++i) {
    Impression imp = behaviors[i];
    text += format_prediction_line(imp.id, scores.data() + behaviors.candidate_offset(i),
                                   imp.candidates.size());
    text += '\n';
  }
  SubmissionFiles files{(std::filesystem::path(dir) / "prediction.txt").string(),
                        (std::filesystem::path(dir) / "prediction.zip").string()};
  // Nothing the leaderboard would reject is written; what is wrong is named.
  check_submission_text(text, files.text, behaviors);
  write_text_atomic(files.text, text);
  write_zip(files.zip, "prediction.txt", text);
  if (prediction_from_zip(files.zip) != text)
    throw Error(files.zip + ": does not read back as the prediction.txt written beside it");
  return files;
}

}  // namespace unbert
