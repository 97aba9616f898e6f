#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"
#include "unbert/common/fs.h"

namespace unbert {
namespace {

using test::run_unbert;

std::string spm_train_command(const std::string& config, const std::string& spm) {
  return "tokenizer train --config '" + config +
         "' --set text.tokenizer=sentencepiece --set text.spm_model=" + spm +
         " --set text.spm_vocab_size=40 --set text.nsep_token=[NSEP]";
}

// Tiny MIND files and config in `dir`, and a SentencePiece model trained on them.
void train_spm_through_cli(const test::TempDir& dir, std::string* config, std::string* spm) {
  test::write_tiny_mind(dir);
  *config = test::write_tiny_config(dir);
  *spm = dir.file("spm/news.model");
  auto r = run_unbert(spm_train_command(*config, *spm));
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST(CliText, TokenizePrintsIdsOrPieces) {
  std::string vocab = test::shared_dir() + "/vocab/bert-base-uncased/vocab.txt";
  auto ids = run_unbert("tokenize --vocab '" + vocab + "'", ".", "Hello, world!\nunaffable\n");
  ASSERT_EQ(ids.exit_code, 0) << ids.err;
  EXPECT_EQ(ids.out, "7592 1010 2088 999\n14477 20961 3468\n");
  auto pieces = run_unbert("tokenize --tokens --vocab '" + vocab + "'", ".", "unaffable\n");
  EXPECT_EQ(pieces.out, "una ##ffa ##ble\n");
  auto none = run_unbert("tokenize", ".", "x\n");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("give --vocab FILE, --spm FILE or --config FILE"), std::string::npos);
}

TEST(CliText, InspectShowsThePackedInput) {
  test::TempDir dir;
  test::write_tiny_mind(dir);
  std::string config = test::write_tiny_config(dir);
  auto r = run_unbert("inspect --config '" + config + "' --split dev --impression 10");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("impression 10"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("candidate 2/3 N1 label 1"), std::string::npos) << r.out;
  // [CLS] candidate [SEP] [NSEP] clicked 1 [NSEP] clicked 2 [SEP]
  EXPECT_NE(r.out.find("candidate 1/3 N2 label 0, 22 tokens, 2 clicked news kept"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("[CLS] the team won the cup [SEP] [MASK] the team won the cup [MASK] the "
                       "game end ##ed late [SEP]"),
            std::string::npos)
      << r.out;
  auto missing = run_unbert("inspect --config '" + config + "' --split dev --impression 99");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("impression 99 is not in"), std::string::npos);
}

TEST(CliText, TokenizerTrainWritesASentencePieceModel) {
  test::TempDir dir;
  std::string config, spm;
  ASSERT_NO_FATAL_FAILURE(train_spm_through_cli(dir, &config, &spm));
  auto pieces = run_unbert("tokenize --tokens --spm " + spm, ".", "the team won\n");
  ASSERT_EQ(pieces.exit_code, 0) << pieces.err;
  EXPECT_FALSE(pieces.out.empty());

  // An existing model is kept unless --force says otherwise.
  const std::string before = read_text_file(spm);
  const std::string again = spm_train_command(config, spm) + " --set text.lowercase=false";
  auto refused = run_unbert(again);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("already exists (runs trained with it need it as it is); pass "
                             "--force to replace it"),
            std::string::npos)
      << refused.err;
  EXPECT_TRUE(read_text_file(spm) == before);  // (no dump of a binary file on failure)
  auto forced = run_unbert(again + " --force");
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_TRUE(read_text_file(spm) != before);

  auto cased = run_unbert("tokenize --spm " + spm + " --cased", ".", "x\n");
  EXPECT_EQ(cased.exit_code, 2);  // --cased belongs to --vocab: never silently ignored
  EXPECT_NE(cased.err.find("--vocab"), std::string::npos) << cased.err;
}

// A missing helper must end in a visible error line that says how to fix it,
// before anything is written (training once exited 1 in silence).
TEST(CliText, TokenizerTrainWithoutItsHelperSaysWhy) {
  test::TempDir dir;
  test::write_tiny_mind(dir);
  std::string config = test::write_tiny_config(dir);
  auto r = run_unbert("tokenizer train --config '" + config +
                          "' --set text.tokenizer=sentencepiece --set text.spm_model=" +
                          dir.file("spm/news.model") + " --set text.nsep_token=[NSEP]",
                      ".", "", "UNBERT_SPM_HELPER=" + dir.file("missing"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error: UNBERT_SPM_HELPER=" + dir.file("missing") +
                       ": no executable there; point it at build/unbert-spm or unset it"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("spm")));
}

// unbert tokenize streams: a batch of lines is answered in one round trip, and
// every line still gets its own output line, in order, the last one too.
TEST(CliText, TokenizeSpmStreamsManyLinesInOrder) {
  test::TempDir dir;
  std::string config, spm;
  ASSERT_NO_FATAL_FAILURE(train_spm_through_cli(dir, &config, &spm));
  auto one = run_unbert("tokenize --spm " + spm, ".", "the team won\n");
  auto empty = run_unbert("tokenize --spm " + spm, ".", "\n");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  std::string input, expected;
  for (int i = 0; i < 5000; ++i) {
    input += i % 7 == 0 ? "\n" : "the team won\n";
    expected += i % 7 == 0 ? empty.out : one.out;
  }
  input += "the team won";  // no final newline
  expected += one.out;
  auto many = run_unbert("tokenize --spm " + spm, ".", input);
  ASSERT_EQ(many.exit_code, 0) << many.err;
  EXPECT_EQ(many.out, expected);
}

}  // namespace
}  // namespace unbert
