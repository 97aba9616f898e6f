#include <string>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/common/sha256.h"

namespace unbert {
namespace {

// FIPS 180-4 examples, and lengths around the 56- and 64-byte padding edges.
TEST(Sha256, KnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesHashAsTheWhole) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += static_cast<char>('a' + i % 26);
  for (std::size_t cut : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 200u}) {
    Sha256 hash;
    hash.update(std::string_view(text).substr(0, cut));
    hash.update(std::string_view(text).substr(cut));
    EXPECT_EQ(hash.hex_digest(), sha256_hex(text)) << cut;
  }
  test::TempDir dir;
  EXPECT_EQ(sha256_file(dir.write("f", text)), sha256_hex(text));
  EXPECT_THROW(sha256_file(dir.file("missing")), Error);
}

}  // namespace
}  // namespace unbert
