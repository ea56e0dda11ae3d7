#include "runtime/blocking.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "runtime/dispatch.h"
#include "runtime/tracking.h"
#include "util/numbers.h"

namespace redoubt::commands {

namespace {

std::string KeyId(int db, std::string_view key) {
  std::string id = std::to_string(db);
  id += ':';
  id.append(key);
  return id;
}

std::string_view KeyOf(std::string_view key_id) { return key_id.substr(key_id.find(':') + 1); }

void ReplyTimeout(ServerState& server, Client& c) {
  protocol::ReplyBuilder r(&c.reply_buf, c.resp);
  r.NullArray();
  server.sessions.MarkPendingWrite(&c);
}

}  // namespace

bool ParseBlockTimeout(CommandContext& cx, std::string_view arg, int64_t* deadline_ms) {
  long double secs;
  if (!util::ParseLongDouble(arg, &secs) || std::isnan(secs)) {
    cx.reply.Error("ERR timeout is not a float or out of range");
    return false;
  }
  if (secs < 0) {
    cx.reply.Error("ERR timeout is negative");
    return false;
  }
  long double ms = secs * 1000.0L;
  if (ms > static_cast<long double>(INT64_MAX / 2)) {
    cx.reply.Error("ERR timeout is out of range");
    return false;
  }
  int64_t rel = static_cast<int64_t>(std::ceil(ms));
  *deadline_ms = rel == 0 ? 0 : cx.now_ms() + rel;
  return true;
}

void BlockOnKeys(CommandContext& cx, std::span<const std::string_view> keys, int64_t deadline_ms,
                 store::ValueType type) {
  Client& c = cx.client;
  ServerState& s = cx.server;
  c.blocked = true;
  c.block_type = type;
  c.block_deadline_ms = deadline_ms;
  c.block_db = c.db_index;
  c.block_args.assign(cx.args.begin(), cx.args.end());
  c.block_keys.assign(keys.begin(), keys.end());
  bool first = s.indexes.blocking_keys.empty();
  for (std::string_view k : keys) {
    auto& waiters = s.indexes.blocking_keys[KeyId(c.db_index, k)];
    if (std::find(waiters.begin(), waiters.end(), &c) == waiters.end()) waiters.push_back(&c);
  }
  ++s.indexes.blocked_count;
  if (first) s.UpdateKeyHooks();
}

void Unblock(ServerState& server, Client& c) {
  if (!c.blocked) return;
  for (const std::string& k : c.block_keys) {
    auto it = server.indexes.blocking_keys.find(KeyId(c.block_db, k));
    if (it == server.indexes.blocking_keys.end()) continue;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), &c), v.end());
    if (v.empty()) server.indexes.blocking_keys.erase(it);
  }
  c.blocked = false;
  c.block_keys.clear();
  c.block_args.clear();
  --server.indexes.blocked_count;
  server.indexes.unblocked_clients.push_back(c.id);
  if (server.indexes.blocking_keys.empty()) server.UpdateKeyHooks();
}

void SignalKeyChanged(ServerState& server, int db, std::string_view key) {
  if (server.indexes.blocking_keys.empty()) return;
  std::string id = KeyId(db, key);
  if (server.indexes.blocking_keys.count(id) == 0) return;
  if (std::find(server.indexes.ready_keys.begin(), server.indexes.ready_keys.end(), id) ==
      server.indexes.ready_keys.end()) {
    server.indexes.ready_keys.push_back(std::move(id));
  }
}

void SignalDbKeysReady(ServerState& server, int db) {
  std::string prefix = std::to_string(db) + ":";
  std::vector<std::string> ready;
  for (const auto& [id, waiters] : server.indexes.blocking_keys) {
    if (id.compare(0, prefix.size(), prefix) != 0) continue;
    if (server.db(db).Peek(KeyOf(id)) != nullptr) ready.push_back(id);
  }
  for (const std::string& id : ready) SignalKeyChanged(server, db, KeyOf(id));
}

void ServeReadyKeys(ServerState& server) {
  // Serving one client can make other keys ready (BLMOVE pushes), so loop until quiet.
  for (int rounds = 0; !server.indexes.ready_keys.empty() && rounds < 1000; ++rounds) {
    std::vector<std::string> ready;
    ready.swap(server.indexes.ready_keys);
    for (const std::string& id : ready) {
      auto it = server.indexes.blocking_keys.find(id);
      if (it == server.indexes.blocking_keys.end()) continue;
      // First come, first served: each waiter retries in arrival order; one that is still
      // blocked afterwards means the key ran dry.
      std::vector<Client*> waiters = it->second;
      for (Client* c : waiters) {
        if (!c->blocked) continue;
        // As Redis, only a key that now holds the waiter's type wakes a list or zset waiter
        // (a transaction may have pushed, deleted and re-created the key as a string). Stream
        // readers always retry: a deleted stream ends a blocked XREADGROUP.
        if (c->block_type != store::ValueType::kStream) {
          store::Entry* e = server.db(c->block_db).Peek(KeyOf(id));
          if (e == nullptr || e->type != c->block_type) continue;
        }
        std::vector<std::string> args = c->block_args;
        std::vector<std::string_view> views(args.begin(), args.end());
        int saved_db = c->db_index;
        c->db_index = c->block_db;
        size_t before = c->reply_buf.size();
        {
          // Its own invalidations follow its reply, as for a command it sent now.
          TrackingScope scope(server, *c, /*executing=*/true);
          RunQueued(server, *c, views);
        }
        c->db_index = saved_db;
        if (c->reply_buf.size() != before) server.sessions.MarkPendingWrite(c);
        // A waiter still parked while the key holds data (a stream reader waiting for IDs
        // beyond the new ones) must not starve those behind it; once the key is gone, it ran
        // dry and nobody else can be served.
        if (c->blocked && server.db(c->block_db).Peek(KeyOf(id)) == nullptr) break;
      }
    }
  }
}

void ExpireBlockedClients(ServerState& server, int64_t now_ms) {
  if (server.indexes.blocked_count == 0) return;
  std::vector<Client*> expired;
  for (auto& [id, c] : server.sessions.clients) {
    if (c->blocked && c->block_deadline_ms != 0 && c->block_deadline_ms <= now_ms) {
      expired.push_back(c);
    }
  }
  for (Client* c : expired) {
    Unblock(server, *c);
    ReplyTimeout(server, *c);
  }
}

bool UnblockByRequest(ServerState& server, Client& c, bool with_error) {
  if (!c.blocked) return false;
  Unblock(server, c);
  if (with_error) {
    protocol::ReplyBuilder r(&c.reply_buf, c.resp);
    r.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    server.sessions.MarkPendingWrite(&c);
  } else {
    ReplyTimeout(server, c);
  }
  return true;
}

}  // namespace redoubt::commands
