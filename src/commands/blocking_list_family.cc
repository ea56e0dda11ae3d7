// Blocking list commands: BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP. They share the list
// operations of list_family.h with their non-blocking forms; when every key is empty the
// client is parked (blocking.h) and the handler runs again when a key is pushed to.
#include <string>

#include "commands/list_family.h"
#include "protocol/errors.h"
#include "runtime/blocking.h"
#include "runtime/command_table.h"

namespace redoubt::commands {

namespace {

// Parks the client, or answers the time-out at once inside EXEC. A retry that found nothing
// stays parked without replying.
void WaitOrGiveUp(CommandContext& cx, std::span<const std::string_view> keys, int64_t deadline) {
  if (IsRetry(cx)) return;
  if (cx.client.in_exec) return cx.reply.NullArray();
  BlockOnKeys(cx, keys, deadline, store::ValueType::kList);
}

void Served(CommandContext& cx) {
  if (IsRetry(cx)) Unblock(cx.server, cx.client);
}

void BlockingPop(CommandContext& cx, ListEnd end) {
  int64_t deadline;
  if (!ParseBlockTimeout(cx, cx.args[cx.argc() - 1], &deadline)) return;
  std::span<const std::string_view> keys = cx.args.subspan(1, cx.argc() - 2);
  for (std::string_view key : keys) {
    bool wrong_type = false;
    store::ListObject* list = FindListForWrite(cx.db(), key, &wrong_type);
    if (wrong_type) {
      Served(cx);
      return cx.reply.Error(errors::kWrongType);
    }
    if (list == nullptr) continue;
    Served(cx);
    std::string k(key);  // the key view may point into an entry that the pop deletes
    std::string v = ListPopOne(cx, k, list, end);
    cx.reply.Array(2);
    cx.reply.Bulk(k);
    return cx.reply.Bulk(v);
  }
  WaitOrGiveUp(cx, keys, deadline);
}

void BLPop(CommandContext& cx) { BlockingPop(cx, ListEnd::kLeft); }
void BRPop(CommandContext& cx) { BlockingPop(cx, ListEnd::kRight); }

void BlockingMove(CommandContext& cx, ListEnd from, ListEnd to, std::string_view timeout) {
  int64_t deadline;
  if (!ParseBlockTimeout(cx, timeout, &deadline)) return;
  std::string_view src_key = cx.args[1];
  std::string_view dst_key = cx.args[2];
  bool wrong_type = false;
  store::ListObject* src = FindListForWrite(cx.db(), src_key, &wrong_type);
  if (wrong_type) {
    Served(cx);
    return cx.reply.Error(errors::kWrongType);
  }
  if (src == nullptr) return WaitOrGiveUp(cx, cx.args.subspan(1, 1), deadline);
  store::ListObject* dst = FindListForWrite(cx.db(), dst_key, &wrong_type);
  Served(cx);
  if (wrong_type) return cx.reply.Error(errors::kWrongType);
  std::string v = ListMove(cx, src_key, src, dst_key, dst, from, to);
  cx.reply.Bulk(v);
}

void BRPopLPush(CommandContext& cx) {
  BlockingMove(cx, ListEnd::kRight, ListEnd::kLeft, cx.args[3]);
}

void BLMove(CommandContext& cx) {
  ListEnd from, to;
  if (!ParseListEnd(cx.args[3], &from) || !ParseListEnd(cx.args[4], &to)) {
    return cx.reply.Error(errors::kSyntax);
  }
  BlockingMove(cx, from, to, cx.args[5]);
}

void BLMPop(CommandContext& cx) {
  int64_t deadline;
  if (!ParseBlockTimeout(cx, cx.args[1], &deadline)) return;
  MpopArgs a;
  if (!ParseMpopArgs(cx, 2, &a)) return;
  std::span<const std::string_view> keys = cx.args.subspan(a.first_key, a.numkeys);
  for (std::string_view key : keys) {
    bool wrong_type = false;
    store::ListObject* list = FindListForWrite(cx.db(), key, &wrong_type);
    if (wrong_type) {
      Served(cx);
      return cx.reply.Error(errors::kWrongType);
    }
    if (list == nullptr) continue;
    Served(cx);
    std::string k(key);
    return ListPopReplyWithKey(cx, k, list, a.end, a.count);
  }
  WaitOrGiveUp(cx, keys, deadline);
}

constexpr uint32_t kPopKey = keyflag::kRW | keyflag::kAccess | keyflag::kDelete;
constexpr uint32_t kPushKey = keyflag::kRW | keyflag::kInsert;

}  // namespace

void RegisterBlockingListFamily(CommandTable& t) {
  const char* g = "list";
  const uint64_t l = cat::kList;
  const uint64_t pop_flags = flag::kWrite | flag::kNoscript | flag::kBlocking;
  const uint64_t move_flags = pop_flags | flag::kDenyOom;
  t.Register({
      {.name = "blpop",
       .arity = -3,
       .flags = pop_flags,
       .categories = l,
       .keys = {{.flags = kPopKey, .index = 1, .last_key = -2}},
       .handler = BLPop,
       .group = g,
       .summary = "Remove and get the first element in a list, or block until one is available",
       .since = "2.0.0"},
      {.name = "brpop",
       .arity = -3,
       .flags = pop_flags,
       .categories = l,
       .keys = {{.flags = kPopKey, .index = 1, .last_key = -2}},
       .handler = BRPop,
       .group = g,
       .summary = "Remove and get the last element in a list, or block until one is available",
       .since = "2.0.0"},
      {.name = "brpoplpush",
       .arity = 4,
       .flags = move_flags,
       .categories = l,
       .keys = {{.flags = kPopKey, .index = 1}, {.flags = kPushKey, .index = 2}},
       .handler = BRPopLPush,
       .group = g,
       .summary = "Pop an element from a list, push it to another list and return it; or block "
                  "until one is available",
       .since = "2.2.0"},
      {.name = "blmove",
       .arity = 6,
       .flags = move_flags,
       .categories = l,
       .keys = {{.flags = kPopKey, .index = 1}, {.flags = kPushKey, .index = 2}},
       .handler = BLMove,
       .group = g,
       .summary = "Pop an element from a list, push it to another list and return it; or block "
                  "until one is available",
       .since = "6.2.0"},
      {.name = "blmpop",
       .arity = -5,
       .flags = flag::kWrite | flag::kBlocking,
       .categories = l,
       .keys = {{.flags = kPopKey, .index = 2, .keynum_index = 0, .first_key = 1}},
       .handler = BLMPop,
       .group = g,
       .summary = "Pop elements from a list, or block until one is available",
       .since = "7.0.0"},
  });
}

}  // namespace redoubt::commands
