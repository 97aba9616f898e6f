#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/text/sentencepiece_tokenizer.h"

namespace unbert {
namespace {

TextConfig train_small_model(test::TempDir& dir) {
  std::vector<std::string> titles;
  const char* places[] = {"Florida", "Japan", "Texas", "Paris", "Ohio"};
  const char* topics[] = {"movie", "football", "election", "storm", "recipe", "market"};
  for (int i = 0; i < 600; ++i)
    titles.push_back(std::string("The best ") + topics[i % 6] + " news from " + places[i % 5] +
                     " this week " + std::to_string(i % 17));
  std::vector<std::string_view> views(titles.begin(), titles.end());
  TextConfig text;
  text.tokenizer = TokenizerKind::SentencePiece;
  text.spm_model = dir.file("spm/news.model");
  text.spm_vocab_size = 80;
  train_sentencepiece(views, text.spm_model, text, 2);
  return text;
}

// Files mapped into this process, each once (the distinct paths of
// /proc/self/maps), and how many separate images of each are mapped at file
// offset 0: a library loaded twice (a second link-map namespace) shows 2.
std::map<std::string, int> mapped_images() {
  std::ifstream maps("/proc/self/maps");
  std::map<std::string, int> images;
  std::string line;
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, perms, offset, device, inode, path;
    fields >> range >> perms >> offset >> device >> inode >> path;
    if (path.empty() || path[0] != '/') continue;
    images[path] += std::stoull(offset, nullptr, 16) == 0 ? 1 : 0;
  }
  return images;
}

TEST(SentencePiece, TrainThenLoadRoundTrip) {
  test::TempDir dir;
  TextConfig text = train_small_model(dir);
  auto tokenizer = load_tokenizer(text);
  EXPECT_GE(tokenizer->vocab_size(), 40);
  EXPECT_EQ(tokenizer->special().pad, 0);
  EXPECT_EQ(tokenizer->special().unk, 1);
  EXPECT_EQ(tokenizer->piece(tokenizer->special().nsep), "[unused1]");
  std::vector<int32_t> ids;
  tokenizer->encode("The best movie news from Florida", &ids);
  ASSERT_FALSE(ids.empty());
  std::string joined;
  for (int32_t id : ids) {
    EXPECT_TRUE(id >= 0 && id < tokenizer->vocab_size());
    EXPECT_NE(id, tokenizer->special().cls);  // control symbols never come from text
    joined += tokenizer->piece(id);
  }
  EXPECT_NE(joined.find("florida"), std::string::npos) << joined;  // case-folded
  EXPECT_FALSE(tokenizer->find("no-such-piece").has_value());
  EXPECT_NE(tokenizer->identity().find("sentencepiece:"), std::string::npos);
}

// SentencePiece runs in its helper: after training, loading and encoding,
// this process has mapped no libsentencepiece or libprotobuf-lite of
// sentencepiece's, and one image of libc (dlmopen once gave it a second).
TEST(SentencePiece, NeverEntersThisProcess) {
  test::TempDir dir;
  TextConfig text = train_small_model(dir);
  auto tokenizer = load_tokenizer(text);
  std::vector<int32_t> ids;
  tokenizer->encode("storm news from Ohio", &ids);
  ASSERT_FALSE(ids.empty());
  int libc_images = 0;
  for (const auto& [path, images] : mapped_images()) {
    EXPECT_EQ(path.find("libsentencepiece"), std::string::npos) << path;
    const std::string name = path.substr(path.rfind('/') + 1);
    if (name.rfind("libc.so", 0) == 0 || name.rfind("libc-", 0) == 0) libc_images += images;
    if (name.rfind("libstdc++.so", 0) == 0) {
      EXPECT_EQ(images, 1) << path;
    }
  }
  EXPECT_EQ(libc_images, 1);
}

// A batch gives the same ids as one text at a time, and the lengths add up.
TEST(SentencePiece, BatchEncodingMatchesOneByOne) {
  test::TempDir dir;
  TextConfig text = train_small_model(dir);
  auto tokenizer = load_tokenizer(text);
  std::vector<std::string> texts;
  for (int i = 0; i < 9000; ++i)
    texts.push_back(i % 5 == 0 ? "" : "market storm in Texas number " + std::to_string(i));
  std::vector<int32_t> batch_ids, single_ids;
  std::vector<uint32_t> lengths;
  tokenizer->encode_batch(std::vector<std::string_view>(texts.begin(), texts.end()), &batch_ids,
                          &lengths);
  ASSERT_EQ(lengths.size(), texts.size());
  for (const auto& t : texts) tokenizer->encode(t, &single_ids);
  EXPECT_EQ(batch_ids, single_ids);
  uint64_t total = 0;
  for (uint32_t length : lengths) total += length;
  EXPECT_EQ(total, batch_ids.size());
  EXPECT_EQ(lengths[0], 0u);
}

// The helper is reaped when its tokenizer goes: no zombie is left behind.
TEST(SentencePiece, HelperIsReapedWithItsTokenizer) {
  test::TempDir dir;
  TextConfig text = train_small_model(dir);
  pid_t helper = 0;
  {
    auto tokenizer = SentencePieceTokenizer::from_file(text.spm_model);
    helper = tokenizer->helper_pid();
    ASSERT_GT(helper, 0);
    EXPECT_EQ(::kill(helper, 0), 0);  // running
  }
  errno = 0;
  EXPECT_EQ(::waitpid(helper, nullptr, WNOHANG), -1);  // already reaped: not our child any more
  EXPECT_EQ(errno, ECHILD);
}

// A helper that dies mid-run is one clear error naming it and how it ended;
// it is reaped, and nothing hangs.
TEST(SentencePiece, HelperDeathIsAClearError) {
  test::TempDir dir;
  TextConfig text = train_small_model(dir);
  auto tokenizer = SentencePieceTokenizer::from_file(text.spm_model);
  const pid_t helper = tokenizer->helper_pid();
  ASSERT_EQ(::kill(helper, SIGKILL), 0);
  std::vector<int32_t> ids;
  try {
    tokenizer->encode("storm news", &ids);
    FAIL() << "encoding through a dead helper succeeded";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("SentencePiece helper unbert-spm (pid " + std::to_string(helper) +
                           ") failed while encoding text: killed by signal 9"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("rebuild with scripts/setup.sh"), std::string::npos) << message;
  }
  errno = 0;
  EXPECT_EQ(::waitpid(helper, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// Ctrl-C goes to the whole process group; unbert checkpoints after it, so
// the helper must survive it (and still answer).
TEST(SentencePiece, HelperIgnoresCtrlC) {
  test::TempDir dir;
  TextConfig text = train_small_model(dir);
  auto tokenizer = SentencePieceTokenizer::from_file(text.spm_model);
  ASSERT_EQ(::kill(tokenizer->helper_pid(), SIGINT), 0);
  std::vector<int32_t> ids;
  EXPECT_NO_THROW(tokenizer->encode("storm news", &ids));
  EXPECT_FALSE(ids.empty());
}

TEST(SentencePiece, MissingHelperIsAClearError) {
  ::setenv("UNBERT_SPM_HELPER", "/nonexistent/unbert-spm", 1);
  try {
    sentencepiece_helper_path();
    ::unsetenv("UNBERT_SPM_HELPER");
    FAIL();
  } catch (const Error& e) {
    ::unsetenv("UNBERT_SPM_HELPER");
    EXPECT_STREQ(e.what(),
                 "UNBERT_SPM_HELPER=/nonexistent/unbert-spm: no executable there; point it at "
                 "build/unbert-spm or unset it");
  }
}

TEST(SentencePiece, MissingOrCorruptModelIsAClearError) {
  test::TempDir dir;
  EXPECT_THROW(SentencePieceTokenizer::from_file(dir.file("none.model")), Error);
  std::string garbage = dir.write("bad.model", "this is not a protobuf");
  try {
    SentencePieceTokenizer::from_file(garbage);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a SentencePiece model"), std::string::npos);
  }
}

}  // namespace
}  // namespace unbert
