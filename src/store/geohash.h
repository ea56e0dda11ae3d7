// Redis's 52-bit geohash on sorted-set scores (GEOADD and friends): the same interleaving,
// the same cell centres on decode, the same haversine distance and the same 11-character
// geohash strings, so that coordinates and distances print identically. Knows nothing of RESP.
#pragma once

#include <cstdint>
#include <string>

namespace redoubt::store::geo {

inline constexpr int kStep = 26;  // bits per coordinate
inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr double kLonMin = -180;
inline constexpr double kLonMax = 180;
inline constexpr double kEarthRadiusMeters = 6372797.560856;

bool ValidLonLat(double lon, double lat);
// The 52-bit cell of a valid point, as a score.
uint64_t Encode(double lon, double lat);
// The centre of a cell, clamped to the valid ranges (what GEOPOS shows).
void Decode(uint64_t bits, double* lon, double* lat);
// Haversine distance in meters, as Redis's geohashGetDistance.
double Distance(double lon1, double lat1, double lon2, double lat2);
// The standard 11-character geohash of a stored cell (GEOHASH).
std::string HashString(uint64_t bits);
// Bounding cell of a cell: min/max longitude and latitude.
struct Area {
  double lon_min, lon_max, lat_min, lat_max;
};
Area DecodeArea(uint64_t bits);

}  // namespace redoubt::store::geo
