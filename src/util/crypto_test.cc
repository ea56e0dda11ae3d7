#include "util/crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace redoubt::util {
namespace {

TEST(Sha256, KnownVectors) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, RawDigestMatchesHexAndIsBinarySafe) {
  using namespace std::string_literals;
  const auto digest = Sha256("abc");
  EXPECT_EQ(digest[0], 0xba);
  EXPECT_EQ(digest[31], 0xad);
  EXPECT_NE(Sha256Hex("a\0b"s), Sha256Hex("a"));
  // ACL password hashes in Redis 7.0 are the same lowercase SHA-256 hex.
  EXPECT_EQ(Sha256Hex("foobar"),
            "c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2");
}

TEST(Sha1, KnownVectors) {
  // FIPS 180-1 test vectors.
  auto abc = Sha1("abc");
  EXPECT_EQ(abc[0], 0xa9);
  EXPECT_EQ(abc[1], 0x99);
  EXPECT_EQ(abc[19], 0x9d);
  auto empty = Sha1("");
  EXPECT_EQ(empty[0], 0xda);
  EXPECT_EQ(empty[19], 0x09);
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  using namespace std::string_literals;
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "Secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEquals("secret2", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
  EXPECT_FALSE(ConstantTimeEquals("x", ""));
  EXPECT_FALSE(ConstantTimeEquals("a\0b"s, "a\0c"s));
  EXPECT_TRUE(ConstantTimeEquals("a\0b"s, "a\0b"s));
  EXPECT_FALSE(ConstantTimeEquals("a"s, "a\0"s));
}

TEST(RandomHex, LengthAlphabetAndUniqueness) {
  EXPECT_EQ(RandomHex(0), "");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string id = RandomHex(20);  // A Redis run id is 40 hex chars.
    ASSERT_EQ(id.size(), 40u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
  // Larger than the internal chunk, so the chunking loop is exercised.
  const std::string big = RandomHex(1000);
  EXPECT_EQ(big.size(), 2000u);
  EXPECT_EQ(big.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace redoubt::util
