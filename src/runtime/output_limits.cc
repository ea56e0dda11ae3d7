#include "runtime/output_limits.h"

#include <algorithm>

#include "runtime/dispatch.h"
#include "util/log.h"

namespace redoubt::commands {

namespace {

int ClientClass(const Client& c) {
  // Replicas do not exist yet; a subscribed client is in the pubsub class, as in Redis.
  return c.in_pubsub() ? config::kClientClassPubsub : config::kClientClassNormal;
}

void CloseForLimit(ServerState& server, Client& client, const char* why) {
  LOG_WARNING("Client id=%llu addr=%s scheduled to be closed ASAP for overcoming of %s.",
              static_cast<unsigned long long>(client.id), client.addr.c_str(), why);
  client.reply_buf.clear();
  client.reply_pos = 0;
  server.sessions.CloseAsap(&client);
}

}  // namespace

bool EnforceOutputLimits(ServerState& server, Client& client) {
  if (client.flags & client_flag::kCloseAsap) return true;
  size_t pending = client.pending_reply();
  if (pending > kUnauthenticatedOutputLimit && AuthRequired(server, client)) {
    CloseForLimit(server, client, "the unauthenticated output limit");
    return true;
  }
  const config::OutputBufferLimit& lim =
      server.cfg->client_output_buffer_limits[ClientClass(client)];
  auto p = static_cast<int64_t>(pending);
  bool over_hard = lim.hard_limit_bytes > 0 && p >= lim.hard_limit_bytes;
  bool over_soft = lim.soft_limit_bytes > 0 && p >= lim.soft_limit_bytes;
  // As Redis: the soft limit closes a client that stays over it for more than soft-seconds.
  bool soft_expired = false;
  if (!over_soft) {
    client.obuf_soft_limit_since_ms = 0;
  } else if (client.obuf_soft_limit_since_ms == 0) {
    client.obuf_soft_limit_since_ms = server.clock.now_ms;
  } else {
    soft_expired =
        (server.clock.now_ms - client.obuf_soft_limit_since_ms) / 1000 > lim.soft_limit_seconds;
  }
  if (!over_hard && !soft_expired) return false;
  CloseForLimit(server, client, "output buffer limits");
  return true;
}

bool EnforceUnauthenticatedHold(ServerState& server, Client& client) {
  if (client.flags & client_flag::kCloseAsap) return true;
  if (!AuthRequired(server, client)) return false;
  if (client.query_buf.size() + client.pending_reply() > kUnauthenticatedHoldLimit) {
    client.query_buf.Clear();
    CloseForLimit(server, client, "the unauthenticated memory limit");
    return true;
  }
  client.query_buf.ShrinkTo(std::max<size_t>(client.query_buf.size(), 1024));
  if (client.reply_buf.capacity() > kUnauthenticatedHoldLimit && client.pending_reply() == 0) {
    std::string().swap(client.reply_buf);
    client.reply_pos = 0;
  }
  return false;
}

void CloseUnauthenticatedAfter(ServerState& server, int64_t timeout_ms) {
  if (timeout_ms <= 0) return;
  for (const auto& [id, c] : server.sessions.clients) {
    if ((c->flags & client_flag::kCloseAsap) || c->ever_authenticated) continue;
    if (server.clock.now_ms - c->ctime_ms <= timeout_ms || !AuthRequired(server, *c)) continue;
    LOG_VERBOSE("Closing client id=%llu addr=%s: not authenticated within auth-timeout",
                static_cast<unsigned long long>(c->id), c->addr.c_str());
    server.sessions.CloseAsap(c);
  }
}

size_t ClientMemory(const Client& c) { return c.query_buf.capacity() + c.reply_buf.capacity(); }

void EvictClientsSlow(ServerState& server) {
  int64_t limit = server.cfg->maxmemory_clients;
  if (limit < 0) limit = server.cfg->maxmemory / 100 * -limit;  // N% of maxmemory
  if (limit <= 0) return;
  size_t total = 0;
  // As Redis: only evictable clients count (CLIENT NO-EVICT ones are outside the buckets).
  for (const auto& [id, c] : server.sessions.clients) {
    if (!(c->flags & client_flag::kNoEvict)) total += ClientMemory(*c);
  }
  while (total > static_cast<size_t>(limit)) {
    Client* victim = nullptr;
    size_t most = 0;
    for (const auto& [id, c] : server.sessions.clients) {
      if (c->flags & (client_flag::kNoEvict | client_flag::kCloseAsap)) continue;
      size_t m = ClientMemory(*c);
      if (victim == nullptr || m > most) {
        victim = c;
        most = m;
      }
    }
    if (victim == nullptr || most == 0) return;
    LOG_WARNING("Evicting client: id=%llu addr=%s (maxmemory-clients)",
                static_cast<unsigned long long>(victim->id), victim->addr.c_str());
    server.sessions.CloseAsap(victim);
    ++server.stats.evicted_clients;
    total -= most;
  }
}

}  // namespace redoubt::commands
