// Set commands: membership, random members and pops, moves, the algebra (SINTER, SUNION, SDIFF
// and their STORE forms, SINTERCARD) and SSCAN. Each handler parses its arguments, runs the
// operation on store::SetObject, then replies.
#include <algorithm>
#include <climits>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "commands/collection_util.h"
#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "runtime/server_state.h"
#include "store/set_object.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

using store::Entry;
using store::SetObject;
using store::ValueType;

constexpr int kNotifySet = config::notify::kSet;
constexpr int kNotifyGeneric = config::notify::kGeneric;

constexpr std::string_view kRandCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
constexpr std::string_view kTooManyKeys = "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";

SetObject* SetOf(Entry* e) { return static_cast<SetObject*>(e->object()); }

int64_t MaxIntset(const CommandContext& cx) { return cx.server.cfg->set_max_intset_entries; }

bool IsInt(std::string_view s) {
  int64_t v;
  return s.size() <= 20 && util::ParseInt64(s, &v);
}

// Looks up a set. Replies WRONGTYPE and returns false on another type; *out is nullptr when the
// key is missing. `read` counts keyspace hits and misses.
bool FindSet(CommandContext& cx, std::string_view key, SetObject** out, bool read = true) {
  Entry* e;
  if (!cx.LookupTyped(key, ValueType::kSet, read, &e)) return false;
  *out = e == nullptr ? nullptr : SetOf(e);
  return true;
}

// After members were removed (`event` when any was): deletes the key when its set became empty
// (Redis never keeps an empty key), otherwise signals the change.
void AfterRemove(CommandContext& cx, std::string_view key, SetObject* s, bool changed,
                 std::string_view event) {
  if (changed) Notify(cx, kNotifySet, event, key);
  if (s->size() == 0) {
    cx.db().Delete(key);
    Notify(cx, kNotifyGeneric, "del", key);
  } else if (changed) {
    cx.db().Touched(key);
  }
}

// Replies the members of s as a set (RESP3 '~'), or an empty set for nullptr.
void ReplyMembers(CommandContext& cx, const SetObject* s) {
  cx.reply.Set(s == nullptr ? 0 : static_cast<int64_t>(s->size()));
  if (s != nullptr) s->ForEach([&cx](std::string_view m) { cx.reply.Bulk(m); });
}

// Stores `result` under dst (replacing any value and TTL), or deletes dst when it is empty;
// replies the cardinality.
void StoreResult(CommandContext& cx, std::string_view dst, std::unique_ptr<SetObject> result) {
  auto n = static_cast<int64_t>(result->size());
  if (n == 0) {
    if (cx.db().Delete(dst)) Notify(cx, kNotifyGeneric, "del", dst);
  } else {
    Notify(cx, kNotifySet, cx.cmd.name, dst);
    cx.db().Overwrite(store::NewObjectEntry(dst, ValueType::kSet, result.release(), false));
  }
  cx.reply.Integer(n);
}

void SAdd(CommandContext& cx) {
  Entry* e = cx.db().Lookup(cx.args[1]);
  if (e != nullptr && e->type != ValueType::kSet) return cx.reply.Error(errors::kWrongType);
  SetObject* s;
  bool created = e == nullptr;
  s = created ? new SetObject(IsInt(cx.args[2])) : SetOf(e);
  int64_t added = 0;
  int64_t max_intset = MaxIntset(cx);
  for (size_t i = 2; i < cx.argc(); ++i) added += s->Add(cx.args[i], max_intset);
  if (created) {
    cx.db().Add(store::NewObjectEntry(cx.args[1], ValueType::kSet, s, false));
  } else if (added > 0) {
    cx.db().Touched(cx.args[1]);
  }
  if (added > 0) Notify(cx, kNotifySet, "sadd", cx.args[1]);
  cx.reply.Integer(added);
}

void SRem(CommandContext& cx) {
  SetObject* s;
  if (!FindSet(cx, cx.args[1], &s, false)) return;
  if (s == nullptr) return cx.reply.Integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < cx.argc() && s->size() > 0; ++i) removed += s->Remove(cx.args[i]);
  AfterRemove(cx, cx.args[1], s, removed > 0, "srem");
  cx.reply.Integer(removed);
}

void SMembers(CommandContext& cx) {
  SetObject* s;
  if (!FindSet(cx, cx.args[1], &s)) return;
  ReplyMembers(cx, s);
}

void SIsMember(CommandContext& cx) {
  SetObject* s;
  if (!FindSet(cx, cx.args[1], &s)) return;
  cx.reply.Integer(s != nullptr && s->Contains(cx.args[2]) ? 1 : 0);
}

void SMIsMember(CommandContext& cx) {
  SetObject* s;
  if (!FindSet(cx, cx.args[1], &s)) return;
  cx.reply.Array(static_cast<int64_t>(cx.argc() - 2));
  for (size_t i = 2; i < cx.argc(); ++i) {
    cx.reply.Integer(s != nullptr && s->Contains(cx.args[i]) ? 1 : 0);
  }
}

void SCard(CommandContext& cx) {
  SetObject* s;
  if (!FindSet(cx, cx.args[1], &s)) return;
  cx.reply.Integer(s == nullptr ? 0 : static_cast<int64_t>(s->size()));
}

// --- SPOP, SRANDMEMBER ---------------------------------------------------------------------

void SPopWithCount(CommandContext& cx) {
  int64_t l;
  if (!util::ParseInt64(cx.args[2], &l) || l < 0) return cx.reply.Error(errors::kMustBePositive);
  SetObject* s;
  if (!FindSet(cx, cx.args[1], &s, false)) return;
  if (s == nullptr || l == 0) return cx.reply.Set(0);
  auto count = static_cast<uint64_t>(l);
  if (count >= s->size()) {
    ReplyMembers(cx, s);
    Notify(cx, kNotifySet, "spop", cx.args[1]);
    cx.db().Delete(cx.args[1]);
    Notify(cx, kNotifyGeneric, "del", cx.args[1]);
    if (cx.feeding()) cx.PropagateAs({"DEL", std::string(cx.args[1])});
    return;
  }
  cx.reply.Set(static_cast<int64_t>(count));
  // The AOF gets the members picked (SREM), not another random draw at replay.
  std::vector<std::string> srem;
  if (cx.feeding()) srem = {"SREM", std::string(cx.args[1])};
  for (uint64_t i = 0; i < count; ++i) {
    std::string m = s->PopRandom(&ServerState::Random);
    cx.reply.Bulk(m);
    if (cx.feeding()) srem.push_back(std::move(m));
  }
  if (cx.feeding()) cx.PropagateAs(std::move(srem));
  cx.db().Touched(cx.args[1]);
  Notify(cx, kNotifySet, "spop", cx.args[1]);
}

void SPop(CommandContext& cx) {
  if (cx.argc() == 3) return SPopWithCount(cx);
  if (cx.argc() > 3) return cx.reply.Error(errors::kSyntax);
  SetObject* s;
  if (!FindSet(cx, cx.args[1], &s, false)) return;
  if (s == nullptr) return cx.reply.Null();
  std::string m = s->PopRandom(&ServerState::Random);
  cx.reply.Bulk(m);
  if (cx.feeding()) cx.PropagateAs({"SREM", std::string(cx.args[1]), std::move(m)});
  AfterRemove(cx, cx.args[1], s, true, "spop");
}

void SRandMemberWithCount(CommandContext& cx) {
  int64_t l;
  if (!util::ParseInt64(cx.args[2], &l)) return cx.reply.Error(errors::kNotInteger);
  if (l == INT64_MIN) return cx.reply.Error(kRandCountRange);
  SetObject* s;
  if (!FindSet(cx, cx.args[1], &s)) return;
  if (s == nullptr || l == 0) return cx.reply.EmptyArray();
  bool uniq = l >= 0;
  uint64_t count = uniq ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  uint64_t size = s->size();
  if (!uniq || count == 1) {
    if (count > kMaxRandomReplyElements) return cx.reply.Error(kRandomCountTooBig);
    cx.reply.Array(static_cast<int64_t>(count));
    for (uint64_t i = 0; i < count; ++i) cx.reply.Bulk(s->Random(&ServerState::Random));
    return;
  }
  std::vector<std::string> picked;
  if (count >= size || count * 3 > size) {
    // Copy everything, then drop random members until `count` remain.
    picked.reserve(size);
    s->ForEach([&picked](std::string_view m) { picked.emplace_back(m); });
    while (picked.size() > count) {
      size_t i = ServerState::Random() % picked.size();
      std::swap(picked[i], picked.back());
      picked.pop_back();
    }
  } else {
    std::unordered_set<std::string> seen;
    picked.reserve(count);
    while (picked.size() < count) {
      std::string m = s->Random(&ServerState::Random);
      if (seen.insert(m).second) picked.push_back(std::move(m));
    }
  }
  cx.reply.Array(static_cast<int64_t>(picked.size()));
  for (const std::string& m : picked) cx.reply.Bulk(m);
}

void SRandMember(CommandContext& cx) {
  if (cx.argc() == 3) return SRandMemberWithCount(cx);
  if (cx.argc() > 3) return cx.reply.Error(errors::kSyntax);
  SetObject* s;
  if (!FindSet(cx, cx.args[1], &s)) return;
  if (s == nullptr) return cx.reply.Null();
  cx.reply.Bulk(s->Random(&ServerState::Random));
}

void SMove(CommandContext& cx) {
  std::string_view src_key = cx.args[1], dst_key = cx.args[2], member = cx.args[3];
  Entry* src_e = cx.db().Lookup(src_key);
  Entry* dst_e = cx.db().Lookup(dst_key);
  if (src_e == nullptr) return cx.reply.Integer(0);
  if (src_e->type != ValueType::kSet || (dst_e != nullptr && dst_e->type != ValueType::kSet)) {
    return cx.reply.Error(errors::kWrongType);
  }
  SetObject* src = SetOf(src_e);
  if (src_e == dst_e) return cx.reply.Integer(src->Contains(member) ? 1 : 0);
  if (!src->Remove(member)) return cx.reply.Integer(0);
  AfterRemove(cx, src_key, src, true, "srem");
  if (dst_e == nullptr) {
    auto* dst = new SetObject(IsInt(member));
    dst->Add(member, MaxIntset(cx));
    cx.db().Add(store::NewObjectEntry(dst_key, ValueType::kSet, dst, false));
    Notify(cx, kNotifySet, "sadd", dst_key);
  } else if (SetOf(dst_e)->Add(member, MaxIntset(cx))) {
    cx.db().Touched(dst_key);
    Notify(cx, kNotifySet, "sadd", dst_key);
  }
  cx.reply.Integer(1);
}

// --- SINTER, SINTERCARD, SUNION, SDIFF and the STORE forms ---------------------------------

// Looks up every key in args[first, last); a missing key gives nullptr. False (after the
// WRONGTYPE reply) when one holds another type.
bool CollectSets(CommandContext& cx, size_t first, size_t last, std::vector<SetObject*>* sets) {
  sets->reserve(last - first);
  for (size_t i = first; i < last; ++i) {
    SetObject* s;
    if (!FindSet(cx, cx.args[i], &s)) return false;
    sets->push_back(s);
  }
  return true;
}

// Calls fn on each member of the intersection, stopping when fn returns false.
template <typename Fn>
void ForEachInIntersection(std::vector<SetObject*> sets, Fn fn) {
  // Iterate the smallest set and probe the others, smallest first.
  std::sort(sets.begin(), sets.end(),
            [](const SetObject* a, const SetObject* b) { return a->size() < b->size(); });
  std::vector<std::string> members;
  members.reserve(sets[0]->size());
  sets[0]->ForEach([&members](std::string_view m) { members.emplace_back(m); });
  for (const std::string& m : members) {
    bool in_all = true;
    for (size_t j = 1; j < sets.size() && in_all; ++j)
      in_all = sets[j] == sets[0] || sets[j]->Contains(m);
    if (in_all && !fn(m)) return;
  }
}

bool AnyMissing(const std::vector<SetObject*>& sets) {
  return std::any_of(sets.begin(), sets.end(), [](const SetObject* s) { return s == nullptr; });
}

void SInter(CommandContext& cx) {
  std::vector<SetObject*> sets;
  if (!CollectSets(cx, 1, cx.argc(), &sets)) return;
  if (AnyMissing(sets)) return cx.reply.Set(0);
  std::vector<std::string> out;
  ForEachInIntersection(sets, [&out](const std::string& m) {
    out.push_back(m);
    return true;
  });
  cx.reply.Set(static_cast<int64_t>(out.size()));
  for (const std::string& m : out) cx.reply.Bulk(m);
}

void SInterStore(CommandContext& cx) {
  std::vector<SetObject*> sets;
  if (!CollectSets(cx, 2, cx.argc(), &sets)) return;
  auto result = std::make_unique<SetObject>(true);
  if (!AnyMissing(sets)) {
    int64_t max_intset = MaxIntset(cx);
    ForEachInIntersection(sets, [&](const std::string& m) {
      result->Add(m, max_intset);
      return true;
    });
  }
  StoreResult(cx, cx.args[1], std::move(result));
}

void SInterCard(CommandContext& cx) {
  int64_t numkeys;
  if (!util::ParseInt64(cx.args[1], &numkeys) || numkeys < 1) {
    return cx.reply.Error(errors::kNumkeysPositive);
  }
  if (static_cast<uint64_t>(numkeys) > cx.argc() - 2) return cx.reply.Error(kTooManyKeys);
  size_t keys_end = 2 + static_cast<size_t>(numkeys);
  int64_t limit = 0;
  for (size_t i = keys_end; i < cx.argc(); ++i) {
    if (util::EqualsIgnoreCase(cx.args[i], "LIMIT") && i + 1 < cx.argc()) {
      if (!util::ParseInt64(cx.args[++i], &limit) || limit < 0) {
        return cx.reply.Error(kLimitNegative);
      }
    } else {
      return cx.reply.Error(errors::kSyntax);
    }
  }
  std::vector<SetObject*> sets;
  if (!CollectSets(cx, 2, keys_end, &sets)) return;
  if (AnyMissing(sets)) return cx.reply.Integer(0);
  int64_t n = 0;
  ForEachInIntersection(sets, [&](const std::string&) { return ++n != limit; });
  cx.reply.Integer(n);
}

enum class SetOp { kUnion, kDiff };

// The union or difference of args[first, end) as a new set built member by member, so its
// encoding is the one Redis's would have.
bool ComputeUnionDiff(CommandContext& cx, size_t first, SetOp op, std::unique_ptr<SetObject>* out) {
  std::vector<SetObject*> sets;
  if (!CollectSets(cx, first, cx.argc(), &sets)) return false;
  auto result = std::make_unique<SetObject>(true);
  int64_t max_intset = MaxIntset(cx);
  if (op == SetOp::kUnion) {
    for (SetObject* s : sets) {
      if (s != nullptr) s->ForEach([&](std::string_view m) { result->Add(m, max_intset); });
    }
  } else if (sets[0] != nullptr) {
    sets[0]->ForEach([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); ++j) {
        if (sets[j] != nullptr && (sets[j] == sets[0] || sets[j]->Contains(m))) return;
      }
      result->Add(m, max_intset);
    });
  }
  *out = std::move(result);
  return true;
}

void SUnionDiff(CommandContext& cx, SetOp op) {
  std::unique_ptr<SetObject> result;
  if (!ComputeUnionDiff(cx, 1, op, &result)) return;
  ReplyMembers(cx, result.get());
}
void SUnion(CommandContext& cx) { SUnionDiff(cx, SetOp::kUnion); }
void SDiff(CommandContext& cx) { SUnionDiff(cx, SetOp::kDiff); }

void SUnionDiffStore(CommandContext& cx, SetOp op) {
  std::unique_ptr<SetObject> result;
  if (!ComputeUnionDiff(cx, 2, op, &result)) return;
  StoreResult(cx, cx.args[1], std::move(result));
}
void SUnionStore(CommandContext& cx) { SUnionDiffStore(cx, SetOp::kUnion); }
void SDiffStore(CommandContext& cx) { SUnionDiffStore(cx, SetOp::kDiff); }

// --- SSCAN ---------------------------------------------------------------------------------

void SScan(CommandContext& cx) {
  CollectionScanArgs o;
  if (!ParseCollectionCursor(cx, &o.cursor)) return;
  SetObject* s;
  if (!FindSet(cx, cx.args[1], &s)) return;
  if (s == nullptr) return ReplyEmptyScan(cx);
  if (!ParseCollectionScanOptions(cx, &o)) return;
  std::vector<std::string> found;
  auto collect = [&found](std::string_view m) { found.emplace_back(m); };
  uint64_t cursor = o.cursor;
  if (s->is_intset()) {
    cursor = s->Scan(cursor, collect);
  } else {
    int64_t max_iterations = o.count > INT64_MAX / 10 ? INT64_MAX : o.count * 10;
    do {
      cursor = s->Scan(cursor, collect);
    } while (cursor != 0 && max_iterations-- > 0 && static_cast<int64_t>(found.size()) < o.count);
  }
  if (o.use_pattern) {
    std::erase_if(found, [&o](const std::string& m) { return !util::GlobMatch(o.pattern, m); });
  }
  cx.reply.Array(2);
  cx.reply.Bulk(std::to_string(cursor));
  cx.reply.Array(static_cast<int64_t>(found.size()));
  for (const std::string& m : found) cx.reply.Bulk(m);
}

constexpr uint32_t kRoAccess = keyflag::kRO | keyflag::kAccess;

KeySpec Key1(uint32_t flags) { return {.flags = flags, .index = 1}; }
KeySpec KeysFrom(int index, uint32_t flags) {
  return {.flags = flags, .index = index, .last_key = -1};
}

}  // namespace

void RegisterSetFamily(CommandTable& t) {
  const char* g = "set";
  const uint64_t s = cat::kSet;
  constexpr uint64_t kReadFast = flag::kReadonly | flag::kFast;
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
      row("sadd", -3, flag::kWrite | flag::kDenyOom | flag::kFast,
          {Key1(keyflag::kRW | keyflag::kInsert)}, SAdd, "Add one or more members to a set",
          "1.0.0"),
      row("srem", -3, flag::kWrite | flag::kFast, {Key1(keyflag::kRW | keyflag::kDelete)}, SRem,
          "Remove one or more members from a set", "1.0.0"),
      row("smembers", 2, flag::kReadonly, {Key1(kRoAccess)}, SMembers,
          "Get all the members in a set", "1.0.0"),
      row("sismember", 3, kReadFast, {Key1(keyflag::kRO)}, SIsMember,
          "Determine if a given value is a member of a set", "1.0.0"),
      row("smismember", -3, kReadFast, {Key1(kRoAccess)}, SMIsMember,
          "Returns the membership associated with the given elements for a set", "6.2.0"),
      row("scard", 2, kReadFast, {Key1(keyflag::kRO)}, SCard, "Get the number of members in a set",
          "1.0.0"),
      row("spop", -2, flag::kWrite | flag::kFast,
          {Key1(keyflag::kRW | keyflag::kAccess | keyflag::kDelete)}, SPop,
          "Remove and return one or multiple random members from a set", "1.0.0"),
      row("srandmember", -2, flag::kReadonly, {Key1(kRoAccess)}, SRandMember,
          "Get one or multiple random members from a set", "1.0.0"),
      row("smove", 4, flag::kWrite | flag::kFast,
          {Key1(keyflag::kRW | keyflag::kAccess | keyflag::kDelete),
           {.flags = keyflag::kRW | keyflag::kInsert, .index = 2}},
          SMove, "Move a member from one set to another", "1.0.0"),
      row("sinter", -2, flag::kReadonly, {KeysFrom(1, kRoAccess)}, SInter,
          "Intersect multiple sets", "1.0.0"),
      row("sintercard", -3, flag::kReadonly,
          {{.flags = kRoAccess, .index = 1, .keynum_index = 0, .first_key = 1}}, SInterCard,
          "Intersect multiple sets and return the cardinality of the result", "7.0.0"),
      row("sinterstore", -3, flag::kWrite | flag::kDenyOom,
          {Key1(keyflag::kRW | keyflag::kUpdate), KeysFrom(2, kRoAccess)}, SInterStore,
          "Intersect multiple sets and store the resulting set in a key", "1.0.0"),
      row("sunion", -2, flag::kReadonly, {KeysFrom(1, kRoAccess)}, SUnion, "Add multiple sets",
          "1.0.0"),
      row("sunionstore", -3, flag::kWrite | flag::kDenyOom,
          {Key1(keyflag::kOW | keyflag::kUpdate), KeysFrom(2, kRoAccess)}, SUnionStore,
          "Add multiple sets and store the resulting set in a key", "1.0.0"),
      row("sdiff", -2, flag::kReadonly, {KeysFrom(1, kRoAccess)}, SDiff, "Subtract multiple sets",
          "1.0.0"),
      row("sdiffstore", -3, flag::kWrite | flag::kDenyOom,
          {Key1(keyflag::kOW | keyflag::kUpdate), KeysFrom(2, kRoAccess)}, SDiffStore,
          "Subtract multiple sets and store the resulting set in a key", "1.0.0"),
      row("sscan", -3, flag::kReadonly, {Key1(kRoAccess)}, SScan,
          "Incrementally iterate Set elements", "2.8.0"),
  });
}

}  // namespace redoubt::commands
