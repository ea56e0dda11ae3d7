// The keyspace part of ServerState: the databases and what decides which keys leave them
// (eviction state, lazy freeing). Its owner is runtime/eviction.cc for the eviction fields.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"
#include "store/evict.h"
#include "store/lazyfree.h"

namespace redoubt::commands {

struct Keyspace {
  std::vector<std::unique_ptr<store::Db>> dbs;  // filled by ServerState::InitDatabases
  store::Db& db(int i) { return *dbs[i]; }
  int db_count() const { return static_cast<int>(dbs.size()); }
  // What the dbs call when a key expires ("expired" events, the write feed).
  std::function<void(store::Db&, std::string_view)> expired_hook;
  std::function<void(store::Db&, std::string_view)> new_key_hook;   // "new" events
  std::function<void(store::Db&, std::string_view)> key_miss_hook;  // "keymiss" events

  // maxmemory and lazy freeing (runtime/eviction.h, store/evict.h, store/lazyfree.h).
  store::EvictPolicy evict_policy = store::EvictPolicy::kNoEviction;
  store::EvictionPool evict_pool;
  store::LazyFree lazy_free;
  bool eviction_running = false;  // over maxmemory when the last pass ran out of time
  int next_evict_db = 0;          // round-robin for the random policies
  std::string evict_key_scratch;
  uint64_t startup_allocated = 0;  // used memory when the server started (MEMORY STATS)
};

}  // namespace redoubt::commands
