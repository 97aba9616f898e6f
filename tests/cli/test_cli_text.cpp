#include <gtest/gtest.h>

#include "test_util.h"

namespace unbert {
namespace {

using test::run_unbert;

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
  test::write_tiny_mind(dir);
  std::string config = test::write_tiny_config(dir);
  std::string spm = dir.file("spm/news.model");
  auto r = run_unbert("tokenizer train --config '" + config +
                      "' --set text.tokenizer=sentencepiece --set text.spm_model=" + spm +
                      " --set text.spm_vocab_size=40 --set text.nsep_token=[NSEP]");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto pieces = run_unbert("tokenize --tokens --spm " + spm, ".", "the team won\n");
  ASSERT_EQ(pieces.exit_code, 0) << pieces.err;
  EXPECT_FALSE(pieces.out.empty());
}

// Training mutes stderr around SentencePiece; a plugin that fails to load
// must still end in a visible error line (it once exited 1 in silence).
TEST(CliText, TokenizerTrainWithoutItsPluginSaysWhy) {
  test::TempDir dir;
  test::write_tiny_mind(dir);
  std::string config = test::write_tiny_config(dir);
  auto r = run_unbert("tokenizer train --config '" + config +
                          "' --set text.tokenizer=sentencepiece --set text.spm_model=" +
                          dir.file("spm/news.model") + " --set text.nsep_token=[NSEP]",
                      ".", "", "UNBERT_SPM_PLUGIN=" + dir.file("missing.so"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error: UNBERT_SPM_PLUGIN=" + dir.file("missing.so") +
                       ": cannot load it (no such file)"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace unbert
