#include "runtime/tracking.h"

#include <algorithm>
#include <string>

#include "runtime/command_table.h"

namespace redoubt::commands {

namespace {

using tracking_flag::kBcast;
using tracking_flag::kBrokenRedirect;
using tracking_flag::kCaching;
using tracking_flag::kNoloop;
using tracking_flag::kOn;
using tracking_flag::kOptin;
using tracking_flag::kOptout;

constexpr std::string_view kInvalidateChannel = "__redis__:invalidate";

// `payload` is the value part already in RESP: an array of keys, or a null after a flush.
// Sent to the client itself (RESP3), or to its redirect client: RESP3 there, or RESP2 as a
// Pub/Sub message when that client is in Pub/Sub mode. A RESP2 client without a redirect gets
// nothing: RESP2 cannot carry a push on a connection that also gets replies.
void SendTracking(ServerState& server, Client& c, std::string_view payload) {
  Client* target = &c;
  bool redirected = false;
  if (c.tracking.redirect != 0) {
    auto it = server.sessions.clients.find(c.tracking.redirect);
    if (it == server.sessions.clients.end()) {
      c.tracking.flags |= kBrokenRedirect;
      if (c.resp > 2) {
        protocol::ReplyBuilder r(&c.reply_buf, c.resp);
        r.Push(2);
        r.Bulk("tracking-redir-broken");
        r.Integer(static_cast<int64_t>(c.tracking.redirect));
        server.sessions.MarkPendingWrite(&c);
      }
      return;
    }
    target = it->second;
    redirected = true;
  }
  protocol::ReplyBuilder r(&target->reply_buf, target->resp);
  if (target->resp > 2) {
    r.Push(2);
    r.Bulk("invalidate");
  } else if (redirected && target->in_pubsub()) {
    r.Push(3);
    r.Bulk("message");
    r.Bulk(kInvalidateChannel);
  } else {
    return;
  }
  target->reply_buf.append(payload);
  server.sessions.MarkPendingWrite(target);
}

void AppendBulk(std::string* out, std::string_view s) {
  *out += '$';
  *out += std::to_string(s.size());
  *out += "\r\n";
  out->append(s);
  *out += "\r\n";
}

std::string OneKeyArray(std::string_view key) {
  std::string out = "*1\r\n";
  AppendBulk(&out, key);
  return out;
}

std::string_view FlushPayload(const Client& c) { return c.resp > 2 ? "_\r\n" : "$-1\r\n"; }

Client* FindClient(ServerState& server, uint64_t id) {
  auto it = server.sessions.clients.find(id);
  return it == server.sessions.clients.end() ? nullptr : it->second;
}

// Drops the key from the table and tells each client that read it (bcast: also records it for
// the BCAST prefixes it falls under).
void InvalidateKey(ServerState& server, std::string_view key, bool bcast) {
  TrackingState& t = server.tracking;
  TrackingScope* scope = t.scope;
  Client* current = scope != nullptr ? scope->client() : nullptr;
  if (bcast && !t.prefixes.empty()) {
    uint64_t by = current != nullptr ? current->id : 0;
    for (auto& [prefix, state] : t.prefixes) {
      if (key.substr(0, prefix.size()) != prefix) continue;
      state.changed.insert_or_assign(std::string(key), by);
      t.broadcast_pending = true;
    }
  }
  auto it = t.keys.find(std::string(key));
  if (it == t.keys.end()) return;
  std::vector<uint64_t> ids = std::move(it->second);
  t.keys.erase(it);
  t.items -= ids.size();
  for (uint64_t id : ids) {
    Client* target = FindClient(server, id);
    // A client that switched to BCAST since it read the key gets no per-key messages.
    if (target == nullptr || !(target->tracking.flags & kOn) || (target->tracking.flags & kBcast)) {
      continue;
    }
    if (target == current && (target->tracking.flags & kNoloop)) continue;
    if (target == current && scope->executing()) {
      scope->pending_.emplace_back(std::string(key));
    } else {
      SendTracking(server, *target, OneKeyArray(key));
    }
  }
}

void AddPrefix(ServerState& server, Client& c, std::string_view prefix) {
  auto [it, created] = server.tracking.prefixes.try_emplace(std::string(prefix));
  std::vector<Client*>& subs = it->second.clients;
  if (std::find(subs.begin(), subs.end(), &c) != subs.end()) return;
  subs.push_back(&c);
  c.tracking.prefixes.emplace(prefix);
}

// Whether either string is a prefix of the other (both would match some key).
bool Overlap(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

// The RESP array of the changed keys, without those last changed by `skip` (NOLOOP);
// "" when nothing is left.
std::string BroadcastPayload(const std::map<std::string, uint64_t, std::less<>>& changed,
                             uint64_t skip) {
  std::string body;
  size_t n = 0;
  for (const auto& [key, by] : changed) {
    if (skip != 0 && by == skip) continue;
    AppendBulk(&body, key);
    ++n;
  }
  if (n == 0) return {};
  // Built by appending (g++ 12 warns falsely on "literal" + std::string).
  std::string out = "*";
  out += std::to_string(n);
  out += "\r\n";
  out += body;
  return out;
}

}  // namespace

void TrackingScope::SendPending() {
  std::vector<std::optional<std::string>> pending;
  pending.swap(pending_);
  for (const std::optional<std::string>& key : pending) {
    if (!(client_->tracking.flags & kOn)) break;
    if (key.has_value()) {
      SendTracking(server_, *client_, OneKeyArray(*key));
    } else {
      SendTracking(server_, *client_, FlushPayload(*client_));
    }
  }
}

void TrackingEnable(ServerState& server, Client& c, uint64_t redirect, uint32_t options,
                    std::span<const std::string_view> prefixes) {
  TrackingState& t = server.tracking;
  if (!(c.tracking.flags & kOn)) ++t.clients;
  // CLIENT CACHING's one-shot flag survives re-enabling, as in Redis.
  c.tracking.flags = kOn | (c.tracking.flags & kCaching);
  c.tracking.redirect = redirect;
  if (options & kBcast) {
    c.tracking.flags |= kBcast;
    if (prefixes.empty()) AddPrefix(server, c, "");
    for (std::string_view p : prefixes) AddPrefix(server, c, p);
  }
  c.tracking.flags |= options & (kOptin | kOptout | kNoloop);
  server.UpdateKeyHooks();
}

void TrackingDisable(ServerState& server, Client& c) {
  TrackingState& t = server.tracking;
  for (const std::string& p : c.tracking.prefixes) {
    auto it = t.prefixes.find(p);
    if (it == t.prefixes.end()) continue;
    auto& subs = it->second.clients;
    subs.erase(std::remove(subs.begin(), subs.end(), &c), subs.end());
    if (subs.empty()) t.prefixes.erase(it);
  }
  c.tracking.prefixes.clear();
  if (c.tracking.flags & kOn) {
    --t.clients;
    c.tracking.flags = 0;
    server.UpdateKeyHooks();
  }
}

bool TrackingCheckPrefixes(const Client& c, std::span<const std::string_view> prefixes,
                           std::string* err) {
  for (size_t i = 0; i < prefixes.size(); ++i) {
    for (const std::string& mine : c.tracking.prefixes) {
      if (!Overlap(mine, prefixes[i])) continue;
      *err = "ERR Prefix '" + std::string(prefixes[i]) + "' overlaps with an existing prefix '" +
             mine + "'. Prefixes for a single client must not overlap.";
      return false;
    }
    for (size_t j = i + 1; j < prefixes.size(); ++j) {
      if (!Overlap(prefixes[i], prefixes[j])) continue;
      *err = "ERR Prefix '" + std::string(prefixes[i]) +
             "' overlaps with another provided prefix '" + std::string(prefixes[j]) +
             "'. Prefixes for a single client must not overlap.";
      return false;
    }
  }
  return true;
}

void TrackingBeforeCommand(ServerState& server, Client& client, const CommandSpec& cmd,
                           std::span<const std::string_view> args) {
  TrackingScope* scope = server.tracking.scope;
  if (scope != nullptr && scope->client() == &client) {
    scope->cmd = &cmd;
    scope->args = args;
  }
}

void TrackingAfterCommand(ServerState& server, Client& client, const CommandSpec& cmd) {
  // Read-only scripts (EVAL_RO, FCALL_RO) track nothing themselves: the reads they make do.
  if (!(cmd.flags & flag::kReadonly) || (cmd.categories & cat::kScripting)) return;
  Client* reader = &client;
  const CommandSpec* keys_of = &cmd;
  std::span<const std::string_view> args;
  TrackingScope* scope = server.tracking.scope;
  if (scope == nullptr || scope->client() != &client) {
    // A read inside a script tracks the keys the script declared, for its caller.
    if (scope == nullptr || scope->cmd == nullptr) return;
    reader = scope->client();
    keys_of = scope->cmd;
  }
  if (scope != nullptr) args = scope->args;
  uint32_t f = reader->tracking.flags;
  if (!(f & kOn) || (f & kBcast)) return;
  if (keys_of->flags & flag::kPubsub) return;  // shard channels are not keys
  bool caching = f & kCaching;
  if (((f & kOptin) && !caching) || ((f & kOptout) && caching)) return;
  thread_local std::vector<KeyRef> refs;
  if (!GetKeys(*keys_of, args, &refs)) return;
  TrackingState& t = server.tracking;
  for (const KeyRef& ref : refs) {
    std::vector<uint64_t>& ids = t.keys[std::string(args[ref.index])];
    if (std::find(ids.begin(), ids.end(), reader->id) != ids.end()) continue;
    ids.push_back(reader->id);
    ++t.items;
  }
}

void TrackingKeyChanged(ServerState& server, std::string_view key) {
  InvalidateKey(server, key, /*bcast=*/true);
}

void TrackingKeyExpired(ServerState& server, std::string_view key) {
  for (auto& [prefix, state] : server.tracking.prefixes) {
    auto it = state.changed.find(key);
    if (it != state.changed.end()) it->second = 0;
  }
}

void TrackingFlush(ServerState& server) {
  TrackingState& t = server.tracking;
  if (t.clients != 0) {
    TrackingScope* scope = t.scope;
    for (auto& [id, c] : server.sessions.clients) {
      if (!(c->tracking.flags & kOn)) continue;
      if (scope != nullptr && scope->client() == c) {
        scope->pending_.emplace_back(std::nullopt);
      } else {
        SendTracking(server, *c, FlushPayload(*c));
      }
    }
  }
  t.keys.clear();
  t.items = 0;
}

void TrackingBroadcast(ServerState& server) {
  TrackingState& t = server.tracking;
  if (!t.broadcast_pending) return;
  t.broadcast_pending = false;
  for (auto& [prefix, state] : t.prefixes) {
    if (state.changed.empty()) continue;
    std::string all = BroadcastPayload(state.changed, 0);
    for (Client* c : state.clients) {
      if (c->tracking.flags & kNoloop) {
        std::string mine = BroadcastPayload(state.changed, c->id);
        if (!mine.empty()) SendTracking(server, *c, mine);
      } else {
        SendTracking(server, *c, all);
      }
    }
    state.changed.clear();
  }
}

void TrackingLimitKeys(ServerState& server) {
  TrackingState& t = server.tracking;
  auto max_keys = static_cast<uint64_t>(server.cfg->tracking_table_max_keys);
  if (max_keys == 0) return;
  if (t.keys.size() <= max_keys) {
    t.evict_rounds = 0;
    return;
  }
  // Effort grows with each pass that ended over the limit, as Redis's.
  int effort = 100 * static_cast<int>(std::min(t.evict_rounds + 1, 1000u));
  while (effort-- > 0 && !t.keys.empty()) {
    std::string key = t.keys.begin()->first;
    InvalidateKey(server, key, /*bcast=*/false);
    if (t.keys.size() <= max_keys) {
      t.evict_rounds = 0;
      return;
    }
  }
  ++t.evict_rounds;
}

}  // namespace redoubt::commands
