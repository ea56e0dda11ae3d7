#include "runtime/eviction.h"

#include <chrono>
#include <cmath>
#include <thread>

#include "protocol/errors.h"
#include "runtime/latency_hook.h"
#include "runtime/notify.h"
#include "store/evict.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/memory.h"

namespace redoubt::commands {

namespace {

// Used memory as the eviction check counts it: without the AOF buffer, as Redis (which also
// leaves out replica output buffers; Redoubt has no replicas).
uint64_t UsedForEviction(const ServerState& s) {
  uint64_t used = util::UsedMemoryFast();
  uint64_t not_counted = MemNotCountedForEvict(s);
  return used > not_counted ? used - not_counted : 0;
}

// The next victim under the policy: from the pool (LRU, LFU, TTL) or at random.
bool SelectVictim(ServerState& s, int* db_out, std::string* key) {
  store::EvictPolicy policy = s.keyspace.evict_policy;
  bool volatile_only = store::IsVolatile(policy);
  if (policy == store::EvictPolicy::kAllKeysRandom ||
      policy == store::EvictPolicy::kVolatileRandom) {
    // Round-robin over the databases, one random key each, as Redis does.
    for (int tries = 0; tries < s.db_count(); ++tries) {
      int i = s.keyspace.next_evict_db++ % s.db_count();
      store::Db& db = s.db(i);
      store::Entry* e = volatile_only ? db.RandomVolatile(&ServerState::Random)
                                      : db.table().Random(&ServerState::Random);
      if (e != nullptr) {
        *db_out = i;
        key->assign(e->key());
        return true;
      }
    }
    return false;
  }
  for (;;) {
    size_t total = 0;
    for (int i = 0; i < s.db_count(); ++i) {
      store::Db& db = s.db(i);
      size_t n = volatile_only ? db.expires() : db.size();
      if (n == 0) continue;
      total += n;
      s.keyspace.evict_pool.Populate(db, policy, s.cfg->maxmemory_samples, s.clock,
                                     s.cfg->lfu_decay_time, &ServerState::Random);
    }
    if (total == 0) {
      s.keyspace.evict_pool.Clear();
      return false;
    }
    // The best candidate that still exists (a command may have deleted it since it was seen).
    int db = 0;
    while (s.keyspace.evict_pool.PopBest(&db, key)) {
      if (db >= s.db_count()) continue;
      store::Entry* e = s.db(db).Peek(*key);
      if (e == nullptr || (volatile_only && !e->has_expire())) continue;
      *db_out = db;
      return true;
    }
  }
}

}  // namespace

uint64_t MemNotCountedForEvict(const ServerState& server) {
  return server.persistence.write_feed != nullptr ? server.persistence.write_feed->BufferedBytes()
                                                  : 0;
}

uint64_t EvictionTimeLimitUs(int tenacity) {
  if (tenacity <= 10) return 50ULL * static_cast<uint64_t>(tenacity);
  if (tenacity < 100) return static_cast<uint64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
  return UINT64_MAX;
}

bool EvictKey(ServerState& server, store::Db& db, std::string_view key) {
  if (db.Peek(key) == nullptr) return false;  // gone, or just expired (and deleted as such)
  if (server.persistence.write_feed != nullptr)
    server.persistence.write_feed->Deleted(db.id(), key);
  // Not a change made by a command (as expiry): the dirty counter stays, so that a command
  // during which eviction ran (CONFIG SET maxmemory) is not mistaken for a write; the
  // deletion reaches the AOF through Deleted() above.
  uint64_t dirty = server.persistence.dirty;
  db.Delete(key, server.cfg->lazyfree_lazy_eviction);
  server.persistence.dirty = dirty;
  ++server.stats.evicted_keys;
  Notify(server, config::notify::kEvicted, "evicted", key, db.id());
  return true;
}

EvictResult PerformEvictions(ServerState& s) {
  uint64_t limit = static_cast<uint64_t>(s.cfg->maxmemory);
  if (limit == 0) {
    s.keyspace.eviction_running = false;
    return EvictResult::kOk;
  }
  uint64_t used = UsedForEviction(s);
  if (used <= limit) {
    s.keyspace.eviction_running = false;
    return EvictResult::kOk;
  }
  if (s.keyspace.evict_policy == store::EvictPolicy::kNoEviction) return EvictResult::kFail;
  uint64_t to_free = used - limit;
  uint64_t freed = 0;
  uint64_t keys_freed = 0;
  uint64_t budget_us = EvictionTimeLimitUs(s.cfg->maxmemory_eviction_tenacity);
  int64_t start = util::MonotonicMicros();
  bool lazy = s.cfg->lazyfree_lazy_eviction;
  // The whole pass is the "eviction-cycle" event, each deletion an "eviction-del".
  struct CycleWatch {
    ServerState& s;
    uint64_t start = LatencyStart(s);
    ~CycleWatch() { LatencyEnd(s, "eviction-cycle", start); }
  } cycle{s};
  std::string& key = s.keyspace.evict_key_scratch;
  while (freed < to_free) {
    int db = 0;
    if (!SelectVictim(s, &db, &key)) break;
    uint64_t before = UsedForEviction(s);
    const uint64_t del_start = LatencyStart(s);
    if (!EvictKey(s, s.db(db), key)) continue;
    LatencyEnd(s, "eviction-del", del_start);
    uint64_t after = UsedForEviction(s);
    if (after < before) freed += before - after;
    ++keys_freed;
    if ((keys_freed & 15) == 0) {
      // Lazily freed values come back on another thread: look at the real figure.
      if (lazy && UsedForEviction(s) <= limit) break;
      if (static_cast<uint64_t>(util::MonotonicMicros() - start) > budget_us) {
        s.keyspace.eviction_running = true;
        return EvictResult::kRunning;
      }
    }
  }
  if (UsedForEviction(s) <= limit || freed >= to_free) {
    s.keyspace.eviction_running = false;
    return EvictResult::kOk;
  }
  // Nothing (more) to evict. Memory still being freed in the background may be enough.
  if (s.keyspace.lazy_free.pending() > 0) {
    const uint64_t wait_start = LatencyStart(s);
    std::this_thread::sleep_for(std::chrono::microseconds(budget_us));
    LatencyEnd(s, "eviction-lazyfree", wait_start);
    if (UsedForEviction(s) <= limit) return EvictResult::kOk;
  }
  s.keyspace.eviction_running = false;
  return keys_freed > 0 ? EvictResult::kRunning : EvictResult::kFail;
}

bool CheckOomSlow(ServerState& server, Client& client, const CommandSpec& cmd,
                  protocol::ReplyBuilder& reply) {
  if (PerformEvictions(server) != EvictResult::kFail) return true;
  bool reject = (cmd.flags & flag::kDenyOom) != 0;
  if (client.in_multi) {
    if (!(cmd.internal_flags & internal::kNotQueued)) {
      // Queuing may take unbounded memory: nothing is queued while over the limit.
      reject = true;
    } else if (cmd.internal_flags & internal::kRunsQueue) {
      // EXEC is refused when it would run a denyoom command; DISCARD, RESET, QUIT always pass.
      for (const Client::QueuedCommand& q : client.multi_queue) {
        if (q.cmd->flags & flag::kDenyOom) reject = true;
      }
    }
  }
  if (!reject) return true;
  reply.Error(errors::kOom);
  return false;
}

namespace {

void ApplyMemoryConfig(ServerState& s, const config::ServerConfig& cfg) {
  s.keyspace.evict_policy = store::ParseEvictPolicy(cfg.maxmemory_policy);
  s.clock.lfu = store::IsLfu(s.keyspace.evict_policy);
  s.clock.lfu_log_factor = cfg.lfu_log_factor;
  s.clock.lfu_decay_time = cfg.lfu_decay_time;
  s.keyspace.lazy_free.server_del = cfg.lazyfree_lazy_server_del;
  s.keyspace.lazy_free.expire = cfg.lazyfree_lazy_expire;
  s.keyspace.evict_pool.Clear();
}

}  // namespace

void InstallMemoryHooks(ServerState& server) {
  server.keyspace.startup_allocated = util::UsedMemory();
  ApplyMemoryConfig(server, *server.cfg);
  server.config->OnChange({"maxmemory-policy", "lfu-log-factor", "lfu-decay-time",
                           "lazyfree-lazy-server-del", "lazyfree-lazy-expire"},
                          [&server](const config::ServerConfig& cfg) {
                            ApplyMemoryConfig(server, cfg);
                            return util::Status::Ok();
                          });
  server.config->OnChange("maxmemory", [&server](const config::ServerConfig& cfg) {
    if (cfg.maxmemory == 0) return util::Status::Ok();
    util::CalibrateUsedMemory();
    uint64_t used = UsedForEviction(server);
    if (used > static_cast<uint64_t>(cfg.maxmemory)) {
      LOG_WARNING(
          "WARNING: the new maxmemory value set via CONFIG SET (%llu) is smaller than the "
          "current memory usage (%llu). This will result in key eviction and/or the inability "
          "to accept new write commands depending on the maxmemory-policy.",
          static_cast<unsigned long long>(cfg.maxmemory), static_cast<unsigned long long>(used));
    }
    // Down to the new limit at once, in passes; each pass is bounded in time, the whole is not
    // (CONFIG SET is an admin's deliberate act, as in Redis).
    while (PerformEvictions(server) == EvictResult::kRunning) {
    }
    return util::Status::Ok();
  });
}

void MemoryCron(ServerState& server) {
  EvictClients(server);
  util::CalibrateUsedMemory();
  util::UpdatePeakMemory(util::UsedMemoryFast());
  if (server.cfg->maxmemory > 0 &&
      server.keyspace.evict_policy != store::EvictPolicy::kNoEviction) {
    PerformEvictions(server);
  }
}

}  // namespace redoubt::commands
