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

void MarkDbWatchersDirty(ServerState& server, int db) {
  std::string prefix = std::to_string(db) + ":";
  for (auto& [id, watchers] : server.indexes.watched) {
    if (id.compare(0, prefix.size(), prefix) != 0) continue;
    for (Client* c : watchers) c->watch_dirty = true;
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
