#include "commands/output_limits.h"

#include "commands/dispatch.h"
#include "util/log.h"

namespace redoubt::commands {

namespace {

int ClientClass(const Client& c) {
  // Replicas do not exist yet; a subscribed client is in the pubsub class, as in Redis.
  return c.subscriptions() > 0 ? config::kClientClassPubsub : config::kClientClassNormal;
}

void CloseForLimit(ServerState& server, Client& client, const char* why) {
  LOG_WARNING("Client id=%llu addr=%s scheduled to be closed ASAP for overcoming of %s.",
              static_cast<unsigned long long>(client.id), client.addr.c_str(), why);
  client.reply_buf.clear();
  client.reply_pos = 0;
  server.CloseAsap(&client);
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

}  // namespace redoubt::commands
