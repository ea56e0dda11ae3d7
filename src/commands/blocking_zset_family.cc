// Blocking sorted-set pops: BZPOPMIN, BZPOPMAX, BZMPOP. They pop through ZPopGeneric (the
// same replies as ZPOPMIN/ZMPOP) and park on the blocking machinery while every key is empty.
#include "commands/zset_family.h"
#include "protocol/errors.h"
#include "runtime/blocking.h"
#include "runtime/command_table.h"

namespace redoubt::commands {

namespace {

// Whether some key holds a sorted set to pop from, or a wrong type that must be answered.
bool AnythingToAnswer(CommandContext& cx, std::span<const std::string_view> keys) {
  for (std::string_view key : keys) {
    store::Entry* e = cx.db().Lookup(key);
    if (e != nullptr) return true;  // a zset to pop, or WRONGTYPE for ZPopGeneric to reply
  }
  return false;
}

void BlockingZPop(CommandContext& cx, std::span<const std::string_view> keys, bool max,
                  int64_t count, ZPopShape shape, int64_t deadline) {
  if (AnythingToAnswer(cx, keys)) {
    if (IsRetry(cx)) Unblock(cx.server, cx.client);
    ZPopGeneric(cx, keys, max, count, shape, true);
    return;
  }
  if (IsRetry(cx)) return;
  if (cx.client.in_exec) return cx.reply.NullArray();
  BlockOnKeys(cx, keys, deadline, store::ValueType::kZSet);
}

void BZPopMinMax(CommandContext& cx, bool max) {
  int64_t deadline;
  if (!ParseBlockTimeout(cx, cx.args[cx.argc() - 1], &deadline)) return;
  BlockingZPop(cx, cx.args.subspan(1, cx.argc() - 2), max, -1, ZPopShape::kKeyFlat, deadline);
}
void BZPopMin(CommandContext& cx) { BZPopMinMax(cx, false); }
void BZPopMax(CommandContext& cx) { BZPopMinMax(cx, true); }

void BZMPop(CommandContext& cx) {
  int64_t deadline;
  if (!ParseBlockTimeout(cx, cx.args[1], &deadline)) return;
  ZMpopArgs a;
  if (!ParseZMpopArgs(cx, 2, &a)) return;
  BlockingZPop(cx, a.keys, a.max, a.count, ZPopShape::kKeyNested, deadline);
}

constexpr uint32_t kPopKey = keyflag::kRW | keyflag::kAccess | keyflag::kDelete;

}  // namespace

void RegisterBlockingZSetFamily(CommandTable& t) {
  const char* g = "sorted_set";
  const uint64_t z = cat::kSortedSet;
  const uint64_t pop_flags = flag::kWrite | flag::kNoscript | flag::kBlocking | flag::kFast;
  t.Register({
      {.name = "bzpopmin",
       .arity = -3,
       .flags = pop_flags,
       .categories = z,
       .keys = {{.flags = kPopKey, .index = 1, .last_key = -2}},
       .handler = BZPopMin,
       .group = g,
       .summary = "Remove and return the member with the lowest score from one or more sorted "
                  "sets, or block until one is available",
       .since = "5.0.0"},
      {.name = "bzpopmax",
       .arity = -3,
       .flags = pop_flags,
       .categories = z,
       .keys = {{.flags = kPopKey, .index = 1, .last_key = -2}},
       .handler = BZPopMax,
       .group = g,
       .summary = "Remove and return the member with the highest score from one or more sorted "
                  "sets, or block until one is available",
       .since = "5.0.0"},
      {.name = "bzmpop",
       .arity = -5,
       .flags = flag::kWrite | flag::kBlocking,
       .categories = z,
       .keys = {{.flags = kPopKey, .index = 2, .keynum_index = 0, .first_key = 1}},
       .handler = BZMPop,
       .group = g,
       .summary = "Remove and return members with scores in a sorted set or block until one is "
                  "available",
       .since = "7.0.0"},
  });
}

}  // namespace redoubt::commands
