#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/text/sentencepiece_tokenizer.h"

namespace unbert {
namespace {

TEST(SentencePiece, TrainThenLoadRoundTrip) {
  test::TempDir dir;
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
