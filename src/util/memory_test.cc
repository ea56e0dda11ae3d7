#include "util/memory.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace redoubt::util {
namespace {

TEST(MemoryTest, UsedMemoryFollowsAllocations) {
  uint64_t before = UsedMemory();
  EXPECT_GT(before, 0u);
  constexpr size_t kBig = 64 << 20;
  std::unique_ptr<char[]> block(new char[kBig]);
  std::memset(block.get(), 1, kBig);  // resident, not only reserved
  EXPECT_GE(UsedMemory(), before + kBig);
  EXPECT_GE(ResidentSetSize(), kBig);
  block.reset();
  EXPECT_LT(UsedMemory(), before + kBig);
}

TEST(MemoryTest, SystemAndAllocator) {
  EXPECT_GT(TotalSystemMemory(), 0u);
  // The unit tests link glibc's allocator; jemalloc builds report "jemalloc-<version>".
  EXPECT_EQ(AllocatorName(), "libc");
  EXPECT_FALSE(GetAllocatorStats().available);
}

TEST(MemoryTest, PeakTracking) {
  ResetPeakMemory();
  EXPECT_EQ(PeakMemory(), 0u);
  EXPECT_EQ(UpdatePeakMemory(100), 100u);
  EXPECT_EQ(UpdatePeakMemory(50), 100u);
  EXPECT_EQ(UpdatePeakMemory(150), 150u);
  EXPECT_EQ(PeakMemory(), 150u);
  ResetPeakMemory();
  EXPECT_EQ(PeakMemory(), 0u);
}

}  // namespace
}  // namespace redoubt::util
