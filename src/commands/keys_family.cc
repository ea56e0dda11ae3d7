// Keyspace commands: deleting, inspecting, renaming, copying and moving keys, iterating the
// keyspace (KEYS, SCAN, RANDOMKEY), whole-database operations and TTLs, and OBJECT.
// Each handler parses into an options struct, runs the store operation, then replies.
#include <cctype>
#include <climits>
#include <string>
#include <vector>

#include "commands/collection_util.h"
#include "protocol/errors.h"
#include "runtime/blocking.h"
#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "runtime/server_state.h"
#include "runtime/tracking.h"
#include "store/evict.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

constexpr int kGeneric = config::notify::kGeneric;

using store::Db;
using store::Encoding;
using store::Entry;
using store::ValueType;

// Error texts only this family sends, byte for byte as Redis 7.0's.
constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
constexpr std::string_view kIntOutOfRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
constexpr std::string_view kInvalidFirstDb = "ERR invalid first DB index";
constexpr std::string_view kInvalidSecondDb = "ERR invalid second DB index";
constexpr std::string_view kExpireNxConflict =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
constexpr std::string_view kExpireGtLtConflict =
    "ERR GT and LT options at the same time are not compatible";
constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";
constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";

// Redis's OBJ_SHARED_INTEGERS and OBJ_SHARED_REFCOUNT: values 0..9999 are shared objects.
constexpr int64_t kSharedIntegers = 10000;
constexpr int64_t kSharedRefcount = INT_MAX;
// Redis's LRU_CLOCK_MAX (the clock is 24 bits of seconds).

const char* TypeName(ValueType t) {
  switch (t) {
    case ValueType::kString:
      return "string";
    case ValueType::kList:
      return "list";
    case ValueType::kSet:
      return "set";
    case ValueType::kZSet:
      return "zset";
    case ValueType::kHash:
      return "hash";
    case ValueType::kStream:
      return "stream";
  }
  return "none";
}

// Redis's getIntFromObjectOrReply: an int64, then the int range. `not_int` replaces both errors
// when given (SWAPDB's texts).
bool ParseIntArg(CommandContext& cx, std::string_view arg, int* out,
                 std::string_view not_int = {}) {
  int64_t v;
  if (!util::ParseInt64(arg, &v)) {
    cx.reply.Error(not_int.empty() ? errors::kNotInteger : not_int);
    return false;
  }
  if (v < INT_MIN || v > INT_MAX) {
    cx.reply.Error(not_int.empty() ? kIntOutOfRange : not_int);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

// A database index argument (MOVE, COPY DB): an int, then a valid index.
bool ParseDbIndex(CommandContext& cx, std::string_view arg, int* out) {
  if (!ParseIntArg(cx, arg, out)) return false;
  if (*out < 0 || *out >= cx.server.db_count()) {
    cx.reply.Error(errors::kDbIndexOutOfRange);
    return false;
  }
  return true;
}

// --- DEL, UNLINK, EXISTS, TOUCH, TYPE ------------------------------------------------------

// DEL frees inline unless lazyfree-lazy-user-del; UNLINK hands big values to the lazy-free
// thread (store/lazyfree.h).
void DeleteKeys(CommandContext& cx, bool lazy) {
  int64_t n = 0;
  for (size_t i = 1; i < cx.argc(); ++i) {
    if (!cx.db().Delete(cx.args[i], lazy)) continue;
    Notify(cx, kGeneric, "del", cx.args[i]);
    ++n;
  }
  cx.reply.Integer(n);
}

void Del(CommandContext& cx) { DeleteKeys(cx, cx.server.cfg->lazyfree_lazy_user_del); }
void Unlink(CommandContext& cx) { DeleteKeys(cx, true); }

void Exists(CommandContext& cx) {
  // Every argument counts, so a key named twice counts twice (as Redis).
  int64_t n = 0;
  for (size_t i = 1; i < cx.argc(); ++i) n += cx.db().LookupReadNoTouch(cx.args[i]) ? 1 : 0;
  cx.reply.Integer(n);
}

void Touch(CommandContext& cx) {
  int64_t n = 0;
  for (size_t i = 1; i < cx.argc(); ++i) n += cx.db().LookupRead(cx.args[i]) ? 1 : 0;
  cx.reply.Integer(n);
}

void Type(CommandContext& cx) {
  Entry* e = cx.db().LookupReadNoTouch(cx.args[1]);
  cx.reply.SimpleString(e == nullptr ? "none" : TypeName(e->type));
}

// --- RENAME, RENAMENX, COPY, MOVE ----------------------------------------------------------

void RenameGeneric(CommandContext& cx, bool nx) {
  std::string_view from = cx.args[1], to = cx.args[2];
  Db& db = cx.db();
  if (db.Lookup(from) == nullptr) return cx.reply.Error(errors::kNoSuchKey);
  // Same key: nothing to do, but the key had to exist (Redis 7.0).
  if (from == to) return nx ? cx.reply.Integer(0) : cx.reply.Ok();
  if (nx && db.Lookup(to) != nullptr) return cx.reply.Integer(0);
  db.Rename(from, to);
  Notify(cx, kGeneric, "rename_from", from);
  Notify(cx, kGeneric, "rename_to", to);
  nx ? cx.reply.Integer(1) : cx.reply.Ok();
}
void Rename(CommandContext& cx) { RenameGeneric(cx, false); }
void RenameNx(CommandContext& cx) { RenameGeneric(cx, true); }

struct CopyOptions {
  int db = -1;  // -1: the client's database
  bool replace = false;
};

bool ParseCopyOptions(CommandContext& cx, CopyOptions* o) {
  for (size_t i = 3; i < cx.argc(); ++i) {
    std::string_view a = cx.args[i];
    if (util::EqualsIgnoreCase(a, "REPLACE")) {
      o->replace = true;
    } else if (util::EqualsIgnoreCase(a, "DB") && i + 1 < cx.argc()) {
      if (!ParseDbIndex(cx, cx.args[++i], &o->db)) return false;
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

void Copy(CommandContext& cx) {
  CopyOptions o;
  if (!ParseCopyOptions(cx, &o)) return;
  std::string_view from = cx.args[1], to = cx.args[2];
  Db& src = cx.db();
  Db& dst = o.db < 0 ? src : cx.server.db(o.db);
  if (&src == &dst && from == to) return cx.reply.Error(errors::kSameObject);
  Entry* e = src.LookupRead(from);
  if (e == nullptr) return cx.reply.Integer(0);
  // This lookup may delete an expired `to`; entries never move on lookups, so e stays valid.
  if (dst.Lookup(to) != nullptr && !o.replace) return cx.reply.Integer(0);
  int64_t expire = Db::GetExpire(e);
  Entry* copy = store::CloneEntry(e, to);
  copy->lru = store::NewEntryLru(cx.server.clock);  // as Redis: the copy is a new object
  dst.Overwrite(copy);
  if (expire >= 0) dst.SetExpire(copy, expire);
  Notify(cx.server, kGeneric, "copy_to", to, dst.id());
  cx.reply.Integer(1);
}

void Move(CommandContext& cx) {
  int db_index;
  if (!ParseDbIndex(cx, cx.args[2], &db_index)) return;
  Db& src = cx.db();
  Db& dst = cx.server.db(db_index);
  if (&src == &dst) return cx.reply.Error(errors::kSameObject);
  std::string_view key = cx.args[1];
  if (src.Lookup(key) == nullptr) return cx.reply.Integer(0);
  if (dst.Lookup(key) != nullptr) return cx.reply.Integer(0);
  // The entry keeps its key, TTL and LRU; only its table changes.
  dst.Add(src.Detach(key));
  Notify(cx.server, kGeneric, "move_from", key, src.id());
  Notify(cx.server, kGeneric, "move_to", key, dst.id());
  cx.reply.Integer(1);
}

// --- KEYS, SCAN, RANDOMKEY, DBSIZE ---------------------------------------------------------

void Keys(CommandContext& cx) {
  std::string_view pattern = cx.args[1];
  Db& db = cx.db();
  // Expired keys are skipped, not deleted, as Redis's KEYS does.
  std::vector<std::string_view> keys;
  if (util::GlobIsLiteral(pattern)) {
    Entry* e = db.table().Find(pattern);
    if (e != nullptr && !db.IsExpired(e)) keys.push_back(e->key());
  } else {
    // GlobMatch("*", "") is false as in Redis's matcher; KEYS shortcuts a bare "*" the same way.
    bool all = pattern == "*";
    db.table().ForEach([&](Entry* e) {
      if ((all || util::GlobMatch(pattern, e->key())) && !db.IsExpired(e)) {
        keys.push_back(e->key());
      }
    });
  }
  cx.reply.Array(static_cast<int64_t>(keys.size()));
  for (std::string_view k : keys) cx.reply.Bulk(k);
}

struct ScanOptions : ScanFilter {
  uint64_t cursor = 0;
};

bool ParseScanOptions(CommandContext& cx, ScanOptions* o) {
  if (!ParseScanCursor(cx.args[1], &o->cursor)) {
    cx.reply.Error(kInvalidCursor);
    return false;
  }
  if (!commands::ParseScanOptions(cx, 2, o, true)) return false;
  return true;
}

// Visits buckets until about `count` keys were collected, giving up after 10 * count buckets
// so that a sparse table does not block (Redis's bound). Returns the next cursor.
uint64_t ScanKeys(Db& db, uint64_t cursor, int64_t count, std::vector<std::string>* keys) {
  // count <= INT64_MAX, so the product saturates rather than overflows.
  int64_t max_iterations = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
  auto collect = [keys](Entry* e) { keys->emplace_back(e->key()); };
  do {
    cursor = db.Scan(cursor, collect);
  } while (cursor != 0 && max_iterations-- > 0 && static_cast<int64_t>(keys->size()) < count);
  return cursor;
}

void Scan(CommandContext& cx) {
  ScanOptions o;
  if (!ParseScanOptions(cx, &o)) return;
  Db& db = cx.db();
  std::vector<std::string> keys;
  uint64_t next = ScanKeys(db, o.cursor, o.count, &keys);
  // Filter after collecting, as Redis: pattern, type, then expiry (which deletes the key).
  std::vector<std::string> kept;
  kept.reserve(keys.size());
  for (std::string& k : keys) {
    if (o.use_pattern && !util::GlobMatch(o.pattern, k)) continue;
    if (o.use_type) {
      Entry* e = db.LookupReadNoTouch(k);
      if (e == nullptr || !util::EqualsIgnoreCase(o.type, TypeName(e->type))) continue;
    } else if (db.Peek(k) == nullptr) {
      continue;
    }
    kept.push_back(std::move(k));
  }
  cx.reply.Array(2);
  cx.reply.Bulk(std::to_string(next));  // unsigned: the whole 64-bit cursor space
  cx.reply.Array(static_cast<int64_t>(kept.size()));
  for (const std::string& k : kept) cx.reply.Bulk(k);
}

void RandomKey(CommandContext& cx) {
  Entry* e = cx.db().RandomKey(&ServerState::Random);
  if (e == nullptr) return cx.reply.Null();
  cx.reply.Bulk(e->key());
}

void DbSize(CommandContext& cx) { cx.reply.Integer(static_cast<int64_t>(cx.db().size())); }

// --- FLUSHDB, FLUSHALL, SWAPDB -------------------------------------------------------------

// FLUSHDB / FLUSHALL [ASYNC|SYNC]: ASYNC (or no argument under lazyfree-lazy-user-flush)
// detaches the keyspace at once and frees it on the lazy-free thread.
bool ParseFlushMode(CommandContext& cx, bool* lazy) {
  *lazy = cx.server.cfg->lazyfree_lazy_user_flush;
  if (cx.argc() == 1) return true;
  if (cx.argc() == 2 && util::EqualsIgnoreCase(cx.args[1], "SYNC")) {
    *lazy = false;
    return true;
  }
  if (cx.argc() == 2 && util::EqualsIgnoreCase(cx.args[1], "ASYNC")) {
    *lazy = true;
    return true;
  }
  cx.reply.Error(errors::kSyntax);
  return false;
}

void FlushOne(CommandContext& cx, store::Db& db, bool lazy) {
  if (!lazy) return db.Flush();
  size_t n = db.size();
  cx.server.keyspace.lazy_free.FreeChain(db.ReleaseAll(), n);
}

void FlushDb(CommandContext& cx) {
  bool lazy = false;
  if (!ParseFlushMode(cx, &lazy)) return;
  FlushOne(cx, cx.db(), lazy);
  if (cx.server.tracking.clients != 0 || cx.server.tracking.active()) TrackingFlush(cx.server);
  cx.server.security.Audit(security::AuditEvent::kFlushDb, cx.client, cx.cmd.full_name);
  cx.reply.Ok();
}

void FlushAll(CommandContext& cx) {
  bool lazy = false;
  if (!ParseFlushMode(cx, &lazy)) return;
  for (int i = 0; i < cx.server.db_count(); ++i) FlushOne(cx, cx.server.db(i), lazy);
  if (cx.server.tracking.clients != 0 || cx.server.tracking.active()) TrackingFlush(cx.server);
  RdbAfterFlushAll(cx.server);
  cx.server.security.Audit(security::AuditEvent::kFlushAll, cx.client, cx.cmd.full_name);
  cx.reply.Ok();
}

void SwapDb(CommandContext& cx) {
  int a, b;
  if (!ParseIntArg(cx, cx.args[1], &a, kInvalidFirstDb)) return;
  if (!ParseIntArg(cx, cx.args[2], &b, kInvalidSecondDb)) return;
  int n = cx.server.db_count();
  if (a < 0 || a >= n || b < 0 || b >= n) return cx.reply.Error(errors::kDbIndexOutOfRange);
  if (a != b) {
    cx.server.db(a).SwapWith(cx.server.db(b));
    SignalDbKeysReady(cx.server, a);
    SignalDbKeysReady(cx.server, b);
  }
  cx.reply.Ok();
}

// --- EXPIRE family, TTL family, PERSIST ----------------------------------------------------

struct ExpireOptions {
  bool nx = false, xx = false, gt = false, lt = false;
  int64_t when_ms = 0;  // absolute unix time
};

bool ParseExpireFlags(CommandContext& cx, ExpireOptions* o) {
  for (size_t i = 3; i < cx.argc(); ++i) {
    std::string_view a = cx.args[i];
    if (util::EqualsIgnoreCase(a, "NX")) {
      o->nx = true;
    } else if (util::EqualsIgnoreCase(a, "XX")) {
      o->xx = true;
    } else if (util::EqualsIgnoreCase(a, "GT")) {
      o->gt = true;
    } else if (util::EqualsIgnoreCase(a, "LT")) {
      o->lt = true;
    } else {
      // Redis formats the option with %s, so it ends at a NUL byte.
      cx.reply.Error("ERR Unsupported option " + std::string(a.substr(0, a.find('\0'))));
      return false;
    }
  }
  if (o->nx && (o->xx || o->gt || o->lt)) {
    cx.reply.Error(kExpireNxConflict);
    return false;
  }
  if (o->gt && o->lt) {
    cx.reply.Error(kExpireGtLtConflict);
    return false;
  }
  return true;
}

// Options first, then the time, then the overflow checks of the unit and the base time.
bool ParseExpire(CommandContext& cx, bool seconds, int64_t base_ms, ExpireOptions* o) {
  if (!ParseExpireFlags(cx, o)) return false;
  int64_t when;
  if (!util::ParseInt64(cx.args[2], &when)) {
    cx.reply.Error(errors::kNotInteger);
    return false;
  }
  bool overflow = false;
  if (seconds) overflow = __builtin_mul_overflow(when, 1000, &when);
  // Redis checks only the upper bound here: a negative time simply lies in the past.
  if (overflow || when > INT64_MAX - base_ms) {
    cx.reply.Error("ERR invalid expire time in '" + std::string(cx.cmd.full_name) + "' command");
    return false;
  }
  o->when_ms = when + base_ms;
  return true;
}

// Whether the NX/XX/GT/LT conditions allow replacing `current` (-1: no TTL, i.e. infinite).
bool ExpireAllowed(const ExpireOptions& o, int64_t current) {
  if (o.nx && current != -1) return false;
  if (o.xx && current == -1) return false;
  if (o.gt && (current == -1 || o.when_ms <= current)) return false;
  if (o.lt && current != -1 && o.when_ms >= current) return false;
  return true;
}

void ExpireGeneric(CommandContext& cx, bool seconds, bool absolute) {
  ExpireOptions o;
  if (!ParseExpire(cx, seconds, absolute ? 0 : cx.now_ms(), &o)) return;
  Db& db = cx.db();
  Entry* e = db.Lookup(cx.args[1]);
  if (e == nullptr || !ExpireAllowed(o, Db::GetExpire(e))) return cx.reply.Integer(0);
  // A time already past deletes the key, and that counts as success.
  if (o.when_ms <= cx.now_ms()) {
    db.Delete(cx.args[1]);
    Notify(cx, kGeneric, "del", cx.args[1]);
    if (cx.feeding()) cx.PropagateAs({"DEL", std::string(cx.args[1])});
  } else {
    db.SetExpire(e, o.when_ms);
    Notify(cx, kGeneric, "expire", cx.args[1]);
    // The AOF gets the absolute time, so that a replay later expires the key at the same time.
    if (cx.feeding()) {
      cx.PropagateAs({"PEXPIREAT", std::string(cx.args[1]), std::to_string(o.when_ms)});
    }
  }
  cx.reply.Integer(1);
}
void Expire(CommandContext& cx) { ExpireGeneric(cx, true, false); }
void PExpire(CommandContext& cx) { ExpireGeneric(cx, false, false); }
void ExpireAt(CommandContext& cx) { ExpireGeneric(cx, true, true); }
void PExpireAt(CommandContext& cx) { ExpireGeneric(cx, false, true); }

// TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 missing, -1 no TTL; seconds are rounded.
void TtlGeneric(CommandContext& cx, bool ms, bool absolute) {
  Entry* e = cx.db().LookupReadNoTouch(cx.args[1]);
  if (e == nullptr) return cx.reply.Integer(-2);
  int64_t expire = Db::GetExpire(e);
  if (expire < 0) return cx.reply.Integer(-1);
  int64_t v = absolute ? expire : expire - cx.now_ms();
  if (v < 0) v = 0;
  cx.reply.Integer(ms ? v : (v + 500) / 1000);
}
void Ttl(CommandContext& cx) { TtlGeneric(cx, false, false); }
void PTtl(CommandContext& cx) { TtlGeneric(cx, true, false); }
void ExpireTime(CommandContext& cx) { TtlGeneric(cx, false, true); }
void PExpireTime(CommandContext& cx) { TtlGeneric(cx, true, true); }

void Persist(CommandContext& cx) {
  Entry* e = cx.db().Lookup(cx.args[1]);
  if (e == nullptr || !e->has_expire()) return cx.reply.Integer(0);
  cx.db().Persist(e);
  Notify(cx, kGeneric, "persist", cx.args[1]);
  cx.reply.Integer(1);
}

// --- OBJECT --------------------------------------------------------------------------------

bool LfuPolicy(const CommandContext& cx) {
  return cx.server.cfg->maxmemory_policy.find("lfu") != std::string::npos;
}

// Whether the value is one of Redis's shared integers, which it uses only when maxmemory does
// not need per-object LRU/LFU data.
bool SharedInteger(const CommandContext& cx, const Entry* e) {
  if (e->encoding != Encoding::kInt) return false;
  int64_t v = e->int_value();
  if (v < 0 || v >= kSharedIntegers) return false;
  const std::string& policy = cx.server.cfg->maxmemory_policy;
  bool no_shared = policy.find("lru") != std::string::npos || LfuPolicy(cx);
  return cx.server.cfg->maxmemory == 0 || !no_shared;
}

// OBJECT looks keys up without touching their LRU (which is what IDLETIME reports); like
// Redis, it still counts keyspace hits and misses.
Entry* ObjectLookup(CommandContext& cx) {
  Entry* e = cx.db().LookupReadNoTouch(cx.args[2]);
  if (e == nullptr) cx.reply.Null();
  return e;
}

void ObjectEncoding(CommandContext& cx) {
  Entry* e = ObjectLookup(cx);
  if (e == nullptr) return;
  switch (e->encoding) {
    case Encoding::kInt:
      return cx.reply.Bulk("int");
    case Encoding::kEmbStr:
      return cx.reply.Bulk("embstr");
    case Encoding::kRaw:
      return cx.reply.Bulk("raw");
    case Encoding::kObject:
      return cx.reply.Bulk(e->object()->EncodingName());
  }
}

void ObjectRefCount(CommandContext& cx) {
  Entry* e = ObjectLookup(cx);
  if (e == nullptr) return;
  cx.reply.Integer(SharedInteger(cx, e) ? kSharedRefcount : 1);
}

void ObjectIdleTime(CommandContext& cx) {
  Entry* e = ObjectLookup(cx);
  if (e == nullptr) return;
  if (LfuPolicy(cx)) return cx.reply.Error(kLfuSelected);
  cx.reply.Integer(store::LruIdle(e->lru, cx.server.clock.lru_clock));
}

void ObjectFreq(CommandContext& cx) {
  Entry* e = ObjectLookup(cx);
  if (e == nullptr) return;
  if (!LfuPolicy(cx)) return cx.reply.Error(kLfuNotSelected);
  // Redis's LFUDecrAndReturn: the counter less one per lfu-decay-time minutes elapsed.
  cx.reply.Integer(
      store::LfuDecay(e->lru, store::LfuMinutes(cx.now_ms()), cx.server.cfg->lfu_decay_time));
}

void ObjectHelp(CommandContext& cx) {
  static constexpr std::string_view kLines[] = {
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  std::string head = std::string(cx.args[0]);
  for (char& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  cx.reply.Array(1 + std::size(kLines));
  cx.reply.SimpleString(head + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : kLines) cx.reply.SimpleString(line);
}

// The container itself never runs (arity and subcommand lookup come first); kept for safety.
void ObjectContainer(CommandContext& cx) { cx.reply.Error(errors::kSyntax); }

constexpr uint64_t kWriteFast = flag::kWrite | flag::kFast;
constexpr uint64_t kReadFast = flag::kReadonly | flag::kFast;
constexpr uint64_t kKs = cat::kKeyspace;
constexpr uint32_t kRwUpdate = keyflag::kRW | keyflag::kUpdate;
constexpr uint32_t kRoAccess = keyflag::kRO | keyflag::kAccess;

KeySpec KeyAt(int index, uint32_t flags) { return {.flags = flags, .index = index}; }
KeySpec AllKeys(uint32_t flags) { return {.flags = flags, .index = 1, .last_key = -1}; }

std::vector<CommandSpec> ObjectSubcommands() {
  const char* g = "generic";
  auto sub = [g](const char* name, Handler h, const char* summary, const char* since) {
    return CommandSpec{.name = name,
                       .arity = 3,
                       .flags = flag::kReadonly,
                       .categories = kKs,
                       .keys = {KeyAt(2, keyflag::kRO)},
                       .handler = h,
                       .group = g,
                       .summary = summary,
                       .since = since};
  };
  return {
      sub("encoding", ObjectEncoding, "Inspect the internal encoding of a Redis object", "2.2.3"),
      sub("freq", ObjectFreq, "Get the logarithmic access frequency counter of a Redis object",
          "4.0.0"),
      sub("idletime", ObjectIdleTime, "Get the time since a Redis object was last accessed",
          "2.2.3"),
      sub("refcount", ObjectRefCount, "Get the number of references to the value of the key",
          "2.2.3"),
      {.name = "help",
       .arity = 2,
       .flags = flag::kLoading | flag::kStale,
       .categories = kKs,
       .handler = ObjectHelp,
       .group = g,
       .summary = "Show helpful text about the different subcommands",
       .since = "6.2.0"},
  };
}

}  // namespace

void RegisterKeysFamily(CommandTable& t) {
  const char* g = "generic";
  auto expire_row = [g](const char* name, Handler h, const char* summary, const char* since) {
    return CommandSpec{.name = name,
                       .arity = -3,
                       .flags = kWriteFast,
                       .categories = kKs,
                       .keys = {KeyAt(1, kRwUpdate)},
                       .handler = h,
                       .group = g,
                       .summary = summary,
                       .since = since};
  };
  auto ttl_row = [g](const char* name, Handler h, const char* summary, const char* since) {
    return CommandSpec{.name = name,
                       .arity = 2,
                       .flags = kReadFast,
                       .categories = kKs,
                       .keys = {KeyAt(1, kRoAccess)},
                       .handler = h,
                       .group = g,
                       .summary = summary,
                       .since = since};
  };
  t.Register({
      {.name = "del",
       .arity = -2,
       .flags = flag::kWrite,
       .categories = kKs,
       .keys = {AllKeys(keyflag::kRM | keyflag::kDelete)},
       .handler = Del,
       .group = g,
       .summary = "Delete a key"},
      {.name = "unlink",
       .arity = -2,
       .flags = kWriteFast,
       .categories = kKs,
       .keys = {AllKeys(keyflag::kRM | keyflag::kDelete)},
       .handler = Unlink,
       .group = g,
       .summary = "Delete a key asynchronously in another thread. Otherwise it is just as DEL, "
                  "but non blocking.",
       .since = "4.0.0"},
      {.name = "exists",
       .arity = -2,
       .flags = kReadFast,
       .categories = kKs,
       .keys = {AllKeys(keyflag::kRO)},
       .handler = Exists,
       .group = g,
       .summary = "Determine if a key exists"},
      {.name = "touch",
       .arity = -2,
       .flags = kReadFast,
       .categories = kKs,
       .keys = {AllKeys(keyflag::kRO)},
       .handler = Touch,
       .group = g,
       .summary = "Alters the last access time of a key(s). Returns the number of existing "
                  "keys specified.",
       .since = "3.2.1"},
      {.name = "type",
       .arity = 2,
       .flags = kReadFast,
       .categories = kKs,
       .keys = {KeyAt(1, keyflag::kRO)},
       .handler = Type,
       .group = g,
       .summary = "Determine the type stored at key"},
      {.name = "rename",
       .arity = 3,
       .flags = flag::kWrite,
       .categories = kKs,
       .keys = {KeyAt(1, keyflag::kRW | keyflag::kAccess | keyflag::kDelete),
                KeyAt(2, keyflag::kOW | keyflag::kUpdate)},
       .handler = Rename,
       .group = g,
       .summary = "Rename a key"},
      {.name = "renamenx",
       .arity = 3,
       .flags = kWriteFast,
       .categories = kKs,
       .keys = {KeyAt(1, keyflag::kRW | keyflag::kAccess | keyflag::kDelete),
                KeyAt(2, keyflag::kOW | keyflag::kInsert)},
       .handler = RenameNx,
       .group = g,
       .summary = "Rename a key, only if the new key does not exist"},
      {.name = "copy",
       .arity = -3,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = kKs,
       .keys = {KeyAt(1, kRoAccess), KeyAt(2, keyflag::kOW | keyflag::kUpdate)},
       .handler = Copy,
       .group = g,
       .summary = "Copy a key",
       .since = "6.2.0"},
      {.name = "move",
       .arity = 3,
       .flags = kWriteFast,
       .categories = kKs,
       .keys = {KeyAt(1, keyflag::kRW | keyflag::kAccess | keyflag::kUpdate)},
       .handler = Move,
       .group = g,
       .summary = "Move a key to another database"},
      {.name = "keys",
       .arity = 2,
       .flags = flag::kReadonly,
       .categories = kKs | cat::kDangerous,
       .handler = Keys,
       .group = g,
       .summary = "Find all keys matching the given pattern"},
      {.name = "scan",
       .arity = -2,
       .flags = flag::kReadonly,
       .categories = kKs,
       .handler = Scan,
       .group = g,
       .summary = "Incrementally iterate the keys space",
       .since = "2.8.0"},
      {.name = "randomkey",
       .arity = 1,
       .flags = flag::kReadonly,
       .categories = kKs,
       .handler = RandomKey,
       .group = g,
       .summary = "Return a random key from the keyspace"},
      {.name = "dbsize",
       .arity = 1,
       .flags = kReadFast,
       .categories = kKs,
       .handler = DbSize,
       .group = "server",
       .summary = "Return the number of keys in the selected database"},
      {.name = "flushdb",
       .arity = -1,
       .flags = flag::kWrite,
       .categories = kKs | cat::kDangerous,
       .handler = FlushDb,
       .group = "server",
       .summary = "Remove all keys from the current database"},
      {.name = "flushall",
       .arity = -1,
       .flags = flag::kWrite,
       .categories = kKs | cat::kDangerous,
       .handler = FlushAll,
       .group = "server",
       .summary = "Remove all keys from all databases"},
      {.name = "swapdb",
       .arity = 3,
       .flags = kWriteFast,
       .categories = kKs | cat::kDangerous,
       .handler = SwapDb,
       .group = "server",
       .summary = "Swaps two Redis databases",
       .since = "4.0.0"},
      expire_row("expire", Expire, "Set a key's time to live in seconds", "1.0.0"),
      expire_row("pexpire", PExpire, "Set a key's time to live in milliseconds", "2.6.0"),
      expire_row("expireat", ExpireAt, "Set the expiration for a key as a UNIX timestamp", "1.2.0"),
      expire_row("pexpireat", PExpireAt,
                 "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
                 "2.6.0"),
      ttl_row("ttl", Ttl, "Get the time to live for a key in seconds", "1.0.0"),
      ttl_row("pttl", PTtl, "Get the time to live for a key in milliseconds", "2.6.0"),
      ttl_row("expiretime", ExpireTime, "Get the expiration Unix timestamp for a key", "7.0.0"),
      ttl_row("pexpiretime", PExpireTime,
              "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0"),
      {.name = "persist",
       .arity = 2,
       .flags = kWriteFast,
       .categories = kKs,
       .keys = {KeyAt(1, kRwUpdate)},
       .handler = Persist,
       .group = g,
       .summary = "Remove the expiration from a key",
       .since = "2.2.0"},
      {.name = "object",
       .arity = -2,
       .handler = ObjectContainer,
       .subcommands = ObjectSubcommands(),
       .group = g,
       .summary = "A container for object introspection commands",
       .since = "2.2.3"},
  });
}

}  // namespace redoubt::commands
