#include "store/geohash.h"

#include <cmath>

namespace redoubt::store::geo {

namespace {

// Spreads the 32 bits of v to the even bit positions of a 64-bit word.
uint64_t Spread(uint32_t v) {
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

uint32_t Squash(uint64_t x) {
  x &= 0x5555555555555555ULL;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(x);
}

// Latitude bits at even positions, longitude at odd, as Redis's interleave64(lat, lon).
uint64_t Interleave(uint32_t lat, uint32_t lon) { return Spread(lat) | (Spread(lon) << 1); }

uint64_t EncodeRange(double lon, double lat, double lat_min, double lat_max) {
  double lat_off = (lat - lat_min) / (lat_max - lat_min);
  double lon_off = (lon - kLonMin) / (kLonMax - kLonMin);
  lat_off *= static_cast<double>(1ULL << kStep);
  lon_off *= static_cast<double>(1ULL << kStep);
  return Interleave(static_cast<uint32_t>(lat_off), static_cast<uint32_t>(lon_off));
}

double DegRad(double d) { return d * (M_PI / 180.0); }

}  // namespace

bool ValidLonLat(double lon, double lat) {
  return !(lon < kLonMin || lon > kLonMax || lat < kLatMin || lat > kLatMax);
}

uint64_t Encode(double lon, double lat) { return EncodeRange(lon, lat, kLatMin, kLatMax); }

Area DecodeArea(uint64_t bits) {
  const uint32_t ilat = Squash(bits);
  const uint32_t ilon = Squash(bits >> 1);
  const double lat_scale = kLatMax - kLatMin;
  const double lon_scale = kLonMax - kLonMin;
  const double cells = static_cast<double>(1ULL << kStep);
  Area a;
  a.lat_min = kLatMin + (ilat * 1.0 / cells) * lat_scale;
  a.lat_max = kLatMin + ((ilat + 1) * 1.0 / cells) * lat_scale;
  a.lon_min = kLonMin + (ilon * 1.0 / cells) * lon_scale;
  a.lon_max = kLonMin + ((ilon + 1) * 1.0 / cells) * lon_scale;
  return a;
}

void Decode(uint64_t bits, double* lon, double* lat) {
  Area a = DecodeArea(bits);
  *lon = (a.lon_min + a.lon_max) / 2;
  if (*lon > kLonMax) *lon = kLonMax;
  if (*lon < kLonMin) *lon = kLonMin;
  *lat = (a.lat_min + a.lat_max) / 2;
  if (*lat > kLatMax) *lat = kLatMax;
  if (*lat < kLatMin) *lat = kLatMin;
}

double Distance(double lon1, double lat1, double lon2, double lat2) {
  const double lat1r = DegRad(lat1), lon1r = DegRad(lon1);
  const double lat2r = DegRad(lat2), lon2r = DegRad(lon2);
  const double v = std::sin((lon2r - lon1r) / 2);
  // Same longitude: the latitude distance alone, as Redis 7.0 shortcuts it.
  if (v == 0) return kEarthRadiusMeters * std::fabs(lat2r - lat1r);
  const double u = std::sin((lat2r - lat1r) / 2);
  const double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(a));
}

std::string HashString(uint64_t bits) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double lon, lat;
  Decode(bits, &lon, &lat);
  // The standard geohash covers latitudes -90..90: re-encode on that range.
  const uint64_t std_bits = EncodeRange(lon, lat, -90, 90);
  std::string out(11, '0');
  for (int i = 0; i < 11; ++i) {
    const uint64_t idx = i == 10 ? 0 : (std_bits >> (52 - ((i + 1) * 5))) & 0x1f;
    out[i] = kAlphabet[idx];
  }
  return out;
}

}  // namespace redoubt::store::geo
