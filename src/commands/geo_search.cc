// GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO], GEOSEARCH and GEOSEARCHSTORE: Redis 7.0's argument
// rules and replies. The points are found by walking the sorted set and keeping those inside
// the circle or box (Redis's own distance tests), so the set of results is Redis's; unsorted
// results come in geohash order.
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

constexpr int kByCoords = 1 << 0;
constexpr int kByMember = 1 << 1;
constexpr int kNoStore = 1 << 2;
constexpr int kSearch = 1 << 3;
constexpr int kSearchStore = 1 << 4;

enum class Sort { kNone, kAsc, kDesc };

struct Shape {
  bool box = false;
  double lon = 0, lat = 0;
  double radius = 0, width = 0, height = 0;  // in the unit
  double conversion = 1;                     // meters per unit
};

struct Options {
  bool withdist = false, withhash = false, withcoord = false, any = false;
  bool frommember = false, fromloc = false, byradius = false, bybox = false;
  bool storedist = false;
  Sort sort = Sort::kNone;
  int64_t count = 0;
  std::string_view store;
  bool has_store = false;
};

struct Point {
  std::string member;
  double lon, lat, dist;
  uint64_t bits;
};

bool UnitAt(CommandContext& cx, size_t at, double* conversion) {
  *conversion = GeoUnitMeters(cx, cx.args[at]);
  return *conversion > 0;
}

bool RadiusAt(CommandContext& cx, size_t at, Shape* s) {
  if (!ParseGeoFloat(cx.args[at], &s->radius)) {
    cx.reply.Error("ERR need numeric radius");
    return false;
  }
  if (s->radius < 0) {
    cx.reply.Error("ERR radius cannot be negative");
    return false;
  }
  s->box = false;
  return UnitAt(cx, at + 1, &s->conversion);
}

bool BoxAt(CommandContext& cx, size_t at, Shape* s) {
  if (!ParseGeoFloat(cx.args[at], &s->width)) {
    cx.reply.Error("ERR need numeric width");
    return false;
  }
  if (!ParseGeoFloat(cx.args[at + 1], &s->height)) {
    cx.reply.Error("ERR need numeric height");
    return false;
  }
  if (s->height < 0 || s->width < 0) {
    cx.reply.Error("ERR height or width cannot be negative");
    return false;
  }
  s->box = true;
  return UnitAt(cx, at + 2, &s->conversion);
}

bool MemberPosition(CommandContext& cx, const ZSetObject* z, std::string_view member, Shape* s) {
  double score;
  if (!z->Score(member, &score)) {
    cx.reply.Error("ERR could not decode requested zset member");
    return false;
  }
  geo::Decode(GeoScoreBits(score), &s->lon, &s->lat);
  return true;
}

// Redis's georadiusGeneric option loop, one argument at a time, replying the first error.
bool ParseOptions(CommandContext& cx, const ZSetObject* z, size_t base, int flags, Shape* s,
                  Options* o) {
  const size_t n = cx.argc();
  for (size_t i = base; i < n; ++i) {
    std::string_view a = cx.args[i];
    const size_t left = n - i - 1;
    const bool search = flags & kSearch;
    const bool may_store = !(flags & kNoStore) && !search;
    if (util::EqualsIgnoreCase(a, "withdist")) {
      o->withdist = true;
    } else if (util::EqualsIgnoreCase(a, "withhash")) {
      o->withhash = true;
    } else if (util::EqualsIgnoreCase(a, "withcoord")) {
      o->withcoord = true;
    } else if (util::EqualsIgnoreCase(a, "any")) {
      o->any = true;
    } else if (util::EqualsIgnoreCase(a, "asc")) {
      o->sort = Sort::kAsc;
    } else if (util::EqualsIgnoreCase(a, "desc")) {
      o->sort = Sort::kDesc;
    } else if (util::EqualsIgnoreCase(a, "count") && left >= 1) {
      if (!util::ParseInt64(cx.args[++i], &o->count)) {
        cx.reply.Error(errors::kNotInteger);
        return false;
      }
      if (o->count <= 0) {
        cx.reply.Error("ERR COUNT must be > 0");
        return false;
      }
    } else if (util::EqualsIgnoreCase(a, "store") && left >= 1 && may_store) {
      o->store = cx.args[++i];
      o->has_store = true;
      o->storedist = false;
    } else if (util::EqualsIgnoreCase(a, "storedist") && left >= 1 && may_store) {
      o->store = cx.args[++i];
      o->has_store = true;
      o->storedist = true;
    } else if (util::EqualsIgnoreCase(a, "storedist") && search && (flags & kSearchStore)) {
      o->storedist = true;
    } else if (util::EqualsIgnoreCase(a, "frommember") && left >= 1 && search && !o->fromloc) {
      if (z != nullptr && !MemberPosition(cx, z, cx.args[i + 1], s)) return false;
      o->frommember = true;
      ++i;
    } else if (util::EqualsIgnoreCase(a, "fromlonlat") && left >= 2 && search && !o->frommember) {
      if (!GeoLonLatAt(cx, i + 1, &s->lon, &s->lat)) return false;
      o->fromloc = true;
      i += 2;
    } else if (util::EqualsIgnoreCase(a, "byradius") && left >= 2 && search && !o->bybox) {
      if (!RadiusAt(cx, i + 1, s)) return false;
      o->byradius = true;
      i += 2;
    } else if (util::EqualsIgnoreCase(a, "bybox") && left >= 3 && search && !o->byradius) {
      if (!BoxAt(cx, i + 1, s)) return false;
      o->bybox = true;
      i += 3;
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// Whether a point is inside the shape, as Redis's geoWithinShape; *dist from the centre.
bool Within(const Shape& s, double lon, double lat, double* dist) {
  if (!s.box) {
    *dist = geo::Distance(s.lon, s.lat, lon, lat);
    return *dist <= s.radius * s.conversion;
  }
  const double lat_distance =
      geo::kEarthRadiusMeters * std::fabs(lat * (M_PI / 180.0) - s.lat * (M_PI / 180.0));
  if (lat_distance > s.height * s.conversion / 2) return false;
  if (geo::Distance(lon, lat, s.lon, lat) > s.width * s.conversion / 2) return false;
  *dist = geo::Distance(s.lon, s.lat, lon, lat);
  return true;
}

std::vector<Point> Collect(const ZSetObject* z, const Shape& s, int64_t limit) {
  std::vector<Point> out;
  z->ForEach([&](std::string_view member, double score) {
    Point p{std::string(), 0, 0, 0, GeoScoreBits(score)};
    geo::Decode(p.bits, &p.lon, &p.lat);
    if (Within(s, p.lon, p.lat, &p.dist)) {
      p.member.assign(member);
      out.push_back(std::move(p));
    }
    return limit == 0 || static_cast<int64_t>(out.size()) < limit;
  });
  return out;
}

void ReplyPoints(CommandContext& cx, const Options& o, std::vector<Point>& pts, size_t n,
                 double conversion) {
  const int extra = o.withdist + o.withhash + o.withcoord;
  cx.reply.Array(static_cast<int64_t>(n));
  for (size_t i = 0; i < n; ++i) {
    const Point& p = pts[i];
    if (extra) cx.reply.Array(extra + 1);
    cx.reply.Bulk(p.member);
    if (o.withdist) {
      char buf[128];
      int len = std::snprintf(buf, sizeof(buf), "%.4f", p.dist / conversion);
      cx.reply.Bulk(std::string_view(buf, len));
    }
    if (o.withhash) cx.reply.Integer(static_cast<int64_t>(p.bits));
    if (o.withcoord) {
      cx.reply.Array(2);
      ReplyGeoCoordinate(cx, p.lon);
      ReplyGeoCoordinate(cx, p.lat);
    }
  }
}

void StorePoints(CommandContext& cx, const Options& o, const std::vector<Point>& pts, size_t n,
                 double conversion, int flags) {
  if (n == 0) {
    if (cx.db().Delete(o.store)) Notify(cx, config::notify::kGeneric, "del", o.store);
    return cx.reply.Integer(0);
  }
  store::ZSetLimits limits{cx.server.cfg->zset_max_listpack_entries,
                           cx.server.cfg->zset_max_listpack_value};
  auto* z = new ZSetObject(true);
  for (size_t i = 0; i < n; ++i) {
    const Point& p = pts[i];
    double score = o.storedist ? p.dist / conversion : static_cast<double>(p.bits);
    int out;
    double unused;
    z->Add(p.member, score, 0, limits, &out, &unused);
  }
  cx.db().Overwrite(store::NewObjectEntry(o.store, ValueType::kZSet, z, false));
  Notify(cx, config::notify::kZset, (flags & kSearch) ? "geosearchstore" : "georadiusstore",
         o.store);
  cx.reply.Integer(static_cast<int64_t>(n));
}

bool ParseHead(CommandContext& cx, const ZSetObject* z, int flags, size_t* base, Shape* s) {
  if (flags & kByCoords) {
    *base = 6;
    return GeoLonLatAt(cx, 2, &s->lon, &s->lat) && RadiusAt(cx, 4, s);
  }
  if (flags & kByMember) {
    *base = 5;
    if (z == nullptr) return true;
    return MemberPosition(cx, z, cx.args[2], s) && RadiusAt(cx, 3, s);
  }
  *base = (flags & kSearchStore) ? 3 : 2;
  return true;
}

void GeoSearchGeneric(CommandContext& cx, size_t src, int flags) {
  Entry* e;
  if (!cx.LookupTyped(cx.args[src], ValueType::kZSet, true, &e)) return;
  const ZSetObject* z = e == nullptr ? nullptr : static_cast<ZSetObject*>(e->object());
  Shape s;
  Options o;
  size_t base;
  if (!ParseHead(cx, z, flags, &base, &s) || !ParseOptions(cx, z, base, flags, &s, &o)) return;
  if (flags & kSearchStore) {
    o.store = cx.args[1];
    o.has_store = true;
  }
  if (o.has_store && (o.withdist || o.withhash || o.withcoord)) {
    std::string msg =
        (flags & kSearchStore) ? "ERR GEOSEARCHSTORE" : "ERR STORE option in GEORADIUS";
    return cx.reply.Error(msg + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
  }
  if ((flags & kSearch) && !(o.frommember || o.fromloc)) {
    return cx.reply.Error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
                          std::string(cx.args[0]));
  }
  if ((flags & kSearch) && !(o.byradius || o.bybox)) {
    return cx.reply.Error("ERR exactly one of BYRADIUS and BYBOX can be specified for " +
                          std::string(cx.args[0]));
  }
  if (o.any && o.count == 0) return cx.reply.Error("ERR the ANY argument requires COUNT argument");
  if (z == nullptr) {
    if (!o.has_store) return cx.reply.EmptyArray();
    if (cx.db().Delete(o.store)) Notify(cx, config::notify::kGeneric, "del", o.store);
    return cx.reply.Integer(0);
  }
  if (o.count != 0 && o.sort == Sort::kNone && !o.any) o.sort = Sort::kAsc;
  std::vector<Point> pts = Collect(z, s, o.any ? o.count : 0);
  if (o.sort != Sort::kNone) {
    const bool asc = o.sort == Sort::kAsc;
    std::stable_sort(pts.begin(), pts.end(), [asc](const Point& a, const Point& b) {
      return asc ? a.dist < b.dist : a.dist > b.dist;
    });
  }
  size_t n = pts.size();
  if (o.count > 0 && static_cast<uint64_t>(o.count) < n) n = static_cast<size_t>(o.count);
  if (o.has_store) return StorePoints(cx, o, pts, n, s.conversion, flags);
  ReplyPoints(cx, o, pts, n, s.conversion);
}

}  // namespace

void GeoRadius(CommandContext& cx) { GeoSearchGeneric(cx, 1, kByCoords); }
void GeoRadiusRo(CommandContext& cx) { GeoSearchGeneric(cx, 1, kByCoords | kNoStore); }
void GeoRadiusByMember(CommandContext& cx) { GeoSearchGeneric(cx, 1, kByMember); }
void GeoRadiusByMemberRo(CommandContext& cx) { GeoSearchGeneric(cx, 1, kByMember | kNoStore); }
void GeoSearch(CommandContext& cx) { GeoSearchGeneric(cx, 1, kSearch); }
void GeoSearchStore(CommandContext& cx) { GeoSearchGeneric(cx, 2, kSearch | kSearchStore); }

}  // namespace redoubt::commands
