#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/text/wordpiece.h"

namespace unbert {
namespace {

std::string bert_vocab() {
  return test::shared_dir() + "/vocab/bert-base-uncased/vocab.txt";
}

// Undoes the fixture's escaping: \\ \t \n \r and \uXXXX.
std::string unescape(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    char kind = text[++i];
    if (kind == '\\')
      out += '\\';
    else if (kind == 't')
      out += '\t';
    else if (kind == 'n')
      out += '\n';
    else if (kind == 'r')
      out += '\r';
    else if (kind == 'u') {
      auto code = static_cast<uint32_t>(std::stoul(text.substr(i + 1, 4), nullptr, 16));
      i += 4;
      if (code < 0x80) {
        out += static_cast<char>(code);
      } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      }
    }
  }
  return out;
}

TEST(WordPiece, ReproducesGoldenCasesExactly) {
  auto tokenizer = WordPieceTokenizer::from_file(bert_vocab(), /*lowercase=*/true);
  std::ifstream cases(test::shared_dir() + "/golden/wordpiece/cases.tsv");
  ASSERT_TRUE(cases) << "missing ../shared/golden/wordpiece/cases.tsv";
  std::string line;
  int checked = 0;
  while (std::getline(cases, line)) {
    auto tab = line.rfind('\t');
    ASSERT_NE(tab, std::string::npos);
    std::string input = unescape(line.substr(0, tab));
    std::vector<int32_t> expected, got;
    std::istringstream ids(line.substr(tab + 1));
    for (int32_t id; ids >> id;) expected.push_back(id);
    tokenizer->encode(input, &got);
    EXPECT_EQ(got, expected) << "input: " << line.substr(0, tab);
    ++checked;
  }
  EXPECT_EQ(checked, 85);
}

TEST(WordPiece, AnchorsAndCasedMode) {
  auto uncased = WordPieceTokenizer::from_file(bert_vocab(), true);
  std::vector<int32_t> ids;
  uncased->encode("unaffable", &ids);
  EXPECT_EQ(ids, (std::vector<int32_t>{14477, 20961, 3468}));
  EXPECT_EQ(uncased->basic_tokens("Héllo, WORLD!"),
            (std::vector<std::string>{"hello", ",", "world", "!"}));
  auto cased = WordPieceTokenizer::from_file(bert_vocab(), false);
  EXPECT_EQ(cased->basic_tokens("Héllo, WORLD!"),
            (std::vector<std::string>{"Héllo", ",", "WORLD", "!"}));
  EXPECT_NE(uncased->identity(), cased->identity());
}

TEST(WordPiece, RandomAndInvalidUtf8NeverLeavesTheVocabulary) {
  auto tokenizer = WordPieceTokenizer::from_file(bert_vocab(), true);
  std::mt19937 rng(5);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    int length = static_cast<int>(rng() % 64);
    for (int i = 0; i < length; ++i) {
      switch (rng() % 4) {
        case 0:
          text += static_cast<char>(rng() % 256);
          break;  // any byte
        case 1:
          text += static_cast<char>('a' + rng() % 26);
          break;  // letters
        case 2:
          text += "\xE4\xB8\xAD";
          break;  // CJK
        default:
          text += static_cast<char>(0xC0 + rng() % 64);
          break;  // lead byte alone
      }
    }
    std::vector<int32_t> ids;
    tokenizer->encode(text, &ids);
    for (int32_t id : ids) ASSERT_TRUE(id >= 0 && id < tokenizer->vocab_size());
  }
}

TEST(WordPiece, MissingSpecialTokenIsAConfigError) {
  test::TempDir dir;
  TextConfig text;
  text.vocab = dir.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
  text.nsep_token = "[unused1]";
  try {
    load_tokenizer(text);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "text.nsep_token");
    EXPECT_NE(std::string(e.what()).find("'[unused1]' is not in the vocabulary"),
              std::string::npos);
  }
  text.nsep_token = "hello";
  auto tokenizer = load_tokenizer(text);
  EXPECT_EQ(tokenizer->special().cls, 2);
  EXPECT_EQ(tokenizer->special().nsep, 4);
}

// A missing vocab names the config key and where to get one (it once said
// only "cannot open").
TEST(WordPiece, MissingVocabNamesTheKey) {
  TextConfig text;
  text.vocab = "/nonexistent/vocab.txt";
  try {
    load_tokenizer(text);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "text.vocab");
    EXPECT_NE(std::string(e.what()).find("scripts/download_bert.sh"), std::string::npos);
  }
}

}  // namespace
}  // namespace unbert
