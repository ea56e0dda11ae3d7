#include "store/geohash.h"

#include <gtest/gtest.h>

namespace redoubt::store::geo {
namespace {

TEST(GeohashTest, PalermoAsRedis) {
  // Scores, positions and geohash strings as redis-server 7.0 stores and shows them.
  const uint64_t bits = Encode(13.361389, 38.115556);
  EXPECT_EQ(bits, 3479099956230698u);
  double lon, lat;
  Decode(bits, &lon, &lat);
  EXPECT_NEAR(lon, 13.36138933897018433, 1e-12);
  EXPECT_NEAR(lat, 38.11555639549629859, 1e-12);
  EXPECT_EQ(HashString(bits), "sqc8b49rny0");
}

TEST(GeohashTest, DistanceAsRedis) {
  double lon1, lat1, lon2, lat2;
  Decode(Encode(13.361389, 38.115556), &lon1, &lat1);
  Decode(Encode(15.087269, 37.502669), &lon2, &lat2);
  EXPECT_NEAR(Distance(lon1, lat1, lon2, lat2), 166274.1516, 5e-5);
  EXPECT_EQ(Distance(10, 10, 10, 10), 0);
}

TEST(GeohashTest, Ranges) {
  EXPECT_TRUE(ValidLonLat(180, 85.05112878));
  EXPECT_FALSE(ValidLonLat(180.0001, 0));
  EXPECT_FALSE(ValidLonLat(0, 85.06));
}

}  // namespace
}  // namespace redoubt::store::geo
