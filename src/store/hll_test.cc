#include "store/hll.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redoubt::store::hll {
namespace {

TEST(HllTest, EmptyIsRedisSparse) {
  std::string s = CreateEmpty();
  EXPECT_EQ(s, std::string("HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff", 18));
  EXPECT_EQ(Validate(s), Check::kValid);
  EXPECT_EQ(Count(s), 0u);
}

TEST(HllTest, DenseRegistersRoundTrip) {
  std::vector<uint8_t> regs(kDenseSize - kHeaderSize, 0);
  for (uint32_t i = 0; i < kRegisters; ++i) DenseSet(regs.data(), i, (i * 7) & 63);
  for (uint32_t i = 0; i < kRegisters; ++i) ASSERT_EQ(DenseGet(regs.data(), i), (i * 7) & 63);
}

TEST(HllTest, SparseAndDenseAgree) {
  std::string sparse = CreateEmpty(), dense = CreateEmpty();
  ToDense(&dense);
  for (int i = 0; i < 3000; ++i) {
    std::string e = "k";  // appended, not "k" + ...: g++ 12 warns falsely (-Wrestrict) on that
    e += std::to_string(i);
    EXPECT_EQ(Add(&sparse, e, 1 << 20), Add(&dense, e, 1 << 20));
  }
  EXPECT_EQ(Validate(sparse), Check::kValid);
  EXPECT_EQ(Encoding(sparse), kSparse);
  EXPECT_EQ(Count(sparse), Count(dense));
  ToDense(&sparse);
  EXPECT_EQ(sparse.substr(kHeaderSize), dense.substr(kHeaderSize));
}

TEST(HllTest, PromotesPastSparseMaxBytes) {
  std::string s = CreateEmpty();
  for (int i = 0; i < 200; ++i) {
    std::string e = "e";
    e += std::to_string(i);
    Add(&s, e, 100);
  }
  EXPECT_EQ(Encoding(s), kDense);
  EXPECT_EQ(s.size(), kDenseSize);
}

TEST(HllTest, ValidateRejectsCorruptSparse) {
  std::string h = CreateEmpty().substr(0, kHeaderSize);
  EXPECT_EQ(Validate(h), Check::kCorrupt);
  EXPECT_EQ(Validate(h + "\x7f"), Check::kCorrupt);
  EXPECT_EQ(Validate(h + "\x7f\xff\x80"), Check::kCorrupt);
  EXPECT_EQ(Validate(h + "\x7f\xfe\x80"), Check::kValid);
  EXPECT_EQ(Validate("HYLX" + h.substr(4) + "\x7f\xff"), Check::kNotHll);
  EXPECT_EQ(Validate("HYLL"), Check::kNotHll);
}

TEST(HllTest, PatLenMatchesRedis) {
  // Register and value as redis-server 7.0's PFDEBUG GETREG shows them after PFADD.
  uint32_t index;
  EXPECT_EQ(PatLen("a", &index), 2);
  EXPECT_EQ(index, 12711u);
  EXPECT_EQ(PatLen("hello-world", &index), 3);
  EXPECT_EQ(index, 13396u);
}

}  // namespace
}  // namespace redoubt::store::hll
