// Hash commands: HSET and friends, field reads, counters, HRANDFIELD and HSCAN. Each handler
// parses its arguments, runs the operation on store::HashObject, then replies.
#include <algorithm>
#include <climits>
#include <cmath>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "commands/collection_util.h"
#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "runtime/server_state.h"
#include "store/hash_object.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

using store::Db;
using store::Entry;
using store::HashObject;
using store::ValueType;

constexpr int kNotifyHash = config::notify::kHash;
constexpr int kNotifyGeneric = config::notify::kGeneric;

constexpr std::string_view kHashNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kNanOrInfinity = "ERR value is NaN or Infinity";
constexpr std::string_view kRandCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
constexpr std::string_view kOutOfRange = "ERR value is out of range";

HashObject* HashOf(Entry* e) { return static_cast<HashObject*>(e->object()); }

store::HashLimits Limits(const CommandContext& cx) {
  return {.max_entries = cx.server.cfg->hash_max_listpack_entries,
          .max_value = cx.server.cfg->hash_max_listpack_value};
}

// Looks up a hash for reading. Replies WRONGTYPE and returns false on another type; *out is
// nullptr when the key is missing.
bool ReadHash(CommandContext& cx, HashObject** out) {
  Entry* e = cx.db().LookupRead(cx.args[1]);
  if (e != nullptr && e->type != ValueType::kHash) {
    cx.reply.Error(errors::kWrongType);
    return false;
  }
  *out = e == nullptr ? nullptr : HashOf(e);
  return true;
}

// Looks up a hash for writing, creating an empty one (not yet in the keyspace) when missing.
// The caller must Commit it.
struct WriteHash {
  HashObject* hash = nullptr;
  bool created = false;
};

bool OpenHashForWrite(CommandContext& cx, WriteHash* w) {
  Entry* e = cx.db().Lookup(cx.args[1]);
  if (e != nullptr && e->type != ValueType::kHash) {
    cx.reply.Error(errors::kWrongType);
    return false;
  }
  if (e == nullptr) {
    w->hash = new HashObject();
    w->created = true;
  } else {
    w->hash = HashOf(e);
  }
  return true;
}

// Adds a created hash to the keyspace (or frees it when it stayed empty), deletes an emptied one,
// or signals an in-place change.
void CommitHash(CommandContext& cx, const WriteHash& w, bool changed) {
  if (w.created) {
    if (w.hash->size() == 0) {
      delete w.hash;
      return;
    }
    // Add reports the new key to the change hook itself.
    cx.db().Add(store::NewObjectEntry(cx.args[1], ValueType::kHash, w.hash, false));
  } else if (w.hash->size() == 0) {
    cx.db().Delete(cx.args[1]);
  } else if (changed) {
    cx.db().Touched(cx.args[1]);
  }
}

void HSetGeneric(CommandContext& cx, bool hmset) {
  if (cx.argc() % 2 == 1) return ReplyWrongArity(cx.reply, cx.cmd);
  WriteHash w;
  if (!OpenHashForWrite(cx, &w)) return;
  store::HashLimits limits = Limits(cx);
  int64_t added = 0;
  for (size_t i = 2; i < cx.argc(); i += 2)
    added += w.hash->Set(cx.args[i], cx.args[i + 1], limits);
  CommitHash(cx, w, true);
  Notify(cx, kNotifyHash, "hset", cx.args[1]);
  hmset ? cx.reply.Ok() : cx.reply.Integer(added);
}
void HSet(CommandContext& cx) { HSetGeneric(cx, false); }
void HMSet(CommandContext& cx) { HSetGeneric(cx, true); }

void HSetNx(CommandContext& cx) {
  WriteHash w;
  if (!OpenHashForWrite(cx, &w)) return;
  bool added = !w.hash->Exists(cx.args[2]);
  if (added) w.hash->Set(cx.args[2], cx.args[3], Limits(cx));
  CommitHash(cx, w, added);
  if (added) Notify(cx, kNotifyHash, "hset", cx.args[1]);
  cx.reply.Integer(added ? 1 : 0);
}

void HGet(CommandContext& cx) {
  HashObject* h;
  if (!ReadHash(cx, &h)) return;
  std::string_view v;
  if (h == nullptr || !h->Get(cx.args[2], &v)) return cx.reply.Null();
  cx.reply.Bulk(v);
}

void HMGet(CommandContext& cx) {
  HashObject* h;
  if (!ReadHash(cx, &h)) return;
  cx.reply.Array(static_cast<int64_t>(cx.argc() - 2));
  for (size_t i = 2; i < cx.argc(); ++i) {
    std::string_view v;
    if (h != nullptr && h->Get(cx.args[i], &v)) {
      cx.reply.Bulk(v);
    } else {
      cx.reply.Null();
    }
  }
}

void HDel(CommandContext& cx) {
  Entry* e = cx.db().Lookup(cx.args[1]);
  if (e == nullptr) return cx.reply.Integer(0);
  if (e->type != ValueType::kHash) return cx.reply.Error(errors::kWrongType);
  HashObject* h = HashOf(e);
  int64_t deleted = 0;
  for (size_t i = 2; i < cx.argc() && h->size() > 0; ++i) deleted += h->Delete(cx.args[i]);
  if (deleted > 0) Notify(cx, kNotifyHash, "hdel", cx.args[1]);
  if (h->size() == 0) {
    cx.db().Delete(cx.args[1]);
    Notify(cx, kNotifyGeneric, "del", cx.args[1]);
  } else if (deleted > 0) {
    cx.db().Touched(cx.args[1]);
  }
  cx.reply.Integer(deleted);
}

void HLen(CommandContext& cx) {
  HashObject* h;
  if (!ReadHash(cx, &h)) return;
  cx.reply.Integer(h == nullptr ? 0 : static_cast<int64_t>(h->size()));
}

void HExists(CommandContext& cx) {
  HashObject* h;
  if (!ReadHash(cx, &h)) return;
  cx.reply.Integer(h != nullptr && h->Exists(cx.args[2]) ? 1 : 0);
}

void HStrLen(CommandContext& cx) {
  HashObject* h;
  if (!ReadHash(cx, &h)) return;
  std::string_view v;
  cx.reply.Integer(h != nullptr && h->Get(cx.args[2], &v) ? static_cast<int64_t>(v.size()) : 0);
}

// HGETALL, HKEYS, HVALS.
void HGetAllGeneric(CommandContext& cx, bool fields, bool values) {
  HashObject* h;
  if (!ReadHash(cx, &h)) return;
  int64_t n = h == nullptr ? 0 : static_cast<int64_t>(h->size());
  if (fields && values) {
    cx.reply.Map(n);
  } else {
    cx.reply.Array(n);
  }
  if (h == nullptr) return;
  h->ForEach([&](std::string_view f, std::string_view v) {
    if (fields) cx.reply.Bulk(f);
    if (values) cx.reply.Bulk(v);
  });
}
void HGetAll(CommandContext& cx) { HGetAllGeneric(cx, true, true); }
void HKeys(CommandContext& cx) { HGetAllGeneric(cx, true, false); }
void HVals(CommandContext& cx) { HGetAllGeneric(cx, false, true); }

void HIncrBy(CommandContext& cx) {
  int64_t by;
  if (!util::ParseInt64(cx.args[3], &by)) return cx.reply.Error(errors::kNotInteger);
  WriteHash w;
  if (!OpenHashForWrite(cx, &w)) return;
  int64_t cur = 0;
  std::string_view v;
  if (w.hash->Get(cx.args[2], &v) && (v.size() > 20 || !util::ParseInt64(v, &cur))) {
    CommitHash(cx, w, false);
    return cx.reply.Error(kHashNotInteger);
  }
  int64_t next;
  if (__builtin_add_overflow(cur, by, &next)) {
    CommitHash(cx, w, false);
    return cx.reply.Error(errors::kOverflow);
  }
  char buf[util::kMaxInt64Chars];
  w.hash->Set(cx.args[2], std::string_view(buf, util::FormatInt64(next, buf)), Limits(cx));
  CommitHash(cx, w, true);
  Notify(cx, kNotifyHash, "hincrby", cx.args[1]);
  cx.reply.Integer(next);
}

void HIncrByFloat(CommandContext& cx) {
  long double by;
  if (!util::ParseLongDouble(cx.args[3], &by)) return cx.reply.Error(errors::kNotFloat);
  if (std::isnan(by) || std::isinf(by)) return cx.reply.Error(kNanOrInfinity);
  WriteHash w;
  if (!OpenHashForWrite(cx, &w)) return;
  long double cur = 0;
  std::string_view v;
  if (w.hash->Get(cx.args[2], &v) && !util::ParseLongDouble(v, &cur)) {
    CommitHash(cx, w, false);
    return cx.reply.Error(kHashNotFloat);
  }
  long double next = cur + by;
  if (std::isnan(next) || std::isinf(next)) {
    CommitHash(cx, w, false);
    return cx.reply.Error(errors::kIncrNanInf);
  }
  char buf[util::kMaxLongDoubleChars];
  std::string_view s(buf, util::FormatLongDouble(next, buf, sizeof(buf)));
  w.hash->Set(cx.args[2], s, Limits(cx));
  CommitHash(cx, w, true);
  Notify(cx, kNotifyHash, "hincrbyfloat", cx.args[1]);
  // Replayed as the result: float addition need not round the same way everywhere.
  if (cx.feeding()) {
    cx.PropagateAs({"HSET", std::string(cx.args[1]), std::string(cx.args[2]), std::string(s)});
  }
  cx.reply.Bulk(s);
}

// --- HRANDFIELD ----------------------------------------------------------------------------

using PairViews = std::vector<std::pair<std::string_view, std::string_view>>;

void ReplyPairs(CommandContext& cx, const PairViews& pairs, bool withvalues) {
  bool nested = withvalues && cx.reply.resp() > 2;
  cx.reply.Array(static_cast<int64_t>(withvalues && !nested ? pairs.size() * 2 : pairs.size()));
  for (const auto& [f, v] : pairs) {
    if (nested) cx.reply.Array(2);
    cx.reply.Bulk(f);
    if (withvalues) cx.reply.Bulk(v);
  }
}

// Nothing modifies the hash while HRANDFIELD replies, so views into it stay valid throughout.
void HRandFieldWithCount(CommandContext& cx, int64_t l, bool withvalues) {
  HashObject* h;
  if (!ReadHash(cx, &h)) return;
  if (h == nullptr) return cx.reply.EmptyArray();
  bool uniq = l >= 0;
  // l > -LONG_MAX (checked by the caller), so the negation cannot overflow.
  uint64_t count = uniq ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  if (count == 0) return cx.reply.EmptyArray();
  if (!uniq && count > kMaxRandomReplyElements) return cx.reply.Error(kRandomCountTooBig);
  uint64_t size = h->size();
  // The compact encoding finds a random pair by walking the list: index it once instead.
  PairViews all;
  bool indexed = h->compact() || count * 3 > size;
  if (indexed) {
    all.reserve(size);
    h->ForEach([&all](std::string_view f, std::string_view v) { all.emplace_back(f, v); });
  }
  auto pick = [&]() -> std::pair<std::string_view, std::string_view> {
    if (indexed) return all[ServerState::Random() % all.size()];
    std::pair<std::string_view, std::string_view> p;
    h->Random(&ServerState::Random, &p.first, &p.second);
    return p;
  };
  if (!uniq || count == 1) {
    bool nested = withvalues && cx.reply.resp() > 2;
    cx.reply.Array(static_cast<int64_t>(withvalues && !nested ? count * 2 : count));
    for (uint64_t i = 0; i < count; ++i) {
      auto [f, v] = pick();
      if (nested) cx.reply.Array(2);
      cx.reply.Bulk(f);
      if (withvalues) cx.reply.Bulk(v);
    }
    return;
  }
  if (count * 3 > size) {
    // Drop random pairs until `count` remain (Redis's strategy when most are wanted).
    while (all.size() > count) {
      size_t i = ServerState::Random() % all.size();
      std::swap(all[i], all.back());
      all.pop_back();
    }
    return ReplyPairs(cx, all, withvalues);
  }
  // count is below size / 3: pick random pairs until `count` distinct ones were found.
  std::unordered_set<std::string_view> seen;
  PairViews picked;
  picked.reserve(count);
  while (picked.size() < count) {
    auto p = pick();
    if (seen.insert(p.first).second) picked.push_back(p);
  }
  ReplyPairs(cx, picked, withvalues);
}

void HRandField(CommandContext& cx) {
  if (cx.argc() >= 3) {
    int64_t l;
    if (!util::ParseInt64(cx.args[2], &l)) return cx.reply.Error(errors::kNotInteger);
    if (l == INT64_MIN) return cx.reply.Error(kRandCountRange);
    bool withvalues = false;
    if (cx.argc() > 4 || (cx.argc() == 4 && !util::EqualsIgnoreCase(cx.args[3], "WITHVALUES"))) {
      return cx.reply.Error(errors::kSyntax);
    }
    if (cx.argc() == 4) {
      withvalues = true;
      if (l < -(INT64_MAX / 2) || l > INT64_MAX / 2) return cx.reply.Error(kOutOfRange);
    }
    return HRandFieldWithCount(cx, l, withvalues);
  }
  HashObject* h;
  if (!ReadHash(cx, &h)) return;
  if (h == nullptr) return cx.reply.Null();
  std::string_view f, v;
  h->Random(&ServerState::Random, &f, &v);
  cx.reply.Bulk(f);
}

// --- HSCAN ---------------------------------------------------------------------------------

void HScan(CommandContext& cx) {
  CollectionScanArgs o;
  if (!ParseCollectionCursor(cx, &o.cursor)) return;
  HashObject* h;
  if (!ReadHash(cx, &h)) return;
  if (h == nullptr) return ReplyEmptyScan(cx);
  if (!ParseCollectionScanOptions(cx, &o)) return;
  std::vector<std::pair<std::string, std::string>> found;
  auto collect = [&found](std::string_view f, std::string_view v) { found.emplace_back(f, v); };
  uint64_t cursor = o.cursor;
  if (h->compact()) {
    cursor = h->Scan(cursor, collect);
  } else {
    // As Redis: about COUNT elements (a pair counts two), at most 10 * COUNT buckets.
    int64_t max_iterations = o.count > INT64_MAX / 10 ? INT64_MAX : o.count * 10;
    do {
      cursor = h->Scan(cursor, collect);
    } while (cursor != 0 && max_iterations-- > 0 &&
             static_cast<int64_t>(found.size() * 2) < o.count);
  }
  if (o.use_pattern) {
    std::erase_if(found, [&o](const auto& p) { return !util::GlobMatch(o.pattern, p.first); });
  }
  cx.reply.Array(2);
  cx.reply.Bulk(std::to_string(cursor));
  cx.reply.Array(static_cast<int64_t>(found.size() * 2));
  for (const auto& [f, v] : found) {
    cx.reply.Bulk(f);
    cx.reply.Bulk(v);
  }
}

constexpr uint64_t kWriteDenyOomFast = flag::kWrite | flag::kDenyOom | flag::kFast;
constexpr uint64_t kReadFast = flag::kReadonly | flag::kFast;

KeySpec Key1(uint32_t flags) { return {.flags = flags, .index = 1}; }

}  // namespace

void RegisterHashFamily(CommandTable& t) {
  const char* g = "hash";
  const uint64_t h = cat::kHash;
  constexpr uint32_t kRoAccess = keyflag::kRO | keyflag::kAccess;
  constexpr uint32_t kRwUpdate = keyflag::kRW | keyflag::kUpdate;
  constexpr uint32_t kRwAccessUpdate = keyflag::kRW | keyflag::kAccess | keyflag::kUpdate;
  auto row = [&](const char* name, int arity, uint64_t flags, uint32_t key_flags, Handler fn,
                 const char* summary, const char* since) {
    return CommandSpec{.name = name,
                       .arity = arity,
                       .flags = flags,
                       .categories = h,
                       .keys = {Key1(key_flags)},
                       .handler = fn,
                       .group = g,
                       .summary = summary,
                       .since = since};
  };
  t.Register({
      row("hset", -4, kWriteDenyOomFast, kRwUpdate, HSet, "Set the string value of a hash field",
          "2.0.0"),
      row("hsetnx", 4, kWriteDenyOomFast, keyflag::kRW | keyflag::kInsert, HSetNx,
          "Set the value of a hash field, only if the field does not exist", "2.0.0"),
      row("hmset", -4, kWriteDenyOomFast, kRwUpdate, HMSet,
          "Set multiple hash fields to multiple values", "2.0.0"),
      row("hget", 3, kReadFast, kRoAccess, HGet, "Get the value of a hash field", "2.0.0"),
      row("hmget", -3, kReadFast, kRoAccess, HMGet, "Get the values of all the given hash fields",
          "2.0.0"),
      row("hgetall", 2, flag::kReadonly, kRoAccess, HGetAll,
          "Get all the fields and values in a hash", "2.0.0"),
      row("hdel", -3, flag::kWrite | flag::kFast, keyflag::kRW | keyflag::kDelete, HDel,
          "Delete one or more hash fields", "2.0.0"),
      row("hexists", 3, kReadFast, keyflag::kRO, HExists, "Determine if a hash field exists",
          "2.0.0"),
      row("hlen", 2, kReadFast, keyflag::kRO, HLen, "Get the number of fields in a hash", "2.0.0"),
      row("hkeys", 2, flag::kReadonly, kRoAccess, HKeys, "Get all the fields in a hash", "2.0.0"),
      row("hvals", 2, flag::kReadonly, kRoAccess, HVals, "Get all the values in a hash", "2.0.0"),
      row("hincrby", 4, kWriteDenyOomFast, kRwAccessUpdate, HIncrBy,
          "Increment the integer value of a hash field by the given number", "2.0.0"),
      row("hincrbyfloat", 4, kWriteDenyOomFast, kRwAccessUpdate, HIncrByFloat,
          "Increment the float value of a hash field by the given amount", "2.6.0"),
      row("hstrlen", 3, kReadFast, keyflag::kRO, HStrLen,
          "Get the length of the value of a hash field", "3.2.0"),
      row("hrandfield", -2, flag::kReadonly, kRoAccess, HRandField,
          "Get one or multiple random fields from a hash", "6.2.0"),
      row("hscan", -3, flag::kReadonly, kRoAccess, HScan,
          "Incrementally iterate hash fields and associated values", "2.8.0"),
  });
}

}  // namespace redoubt::commands
