// What the geo commands (geo_family.cc, geo_search.cc) parse and reply alike, defined in
// geo_family.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/command.h"

namespace redoubt::commands {

// Redis's getDoubleFromObjectOrReply: a float, not NaN.
bool ParseGeoFloat(std::string_view s, double* out);
// args[at], args[at + 1] as a valid longitude,latitude pair; false after replying the error.
bool GeoLonLatAt(CommandContext& cx, size_t at, double* lon, double* lat);
// Meters per unit (m, km, ft, mi), or a negative value after replying the error.
double GeoUnitMeters(CommandContext& cx, std::string_view unit);
// A stored score as cell bits, as Redis casts it (GEOADD at longitude 180 or the top latitude
// sets bit 52); only what a cast cannot represent (negative, NaN, huge) is cut.
uint64_t GeoScoreBits(double score);
// Redis's addReplyHumanLongDouble: "%.17Lf" without trailing zeros; a RESP3 double (GEOPOS and
// the searches' WITHCOORD).
void ReplyGeoCoordinate(CommandContext& cx, double v);

}  // namespace redoubt::commands
