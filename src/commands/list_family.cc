// List commands (the non-blocking ones): pushes, pops, ranges, edits, LPOS, LMOVE and LMPOP.
// Each handler parses its arguments, runs the store operation on a ListObject, then replies;
// argument and lookup order follow Redis 7.0 so the first error a client sees is Redis's.
#include "commands/list_family.h"

#include <climits>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

using store::Db;
using store::Entry;
using store::ListObject;
using store::ValueType;

namespace {

constexpr int kNotifyList = config::notify::kList;
constexpr int kNotifyGeneric = config::notify::kGeneric;

constexpr std::string_view kRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
constexpr std::string_view kCountNegative = "ERR COUNT can't be negative";
constexpr std::string_view kMaxlenNegative = "ERR MAXLEN can't be negative";
constexpr std::string_view kCountPositive = "ERR count should be greater than 0";
constexpr std::string_view kElementTooLarge = "ERR Element too large";
// A listpack string entry has a 32-bit length; keep clear of it.
constexpr size_t kMaxElementSize = (size_t{1} << 32) - 1024;

ListObject* AsList(Entry* e) { return static_cast<ListObject*>(e->object()); }

const char* PopEvent(ListEnd end) { return end == ListEnd::kLeft ? "lpop" : "rpop"; }
const char* PushEvent(ListEnd end) { return end == ListEnd::kLeft ? "lpush" : "rpush"; }

// After elements left the list at key: its notification (when cx is given), then the key is
// deleted if the list is empty (with a "del" event), else the in-place change is reported.
void AfterRemoval(Db& db, CommandContext* cx, std::string_view key, ListObject* list,
                  const char* event) {
  if (cx != nullptr) Notify(*cx, kNotifyList, event, key);
  if (list->empty()) {
    db.Delete(key);
    if (cx != nullptr) Notify(*cx, kNotifyGeneric, "del", key);
  } else {
    db.Touched(key);
  }
}

std::string PopOne(Db& db, CommandContext* cx, std::string_view key, ListObject* list,
                   ListEnd end) {
  std::string v = end == ListEnd::kLeft ? list->PopFront() : list->PopBack();
  AfterRemoval(db, cx, key, list, PopEvent(end));
  return v;
}

void PopReplyWithKey(Db& db, CommandContext* cx, protocol::ReplyBuilder& reply,
                     std::string_view key, ListObject* list, ListEnd end, uint64_t count) {
  uint64_t n = std::min(count, list->size());
  reply.Array(2);
  reply.Bulk(key);
  reply.Array(static_cast<int64_t>(n));
  bool front = end == ListEnd::kLeft;
  std::string v;
  for (uint64_t i = 0; i < n; ++i) {
    list->Pop(front, &v);
    reply.Bulk(v);
  }
  AfterRemoval(db, cx, key, list, PopEvent(end));
}

std::string Move(Db& db, CommandContext* cx, std::string_view src_key, ListObject* src,
                 std::string_view dst_key, ListObject* dst, ListEnd from, ListEnd to, int fill) {
  std::string v = from == ListEnd::kLeft ? src->PopFront() : src->PopBack();
  if (dst == nullptr) dst = CreateList(db, dst_key, fill);
  dst->Push(to == ListEnd::kLeft, v);
  db.Touched(dst_key);
  if (cx != nullptr) Notify(*cx, kNotifyList, PushEvent(to), dst_key);
  // After the push: a list rotated onto itself is never empty here.
  AfterRemoval(db, cx, src_key, src, PopEvent(from));
  return v;
}

// Looks up the list at key. Replies WRONGTYPE and returns false when the key holds another type;
// *out is nullptr when there is no key. `read` counts keyspace hits/misses (read commands).
bool LookupList(CommandContext& cx, std::string_view key, bool read, ListObject** out) {
  Entry* e;
  if (!cx.LookupTyped(key, ValueType::kList, read, &e)) return false;
  *out = e == nullptr ? nullptr : AsList(e);
  return true;
}

bool ParseIndex(CommandContext& cx, std::string_view arg, int64_t* out) {
  if (util::ParseInt64(arg, out)) return true;
  cx.reply.Error(errors::kNotInteger);
  return false;
}

// Redis's getRangeLongFromObjectOrReply with a custom message for both failures.
bool ParseRange(CommandContext& cx, std::string_view arg, int64_t min, std::string_view error,
                int64_t* out) {
  if (util::ParseInt64(arg, out) && *out >= min) return true;
  cx.reply.Error(error);
  return false;
}

int Fill(CommandContext& cx) { return cx.server.cfg->list_max_listpack_size; }

void PushGeneric(CommandContext& cx, ListEnd end, bool only_existing) {
  for (size_t i = 2; i < cx.argc(); ++i) {
    if (cx.args[i].size() > kMaxElementSize) return cx.reply.Error(kElementTooLarge);
  }
  std::string_view key = cx.args[1];
  ListObject* list;
  if (!LookupList(cx, key, false, &list)) return;
  if (list == nullptr) {
    if (only_existing) return cx.reply.Integer(0);
    list = CreateList(cx.db(), key, Fill(cx));
  }
  bool front = end == ListEnd::kLeft;
  for (size_t i = 2; i < cx.argc(); ++i) list->Push(front, cx.args[i]);
  cx.db().Touched(key);
  Notify(cx, kNotifyList, PushEvent(end), key);
  cx.reply.Integer(static_cast<int64_t>(list->size()));
}

void LPush(CommandContext& cx) { PushGeneric(cx, ListEnd::kLeft, false); }
void RPush(CommandContext& cx) { PushGeneric(cx, ListEnd::kRight, false); }
void LPushX(CommandContext& cx) { PushGeneric(cx, ListEnd::kLeft, true); }
void RPushX(CommandContext& cx) { PushGeneric(cx, ListEnd::kRight, true); }

void PopGeneric(CommandContext& cx, ListEnd end) {
  if (cx.argc() > 3) return ReplyWrongArity(cx.reply, cx.cmd);
  bool has_count = cx.argc() == 3;
  int64_t count = 0;
  if (has_count && !ParseRange(cx, cx.args[2], 0, errors::kMustBePositive, &count)) return;
  std::string_view key = cx.args[1];
  ListObject* list;
  if (!LookupList(cx, key, false, &list)) return;
  if (list == nullptr) return has_count ? cx.reply.NullArray() : cx.reply.Null();
  if (!has_count) return cx.reply.Bulk(ListPopOne(cx, key, list, end));
  if (count == 0) return cx.reply.EmptyArray();
  uint64_t n = std::min<uint64_t>(static_cast<uint64_t>(count), list->size());
  cx.reply.Array(static_cast<int64_t>(n));
  bool front = end == ListEnd::kLeft;
  std::string v;
  for (uint64_t i = 0; i < n; ++i) {
    list->Pop(front, &v);
    cx.reply.Bulk(v);
  }
  AfterRemoval(cx.db(), &cx, key, list, PopEvent(end));
}

void LPop(CommandContext& cx) { PopGeneric(cx, ListEnd::kLeft); }
void RPop(CommandContext& cx) { PopGeneric(cx, ListEnd::kRight); }

void LLen(CommandContext& cx) {
  ListObject* list;
  if (!LookupList(cx, cx.args[1], true, &list)) return;
  cx.reply.Integer(list == nullptr ? 0 : static_cast<int64_t>(list->size()));
}

// Redis's start/end normalisation for LRANGE and LTRIM. Returns false for an empty range;
// otherwise 0 <= *start <= *end < len.
bool NormalizeRange(int64_t len, int64_t* start, int64_t* end) {
  // len <= INT64_MAX and the negative operand cannot overflow the sums.
  if (*start < 0) *start += len;
  if (*end < 0) *end += len;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= len) return false;
  if (*end >= len) *end = len - 1;
  return true;
}

void LRange(CommandContext& cx) {
  int64_t start, end;
  if (!ParseIndex(cx, cx.args[2], &start) || !ParseIndex(cx, cx.args[3], &end)) return;
  ListObject* list;
  if (!LookupList(cx, cx.args[1], true, &list)) return;
  if (list == nullptr) return cx.reply.EmptyArray();
  if (!NormalizeRange(static_cast<int64_t>(list->size()), &start, &end)) {
    return cx.reply.EmptyArray();
  }
  int64_t n = end - start + 1;
  cx.reply.Array(n);
  char scratch[store::listpack::kScratchSize];
  // At() seeks from the nearer end of the list; the range is then walked forwards.
  ListObject::Cursor c = list->At(static_cast<uint64_t>(start));
  for (int64_t i = 0; i < n; ++i, c.Next()) cx.reply.Bulk(c.value(scratch));
}

void LTrim(CommandContext& cx) {
  int64_t start, end;
  if (!ParseIndex(cx, cx.args[2], &start) || !ParseIndex(cx, cx.args[3], &end)) return;
  std::string_view key = cx.args[1];
  ListObject* list;
  if (!LookupList(cx, key, false, &list)) return;
  if (list == nullptr) return cx.reply.Ok();
  auto len = static_cast<int64_t>(list->size());
  uint64_t ltrim, rtrim;
  if (NormalizeRange(len, &start, &end)) {
    ltrim = static_cast<uint64_t>(start);
    rtrim = static_cast<uint64_t>(len - end - 1);
  } else {
    ltrim = static_cast<uint64_t>(len);
    rtrim = 0;
  }
  list->Trim(ltrim, true);
  list->Trim(rtrim, false);
  AfterRemoval(cx.db(), &cx, key, list, "ltrim");
  cx.reply.Ok();
}

// A client index (negative from the end) as a position, or false when out of range.
bool ResolveIndex(int64_t index, uint64_t len, uint64_t* out) {
  if (index < 0) {
    // -index cannot overflow once index >= -len; INT64_MIN is out of range for any list.
    if (index == INT64_MIN || static_cast<uint64_t>(-index) > len) return false;
    *out = len - static_cast<uint64_t>(-index);
    return true;
  }
  if (static_cast<uint64_t>(index) >= len) return false;
  *out = static_cast<uint64_t>(index);
  return true;
}

void LIndex(CommandContext& cx) {
  ListObject* list;
  if (!LookupList(cx, cx.args[1], true, &list)) return;
  if (list == nullptr) return cx.reply.Null();
  int64_t index;
  if (!ParseIndex(cx, cx.args[2], &index)) return;
  uint64_t pos;
  if (!ResolveIndex(index, list->size(), &pos)) return cx.reply.Null();
  char scratch[store::listpack::kScratchSize];
  cx.reply.Bulk(list->Get(pos, scratch));
}

void LSet(CommandContext& cx) {
  std::string_view key = cx.args[1];
  ListObject* list;
  if (!LookupList(cx, key, false, &list)) return;
  if (list == nullptr) return cx.reply.Error(errors::kNoSuchKey);
  int64_t index;
  if (!ParseIndex(cx, cx.args[2], &index)) return;
  if (cx.args[3].size() > kMaxElementSize) return cx.reply.Error(kElementTooLarge);
  uint64_t pos;
  if (!ResolveIndex(index, list->size(), &pos)) return cx.reply.Error(errors::kOutOfRange);
  list->Set(pos, cx.args[3]);
  cx.db().Touched(key);
  Notify(cx, kNotifyList, "lset", key);
  cx.reply.Ok();
}

void LInsert(CommandContext& cx) {
  bool after;
  if (util::EqualsIgnoreCase(cx.args[2], "after")) {
    after = true;
  } else if (util::EqualsIgnoreCase(cx.args[2], "before")) {
    after = false;
  } else {
    return cx.reply.Error(errors::kSyntax);
  }
  if (cx.args[4].size() > kMaxElementSize) return cx.reply.Error(kElementTooLarge);
  std::string_view key = cx.args[1];
  ListObject* list;
  if (!LookupList(cx, key, false, &list)) return;
  if (list == nullptr) return cx.reply.Integer(0);
  if (!list->InsertAtPivot(cx.args[3], cx.args[4], after)) return cx.reply.Integer(-1);
  cx.db().Touched(key);
  Notify(cx, kNotifyList, "linsert", key);
  cx.reply.Integer(static_cast<int64_t>(list->size()));
}

void LRem(CommandContext& cx) {
  int64_t count;
  if (!ParseIndex(cx, cx.args[2], &count)) return;
  std::string_view key = cx.args[1];
  ListObject* list;
  if (!LookupList(cx, key, false, &list)) return;
  if (list == nullptr) return cx.reply.Integer(0);
  bool from_tail = count < 0;
  // As Redis: -LONG_MIN stays negative there, so no count is ever reached: all go.
  uint64_t limit = count == INT64_MIN ? 0 : static_cast<uint64_t>(from_tail ? -count : count);
  uint64_t removed = list->Remove(cx.args[3], limit, from_tail);
  if (removed > 0) AfterRemoval(cx.db(), &cx, key, list, "lrem");
  cx.reply.Integer(static_cast<int64_t>(removed));
}

struct LposOptions {
  int64_t rank = 1;
  int64_t count = -1;  // -1: not given
  int64_t maxlen = 0;
};

bool ParseLposOptions(CommandContext& cx, LposOptions* o) {
  for (size_t i = 3; i < cx.argc(); ++i) {
    std::string_view opt = cx.args[i];
    bool more = i + 1 < cx.argc();
    if (more && util::EqualsIgnoreCase(opt, "RANK")) {
      if (!ParseIndex(cx, cx.args[++i], &o->rank)) return false;
      if (o->rank == 0) {
        cx.reply.Error(kRankZero);
        return false;
      }
    } else if (more && util::EqualsIgnoreCase(opt, "COUNT")) {
      if (!ParseRange(cx, cx.args[++i], 0, kCountNegative, &o->count)) return false;
    } else if (more && util::EqualsIgnoreCase(opt, "MAXLEN")) {
      if (!ParseRange(cx, cx.args[++i], 0, kMaxlenNegative, &o->maxlen)) return false;
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

void LPos(CommandContext& cx) {
  LposOptions o;
  if (!ParseLposOptions(cx, &o)) return;
  bool has_count = o.count != -1;
  ListObject* list;
  if (!LookupList(cx, cx.args[1], true, &list)) return;
  if (list == nullptr) return has_count ? cx.reply.EmptyArray() : cx.reply.Null();
  bool from_tail = o.rank < 0;
  // Redis 7.0 negates RANK LONG_MIN into itself: every match then satisfies the rank and the
  // COUNT stop is never reached. Same results here, without the overflow.
  bool min_rank = o.rank == INT64_MIN;
  uint64_t rank = min_rank ? 1 : static_cast<uint64_t>(from_tail ? -o.rank : o.rank);
  uint64_t count_limit = min_rank ? 0 : static_cast<uint64_t>(std::max<int64_t>(o.count, 0));
  uint64_t len = list->size();
  auto maxlen = static_cast<uint64_t>(o.maxlen);
  std::string_view needle = cx.args[2];
  std::vector<int64_t> found;
  uint64_t matches = 0;
  ListObject::Cursor c = from_tail ? list->Back() : list->Front();
  for (uint64_t index = 0; c.valid() && (maxlen == 0 || index < maxlen); ++index) {
    if (c.Equals(needle) && ++matches >= rank) {
      found.push_back(static_cast<int64_t>(from_tail ? len - index - 1 : index));
      if (!has_count) break;
      if (count_limit != 0 && matches - rank + 1 >= count_limit) break;
    }
    from_tail ? c.Prev() : c.Next();
  }
  if (!has_count) return found.empty() ? cx.reply.Null() : cx.reply.Integer(found[0]);
  cx.reply.Array(static_cast<int64_t>(found.size()));
  for (int64_t v : found) cx.reply.Integer(v);
}

void MoveGeneric(CommandContext& cx, ListEnd from, ListEnd to) {
  std::string_view src_key = cx.args[1], dst_key = cx.args[2];
  ListObject* src;
  if (!LookupList(cx, src_key, false, &src)) return;
  if (src == nullptr) return cx.reply.Null();
  ListObject* dst;
  if (!LookupList(cx, dst_key, false, &dst)) return;
  cx.reply.Bulk(ListMove(cx, src_key, src, dst_key, dst, from, to));
}

void LMove(CommandContext& cx) {
  ListEnd from, to;
  if (!ParseListEnd(cx.args[3], &from) || !ParseListEnd(cx.args[4], &to)) {
    return cx.reply.Error(errors::kSyntax);
  }
  MoveGeneric(cx, from, to);
}

void RPopLPush(CommandContext& cx) { MoveGeneric(cx, ListEnd::kRight, ListEnd::kLeft); }

void LMPop(CommandContext& cx) {
  MpopArgs a;
  if (!ParseMpopArgs(cx, 1, &a)) return;
  for (size_t i = 0; i < a.numkeys; ++i) {
    std::string_view key = cx.args[a.first_key + i];
    ListObject* list;
    if (!LookupList(cx, key, false, &list)) return;
    if (list == nullptr) continue;
    return ListPopReplyWithKey(cx, key, list, a.end, a.count);
  }
  cx.reply.NullArray();
}

constexpr uint64_t kWriteDenyOomFast = flag::kWrite | flag::kDenyOom | flag::kFast;
constexpr uint32_t kRwInsert = keyflag::kRW | keyflag::kInsert;
constexpr uint32_t kRwAccessDelete = keyflag::kRW | keyflag::kAccess | keyflag::kDelete;
constexpr uint32_t kRoAccess = keyflag::kRO | keyflag::kAccess;

KeySpec Key(int index, uint32_t flags) { return {.flags = flags, .index = index}; }

}  // namespace

bool ParseListEnd(std::string_view arg, ListEnd* out) {
  if (util::EqualsIgnoreCase(arg, "left")) {
    *out = ListEnd::kLeft;
  } else if (util::EqualsIgnoreCase(arg, "right")) {
    *out = ListEnd::kRight;
  } else {
    return false;
  }
  return true;
}

ListObject* FindListForWrite(Db& db, std::string_view key, bool* wrong_type) {
  Entry* e = db.Lookup(key);
  *wrong_type = e != nullptr && e->type != ValueType::kList;
  return e == nullptr || *wrong_type ? nullptr : AsList(e);
}

ListObject* CreateList(Db& db, std::string_view key, int fill) {
  auto* list = new ListObject(fill);
  db.Add(store::NewObjectEntry(key, ValueType::kList, list, false));
  return list;
}

std::string ListPopOne(Db& db, std::string_view key, ListObject* list, ListEnd end) {
  return PopOne(db, nullptr, key, list, end);
}

std::string ListPopOne(CommandContext& cx, std::string_view key, ListObject* list, ListEnd end) {
  return PopOne(cx.db(), &cx, key, list, end);
}

void ListPopReplyWithKey(Db& db, protocol::ReplyBuilder& reply, std::string_view key,
                         ListObject* list, ListEnd end, uint64_t count) {
  PopReplyWithKey(db, nullptr, reply, key, list, end, count);
}

void ListPopReplyWithKey(CommandContext& cx, std::string_view key, ListObject* list, ListEnd end,
                         uint64_t count) {
  PopReplyWithKey(cx.db(), &cx, cx.reply, key, list, end, count);
}

std::string ListMove(Db& db, std::string_view src_key, ListObject* src, std::string_view dst_key,
                     ListObject* dst, ListEnd from, ListEnd to, int fill) {
  return Move(db, nullptr, src_key, src, dst_key, dst, from, to, fill);
}

std::string ListMove(CommandContext& cx, std::string_view src_key, ListObject* src,
                     std::string_view dst_key, ListObject* dst, ListEnd from, ListEnd to) {
  return Move(cx.db(), &cx, src_key, src, dst_key, dst, from, to, Fill(cx));
}

bool ParseMpopArgs(CommandContext& cx, size_t numkeys_index, MpopArgs* out) {
  int64_t numkeys;
  if (!ParseRange(cx, cx.args[numkeys_index], 1, errors::kNumkeysPositive, &numkeys)) return false;
  // Compared before any index arithmetic: numkeys may be as large as INT64_MAX.
  size_t after = cx.argc() - numkeys_index - 1;
  if (static_cast<uint64_t>(numkeys) >= after) {
    cx.reply.Error(errors::kSyntax);
    return false;
  }
  out->numkeys = static_cast<size_t>(numkeys);
  out->first_key = numkeys_index + 1;
  size_t where = out->first_key + out->numkeys;
  if (!ParseListEnd(cx.args[where], &out->end)) {
    cx.reply.Error(errors::kSyntax);
    return false;
  }
  bool has_count = false;
  for (size_t i = where + 1; i < cx.argc(); ++i) {
    if (!has_count && i + 1 < cx.argc() && util::EqualsIgnoreCase(cx.args[i], "COUNT")) {
      int64_t count;
      if (!ParseRange(cx, cx.args[++i], 1, kCountPositive, &count)) return false;
      out->count = static_cast<uint64_t>(count);
      has_count = true;
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

void RegisterListFamily(CommandTable& t) {
  const char* g = "list";
  const uint64_t l = cat::kList;
  t.Register({
      {.name = "lpush",
       .arity = -3,
       .flags = kWriteDenyOomFast,
       .categories = l,
       .keys = {Key(1, kRwInsert)},
       .handler = LPush,
       .group = g,
       .summary = "Prepend one or multiple elements to a list"},
      {.name = "rpush",
       .arity = -3,
       .flags = kWriteDenyOomFast,
       .categories = l,
       .keys = {Key(1, kRwInsert)},
       .handler = RPush,
       .group = g,
       .summary = "Append one or multiple elements to a list"},
      {.name = "lpushx",
       .arity = -3,
       .flags = kWriteDenyOomFast,
       .categories = l,
       .keys = {Key(1, kRwInsert)},
       .handler = LPushX,
       .group = g,
       .summary = "Prepend an element to a list, only if the list exists",
       .since = "2.2.0"},
      {.name = "rpushx",
       .arity = -3,
       .flags = kWriteDenyOomFast,
       .categories = l,
       .keys = {Key(1, kRwInsert)},
       .handler = RPushX,
       .group = g,
       .summary = "Append an element to a list, only if the list exists",
       .since = "2.2.0"},
      {.name = "lpop",
       .arity = -2,
       .flags = flag::kWrite | flag::kFast,
       .categories = l,
       .keys = {Key(1, kRwAccessDelete)},
       .handler = LPop,
       .group = g,
       .summary = "Remove and get the first elements in a list"},
      {.name = "rpop",
       .arity = -2,
       .flags = flag::kWrite | flag::kFast,
       .categories = l,
       .keys = {Key(1, kRwAccessDelete)},
       .handler = RPop,
       .group = g,
       .summary = "Remove and get the last elements in a list"},
      {.name = "llen",
       .arity = 2,
       .flags = flag::kReadonly | flag::kFast,
       .categories = l,
       .keys = {Key(1, keyflag::kRO)},
       .handler = LLen,
       .group = g,
       .summary = "Get the length of a list"},
      {.name = "lrange",
       .arity = 4,
       .flags = flag::kReadonly,
       .categories = l,
       .keys = {Key(1, kRoAccess)},
       .handler = LRange,
       .group = g,
       .summary = "Get a range of elements from a list"},
      {.name = "lindex",
       .arity = 3,
       .flags = flag::kReadonly,
       .categories = l,
       .keys = {Key(1, kRoAccess)},
       .handler = LIndex,
       .group = g,
       .summary = "Get an element from a list by its index"},
      {.name = "lset",
       .arity = 4,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = l,
       .keys = {Key(1, keyflag::kRW | keyflag::kUpdate)},
       .handler = LSet,
       .group = g,
       .summary = "Set the value of an element in a list by its index"},
      {.name = "linsert",
       .arity = 5,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = l,
       .keys = {Key(1, kRwInsert)},
       .handler = LInsert,
       .group = g,
       .summary = "Insert an element before or after another element in a list",
       .since = "2.2.0"},
      {.name = "lrem",
       .arity = 4,
       .flags = flag::kWrite,
       .categories = l,
       .keys = {Key(1, keyflag::kRW | keyflag::kDelete)},
       .handler = LRem,
       .group = g,
       .summary = "Remove elements from a list"},
      {.name = "ltrim",
       .arity = 4,
       .flags = flag::kWrite,
       .categories = l,
       .keys = {Key(1, keyflag::kRW | keyflag::kDelete)},
       .handler = LTrim,
       .group = g,
       .summary = "Trim a list to the specified range"},
      {.name = "lpos",
       .arity = -3,
       .flags = flag::kReadonly,
       .categories = l,
       .keys = {Key(1, kRoAccess)},
       .handler = LPos,
       .group = g,
       .summary = "Return the index of matching elements on a list",
       .since = "6.0.6"},
      {.name = "lmove",
       .arity = 5,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = l,
       .keys = {Key(1, kRwAccessDelete), Key(2, kRwInsert)},
       .handler = LMove,
       .group = g,
       .summary = "Pop an element from a list, push it to another list and return it",
       .since = "6.2.0"},
      {.name = "rpoplpush",
       .arity = 3,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = l,
       .keys = {Key(1, kRwAccessDelete), Key(2, kRwInsert)},
       .handler = RPopLPush,
       .group = g,
       .summary = "Remove the last element in a list, prepend it to another list and return it",
       .since = "1.2.0"},
      {.name = "lmpop",
       .arity = -4,
       .flags = flag::kWrite,
       .categories = l,
       .keys = {{.flags = kRwAccessDelete, .index = 1, .keynum_index = 0, .first_key = 1}},
       .handler = LMPop,
       .group = g,
       .summary = "Pop elements from a list",
       .since = "7.0.0"},
  });
}

}  // namespace redoubt::commands
