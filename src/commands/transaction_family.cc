// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queued commands run through the whole
// admission pipeline again at EXEC (ACL rules may have changed meanwhile), as in Redis.
#include <algorithm>
#include <string>

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/dispatch.h"
#include "runtime/transaction.h"

namespace redoubt::commands {

namespace {

void Multi(CommandContext& cx) {
  if (cx.client.in_multi) return cx.reply.Error("ERR MULTI calls can not be nested");
  cx.client.in_multi = true;
  cx.client.multi_error = false;
  cx.client.multi_queue.clear();
  cx.reply.Ok();
}

void Discard(CommandContext& cx) {
  if (!cx.client.in_multi) return cx.reply.Error("ERR DISCARD without MULTI");
  DiscardTransaction(cx.client);
  UnwatchAll(cx.server, cx.client);
  cx.reply.Ok();
}

// A watched key that was alive at WATCH time and has expired since counts as modified, even
// if nothing has deleted it yet.
bool WatchedKeyExpired(ServerState& server, const Client& c) {
  for (const Client::WatchedKey& wk : c.watched_keys) {
    if (wk.expired_at_watch) continue;
    store::Entry* e = server.db(wk.db).table().Find(wk.key);
    if (e != nullptr && server.db(wk.db).IsExpired(e)) return true;
  }
  return false;
}

void Exec(CommandContext& cx) {
  Client& c = cx.client;
  if (!c.in_multi) return cx.reply.Error("ERR EXEC without MULTI");
  if (c.multi_error) {
    DiscardTransaction(c);
    UnwatchAll(cx.server, c);
    return cx.reply.Error("EXECABORT Transaction discarded because of previous errors.");
  }
  if (c.watch_dirty || WatchedKeyExpired(cx.server, c)) {
    DiscardTransaction(c);
    UnwatchAll(cx.server, c);
    return cx.reply.NullArray();
  }
  std::vector<Client::QueuedCommand> queue;
  queue.swap(c.multi_queue);
  c.in_multi = false;
  UnwatchAll(cx.server, c);
  cx.reply.Array(static_cast<int64_t>(queue.size()));
  std::vector<std::string_view> args;
  c.in_exec = true;  // blocking commands answer at once inside a transaction
  if (cx.server.persistence.write_feed != nullptr)
    cx.server.persistence.write_feed->BeginTransaction();
  for (const Client::QueuedCommand& q : queue) {
    args.assign(q.args.begin(), q.args.end());
    RunQueued(cx.server, c, args);
  }
  if (cx.server.persistence.write_feed != nullptr)
    cx.server.persistence.write_feed->EndTransaction();
  c.in_exec = false;
}

void Watch(CommandContext& cx) {
  Client& c = cx.client;
  if (c.in_multi) return cx.reply.Error("ERR WATCH inside MULTI is not allowed");
  for (size_t i = 1; i < cx.argc(); ++i) {
    std::string_view key = cx.args[i];
    bool already = std::any_of(
        c.watched_keys.begin(), c.watched_keys.end(),
        [&](const Client::WatchedKey& w) { return w.db == c.db_index && w.key == key; });
    if (already) continue;
    store::Entry* e = cx.db().table().Find(key);
    bool expired = e != nullptr && cx.db().IsExpired(e);
    c.watched_keys.push_back({c.db_index, std::string(key), expired});
    bool first = cx.server.indexes.watched.empty();
    cx.server.indexes.watched[WatchId(c.db_index, key)].push_back(&c);
    if (first) cx.server.UpdateKeyHooks();
  }
  cx.reply.Ok();
}

void Unwatch(CommandContext& cx) {
  UnwatchAll(cx.server, cx.client);
  cx.client.watch_dirty = false;
  cx.reply.Ok();
}

constexpr uint64_t kTxFlags =
    flag::kNoscript | flag::kLoading | flag::kStale | flag::kFast | flag::kAllowBusy;

}  // namespace

void RegisterTransactionFamily(CommandTable& t) {
  const char* g = "transactions";
  const uint64_t tx = cat::kTransaction;
  const uint32_t nq = internal::kNotQueued;
  t.Register({
      {.name = "multi",
       .arity = 1,
       .flags = kTxFlags,
       .categories = tx,
       .handler = Multi,
       .group = g,
       .summary = "Mark the start of a transaction block",
       .since = "1.2.0",
       .internal_flags = nq},
      {.name = "exec",
       .arity = 1,
       .flags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kSkipSlowlog,
       .categories = tx,
       .handler = Exec,
       .group = g,
       .summary = "Execute all commands issued after MULTI",
       .since = "1.2.0",
       .internal_flags = nq | internal::kRunsQueue},
      {.name = "discard",
       .arity = 1,
       .flags = kTxFlags,
       .categories = tx,
       .handler = Discard,
       .group = g,
       .summary = "Discard all commands issued after MULTI",
       .since = "2.0.0",
       .internal_flags = nq},
      {.name = "watch",
       .arity = -2,
       .flags = kTxFlags,
       .categories = tx,
       .keys = {{.flags = keyflag::kRO, .index = 1, .last_key = -1}},
       .handler = Watch,
       .group = g,
       .summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
       .since = "2.2.0",
       .internal_flags = nq},
      {.name = "unwatch",
       .arity = 1,
       .flags = kTxFlags,
       .categories = tx,
       .handler = Unwatch,
       .group = g,
       .summary = "Forget about all watched keys",
       .since = "2.2.0"},
  });
}

}  // namespace redoubt::commands
