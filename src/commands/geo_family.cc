// Geo commands: GEOADD, GEOPOS, GEODIST, GEOHASH, GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO],
// GEOSEARCH, GEOSEARCHSTORE. Points are sorted-set members scored with Redis's 52-bit geohash
// (store/geohash.h); GEOADD is ZADD with those scores, so encodings, notifications and
// propagation are ZADD's, as in Redis.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "commands/geo_args.h"
#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "runtime/server_state.h"
#include "store/geohash.h"
#include "store/zset_object.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

namespace geo = store::geo;
using store::Entry;
using store::ValueType;
using store::ZSetObject;

}  // namespace

bool ParseGeoFloat(std::string_view s, double* out) {
  if (s.empty() || s.size() > 256 || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  *out = std::strtod(buf.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

bool GeoLonLatAt(CommandContext& cx, size_t at, double* lon, double* lat) {
  if (!ParseGeoFloat(cx.args[at], lon) || !ParseGeoFloat(cx.args[at + 1], lat)) {
    cx.reply.Error("ERR value is not a valid float");
    return false;
  }
  if (!store::geo::ValidLonLat(*lon, *lat)) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "ERR invalid longitude,latitude pair %f,%f", *lon, *lat);
    cx.reply.Error(buf);
    return false;
  }
  return true;
}

double GeoUnitMeters(CommandContext& cx, std::string_view u) {
  if (util::EqualsIgnoreCase(u, "m")) return 1;
  if (util::EqualsIgnoreCase(u, "km")) return 1000;
  if (util::EqualsIgnoreCase(u, "ft")) return 0.3048;
  if (util::EqualsIgnoreCase(u, "mi")) return 1609.34;
  cx.reply.Error("ERR unsupported unit provided. please use M, KM, FT, MI");
  return -1;
}

uint64_t GeoScoreBits(double score) {
  if (!(score > 0)) return 0;
  if (score >= 18446744073709551616.0) return UINT64_MAX;
  return static_cast<uint64_t>(score);
}

void ReplyGeoCoordinate(CommandContext& cx, double v) {
  char buf[128];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", static_cast<long double>(v));
  std::string_view s(buf, n);
  if (s.find('.') != std::string_view::npos) {
    while (s.back() == '0') s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
  }
  if (s == "-0") s = "0";
  if (cx.client.resp == 2) return cx.reply.Bulk(s);
  std::string* out = cx.reply.buffer();
  out->push_back(',');
  out->append(s);
  out->append("\r\n");
}

namespace {

void ReplyDistance(CommandContext& cx, double d) {
  char buf[128];
  int n = std::snprintf(buf, sizeof(buf), "%.4f", d);
  cx.reply.Bulk(std::string_view(buf, n));
}

bool LookupZSet(CommandContext& cx, std::string_view key, ZSetObject** out) {
  Entry* e;
  if (!cx.LookupTyped(key, ValueType::kZSet, true, &e)) return false;
  *out = e == nullptr ? nullptr : static_cast<ZSetObject*>(e->object());
  return true;
}

void GeoAdd(CommandContext& cx) {
  size_t at = 2;
  bool nx = false, xx = false;
  for (; at < cx.argc(); ++at) {
    std::string_view o = cx.args[at];
    if (util::EqualsIgnoreCase(o, "nx")) {
      nx = true;
    } else if (util::EqualsIgnoreCase(o, "xx")) {
      xx = true;
    } else if (!util::EqualsIgnoreCase(o, "ch")) {
      break;
    }
  }
  if ((cx.argc() - at) % 3 != 0 || (xx && nx)) return cx.reply.Error(errors::kSyntax);
  // ZADD key [NX|XX] [CH] score member ...: ZADD does the rest, as in Redis.
  std::vector<std::string> zargs(cx.args.begin(), cx.args.begin() + at);
  zargs[0] = "zadd";
  for (size_t i = at; i < cx.argc(); i += 3) {
    double lon, lat;
    if (!GeoLonLatAt(cx, i, &lon, &lat)) return;
    zargs.push_back(std::to_string(geo::Encode(lon, lat)));
    zargs.emplace_back(cx.args[i + 2]);
  }
  std::vector<std::string_view> views(zargs.begin(), zargs.end());
  const CommandSpec* zadd = CommandTable::Get().LookupCanonical("zadd");
  CommandContext sub{cx.server, cx.client, *zadd, views, cx.reply};
  zadd->handler(sub);
}

void GeoPos(CommandContext& cx) {
  ZSetObject* z;
  if (!LookupZSet(cx, cx.args[1], &z)) return;
  cx.reply.Array(static_cast<int64_t>(cx.argc() - 2));
  for (size_t j = 2; j < cx.argc(); ++j) {
    double score;
    if (z == nullptr || !z->Score(cx.args[j], &score)) {
      cx.reply.NullArray();
      continue;
    }
    double lon, lat;
    geo::Decode(GeoScoreBits(score), &lon, &lat);
    cx.reply.Array(2);
    ReplyGeoCoordinate(cx, lon);
    ReplyGeoCoordinate(cx, lat);
  }
}

void GeoDist(CommandContext& cx) {
  double to_meters = 1;
  if (cx.argc() == 5) {
    to_meters = GeoUnitMeters(cx, cx.args[4]);
    if (to_meters < 0) return;
  } else if (cx.argc() > 5) {
    return cx.reply.Error(errors::kSyntax);
  }
  ZSetObject* z;
  if (!LookupZSet(cx, cx.args[1], &z)) return;
  double s1, s2;
  if (z == nullptr || !z->Score(cx.args[2], &s1) || !z->Score(cx.args[3], &s2)) {
    return cx.reply.Null();
  }
  double lon1, lat1, lon2, lat2;
  geo::Decode(GeoScoreBits(s1), &lon1, &lat1);
  geo::Decode(GeoScoreBits(s2), &lon2, &lat2);
  ReplyDistance(cx, geo::Distance(lon1, lat1, lon2, lat2) / to_meters);
}

void GeoHash(CommandContext& cx) {
  ZSetObject* z;
  if (!LookupZSet(cx, cx.args[1], &z)) return;
  cx.reply.Array(static_cast<int64_t>(cx.argc() - 2));
  for (size_t j = 2; j < cx.argc(); ++j) {
    double score;
    if (z == nullptr || !z->Score(cx.args[j], &score)) {
      cx.reply.Null();
    } else {
      cx.reply.Bulk(geo::HashString(GeoScoreBits(score)));
    }
  }
}

}  // namespace

// The search commands live in geo_search.cc.
void GeoRadius(CommandContext& cx);
void GeoRadiusRo(CommandContext& cx);
void GeoRadiusByMember(CommandContext& cx);
void GeoRadiusByMemberRo(CommandContext& cx);
void GeoSearch(CommandContext& cx);
void GeoSearchStore(CommandContext& cx);

void RegisterGeoFamily(CommandTable& t) {
  const char* g = "geo";
  const uint64_t c = cat::kGeo;
  const uint32_t ro = keyflag::kRO | keyflag::kAccess;
  const KeySpec key1{.flags = ro, .index = 1};
  const KeySpec store_kw{
      .flags = keyflag::kOW | keyflag::kUpdate, .keyword = "STORE", .start_from = 6};
  const KeySpec storedist_kw{
      .flags = keyflag::kOW | keyflag::kUpdate, .keyword = "STOREDIST", .start_from = 6};
  KeySpec store_kw5 = store_kw, storedist_kw5 = storedist_kw;
  store_kw5.start_from = storedist_kw5.start_from = 5;
  t.Register({
      {.name = "geoadd",
       .arity = -5,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = c,
       .keys = {{.flags = keyflag::kRW | keyflag::kUpdate, .index = 1}},
       .handler = GeoAdd,
       .group = g,
       .summary = "Add one or more geospatial items in the geospatial index represented using a "
                  "sorted set",
       .since = "3.2.0"},
      {.name = "geodist",
       .arity = -4,
       .flags = flag::kReadonly,
       .categories = c,
       .keys = {key1},
       .handler = GeoDist,
       .group = g,
       .summary = "Returns the distance between two members of a geospatial index",
       .since = "3.2.0"},
      {.name = "geohash",
       .arity = -2,
       .flags = flag::kReadonly,
       .categories = c,
       .keys = {key1},
       .handler = GeoHash,
       .group = g,
       .summary = "Returns members of a geospatial index as standard geohash strings",
       .since = "3.2.0"},
      {.name = "geopos",
       .arity = -2,
       .flags = flag::kReadonly,
       .categories = c,
       .keys = {key1},
       .handler = GeoPos,
       .group = g,
       .summary = "Returns longitude and latitude of members of a geospatial index",
       .since = "3.2.0"},
      {.name = "georadius",
       .arity = -6,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = c,
       .keys = {key1, store_kw, storedist_kw},
       .handler = GeoRadius,
       .group = g,
       .summary = "Query a sorted set representing a geospatial index to fetch members matching "
                  "a given maximum distance from a point",
       .since = "3.2.0"},
      {.name = "georadius_ro",
       .arity = -6,
       .flags = flag::kReadonly,
       .categories = c,
       .keys = {key1},
       .handler = GeoRadiusRo,
       .group = g,
       .summary = "A read-only variant for GEORADIUS",
       .since = "3.2.10"},
      {.name = "georadiusbymember",
       .arity = -5,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = c,
       .keys = {key1, store_kw5, storedist_kw5},
       .handler = GeoRadiusByMember,
       .group = g,
       .summary = "Query a sorted set representing a geospatial index to fetch members matching "
                  "a given maximum distance from a member",
       .since = "3.2.0"},
      {.name = "georadiusbymember_ro",
       .arity = -5,
       .flags = flag::kReadonly,
       .categories = c,
       .keys = {key1},
       .handler = GeoRadiusByMemberRo,
       .group = g,
       .summary = "A read-only variant for GEORADIUSBYMEMBER",
       .since = "3.2.10"},
      {.name = "geosearch",
       .arity = -7,
       .flags = flag::kReadonly,
       .categories = c,
       .keys = {key1},
       .handler = GeoSearch,
       .group = g,
       .summary = "Query a sorted set representing a geospatial index to fetch members inside an "
                  "area of a box or a circle.",
       .since = "6.2.0"},
      {.name = "geosearchstore",
       .arity = -8,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = c,
       .keys = {{.flags = keyflag::kOW | keyflag::kUpdate, .index = 1}, {.flags = ro, .index = 2}},
       .handler = GeoSearchStore,
       .group = g,
       .summary = "Query a sorted set representing a geospatial index to fetch members inside an "
                  "area of a box or a circle, and store the result in another key.",
       .since = "6.2.0"},
  });
}

}  // namespace redoubt::commands
