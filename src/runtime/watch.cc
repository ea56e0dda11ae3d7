// WATCH's index (clients by "<db>:<key>") and the MULTI state the admission pipeline, RESET
// and disconnects clear.
#include <algorithm>
#include <string>

#include "runtime/transaction.h"

namespace redoubt::commands {

std::string WatchId(int db, std::string_view key) {
  std::string id = std::to_string(db);
  id += ':';
  id.append(key);
  return id;
}

void MarkWatchersDirty(ServerState& server, int db, std::string_view key) {
  auto it = server.indexes.watched.find(WatchId(db, key));
  if (it == server.indexes.watched.end()) return;
  for (Client* c : it->second) c->watch_dirty = true;
}

namespace {

bool ExpiredAtWatch(const Client& c, int db, std::string_view key) {
  for (const Client::WatchedKey& wk : c.watched_keys) {
    if (wk.db == db && wk.key == key) return wk.expired_at_watch;
  }
  return false;
}

}  // namespace

// As Redis, a flush changes only the watched keys that existed (one already expired at WATCH
// time that is merely removed changes nothing), and a swap also those the other db brings in.
// The lookups must not delete expired keys: that would report a change of its own.
void MarkDbWatchersDirty(ServerState& server, store::Db& db, store::Db* replaced_with) {
  std::string prefix = std::to_string(db.id()) + ":";
  for (auto& [id, watchers] : server.indexes.watched) {
    if (id.compare(0, prefix.size(), prefix) != 0) continue;
    std::string_view key = std::string_view(id).substr(prefix.size());
    bool brought_in = replaced_with != nullptr && replaced_with->table().Find(key) != nullptr;
    if (!brought_in && db.table().Find(key) == nullptr) continue;
    for (Client* c : watchers) {
      if (brought_in || !ExpiredAtWatch(*c, db.id(), key)) c->watch_dirty = true;
    }
  }
}

void UnwatchAll(ServerState& server, Client& client) {
  for (const Client::WatchedKey& wk : client.watched_keys) {
    auto it = server.indexes.watched.find(WatchId(wk.db, wk.key));
    if (it == server.indexes.watched.end()) continue;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), &client), v.end());
    if (v.empty()) server.indexes.watched.erase(it);
  }
  bool had = !client.watched_keys.empty();
  client.watched_keys.clear();
  client.watch_dirty = false;
  if (had && server.indexes.watched.empty()) server.UpdateKeyHooks();
}

void DiscardTransaction(Client& client) {
  client.in_multi = false;
  client.multi_error = false;
  client.multi_queue.clear();
}

}  // namespace redoubt::commands
