// Sorted-set commands: ZADD and its flags, scores and ranks, the ZRANGE family (by rank, score
// and lex, with REV, LIMIT and ZRANGESTORE), pops, ZRANDMEMBER, the algebra (ZUNION, ZINTER,
// ZDIFF, their STORE forms and ZINTERCARD), range removals and ZSCAN. Each handler parses its
// arguments, runs the operation on store::ZSetObject, then replies.
#include "commands/zset_family.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "commands/collection_util.h"
#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "runtime/server_state.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

using store::Entry;
using store::LexBound;
using store::SetObject;
using store::ValueType;
using store::ZSetObject;

constexpr std::string_view kMinMaxNotFloat = "ERR min or max is not a float";
constexpr std::string_view kBadLexRange = "ERR min or max not valid string range item";
constexpr std::string_view kNaNResult = "ERR resulting score is not a number (NaN)";

struct Element {
  std::string member;
  double score;
};

ZSetObject* ZSetOf(Entry* e) { return static_cast<ZSetObject*>(e->object()); }

store::ZSetLimits Limits(const CommandContext& cx) {
  return {cx.server.cfg->zset_max_listpack_entries, cx.server.cfg->zset_max_listpack_value};
}

// Looks up a sorted set. Replies WRONGTYPE and returns false on another type; *out is nullptr
// when the key is missing. `read` counts keyspace hits and misses.
bool FindZSet(CommandContext& cx, std::string_view key, ZSetObject** out, bool read = true) {
  Entry* e;
  if (!cx.LookupTyped(key, ValueType::kZSet, read, &e)) return false;
  *out = e == nullptr ? nullptr : ZSetOf(e);
  return true;
}

// Deletes the key when its set became empty (Redis never keeps an empty key), otherwise
// signals the change.
void AfterRemove(CommandContext& cx, std::string_view key, ZSetObject* z, bool changed,
                 std::string_view event) {
  if (changed) Notify(cx, config::notify::kZset, event, key);
  if (z->size() == 0) {
    cx.db().Delete(key);
    Notify(cx, config::notify::kGeneric, "del", key);
  } else if (changed) {
    cx.db().Touched(key);
  }
}

bool ParseDoubleArg(CommandContext& cx, std::string_view s, double* v,
                    std::string_view error = errors::kNotFloat) {
  if (!util::ParseDouble(s, v)) {
    cx.reply.Error(error);
    return false;
  }
  return true;
}

bool ParseInt(CommandContext& cx, std::string_view s, int64_t* v) {
  if (!util::ParseInt64(s, v)) {
    cx.reply.Error(errors::kNotInteger);
    return false;
  }
  return true;
}

// Replies elements as ZRANGE does: members, or member/score pairs (flat in RESP2, nested
// two-element arrays in RESP3).
void ReplyElements(CommandContext& cx, const std::vector<Element>& v, bool withscores) {
  auto n = static_cast<int64_t>(v.size());
  bool nested = withscores && cx.reply.resp() > 2;
  cx.reply.Array(withscores && !nested ? n * 2 : n);
  for (const Element& e : v) {
    if (nested) cx.reply.Array(2);
    cx.reply.Bulk(e.member);
    if (withscores) cx.reply.Double(e.score);
  }
}

// Builds a sorted set holding `v` (sorted or not), in the encoding Redis would choose for it.
ZSetObject* BuildZSet(const CommandContext& cx, const std::vector<Element>& v) {
  store::ZSetLimits limits = Limits(cx);
  size_t maxlen = 0;
  for (const Element& e : v) maxlen = std::max(maxlen, e.member.size());
  bool small = v.size() <= static_cast<uint64_t>(limits.max_entries) &&
               maxlen <= static_cast<uint64_t>(limits.max_value);
  auto z = std::make_unique<ZSetObject>(small);
  for (const Element& e : v) {
    int out;
    double ns;
    z->Add(e.member, e.score, 0, limits, &out, &ns);
  }
  return z.release();
}

// Stores `v` under dst, replacing any value and TTL, or deletes dst when v is empty; replies
// the number of elements stored.
void StoreElements(CommandContext& cx, std::string_view dst, const std::vector<Element>& v,
                   std::string_view event) {
  if (v.empty()) {
    if (cx.db().Delete(dst)) Notify(cx, config::notify::kGeneric, "del", dst);
  } else {
    cx.db().Overwrite(store::NewObjectEntry(dst, ValueType::kZSet, BuildZSet(cx, v), false));
    Notify(cx, config::notify::kZset, event, dst);
  }
  cx.reply.Integer(static_cast<int64_t>(v.size()));
}

// Up to `n` elements from rank `start`, ascending or descending.
std::vector<Element> Collect(const ZSetObject* z, size_t start, bool reverse, size_t n) {
  std::vector<Element> out;
  if (n == 0) return out;
  out.reserve(std::min(n, z->size()));
  z->Iterate(start, reverse, [&](std::string_view m, double s) {
    out.push_back({std::string(m), s});
    return out.size() < n;
  });
  return out;
}

// ------------------------------------------------------------------------------------------
// Ranges.

struct ScoreRange {
  double min = 0, max = 0;
  bool minex = false, maxex = false;
};

// One score bound as Redis's zslParseRange: strtod over the C string, "(" for exclusive.
bool ParseScoreBound(std::string_view s, double* v, bool* ex) {
  size_t nul = s.find('\0');
  if (nul != std::string_view::npos) s = s.substr(0, nul);
  *ex = !s.empty() && s[0] == '(';
  if (*ex) s.remove_prefix(1);
  std::string buf(s);
  char* end;
  *v = std::strtod(buf.c_str(), &end);
  return *end == '\0' && !std::isnan(*v);
}

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* r) {
  return ParseScoreBound(min, &r->min, &r->minex) && ParseScoreBound(max, &r->max, &r->maxex);
}

bool ParseLexBound(std::string_view s, LexBound* b) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
    case '-':
      if (s.size() != 1) return false;
      b->kind = s[0] == '+' ? LexBound::kMax : LexBound::kMin;
      b->exclusive = true;
      return true;
    case '(':
    case '[':
      b->kind = LexBound::kValue;
      b->exclusive = s[0] == '(';
      b->value = s.substr(1);
      return true;
    default:
      return false;
  }
}

// The ranks [*start, *end) a score range covers.
void ScoreRanks(const ZSetObject* z, const ScoreRange& r, size_t* start, size_t* end) {
  *start = z->CountScoreBelow(r.min, r.minex);
  *end = z->CountScoreBelow(r.max, !r.maxex);
  if (*end < *start) *end = *start;
}

size_t LexRank(const ZSetObject* z, const LexBound& b, bool is_min) {
  if (b.kind == LexBound::kMin) return 0;
  if (b.kind == LexBound::kMax) return z->size();
  return z->CountLexBelow(b.value, is_min ? b.exclusive : !b.exclusive);
}

// True when member m is at or above min (Redis's zslLexValueGteMin) / at or below max.
bool LexGteMin(std::string_view m, const LexBound& min) {
  if (min.kind != LexBound::kValue) return min.kind == LexBound::kMin;
  return min.exclusive ? m > min.value : m >= min.value;
}
bool LexLteMax(std::string_view m, const LexBound& max) {
  if (max.kind != LexBound::kValue) return max.kind == LexBound::kMax;
  return max.exclusive ? m < max.value : m <= max.value;
}

void LexRanks(const ZSetObject* z, const LexBound& min, const LexBound& max, size_t* start,
              size_t* end) {
  // Redis first checks the range against the last and the first elements (zslIsInLexRange);
  // with equal scores this changes nothing, with mixed ones it is what Redis answers.
  *start = *end = 0;
  if (z->size() == 0) return;
  bool in_range = true;
  z->Iterate(z->size() - 1, true, [&](std::string_view m, double) {
    in_range = LexGteMin(m, min);
    return false;
  });
  z->Iterate(0, false, [&](std::string_view m, double) {
    in_range = in_range && LexLteMax(m, max);
    return false;
  });
  if (!in_range) return;
  *start = LexRank(z, min, true);
  *end = LexRank(z, max, false);
  if (*end < *start) *end = *start;
}

// Redis's rank sanitizing: negative indexes count from the end. False when the range is empty;
// otherwise [*start, *end] are valid inclusive ranks.
bool ClampRanks(int64_t llen, int64_t* start, int64_t* end) {
  if (*start < 0) *start = llen + *start;
  if (*end < 0) *end = llen + *end;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= llen) return false;
  if (*end >= llen) *end = llen - 1;
  return true;
}

enum class RangeType { kAuto, kRank, kScore, kLex };

struct RangeArgs {
  RangeType type = RangeType::kAuto;
  bool rev = false;
  bool rev_given = false;
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  int64_t start = 0, end = 0;
  ScoreRange score;
  LexBound lex_min, lex_max;
};

// Parses Redis's zrangeGenericCommand arguments: the range at args[first], args[first + 1],
// options after. `type`/`rev` preset the legacy commands' behaviour; as in Redis, a legacy
// command's direction is fixed (ZRANGEBYSCORE ... REV is a syntax error).
bool ParseRange(CommandContext& cx, size_t first, RangeType type, bool rev, bool store,
                RangeArgs* a) {
  a->type = type;
  a->rev = rev;
  a->rev_given = rev || type != RangeType::kAuto;
  for (size_t j = first + 2; j < cx.argc(); ++j) {
    std::string_view o = cx.args[j];
    size_t left = cx.argc() - j - 1;
    if (!store && util::EqualsIgnoreCase(o, "WITHSCORES")) {
      a->withscores = true;
    } else if (util::EqualsIgnoreCase(o, "LIMIT") && left >= 2) {
      if (!ParseInt(cx, cx.args[j + 1], &a->offset) || !ParseInt(cx, cx.args[j + 2], &a->limit)) {
        return false;
      }
      j += 2;
    } else if (!a->rev_given && util::EqualsIgnoreCase(o, "REV")) {
      a->rev = a->rev_given = true;
    } else if (a->type == RangeType::kAuto && util::EqualsIgnoreCase(o, "BYLEX")) {
      a->type = RangeType::kLex;
    } else if (a->type == RangeType::kAuto && util::EqualsIgnoreCase(o, "BYSCORE")) {
      a->type = RangeType::kScore;
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  if (a->type == RangeType::kAuto) a->type = RangeType::kRank;
  if (a->limit != -1 && a->type == RangeType::kRank) {
    cx.reply.Error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return false;
  }
  if (a->withscores && a->type == RangeType::kLex) {
    cx.reply.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return false;
  }
  std::string_view min = cx.args[first], max = cx.args[first + 1];
  if (a->rev && a->type != RangeType::kRank) std::swap(min, max);
  switch (a->type) {
    case RangeType::kScore:
      if (!ParseScoreRange(min, max, &a->score)) {
        cx.reply.Error(kMinMaxNotFloat);
        return false;
      }
      break;
    case RangeType::kLex:
      if (!ParseLexBound(min, &a->lex_min) || !ParseLexBound(max, &a->lex_max)) {
        cx.reply.Error(kBadLexRange);
        return false;
      }
      break;
    default:
      return ParseInt(cx, min, &a->start) && ParseInt(cx, max, &a->end);
  }
  return true;
}

// The elements a parsed range selects, in reply order.
std::vector<Element> SelectRange(const ZSetObject* z, const RangeArgs& a) {
  auto llen = static_cast<int64_t>(z->size());
  if (a.type == RangeType::kRank) {
    int64_t start = a.start, end = a.end;
    if (!ClampRanks(llen, &start, &end)) return {};
    auto n = static_cast<size_t>(end - start + 1);
    return a.rev ? Collect(z, static_cast<size_t>(llen - 1 - start), true, n)
                 : Collect(z, static_cast<size_t>(start), false, n);
  }
  size_t lo, hi;
  if (a.type == RangeType::kScore) {
    ScoreRanks(z, a.score, &lo, &hi);
  } else {
    LexRanks(z, a.lex_min, a.lex_max, &lo, &hi);
  }
  size_t count = hi - lo;
  // As Redis: a negative offset, or one past the range, selects nothing.
  if (a.offset < 0 || static_cast<uint64_t>(a.offset) >= count) return {};
  size_t avail = count - static_cast<size_t>(a.offset);
  size_t n = a.limit < 0 ? avail : std::min(avail, static_cast<size_t>(a.limit));
  return a.rev ? Collect(z, hi - 1 - static_cast<size_t>(a.offset), true, n)
               : Collect(z, lo + static_cast<size_t>(a.offset), false, n);
}

void RangeGeneric(CommandContext& cx, RangeType type, bool rev) {
  RangeArgs a;
  if (!ParseRange(cx, 2, type, rev, false, &a)) return;
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z)) return;
  if (z == nullptr) return cx.reply.EmptyArray();
  ReplyElements(cx, SelectRange(z, a), a.withscores);
}

void ZRange(CommandContext& cx) { RangeGeneric(cx, RangeType::kAuto, false); }
void ZRevRange(CommandContext& cx) { RangeGeneric(cx, RangeType::kRank, true); }
void ZRangeByScore(CommandContext& cx) { RangeGeneric(cx, RangeType::kScore, false); }
void ZRevRangeByScore(CommandContext& cx) { RangeGeneric(cx, RangeType::kScore, true); }
void ZRangeByLex(CommandContext& cx) { RangeGeneric(cx, RangeType::kLex, false); }
void ZRevRangeByLex(CommandContext& cx) { RangeGeneric(cx, RangeType::kLex, true); }

void ZRangeStore(CommandContext& cx) {
  RangeArgs a;
  if (!ParseRange(cx, 3, RangeType::kAuto, false, true, &a)) return;
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[2], &z)) return;
  StoreElements(cx, cx.args[1], z == nullptr ? std::vector<Element>{} : SelectRange(z, a),
                "zrangestore");
}

void ZCount(CommandContext& cx) {
  ScoreRange r;
  if (!ParseScoreRange(cx.args[2], cx.args[3], &r)) return cx.reply.Error(kMinMaxNotFloat);
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z)) return;
  size_t lo = 0, hi = 0;
  if (z != nullptr) ScoreRanks(z, r, &lo, &hi);
  cx.reply.Integer(static_cast<int64_t>(hi - lo));
}

void ZLexCount(CommandContext& cx) {
  LexBound min, max;
  if (!ParseLexBound(cx.args[2], &min) || !ParseLexBound(cx.args[3], &max)) {
    return cx.reply.Error(kBadLexRange);
  }
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z)) return;
  size_t lo = 0, hi = 0;
  if (z != nullptr) LexRanks(z, min, max, &lo, &hi);
  cx.reply.Integer(static_cast<int64_t>(hi - lo));
}

enum class RemoveBy { kRank, kScore, kLex };

void RemRangeGeneric(CommandContext& cx, RemoveBy by) {
  int64_t start = 0, end = 0;
  ScoreRange score;
  LexBound min, max;
  if (by == RemoveBy::kRank) {
    if (!ParseInt(cx, cx.args[2], &start) || !ParseInt(cx, cx.args[3], &end)) return;
  } else if (by == RemoveBy::kScore) {
    if (!ParseScoreRange(cx.args[2], cx.args[3], &score)) return cx.reply.Error(kMinMaxNotFloat);
  } else if (!ParseLexBound(cx.args[2], &min) || !ParseLexBound(cx.args[3], &max)) {
    return cx.reply.Error(kBadLexRange);
  }
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z, false)) return;
  if (z == nullptr) return cx.reply.Integer(0);
  size_t lo = 0, hi = 0;
  if (by == RemoveBy::kRank) {
    if (ClampRanks(static_cast<int64_t>(z->size()), &start, &end)) {
      lo = static_cast<size_t>(start);
      hi = static_cast<size_t>(end) + 1;
    }
  } else if (by == RemoveBy::kScore) {
    ScoreRanks(z, score, &lo, &hi);
  } else {
    LexRanks(z, min, max, &lo, &hi);
  }
  size_t removed = z->DeleteRanks(lo, hi);
  std::string_view event = by == RemoveBy::kRank    ? "zremrangebyrank"
                           : by == RemoveBy::kScore ? "zremrangebyscore"
                                                    : "zremrangebylex";
  AfterRemove(cx, cx.args[1], z, removed > 0, event);
  cx.reply.Integer(static_cast<int64_t>(removed));
}

void ZRemRangeByRank(CommandContext& cx) { RemRangeGeneric(cx, RemoveBy::kRank); }
void ZRemRangeByScore(CommandContext& cx) { RemRangeGeneric(cx, RemoveBy::kScore); }
void ZRemRangeByLex(CommandContext& cx) { RemRangeGeneric(cx, RemoveBy::kLex); }

// ------------------------------------------------------------------------------------------
// ZADD, ZINCRBY, ZREM and point queries.

void ZAddGeneric(CommandContext& cx, int flags) {
  size_t j = 2;
  bool ch = false;
  for (; j < cx.argc(); ++j) {
    std::string_view o = cx.args[j];
    if (util::EqualsIgnoreCase(o, "NX")) {
      flags |= store::zadd::kNx;
    } else if (util::EqualsIgnoreCase(o, "XX")) {
      flags |= store::zadd::kXx;
    } else if (util::EqualsIgnoreCase(o, "GT")) {
      flags |= store::zadd::kGt;
    } else if (util::EqualsIgnoreCase(o, "LT")) {
      flags |= store::zadd::kLt;
    } else if (util::EqualsIgnoreCase(o, "CH")) {
      ch = true;
    } else if (util::EqualsIgnoreCase(o, "INCR")) {
      flags |= store::zadd::kIncr;
    } else {
      break;
    }
  }
  const bool incr = flags & store::zadd::kIncr, nx = flags & store::zadd::kNx;
  const bool xx = flags & store::zadd::kXx, gt = flags & store::zadd::kGt;
  const bool lt = flags & store::zadd::kLt;
  size_t elements = cx.argc() - j;
  if (elements % 2 != 0 || elements == 0) return cx.reply.Error(errors::kSyntax);
  elements /= 2;
  if (nx && xx) {
    return cx.reply.Error("ERR XX and NX options at the same time are not compatible");
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return cx.reply.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && elements > 1) {
    return cx.reply.Error("ERR INCR option supports a single increment-element pair");
  }
  std::vector<double> scores(elements);
  for (size_t i = 0; i < elements; ++i) {
    if (!ParseDoubleArg(cx, cx.args[j + 2 * i], &scores[i])) return;
  }
  std::string_view key = cx.args[1];
  ZSetObject* z;
  if (!FindZSet(cx, key, &z, false)) return;
  if (z == nullptr) {
    if (xx) return incr ? cx.reply.Null() : cx.reply.Integer(0);
    z = new ZSetObject(cx.server.cfg->zset_max_listpack_entries != 0 &&
                       static_cast<uint64_t>(cx.server.cfg->zset_max_listpack_value) >=
                           cx.args[j + 1].size());
    cx.db().Add(store::NewObjectEntry(key, ValueType::kZSet, z, false));
  }
  store::ZSetLimits limits = Limits(cx);
  int64_t added = 0, updated = 0, processed = 0;
  double score = 0;
  bool nan = false;
  for (size_t i = 0; i < elements; ++i) {
    int out;
    if (!z->Add(cx.args[j + 2 * i + 1], scores[i], flags, limits, &out, &score)) {
      nan = true;
      break;
    }
    if (out & store::zadd::kOutAdded) ++added;
    if (out & store::zadd::kOutUpdated) ++updated;
    if (!(out & store::zadd::kOutNop)) ++processed;
  }
  if (added + updated > 0) {
    cx.db().Touched(key);
    Notify(cx, config::notify::kZset, incr ? "zincr" : "zadd", key);
  }
  if (nan) return cx.reply.Error(kNaNResult);
  if (incr) return processed > 0 ? cx.reply.Double(score) : cx.reply.Null();
  cx.reply.Integer(ch ? added + updated : added);
}

void ZAdd(CommandContext& cx) { ZAddGeneric(cx, 0); }
void ZIncrBy(CommandContext& cx) { ZAddGeneric(cx, store::zadd::kIncr); }

void ZRem(CommandContext& cx) {
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z, false)) return;
  int64_t removed = 0;
  if (z != nullptr) {
    for (size_t i = 2; i < cx.argc() && z->size() > 0; ++i) removed += z->Remove(cx.args[i]);
    AfterRemove(cx, cx.args[1], z, removed > 0, "zrem");
  }
  cx.reply.Integer(removed);
}

void ZCard(CommandContext& cx) {
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z)) return;
  cx.reply.Integer(z == nullptr ? 0 : static_cast<int64_t>(z->size()));
}

void ZScore(CommandContext& cx) {
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z)) return;
  double s;
  if (z == nullptr || !z->Score(cx.args[2], &s)) return cx.reply.Null();
  cx.reply.Double(s);
}

void ZMScore(CommandContext& cx) {
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z)) return;
  cx.reply.Array(static_cast<int64_t>(cx.argc() - 2));
  for (size_t i = 2; i < cx.argc(); ++i) {
    double s;
    if (z != nullptr && z->Score(cx.args[i], &s)) {
      cx.reply.Double(s);
    } else {
      cx.reply.Null();
    }
  }
}

void RankGeneric(CommandContext& cx, bool reverse) {
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z)) return;
  size_t r;
  if (z == nullptr || !z->Rank(cx.args[2], &r)) return cx.reply.Null();
  cx.reply.Integer(static_cast<int64_t>(reverse ? z->size() - 1 - r : r));
}

void ZRank(CommandContext& cx) { RankGeneric(cx, false); }
void ZRevRank(CommandContext& cx) { RankGeneric(cx, true); }

// ------------------------------------------------------------------------------------------
// Pops and random members.

void ZPopMinMax(CommandContext& cx, bool max) {
  if (cx.argc() > 3) return cx.reply.Error(errors::kSyntax);
  int64_t count = -1;
  if (cx.argc() == 3) {
    if (!util::ParseInt64(cx.args[2], &count) || count < 0) {
      return cx.reply.Error(errors::kMustBePositive);
    }
  }
  ZPopShape shape = cx.reply.resp() > 2 && count != -1 ? ZPopShape::kNested : ZPopShape::kFlat;
  ZPopGeneric(cx, cx.args.subspan(1, 1), max, count, shape, false);
}

void ZPopMin(CommandContext& cx) { ZPopMinMax(cx, false); }
void ZPopMax(CommandContext& cx) { ZPopMinMax(cx, true); }

void ZMPop(CommandContext& cx) {
  ZMpopArgs a;
  if (!ParseZMpopArgs(cx, 1, &a)) return;
  ZPopGeneric(cx, a.keys, a.max, a.count, ZPopShape::kKeyNested, true);
}

void ReplyRandomElement(CommandContext& cx, const Element& e, bool withscores) {
  if (withscores && cx.reply.resp() > 2) cx.reply.Array(2);
  cx.reply.Bulk(e.member);
  if (withscores) cx.reply.Double(e.score);
}

void ZRandMemberWithCount(CommandContext& cx, int64_t l, bool withscores) {
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z)) return;
  if (z == nullptr) return cx.reply.EmptyArray();
  bool uniq = l >= 0;
  uint64_t count = uniq ? static_cast<uint64_t>(l) : 0 - static_cast<uint64_t>(l);
  if (count == 0) return cx.reply.EmptyArray();
  size_t size = z->size();
  auto header = [&](uint64_t n) {
    cx.reply.Array(static_cast<int64_t>(withscores && cx.reply.resp() == 2 ? n * 2 : n));
  };
  if (!uniq || count == 1) {
    if (count > kMaxRandomReplyElements) return cx.reply.Error(kRandomCountTooBig);
    std::vector<Element> all;
    if (z->is_listpack()) all = Collect(z, 0, false, size);
    header(count);
    for (uint64_t i = 0; i < count; ++i) {
      size_t r = ServerState::Random() % size;
      ReplyRandomElement(cx, all.empty() ? Collect(z, r, false, 1)[0] : all[r], withscores);
    }
    return;
  }
  if (count >= size) {
    header(size);
    // Redis returns the whole set from the highest element down.
    for (const Element& e : Collect(z, size - 1, true, size)) ReplyRandomElement(cx, e, withscores);
    return;
  }
  // count distinct ranks: drop random ones from all when picking most, else pick until
  // enough distinct ones were drawn (Redis's cases 3 and 4).
  std::vector<size_t> ranks;
  if (count * 3 > size) {
    ranks.resize(size);
    for (size_t i = 0; i < size; ++i) ranks[i] = i;
    while (ranks.size() > count) {
      size_t i = ServerState::Random() % ranks.size();
      ranks[i] = ranks.back();
      ranks.pop_back();
    }
    std::sort(ranks.begin(), ranks.end());
  } else {
    std::unordered_set<size_t> seen;
    while (ranks.size() < count) {
      size_t r = ServerState::Random() % size;
      if (seen.insert(r).second) ranks.push_back(r);
    }
  }
  header(count);
  for (size_t r : ranks) ReplyRandomElement(cx, Collect(z, r, false, 1)[0], withscores);
}

void ZRandMember(CommandContext& cx) {
  if (cx.argc() >= 3) {
    int64_t l;
    if (!util::ParseInt64(cx.args[2], &l)) return cx.reply.Error(errors::kNotInteger);
    if (l == LLONG_MIN) {
      return cx.reply.Error(
          "ERR value is out of range, value must between -9223372036854775807 and "
          "9223372036854775807");
    }
    bool withscores = false;
    if (cx.argc() > 4 || (cx.argc() == 4 && !util::EqualsIgnoreCase(cx.args[3], "WITHSCORES"))) {
      return cx.reply.Error(errors::kSyntax);
    }
    if (cx.argc() == 4) {
      withscores = true;
      if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
        return cx.reply.Error("ERR value is out of range");
      }
    }
    return ZRandMemberWithCount(cx, l, withscores);
  }
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z)) return;
  if (z == nullptr) return cx.reply.Null();
  cx.reply.Bulk(Collect(z, ServerState::Random() % z->size(), false, 1)[0].member);
}

// ------------------------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD.

// An input of the algebra: a sorted set, or a set whose members score 1.
struct Source {
  const ZSetObject* z = nullptr;
  const SetObject* s = nullptr;
  double weight = 1;

  size_t size() const { return z != nullptr ? z->size() : s != nullptr ? s->size() : 0; }
  bool Find(std::string_view m, double* score) const {
    if (z != nullptr) return z->Score(m, score);
    *score = 1;
    return s != nullptr && s->Contains(m);
  }
  void ForEach(const std::function<void(std::string_view, double)>& fn) const {
    if (z != nullptr) {
      z->ForEach([&](std::string_view m, double sc) {
        fn(m, sc);
        return true;
      });
    } else if (s != nullptr) {
      s->ForEach([&](std::string_view m) { fn(m, 1.0); });
    }
  }
};

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

void AggregateInto(double* target, double v, Aggregate agg) {
  if (agg == Aggregate::kSum) {
    *target += v;
    if (std::isnan(*target)) *target = 0;  // inf + -inf: Redis's convention is 0
  } else if (agg == Aggregate::kMin) {
    *target = v < *target ? v : *target;
  } else {
    *target = v > *target ? v : *target;
  }
}

struct AlgebraArgs {
  std::vector<Source> src;
  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
};

// Parses numkeys at args[numkeys_at], the keys and the options, as Redis's
// zunionInterDiffGenericCommand (keys are checked for type before options are parsed).
bool ParseAlgebra(CommandContext& cx, size_t numkeys_at, SetOp op, bool store, bool card,
                  AlgebraArgs* a) {
  int64_t setnum;
  if (!ParseInt(cx, cx.args[numkeys_at], &setnum)) return false;
  if (setnum < 1) {
    cx.reply.Error("ERR at least 1 input key is needed for '" + std::string(cx.cmd.full_name) +
                   "' command");
    return false;
  }
  if (static_cast<uint64_t>(setnum) > cx.argc() - (numkeys_at + 1)) {
    cx.reply.Error(errors::kSyntax);
    return false;
  }
  size_t j = numkeys_at + 1;
  a->src.resize(static_cast<size_t>(setnum));
  for (Source& s : a->src) {
    std::string_view key = cx.args[j++];
    Entry* e = store ? cx.db().Lookup(key) : cx.db().LookupRead(key);
    if (e == nullptr) continue;
    if (e->type == ValueType::kZSet) {
      s.z = ZSetOf(e);
    } else if (e->type == ValueType::kSet) {
      s.s = static_cast<const SetObject*>(e->object());
    } else {
      cx.reply.Error(errors::kWrongType);
      return false;
    }
  }
  while (j < cx.argc()) {
    std::string_view o = cx.args[j];
    size_t remaining = cx.argc() - j;
    if (op != SetOp::kDiff && !card && remaining >= a->src.size() + 1 &&
        util::EqualsIgnoreCase(o, "WEIGHTS")) {
      ++j;
      for (Source& s : a->src) {
        if (!ParseDoubleArg(cx, cx.args[j++], &s.weight, "ERR weight value is not a float")) {
          return false;
        }
      }
    } else if (op != SetOp::kDiff && !card && remaining >= 2 &&
               util::EqualsIgnoreCase(o, "AGGREGATE")) {
      std::string_view v = cx.args[j + 1];
      if (util::EqualsIgnoreCase(v, "SUM")) {
        a->agg = Aggregate::kSum;
      } else if (util::EqualsIgnoreCase(v, "MIN")) {
        a->agg = Aggregate::kMin;
      } else if (util::EqualsIgnoreCase(v, "MAX")) {
        a->agg = Aggregate::kMax;
      } else {
        cx.reply.Error(errors::kSyntax);
        return false;
      }
      j += 2;
    } else if (!store && !card && util::EqualsIgnoreCase(o, "WITHSCORES")) {
      a->withscores = true;
      ++j;
    } else if (card && remaining >= 2 && util::EqualsIgnoreCase(o, "LIMIT")) {
      if (!util::ParseInt64(cx.args[j + 1], &a->limit) || a->limit < 0) {
        cx.reply.Error("ERR LIMIT can't be negative");
        return false;
      }
      j += 2;
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// Runs the operation; with `card_limit` >= 0 only counts (ZINTERCARD, 0 = no limit).
std::vector<Element> RunAlgebra(AlgebraArgs& a, SetOp op, int64_t card_limit, size_t* card) {
  std::vector<Element> out;
  std::vector<Source>& src = a.src;
  if (op != SetOp::kDiff) {
    std::stable_sort(src.begin(), src.end(),
                     [](const Source& x, const Source& y) { return x.size() < y.size(); });
  }
  if (op == SetOp::kInter) {
    if (src[0].size() == 0) return out;
    src[0].ForEach([&](std::string_view m, double sc) {
      if (card_limit > 0 && *card >= static_cast<uint64_t>(card_limit)) return;
      double score = src[0].weight * sc;
      if (std::isnan(score)) score = 0;
      for (size_t j = 1; j < src.size(); ++j) {
        double v;
        if (!src[j].Find(m, &v)) return;
        AggregateInto(&score, v * src[j].weight, a.agg);
      }
      ++*card;
      if (card_limit < 0) out.push_back({std::string(m), score});
    });
  } else if (op == SetOp::kUnion) {
    std::unordered_map<std::string, double> acc;
    for (const Source& s : src) {
      s.ForEach([&](std::string_view m, double sc) {
        double score = s.weight * sc;
        if (std::isnan(score)) score = 0;
        auto [it, inserted] = acc.try_emplace(std::string(m), score);
        if (!inserted) AggregateInto(&it->second, score, a.agg);
      });
    }
    out.reserve(acc.size());
    for (auto& [m, s] : acc) out.push_back({m, s});
  } else {
    src[0].ForEach([&](std::string_view m, double sc) {
      for (size_t j = 1; j < src.size(); ++j) {
        double v;
        if (src[j].Find(m, &v)) return;
      }
      out.push_back({std::string(m), sc});
    });
  }
  std::sort(out.begin(), out.end(), [](const Element& x, const Element& y) {
    return x.score < y.score || (x.score == y.score && x.member < y.member);
  });
  return out;
}

void AlgebraGeneric(CommandContext& cx, SetOp op, bool store) {
  AlgebraArgs a;
  if (!ParseAlgebra(cx, store ? 2 : 1, op, store, false, &a)) return;
  size_t card = 0;
  std::vector<Element> out = RunAlgebra(a, op, -1, &card);
  if (store) {
    std::string_view event = op == SetOp::kUnion   ? "zunionstore"
                             : op == SetOp::kInter ? "zinterstore"
                                                   : "zdiffstore";
    return StoreElements(cx, cx.args[1], out, event);
  }
  ReplyElements(cx, out, a.withscores);
}

void ZUnion(CommandContext& cx) { AlgebraGeneric(cx, SetOp::kUnion, false); }
void ZInter(CommandContext& cx) { AlgebraGeneric(cx, SetOp::kInter, false); }
void ZDiff(CommandContext& cx) { AlgebraGeneric(cx, SetOp::kDiff, false); }
void ZUnionStore(CommandContext& cx) { AlgebraGeneric(cx, SetOp::kUnion, true); }
void ZInterStore(CommandContext& cx) { AlgebraGeneric(cx, SetOp::kInter, true); }
void ZDiffStore(CommandContext& cx) { AlgebraGeneric(cx, SetOp::kDiff, true); }

void ZInterCard(CommandContext& cx) {
  AlgebraArgs a;
  if (!ParseAlgebra(cx, 1, SetOp::kInter, false, true, &a)) return;
  size_t card = 0;
  RunAlgebra(a, SetOp::kInter, a.limit, &card);
  cx.reply.Integer(static_cast<int64_t>(card));
}

// ------------------------------------------------------------------------------------------

void ZScan(CommandContext& cx) {
  CollectionScanArgs o;
  if (!ParseCollectionCursor(cx, &o.cursor) || !ParseCollectionScanOptions(cx, &o)) return;
  ZSetObject* z;
  if (!FindZSet(cx, cx.args[1], &z)) return;
  if (z == nullptr) return ReplyEmptyScan(cx);
  std::vector<Element> found;
  uint64_t cursor = o.cursor;
  // As Redis: about COUNT elements per call, at most 10 * COUNT bucket visits.
  int64_t iterations = o.count > INT64_MAX / 10 ? INT64_MAX : o.count * 10;
  do {
    cursor = z->Scan(cursor, [&](std::string_view m, double s) {
      if (!o.use_pattern || util::GlobMatch(o.pattern, m)) found.push_back({std::string(m), s});
      return true;
    });
  } while (cursor != 0 && --iterations > 0 && static_cast<int64_t>(found.size()) < o.count);
  cx.reply.Array(2);
  char buf[util::kMaxInt64Chars + 1];
  size_t n = std::snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(cursor));
  cx.reply.Bulk(std::string_view(buf, n));
  cx.reply.Array(static_cast<int64_t>(found.size() * 2));
  for (const Element& e : found) {
    char sbuf[util::kMaxDoubleChars];
    cx.reply.Bulk(e.member);
    cx.reply.Bulk(std::string_view(sbuf, util::FormatDouble(e.score, sbuf, sizeof(sbuf))));
  }
}

KeySpec Key1(uint32_t flags) { return {.flags = flags, .index = 1}; }

}  // namespace

bool ZPopGeneric(CommandContext& cx, std::span<const std::string_view> keys, bool max,
                 int64_t count, ZPopShape shape, bool nil_when_empty) {
  std::string_view key;
  ZSetObject* z = nullptr;
  for (std::string_view k : keys) {
    if (!FindZSet(cx, k, &z, false)) return false;
    if (z != nullptr) {
      key = k;
      break;
    }
  }
  if (z == nullptr) {
    nil_when_empty ? cx.reply.NullArray() : cx.reply.EmptyArray();
    return false;
  }
  if (count == 0) {
    cx.reply.EmptyArray();
    return false;
  }
  if (count < 0) count = 1;
  size_t n = std::min(static_cast<uint64_t>(count), static_cast<uint64_t>(z->size()));
  auto len = static_cast<int64_t>(n);
  switch (shape) {
    case ZPopShape::kFlat:
      cx.reply.Array(len * 2);
      break;
    case ZPopShape::kNested:
      cx.reply.Array(len);
      break;
    case ZPopShape::kKeyFlat:
      cx.reply.Array(len * 2 + 1);
      cx.reply.Bulk(key);
      break;
    case ZPopShape::kKeyNested:
      cx.reply.Array(2);
      cx.reply.Bulk(key);
      cx.reply.Array(len);
      break;
  }
  bool nested = shape == ZPopShape::kNested || shape == ZPopShape::kKeyNested;
  size_t start = max ? z->size() - 1 : 0;
  for (const Element& e : Collect(z, start, max, n)) {
    if (nested) cx.reply.Array(2);
    cx.reply.Bulk(e.member);
    cx.reply.Double(e.score);
  }
  z->DeleteRanks(max ? z->size() - n : 0, max ? z->size() : n);
  std::string key_copy(key);  // key may view into the entry about to be freed
  AfterRemove(cx, key_copy, z, true, max ? "zpopmax" : "zpopmin");
  return true;
}

void RegisterZSetFamily(CommandTable& t) {
  const char* g = "sorted-set";
  constexpr uint64_t s = cat::kSortedSet;
  constexpr uint64_t kReadFast = flag::kReadonly | flag::kFast;
  constexpr uint64_t kWriteDenyOom = flag::kWrite | flag::kDenyOom;
  constexpr uint32_t kRoAccess = keyflag::kRO | keyflag::kAccess;
  constexpr uint32_t kRwDelete = keyflag::kRW | keyflag::kDelete;
  constexpr uint32_t kRwAccessDelete = keyflag::kRW | keyflag::kAccess | keyflag::kDelete;
  const KeySpec kDst = {.flags = keyflag::kOW | keyflag::kUpdate, .index = 1};
  const KeySpec kSources1 = {.flags = kRoAccess, .index = 1, .keynum_index = 0, .first_key = 1};
  const KeySpec kSources2 = {.flags = kRoAccess, .index = 2, .keynum_index = 0, .first_key = 1};
  auto row = [&](const char* name, int arity, uint64_t flags, std::vector<KeySpec> keys, Handler fn,
                 const char* summary, const char* since) {
    return CommandSpec{.name = name,
                       .arity = arity,
                       .flags = flags,
                       .categories = s,
                       .keys = std::move(keys),
                       .handler = fn,
                       .group = g,
                       .summary = summary,
                       .since = since};
  };
  t.Register({
      row("zadd", -4, kWriteDenyOom | flag::kFast, {Key1(keyflag::kRW | keyflag::kUpdate)}, ZAdd,
          "Add one or more members to a sorted set, or update its score if it already exists",
          "1.2.0"),
      row("zincrby", 4, kWriteDenyOom | flag::kFast,
          {Key1(keyflag::kRW | keyflag::kAccess | keyflag::kUpdate)}, ZIncrBy,
          "Increment the score of a member in a sorted set", "1.2.0"),
      row("zrem", -3, flag::kWrite | flag::kFast, {Key1(kRwDelete)}, ZRem,
          "Remove one or more members from a sorted set", "1.2.0"),
      row("zcard", 2, kReadFast, {Key1(keyflag::kRO)}, ZCard,
          "Get the number of members in a sorted set", "1.2.0"),
      row("zscore", 3, kReadFast, {Key1(kRoAccess)}, ZScore,
          "Get the score associated with the given member in a sorted set", "1.2.0"),
      row("zmscore", -3, kReadFast, {Key1(kRoAccess)}, ZMScore,
          "Get the score associated with the given members in a sorted set", "6.2.0"),
      row("zcount", 4, kReadFast, {Key1(kRoAccess)}, ZCount,
          "Count the members in a sorted set with scores within the given values", "2.0.0"),
      row("zlexcount", 4, kReadFast, {Key1(kRoAccess)}, ZLexCount,
          "Count the number of members in a sorted set between a given lexicographical range",
          "2.8.9"),
      row("zrank", 3, kReadFast, {Key1(kRoAccess)}, ZRank,
          "Determine the index of a member in a sorted set", "2.0.0"),
      row("zrevrank", 3, kReadFast, {Key1(kRoAccess)}, ZRevRank,
          "Determine the index of a member in a sorted set, with scores ordered from high to low",
          "2.0.0"),
      row("zrange", -4, flag::kReadonly, {Key1(kRoAccess)}, ZRange,
          "Return a range of members in a sorted set", "1.2.0"),
      row("zrangestore", -5, kWriteDenyOom, {kDst, {.flags = kRoAccess, .index = 2}}, ZRangeStore,
          "Store a range of members from sorted set into another key", "6.2.0"),
      row("zrevrange", -4, flag::kReadonly, {Key1(kRoAccess)}, ZRevRange,
          "Return a range of members in a sorted set, by index, with scores ordered from high to "
          "low",
          "1.2.0"),
      row("zrangebyscore", -4, flag::kReadonly, {Key1(kRoAccess)}, ZRangeByScore,
          "Return a range of members in a sorted set, by score", "1.0.5"),
      row("zrevrangebyscore", -4, flag::kReadonly, {Key1(kRoAccess)}, ZRevRangeByScore,
          "Return a range of members in a sorted set, by score, with scores ordered from high to "
          "low",
          "2.2.0"),
      row("zrangebylex", -4, flag::kReadonly, {Key1(kRoAccess)}, ZRangeByLex,
          "Return a range of members in a sorted set, by lexicographical range", "2.8.9"),
      row("zrevrangebylex", -4, flag::kReadonly, {Key1(kRoAccess)}, ZRevRangeByLex,
          "Return a range of members in a sorted set, by lexicographical range, ordered from "
          "higher to lower strings.",
          "2.8.9"),
      row("zremrangebyrank", 4, flag::kWrite, {Key1(kRwDelete)}, ZRemRangeByRank,
          "Remove all members in a sorted set within the given indexes", "2.0.0"),
      row("zremrangebyscore", 4, flag::kWrite, {Key1(kRwDelete)}, ZRemRangeByScore,
          "Remove all members in a sorted set within the given scores", "1.2.0"),
      row("zremrangebylex", 4, flag::kWrite, {Key1(kRwDelete)}, ZRemRangeByLex,
          "Remove all members in a sorted set between the given lexicographical range", "2.8.9"),
      row("zpopmin", -2, flag::kWrite | flag::kFast, {Key1(kRwAccessDelete)}, ZPopMin,
          "Remove and return members with the lowest scores in a sorted set", "5.0.0"),
      row("zpopmax", -2, flag::kWrite | flag::kFast, {Key1(kRwAccessDelete)}, ZPopMax,
          "Remove and return members with the highest scores in a sorted set", "5.0.0"),
      row("zmpop", -4, flag::kWrite,
          {{.flags = kRwAccessDelete, .index = 1, .keynum_index = 0, .first_key = 1}}, ZMPop,
          "Remove and return members with scores in a sorted set", "7.0.0"),
      row("zrandmember", -2, flag::kReadonly, {Key1(kRoAccess)}, ZRandMember,
          "Get one or multiple random elements from a sorted set", "6.2.0"),
      row("zunion", -3, flag::kReadonly, {kSources1}, ZUnion, "Add multiple sorted sets", "6.2.0"),
      row("zinter", -3, flag::kReadonly, {kSources1}, ZInter, "Intersect multiple sorted sets",
          "6.2.0"),
      row("zdiff", -3, flag::kReadonly, {kSources1}, ZDiff, "Subtract multiple sorted sets",
          "6.2.0"),
      row("zintercard", -3, flag::kReadonly, {kSources1}, ZInterCard,
          "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0"),
      row("zunionstore", -4, kWriteDenyOom, {kDst, kSources2}, ZUnionStore,
          "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0"),
      row("zinterstore", -4, kWriteDenyOom, {kDst, kSources2}, ZInterStore,
          "Intersect multiple sorted sets and store the resulting sorted set in a new key",
          "2.0.0"),
      row("zdiffstore", -4, kWriteDenyOom, {kDst, kSources2}, ZDiffStore,
          "Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0"),
      row("zscan", -3, flag::kReadonly, {Key1(kRoAccess)}, ZScan,
          "Incrementally iterate sorted sets elements and associated scores", "2.8.0"),
  });
}

bool ParseZMpopArgs(CommandContext& cx, size_t numkeys_at, ZMpopArgs* out) {
  int64_t numkeys;
  if (!util::ParseInt64(cx.args[numkeys_at], &numkeys) || numkeys < 1) {
    cx.reply.Error(errors::kNumkeysPositive);
    return false;
  }
  if (static_cast<uint64_t>(numkeys) >= cx.argc() - numkeys_at - 1) {
    cx.reply.Error(errors::kSyntax);
    return false;
  }
  size_t where = numkeys_at + 1 + static_cast<size_t>(numkeys);
  if (util::EqualsIgnoreCase(cx.args[where], "MIN")) {
    out->max = false;
  } else if (util::EqualsIgnoreCase(cx.args[where], "MAX")) {
    out->max = true;
  } else {
    cx.reply.Error(errors::kSyntax);
    return false;
  }
  int64_t count = -1;
  for (size_t j = where + 1; j < cx.argc(); ++j) {
    if (count == -1 && util::EqualsIgnoreCase(cx.args[j], "COUNT") && j + 1 < cx.argc()) {
      ++j;
      if (!util::ParseInt64(cx.args[j], &count) || count < 1) {
        cx.reply.Error("ERR count should be greater than 0");
        return false;
      }
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  out->count = count == -1 ? 1 : count;
  out->keys = cx.args.subspan(numkeys_at + 1, static_cast<size_t>(numkeys));
  return true;
}

}  // namespace redoubt::commands
