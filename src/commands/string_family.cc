// String commands: SET and its variants, GET and its variants, counters, APPEND and ranges.
// Each handler parses into an options struct, runs the store operation, then replies.
#include <climits>
#include <cmath>
#include <string>

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "runtime/server_state.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

using store::Db;
constexpr int kNotifyString = config::notify::kString;
constexpr int kNotifyGeneric = config::notify::kGeneric;
using store::Entry;
using store::ValueType;

// The string value of e, which must be a string entry.
std::string_view StringOf(const Entry* e, char (&scratch)[24]) { return e->string_value(scratch); }

// Looks up a string key; replies WRONGTYPE and returns false when the key holds another type.
bool LookupString(CommandContext& cx, std::string_view key, Entry** out, bool count = true) {
  return cx.LookupTyped(key, ValueType::kString, count, out);
}

enum class ExpireUnit { kNone, kEx, kPx, kExAt, kPxAt };

struct SetOptions {
  bool nx = false, xx = false, get = false, keepttl = false, persist = false;
  ExpireUnit unit = ExpireUnit::kNone;
  std::string_view expire_arg;
};

// Parses SET/GETEX options from args[first...]. `getex` allows PERSIST and refuses NX/XX/GET.
// As Redis, repeating an option is allowed (the last one wins); mixing conflicting ones is not.
bool ParseSetOptions(CommandContext& cx, size_t first, bool getex, SetOptions* o) {
  for (size_t i = first; i < cx.argc(); ++i) {
    std::string_view a = cx.args[i];
    bool has_next = i + 1 < cx.argc();
    ExpireUnit unit = util::EqualsIgnoreCase(a, "EX")     ? ExpireUnit::kEx
                      : util::EqualsIgnoreCase(a, "PX")   ? ExpireUnit::kPx
                      : util::EqualsIgnoreCase(a, "EXAT") ? ExpireUnit::kExAt
                      : util::EqualsIgnoreCase(a, "PXAT") ? ExpireUnit::kPxAt
                                                          : ExpireUnit::kNone;
    if (!getex && util::EqualsIgnoreCase(a, "NX") && !o->xx) {
      o->nx = true;
    } else if (!getex && util::EqualsIgnoreCase(a, "XX") && !o->nx) {
      o->xx = true;
    } else if (!getex && util::EqualsIgnoreCase(a, "GET")) {
      o->get = true;
    } else if (!getex && util::EqualsIgnoreCase(a, "KEEPTTL") && o->unit == ExpireUnit::kNone) {
      o->keepttl = true;
    } else if (getex && util::EqualsIgnoreCase(a, "PERSIST") && o->unit == ExpireUnit::kNone) {
      o->persist = true;
    } else if (unit != ExpireUnit::kNone && has_next && !o->keepttl && !o->persist &&
               (o->unit == ExpireUnit::kNone || o->unit == unit)) {
      o->unit = unit;
      o->expire_arg = cx.args[++i];
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

void ReplyInvalidExpire(CommandContext& cx) {
  cx.reply.Error("ERR invalid expire time in '" + std::string(cx.cmd.full_name) + "' command");
}

// Converts an expire argument to an absolute unix time in ms, with Redis's checks.
bool AbsoluteExpire(CommandContext& cx, ExpireUnit unit, std::string_view arg, int64_t* out) {
  int64_t v;
  if (!util::ParseInt64(arg, &v)) {
    cx.reply.Error(errors::kNotInteger);
    return false;
  }
  if (v <= 0 || ((unit == ExpireUnit::kEx || unit == ExpireUnit::kExAt) && v > LLONG_MAX / 1000)) {
    ReplyInvalidExpire(cx);
    return false;
  }
  if (unit == ExpireUnit::kEx || unit == ExpireUnit::kExAt) v *= 1000;
  if (unit == ExpireUnit::kEx || unit == ExpireUnit::kPx) {
    if (v > LLONG_MAX - cx.now_ms()) {
      ReplyInvalidExpire(cx);
      return false;
    }
    v += cx.now_ms();
  }
  *out = v;
  return true;
}

// The AOF gets relative TTLs as absolute ones, so that replaying later expires at the same time.
void PropagateSetPxAt(CommandContext& cx, std::string_view key, std::string_view value,
                      int64_t when_ms) {
  if (!cx.feeding()) return;
  cx.PropagateAs({"SET", std::string(key), std::string(value), "PXAT", std::to_string(when_ms)});
}

void Set(CommandContext& cx) {
  SetOptions o;
  if (!ParseSetOptions(cx, 3, false, &o)) return;
  int64_t expire = o.keepttl ? Db::kKeepTtl : Db::kNoExpire;
  if (o.unit != ExpireUnit::kNone && !AbsoluteExpire(cx, o.unit, o.expire_arg, &expire)) return;
  std::string_view key = cx.args[1];
  Entry* old = nullptr;
  if (o.get || o.nx || o.xx) {
    if (o.get) {
      if (!LookupString(cx, key, &old, false)) return;
    } else {
      old = cx.db().Lookup(key);
    }
  }
  if ((o.nx && old != nullptr) || (o.xx && old == nullptr)) {
    if (o.get && old != nullptr) {
      char scratch[24];
      return cx.reply.Bulk(StringOf(old, scratch));
    }
    return cx.reply.Null();
  }
  if (o.get) {
    if (old == nullptr) {
      cx.reply.Null();
    } else {
      char scratch[24];
      cx.reply.Bulk(StringOf(old, scratch));
    }
  }
  cx.db().SetString(key, cx.args[2], expire);
  Notify(cx, kNotifyString, "set", key);
  if (o.unit != ExpireUnit::kNone) {
    Notify(cx, kNotifyGeneric, "expire", key);
    PropagateSetPxAt(cx, key, cx.args[2], expire);
  }
  if (!o.get) cx.reply.Ok();
}

void Get(CommandContext& cx) {
  Entry* e;
  if (!LookupString(cx, cx.args[1], &e)) return;
  if (e == nullptr) return cx.reply.Null();
  char scratch[24];
  cx.reply.Bulk(StringOf(e, scratch));
}

void GetDel(CommandContext& cx) {
  Entry* e;
  if (!LookupString(cx, cx.args[1], &e)) return;
  if (e == nullptr) return cx.reply.Null();
  char scratch[24];
  cx.reply.Bulk(StringOf(e, scratch));
  cx.db().Delete(cx.args[1]);
  Notify(cx, kNotifyGeneric, "del", cx.args[1]);
}

void GetEx(CommandContext& cx) {
  SetOptions o;
  if (!ParseSetOptions(cx, 2, true, &o)) return;
  // As Redis: a missing key or a wrong type answers before the expire value is checked.
  Entry* e;
  if (!LookupString(cx, cx.args[1], &e)) return;
  if (e == nullptr) return cx.reply.Null();
  int64_t expire = 0;
  if (o.unit != ExpireUnit::kNone && !AbsoluteExpire(cx, o.unit, o.expire_arg, &expire)) return;
  char scratch[24];
  cx.reply.Bulk(StringOf(e, scratch));
  if (o.unit != ExpireUnit::kNone) {
    if (expire <= cx.now_ms()) {
      cx.db().Delete(cx.args[1]);
      Notify(cx, kNotifyGeneric, "del", cx.args[1]);
      if (cx.feeding()) cx.PropagateAs({"DEL", std::string(cx.args[1])});
    } else {
      cx.db().SetExpire(e, expire);
      Notify(cx, kNotifyGeneric, "expire", cx.args[1]);
      if (cx.feeding()) {
        cx.PropagateAs({"PEXPIREAT", std::string(cx.args[1]), std::to_string(expire)});
      }
    }
  } else if (o.persist) {
    if (cx.feeding()) cx.PropagateAs({"PERSIST", std::string(cx.args[1])});
    if (e->has_expire()) Notify(cx, kNotifyGeneric, "persist", cx.args[1]);
    cx.db().Persist(e);
  }
}

void GetSet(CommandContext& cx) {
  Entry* e;
  if (!LookupString(cx, cx.args[1], &e, false)) return;
  if (e == nullptr) {
    cx.reply.Null();
  } else {
    char scratch[24];
    cx.reply.Bulk(StringOf(e, scratch));
  }
  cx.db().SetString(cx.args[1], cx.args[2]);
  Notify(cx, kNotifyString, "set", cx.args[1]);
}

void SetNx(CommandContext& cx) {
  if (cx.db().Lookup(cx.args[1]) != nullptr) return cx.reply.Integer(0);
  cx.db().SetString(cx.args[1], cx.args[2]);
  Notify(cx, kNotifyString, "set", cx.args[1]);
  cx.reply.Integer(1);
}

void SetExGeneric(CommandContext& cx, ExpireUnit unit) {
  int64_t expire;
  if (!AbsoluteExpire(cx, unit, cx.args[2], &expire)) return;
  cx.db().SetString(cx.args[1], cx.args[3], expire);
  Notify(cx, kNotifyString, "set", cx.args[1]);
  Notify(cx, kNotifyGeneric, "expire", cx.args[1]);
  PropagateSetPxAt(cx, cx.args[1], cx.args[3], expire);
  cx.reply.Ok();
}
void SetEx(CommandContext& cx) { SetExGeneric(cx, ExpireUnit::kEx); }
void PSetEx(CommandContext& cx) { SetExGeneric(cx, ExpireUnit::kPx); }

void MGet(CommandContext& cx) {
  cx.reply.Array(static_cast<int64_t>(cx.argc() - 1));
  for (size_t i = 1; i < cx.argc(); ++i) {
    Entry* e = cx.db().LookupRead(cx.args[i]);
    if (e == nullptr || e->type != ValueType::kString) {
      cx.reply.Null();
    } else {
      char scratch[24];
      cx.reply.Bulk(StringOf(e, scratch));
    }
  }
}

void MSetGeneric(CommandContext& cx, bool nx) {
  if (cx.argc() % 2 == 0) return ReplyWrongArity(cx.reply, cx.cmd);
  if (nx) {
    for (size_t i = 1; i < cx.argc(); i += 2) {
      if (cx.db().Lookup(cx.args[i]) != nullptr) return cx.reply.Integer(0);
    }
  }
  for (size_t i = 1; i < cx.argc(); i += 2) {
    cx.db().SetString(cx.args[i], cx.args[i + 1]);
    Notify(cx, kNotifyString, "set", cx.args[i]);
  }
  nx ? cx.reply.Integer(1) : cx.reply.Ok();
}
void MSet(CommandContext& cx) { MSetGeneric(cx, false); }
void MSetNx(CommandContext& cx) { MSetGeneric(cx, true); }

void IncrBy(CommandContext& cx, int64_t by) {
  Entry* e;
  if (!LookupString(cx, cx.args[1], &e, false)) return;
  int64_t cur = 0;
  if (e != nullptr) {
    if (e->encoding == store::Encoding::kInt) {
      cur = e->int_value();
    } else {
      char scratch[24];
      std::string_view s = StringOf(e, scratch);
      if (s.size() > 20 || !util::ParseInt64(s, &cur)) return cx.reply.Error(errors::kNotInteger);
    }
  }
  int64_t next;
  if (__builtin_add_overflow(cur, by, &next)) return cx.reply.Error(errors::kOverflow);
  if (e == nullptr) {
    char buf[24];
    size_t n = util::FormatInt64(next, buf);
    cx.db().SetString(cx.args[1], std::string_view(buf, n));
  } else {
    cx.db().SetInteger(e, next);
  }
  Notify(cx, kNotifyString, "incrby", cx.args[1]);
  cx.reply.Integer(next);
}

bool ParseIncrement(CommandContext& cx, int64_t* out) {
  if (!util::ParseInt64(cx.args[2], out)) {
    cx.reply.Error(errors::kNotInteger);
    return false;
  }
  return true;
}

void Incr(CommandContext& cx) { IncrBy(cx, 1); }
void Decr(CommandContext& cx) { IncrBy(cx, -1); }
void IncrByCmd(CommandContext& cx) {
  int64_t by;
  if (ParseIncrement(cx, &by)) IncrBy(cx, by);
}
void DecrByCmd(CommandContext& cx) {
  int64_t by;
  if (!ParseIncrement(cx, &by)) return;
  if (by == LLONG_MIN) return cx.reply.Error("ERR decrement would overflow");
  IncrBy(cx, -by);
}

void IncrByFloat(CommandContext& cx) {
  Entry* e;
  if (!LookupString(cx, cx.args[1], &e, false)) return;
  long double cur = 0, by;
  if (e != nullptr) {
    char scratch[24];
    if (!util::ParseLongDouble(StringOf(e, scratch), &cur)) {
      return cx.reply.Error(errors::kNotFloat);
    }
  }
  if (!util::ParseLongDouble(cx.args[2], &by)) return cx.reply.Error(errors::kNotFloat);
  long double next = cur + by;
  if (std::isnan(next) || std::isinf(next)) return cx.reply.Error(errors::kIncrNanInf);
  char buf[5 * 1024];
  size_t n = util::FormatLongDouble(next, buf, sizeof(buf));
  std::string_view s(buf, n);
  // The result is a string (embstr/raw), never an int, as in Redis.
  int64_t expire = e != nullptr && e->has_expire() ? e->expire_ms() : Db::kNoExpire;
  cx.db().SetString(cx.args[1], s, expire, /*try_int=*/false);
  Notify(cx, kNotifyString, "incrbyfloat", cx.args[1]);
  // Replayed as the result: float addition need not round the same way everywhere.
  if (cx.feeding()) cx.PropagateAs({"SET", std::string(cx.args[1]), std::string(s), "KEEPTTL"});
  cx.reply.Bulk(s);
}

bool CheckStringLength(CommandContext& cx, uint64_t total) {
  if (total > static_cast<uint64_t>(cx.server.cfg->proto_max_bulk_len)) {
    cx.reply.Error(errors::kStringTooLong);
    return false;
  }
  return true;
}

void Append(CommandContext& cx) {
  Entry* e;
  if (!LookupString(cx, cx.args[1], &e, false)) return;
  std::string_view add = cx.args[2];
  if (e == nullptr) {
    cx.db().SetString(cx.args[1], add);
    Notify(cx, kNotifyString, "append", cx.args[1]);
    return cx.reply.Integer(static_cast<int64_t>(add.size()));
  }
  char scratch[24];
  size_t cur = StringOf(e, scratch).size();
  if (!CheckStringLength(cx, uint64_t{cur} + add.size())) return;
  store::RawString* r = cx.db().MutableString(&e, cur + add.size());
  std::memcpy(r->data + r->len, add.data(), add.size());
  r->len += add.size();
  Notify(cx, kNotifyString, "append", cx.args[1]);
  cx.reply.Integer(static_cast<int64_t>(r->len));
}

void StrLen(CommandContext& cx) {
  Entry* e;
  if (!LookupString(cx, cx.args[1], &e)) return;
  char scratch[24];
  cx.reply.Integer(e == nullptr ? 0 : static_cast<int64_t>(StringOf(e, scratch).size()));
}

void GetRange(CommandContext& cx) {
  int64_t start, end;
  if (!util::ParseInt64(cx.args[2], &start) || !util::ParseInt64(cx.args[3], &end)) {
    return cx.reply.Error(errors::kNotInteger);
  }
  Entry* e;
  if (!LookupString(cx, cx.args[1], &e)) return;
  if (e == nullptr) return cx.reply.Bulk("");
  char scratch[24];
  std::string_view s = StringOf(e, scratch);
  int64_t len = static_cast<int64_t>(s.size());
  // Redis's rules: both negative and start > end is empty; negatives count from the end.
  if (start < 0 && end < 0 && start > end) return cx.reply.Bulk("");
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return cx.reply.Bulk("");
  cx.reply.Bulk(s.substr(start, end - start + 1));
}

void SetRange(CommandContext& cx) {
  int64_t offset;
  if (!util::ParseInt64(cx.args[2], &offset)) return cx.reply.Error(errors::kNotInteger);
  if (offset < 0) return cx.reply.Error("ERR offset is out of range");
  std::string_view value = cx.args[3];
  Entry* e;
  if (!LookupString(cx, cx.args[1], &e, false)) return;
  char scratch[24];
  if (e == nullptr) {
    if (value.empty()) return cx.reply.Integer(0);
    if (!CheckStringLength(cx, static_cast<uint64_t>(offset) + value.size())) return;
    std::string s(static_cast<size_t>(offset), '\0');
    s.append(value);
    Entry* n = cx.db().SetString(cx.args[1], s);
    // SETRANGE never leaves an int encoding behind (as Redis: the result is raw).
    cx.db().MutableString(&n, s.size());
    Notify(cx, kNotifyString, "setrange", cx.args[1]);
    return cx.reply.Integer(static_cast<int64_t>(s.size()));
  }
  size_t cur = StringOf(e, scratch).size();
  if (value.empty()) return cx.reply.Integer(static_cast<int64_t>(cur));
  if (!CheckStringLength(cx, static_cast<uint64_t>(offset) + value.size())) return;
  size_t need = std::max(cur, static_cast<size_t>(offset) + value.size());
  store::RawString* r = cx.db().MutableString(&e, need);
  if (need > r->len) std::memset(r->data + r->len, 0, need - r->len);
  std::memcpy(r->data + offset, value.data(), value.size());
  r->len = need;
  Notify(cx, kNotifyString, "setrange", cx.args[1]);
  cx.reply.Integer(static_cast<int64_t>(need));
}

constexpr uint64_t kWriteDenyOom = flag::kWrite | flag::kDenyOom;
constexpr uint64_t kReadFast = flag::kReadonly | flag::kFast;
constexpr uint32_t kRwUpdate = keyflag::kRW | keyflag::kUpdate;
constexpr uint32_t kRwAccessUpdate = keyflag::kRW | keyflag::kAccess | keyflag::kUpdate;

KeySpec Key1(uint32_t flags) { return {.flags = flags, .index = 1}; }

}  // namespace

// Redis's setGetKeys: the key spec's VARIABLE_FLAGS made concrete. SET reads the old value
// only with GET; otherwise it overwrites (OW), so a write-only ACL user may SET.
void SetGetKeys(std::span<const std::string_view> args, std::vector<KeyRef>* out) {
  for (size_t i = 3; i < args.size(); ++i) {
    if (util::EqualsIgnoreCase(args[i], "GET")) {
      out->push_back({1, keyflag::kRW | keyflag::kAccess | keyflag::kUpdate});
      return;
    }
  }
  out->push_back({1, keyflag::kOW | keyflag::kUpdate});
}

void RegisterStringFamily(CommandTable& t) {
  const char* g = "string";
  const uint64_t s = cat::kString;
  t.Register({
      {.name = "get",
       .arity = 2,
       .flags = kReadFast,
       .categories = s,
       .keys = {Key1(keyflag::kRO | keyflag::kAccess)},
       .handler = Get,
       .group = g,
       .summary = "Get the value of a key"},
      {.name = "set",
       .arity = -3,
       .flags = kWriteDenyOom,
       .categories = s,
       .keys = {Key1(kRwAccessUpdate | keyflag::kVariableFlags)},
       .handler = Set,
       .group = g,
       .summary = "Set the string value of a key",
       .getkeys = SetGetKeys},
      {.name = "getdel",
       .arity = 2,
       .flags = flag::kWrite | flag::kFast,
       .categories = s,
       .keys = {Key1(keyflag::kRW | keyflag::kAccess | keyflag::kDelete)},
       .handler = GetDel,
       .group = g,
       .summary = "Get the value of a key and delete the key",
       .since = "6.2.0"},
      {.name = "getex",
       .arity = -2,
       .flags = flag::kWrite | flag::kFast,
       .categories = s,
       .keys = {Key1(kRwAccessUpdate)},
       .handler = GetEx,
       .group = g,
       .summary = "Get the value of a key and optionally set its expiration",
       .since = "6.2.0"},
      {.name = "getset",
       .arity = 3,
       .flags = kWriteDenyOom | flag::kFast,
       .categories = s,
       .keys = {Key1(kRwAccessUpdate)},
       .handler = GetSet,
       .group = g,
       .summary = "Set the string value of a key and return its old value"},
      {.name = "setnx",
       .arity = 3,
       .flags = kWriteDenyOom | flag::kFast,
       .categories = s,
       .keys = {Key1(keyflag::kOW | keyflag::kInsert)},
       .handler = SetNx,
       .group = g,
       .summary = "Set the value of a key, only if the key does not exist"},
      {.name = "setex",
       .arity = 4,
       .flags = kWriteDenyOom,
       .categories = s,
       .keys = {Key1(keyflag::kOW | keyflag::kUpdate)},
       .handler = SetEx,
       .group = g,
       .summary = "Set the value and expiration of a key",
       .since = "2.0.0"},
      {.name = "psetex",
       .arity = 4,
       .flags = kWriteDenyOom,
       .categories = s,
       .keys = {Key1(keyflag::kOW | keyflag::kUpdate)},
       .handler = PSetEx,
       .group = g,
       .summary = "Set the value and expiration in milliseconds of a key",
       .since = "2.6.0"},
      {.name = "mget",
       .arity = -2,
       .flags = kReadFast,
       .categories = s,
       .keys = {{.flags = keyflag::kRO | keyflag::kAccess, .index = 1, .last_key = -1}},
       .handler = MGet,
       .group = g,
       .summary = "Get the values of all the given keys"},
      {.name = "mset",
       .arity = -3,
       .flags = kWriteDenyOom,
       .categories = s,
       .keys =
           {{.flags = keyflag::kOW | keyflag::kUpdate, .index = 1, .last_key = -1, .key_step = 2}},
       .handler = MSet,
       .group = g,
       .summary = "Set multiple keys to multiple values",
       .since = "1.0.1"},
      {.name = "msetnx",
       .arity = -3,
       .flags = kWriteDenyOom,
       .categories = s,
       .keys =
           {{.flags = keyflag::kOW | keyflag::kInsert, .index = 1, .last_key = -1, .key_step = 2}},
       .handler = MSetNx,
       .group = g,
       .summary = "Set multiple keys to multiple values, only if none of the keys exist",
       .since = "1.0.1"},
      {.name = "incr",
       .arity = 2,
       .flags = kWriteDenyOom | flag::kFast,
       .categories = s,
       .keys = {Key1(kRwAccessUpdate)},
       .handler = Incr,
       .group = g,
       .summary = "Increment the integer value of a key by one"},
      {.name = "decr",
       .arity = 2,
       .flags = kWriteDenyOom | flag::kFast,
       .categories = s,
       .keys = {Key1(kRwAccessUpdate)},
       .handler = Decr,
       .group = g,
       .summary = "Decrement the integer value of a key by one"},
      {.name = "incrby",
       .arity = 3,
       .flags = kWriteDenyOom | flag::kFast,
       .categories = s,
       .keys = {Key1(kRwAccessUpdate)},
       .handler = IncrByCmd,
       .group = g,
       .summary = "Increment the integer value of a key by the given amount"},
      {.name = "decrby",
       .arity = 3,
       .flags = kWriteDenyOom | flag::kFast,
       .categories = s,
       .keys = {Key1(kRwAccessUpdate)},
       .handler = DecrByCmd,
       .group = g,
       .summary = "Decrement the integer value of a key by the given number"},
      {.name = "incrbyfloat",
       .arity = 3,
       .flags = kWriteDenyOom | flag::kFast,
       .categories = s,
       .keys = {Key1(kRwAccessUpdate)},
       .handler = IncrByFloat,
       .group = g,
       .summary = "Increment the float value of a key by the given amount",
       .since = "2.6.0"},
      {.name = "append",
       .arity = 3,
       .flags = kWriteDenyOom | flag::kFast,
       .categories = s,
       .keys = {Key1(keyflag::kRW | keyflag::kInsert)},
       .handler = Append,
       .group = g,
       .summary = "Append a value to a key",
       .since = "2.0.0"},
      {.name = "strlen",
       .arity = 2,
       .flags = kReadFast,
       .categories = s,
       .keys = {Key1(keyflag::kRO)},
       .handler = StrLen,
       .group = g,
       .summary = "Get the length of the value stored in a key",
       .since = "2.2.0"},
      {.name = "getrange",
       .arity = 4,
       .flags = flag::kReadonly,
       .categories = s,
       .keys = {Key1(keyflag::kRO | keyflag::kAccess)},
       .handler = GetRange,
       .group = g,
       .summary = "Get a substring of the string stored at a key",
       .since = "2.4.0"},
      {.name = "substr",
       .arity = 4,
       .flags = flag::kReadonly,
       .categories = s,
       .keys = {Key1(keyflag::kRO | keyflag::kAccess)},
       .handler = GetRange,
       .group = g,
       .summary = "Get a substring of the string stored at a key"},
      {.name = "setrange",
       .arity = 4,
       .flags = kWriteDenyOom,
       .categories = s,
       .keys = {Key1(kRwUpdate)},
       .handler = SetRange,
       .group = g,
       .summary = "Overwrite part of a string at key starting at the specified offset",
       .since = "2.2.0"},
  });
}

}  // namespace redoubt::commands
