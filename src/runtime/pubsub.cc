#include "runtime/pubsub.h"

#include <algorithm>
#include <string>

#include "util/glob.h"
#include "util/log.h"

namespace redoubt::commands {

namespace {

void WriteMessage(Client& c, std::string_view pattern, std::string_view channel,
                  std::string_view message, std::string_view kind = "message") {
  protocol::ReplyBuilder r(&c.reply_buf, c.resp);
  if (pattern.empty()) {
    r.Push(3);
    r.Bulk(kind);
  } else {
    r.Push(4);
    r.Bulk("pmessage");
    r.Bulk(pattern);
  }
  r.Bulk(channel);
  r.Bulk(message);
}

}  // namespace

void PubSubRemoveFrom(PubSubRegistry& reg, std::string_view name, Client* c) {
  auto it = reg.find(std::string(name));
  if (it == reg.end()) return;
  auto& v = it->second;
  v.erase(std::remove(v.begin(), v.end(), c), v.end());
  if (v.empty()) reg.erase(it);
}

int64_t Publish(ServerState& server, std::string_view channel, std::string_view message) {
  int64_t receivers = 0;
  auto deliver = [&](Client* c, std::string_view pattern) {
    WriteMessage(*c, pattern, channel, message);
    server.sessions.MarkPendingWrite(c);
    CheckPubSubOutputLimit(server, *c);
    ++receivers;
  };
  auto it = server.indexes.pubsub_channels.find(std::string(channel));
  if (it != server.indexes.pubsub_channels.end()) {
    for (Client* c : it->second) deliver(c, {});
  }
  for (const auto& [pattern, subs] : server.indexes.pubsub_patterns) {
    if (!util::GlobMatch(pattern, channel)) continue;
    for (Client* c : subs) deliver(c, pattern);
  }
  return receivers;
}

int64_t PublishShard(ServerState& server, std::string_view channel, std::string_view message) {
  auto& reg = server.indexes.pubsub_shard_channels;
  auto it = reg.find(std::string(channel));
  if (it == reg.end()) return 0;
  // A copy: an output limit closing a subscriber must not invalidate the iteration.
  std::vector<Client*> subs = it->second;
  for (Client* c : subs) {
    WriteMessage(*c, {}, channel, message, "smessage");
    server.sessions.MarkPendingWrite(c);
    CheckPubSubOutputLimit(server, *c);
  }
  return static_cast<int64_t>(subs.size());
}

void PubSubRemoveClient(ServerState& server, Client& client) {
  for (const std::string& name : client.channels)
    PubSubRemoveFrom(server.indexes.pubsub_channels, name, &client);
  for (const std::string& name : client.patterns)
    PubSubRemoveFrom(server.indexes.pubsub_patterns, name, &client);
  for (const std::string& name : client.shard_channels)
    PubSubRemoveFrom(server.indexes.pubsub_shard_channels, name, &client);
  client.channels.clear();
  client.patterns.clear();
  client.shard_channels.clear();
}

void CheckPubSubOutputLimit(ServerState& server, Client& client) {
  const config::OutputBufferLimit& lim =
      server.cfg->client_output_buffer_limits[config::kClientClassPubsub];
  auto pending = static_cast<int64_t>(client.pending_reply());
  bool over_hard = lim.hard_limit_bytes > 0 && pending >= lim.hard_limit_bytes;
  bool over_soft = lim.soft_limit_bytes > 0 && pending >= lim.soft_limit_bytes;
  if (!over_soft) {
    client.obuf_soft_limit_since_ms = 0;
  } else if (client.obuf_soft_limit_since_ms == 0) {
    client.obuf_soft_limit_since_ms = server.clock.now_ms;
  }
  bool soft_expired = over_soft && server.clock.now_ms - client.obuf_soft_limit_since_ms >=
                                       lim.soft_limit_seconds * 1000;
  if ((over_hard || soft_expired) && !(client.flags & client_flag::kCloseAsap)) {
    LOG_WARNING(
        "Client id=%llu addr=%s scheduled to be closed ASAP for overcoming of output buffer "
        "limits.",
        static_cast<unsigned long long>(client.id), client.addr.c_str());
    // The queued output is dropped: it is what made the client too slow to keep.
    client.reply_buf.clear();
    client.reply_pos = 0;
    server.sessions.CloseAsap(&client);
  }
}

}  // namespace redoubt::commands
