#include "util/fd_limit.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>

namespace redoubt::util {
namespace {

// Each test runs on the process's real limit and puts it back afterwards.
class FdLimitTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved_), 0); }
  void TearDown() override { setrlimit(RLIMIT_NOFILE, &saved_); }
  rlimit saved_{};
};

TEST_F(FdLimitTest, LimitAlreadyHighEnoughIsLeftAlone) {
  FdLimitResult r = AdjustOpenFilesLimit(10);
  EXPECT_EQ(r.maxclients, 10);
  EXPECT_EQ(r.new_limit, r.old_limit);
  EXPECT_TRUE(r.warnings.empty());
}

TEST_F(FdLimitTest, RaisesTheSoftLimitUpToTheHardOne) {
  rlimit low{64, saved_.rlim_max};
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  int64_t want = static_cast<int64_t>(std::min<rlim_t>(saved_.rlim_max, 4096)) - kReservedFds;
  FdLimitResult r = AdjustOpenFilesLimit(want);
  EXPECT_EQ(r.maxclients, want);
  EXPECT_EQ(r.old_limit, 64u);
  EXPECT_GE(r.new_limit, static_cast<uint64_t>(want + kReservedFds));
  rlimit now{};
  getrlimit(RLIMIT_NOFILE, &now);
  EXPECT_EQ(now.rlim_cur, r.new_limit);
  ASSERT_EQ(r.notices.size(), 1u);
}

TEST_F(FdLimitTest, ShrinksMaxclientsWhenTheLimitCannotGrow) {
  // A billion clients is past every kernel's fs.nr_open: the limit ends at the hard limit (or,
  // for root, at nr_open), and maxclients shrinks to what fits.
  rlimit low{100, 100};
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  FdLimitResult r = AdjustOpenFilesLimit(1000000000);
  EXPECT_GE(r.new_limit, 100u);
  EXPECT_EQ(r.maxclients, static_cast<int64_t>(r.new_limit) - kReservedFds);
  EXPECT_LT(r.maxclients, 1000000000);
  EXPECT_FALSE(r.fatal);
  EXPECT_EQ(r.warnings.size(), 3u);
}

}  // namespace
}  // namespace redoubt::util
