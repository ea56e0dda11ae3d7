#include "server/banner.h"

#include <gtest/gtest.h>

namespace redoubt::server {
namespace {

TEST(Banner, CarriesVersionModePortAndPid) {
  std::string text = BannerText("1.2.3", 6380, 4242);
  EXPECT_NE(text.find("Redoubt 1.2.3 (Redis 7.0.15 compatible) 64 bit"), std::string::npos);
  EXPECT_NE(text.find("Running in standalone mode"), std::string::npos);
  EXPECT_NE(text.find("Port: 6380\n"), std::string::npos);
  // Redis's test harness looks for " PID: <pid>" (with the leading space).
  EXPECT_NE(text.find(" PID: 4242\n"), std::string::npos);
  EXPECT_EQ(text.find("PID: 4242", text.find("PID: 4242") + 1), std::string::npos);
}

}  // namespace
}  // namespace redoubt::server
