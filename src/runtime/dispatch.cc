#include "runtime/dispatch.h"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "protocol/errors.h"
#include "runtime/acl.h"
#include "runtime/blocking.h"
#include "runtime/command_table.h"
#include "runtime/eviction.h"
#include "runtime/latency_hook.h"
#include "runtime/pubsub.h"
#include "runtime/slowlog_hook.h"
#include "runtime/tracking.h"
#include "runtime/transaction.h"
#include "util/cycle_clock.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

// The end of the RESP frame that starts at `pos` of `b` (npos when it is cut short).
size_t FrameEnd(std::string_view b, size_t pos) {
  size_t eol = b.find("\r\n", pos);
  if (pos >= b.size() || eol == std::string_view::npos) return std::string_view::npos;
  int64_t n = 0;
  const char type = b[pos];
  const bool counted = std::string_view("$=!*>~%|").find(type) != std::string_view::npos;
  if (counted && !util::ParseInt64(b.substr(pos + 1, eol - pos - 1), &n))
    return std::string_view::npos;
  size_t next = eol + 2;
  if (!counted || n < 0) return next;
  if (type == '$' || type == '=' || type == '!') return next + static_cast<size_t>(n) + 2;
  int64_t frames = (type == '%' || type == '|') ? 2 * n : n;
  for (int64_t i = 0; i < frames && next != std::string_view::npos; ++i) next = FrameEnd(b, next);
  return next;
}

// CLIENT REPLY OFF/SKIP drops the command's replies from `start` on but keeps the RESP3
// pushes among them (Pub/Sub messages and confirmations, keyspace events), as Redis does.
void DropRepliesKeepPushes(std::string* buf, size_t start) {
  std::string_view all(*buf);
  std::string kept;
  for (size_t pos = start; pos < all.size();) {
    size_t end = FrameEnd(all, pos);
    if (end == std::string_view::npos || end > all.size()) break;
    if (all[pos] == '>') kept.append(all.substr(pos, end - pos));
    pos = end;
  }
  buf->resize(start);
  buf->append(kept);
}

void FeedMonitors(ServerState& server, const Client& client,
                  std::span<const std::string_view> args) {
  char head[128];
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t us = ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
  std::snprintf(head, sizeof(head), "+%lld.%06lld [%d %s]", static_cast<long long>(us / 1000000),
                static_cast<long long>(us % 1000000), client.db_index,
                (client.flags & client_flag::kUnixSocket) ? "unix:" : client.addr.c_str());
  std::string line(head);
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    // Secrets (AUTH, HELLO AUTH, CONFIG SET requirepass ...) are never shown to monitors.
    if (client.redact_mask & (1ULL << std::min<size_t>(i, 63))) a = "(redacted)";
    line += " \"";
    for (unsigned char c : a) {
      switch (c) {
        case '\\':
          line += "\\\\";
          break;
        case '"':
          line += "\\\"";
          break;
        case '\n':
          line += "\\n";
          break;
        case '\r':
          line += "\\r";
          break;
        case '\t':
          line += "\\t";
          break;
        case '\a':
          line += "\\a";
          break;
        case '\b':
          line += "\\b";
          break;
        default:
          if (isprint(c)) {
            line += static_cast<char>(c);
          } else {
            char hex[8];
            std::snprintf(hex, sizeof(hex), "\\x%02x", c);
            line += hex;
          }
      }
    }
    line += "\"";
  }
  line += "\r\n";
  for (Client* m : server.sessions.monitors) {
    m->reply_buf += line;
    server.sessions.MarkPendingWrite(m);
  }
}

bool AllowProtectedAction(int setting, const Client& client) {
  // 0 = no, 1 = yes, 2 = local (loopback TCP or Unix socket only)
  if (setting == 1) return true;
  if (setting == 2) return !(client.flags & client_flag::kProtected);
  return false;
}

}  // namespace

bool AuthRequired(const ServerState& server, const Client& client) {
  if (client.authenticated) return false;
  if (client.no_implicit_auth) return true;
  // As Redis: only a default user that is on and has nopass lets clients in unauthenticated.
  const security::AclUser& d = server.security.acl.default_user();
  return !d.nopass() || !d.enabled();
}

namespace {

// The keys of the running command for ACL checks, extracted only if a selector without
// allkeys asks; the vectors are per thread and reused, so a check allocates nothing once warm.
class DispatchKeySource final : public security::AclKeySource {
 public:
  DispatchKeySource(const CommandSpec& cmd, std::span<const std::string_view> args)
      : cmd_(cmd), args_(args) {}
  std::span<const security::AclKeyArg> Keys() override {
    thread_local std::vector<KeyRef> refs;
    thread_local std::vector<security::AclKeyArg> keys;
    if (!done_) {
      done_ = true;
      keys.clear();
      if (!cmd_.keys.empty()) {
        GetKeys(cmd_, args_, &refs);
        // VARIABLE_FLAGS specs (SET, BITFIELD) come resolved from their getkeys procs.
        for (const KeyRef& r : refs) keys.push_back({r.index, r.flags});
      }
    }
    return keys;
  }

 private:
  const CommandSpec& cmd_;
  std::span<const std::string_view> args_;
  bool done_ = false;
};

}  // namespace

// The channel arguments of the running command (SUBSCRIBE, PSUBSCRIBE, PUBLISH), from its
// table row; built only when a selector without allchannels asks.
class DispatchChannelSource final : public security::AclChannelSource {
 public:
  DispatchChannelSource(const CommandSpec& cmd, std::span<const std::string_view> args)
      : cmd_(cmd), args_(args) {}
  std::span<const security::AclChannelArg> Channels() override {
    thread_local std::vector<security::AclChannelArg> out;
    out.clear();
    const ChannelSpec& c = cmd_.channels;
    if (c.first > 0) {
      int argc = static_cast<int>(args_.size());
      int last = c.last < 0 ? argc + c.last : c.last;
      for (int i = c.first; i <= last && i < argc; ++i) out.push_back({i, c.pattern});
    }
    return out;
  }

 private:
  const CommandSpec& cmd_;
  std::span<const std::string_view> args_;
};

security::AclDenial AclVerdict(const Client& client, const CommandSpec& cmd,
                               std::span<const std::string_view> args, int* idx) {
  const security::AclUser* user = client.acl_user;
  if (user == nullptr) return security::AclDenial::kNone;  // internal session
  DispatchKeySource keys(cmd, args);
  DispatchChannelSource channels(cmd, args);
  return user->Check(cmd.id, args, &keys, cmd.channels.first > 0 ? &channels : nullptr, idx);
}

bool CheckAcl(ServerState& server, Client& client, const CommandSpec& cmd,
              std::span<const std::string_view> args, protocol::ReplyBuilder& reply,
              const CommandContext* script_caller) {
  int idx = 0;
  security::AclDenial d = AclVerdict(client, cmd, args, &idx);
  if (d == security::AclDenial::kNone) return true;
  AclLogDenial(server, client, cmd, args, d, idx, {}, {}, script_caller);
  if (server.security.audit.enabled()) {
    std::string_view reason = d == security::AclDenial::kKey       ? "key"
                              : d == security::AclDenial::kChannel ? "channel"
                                                                   : "command";
    std::string_view object =
        d == security::AclDenial::kCommand || idx <= 0 || static_cast<size_t>(idx) >= args.size()
            ? std::string_view(cmd.full_name)
            : args[idx];
    server.security.Audit(security::AuditEvent::kAclDenied, client, cmd.full_name, reason, object);
  }
  if (d == security::AclDenial::kKey) {
    reply.Error("NOPERM this user has no permissions to access one of the keys used as arguments");
  } else if (d == security::AclDenial::kChannel) {
    reply.Error(
        "NOPERM this user has no permissions to access one of the channels used as arguments");
  } else {
    std::string msg = "NOPERM this user has no permissions to run the '";
    msg.append(cmd.full_name);
    msg += "' command";
    reply.Error(msg);
  }
  return false;
}

const CommandSpec* ResolveCommand(std::span<const std::string_view> args,
                                  protocol::ReplyBuilder& reply) {
  const CommandSpec* cmd = CommandTable::Get().Lookup(args[0]);
  if (cmd == nullptr) {
    std::string rest;
    for (size_t i = 1; i < args.size() && rest.size() < 128; ++i) {
      size_t room = 128 - rest.size();
      rest += '\'';
      rest.append(args[i].substr(0, room));
      rest += "' ";
    }
    std::string msg = "ERR unknown command '";
    msg.append(args[0].substr(0, 128));
    msg += "', with args beginning with: ";
    msg += rest;
    reply.Error(msg);
    return nullptr;
  }
  if (cmd->subcommands.empty() || args.size() < 2) return cmd;
  const CommandSpec* sub = CommandTable::LookupSub(*cmd, args[1]);
  if (sub == nullptr) {
    std::string upper(cmd->name);
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    std::string msg = "ERR unknown subcommand '";
    msg.append(args[1].substr(0, 128));
    msg += "'. Try " + upper + " HELP.";
    reply.Error(msg);
    return nullptr;
  }
  return sub;
}

bool CheckArity(const CommandSpec& cmd, size_t argc, protocol::ReplyBuilder& reply) {
  int n = static_cast<int>(argc);
  if ((cmd.arity > 0 && cmd.arity != n) || n < -cmd.arity) {
    ReplyWrongArity(reply, cmd);
    return false;
  }
  return true;
}

bool CheckAuth(const ServerState& server, const Client& client, const CommandSpec& cmd,
               protocol::ReplyBuilder& reply) {
  if ((cmd.flags & flag::kNoAuth) || !AuthRequired(server, client)) return true;
  reply.Error(errors::kNoAuth);
  return false;
}

bool CheckProtected(const ServerState& server, const Client& client, const CommandSpec& cmd,
                    protocol::ReplyBuilder& reply) {
  if (!(cmd.flags & flag::kProtected)) return true;
  if (AllowProtectedAction(server.cfg->enable_debug_command, client)) return true;
  std::string upper(cmd.name);
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  reply.Error("ERR " + upper +
              " command not allowed. If the enable-debug-command option is set to \"local\", "
              "you can run it from a local connection, otherwise you need to set this option "
              "in the configuration file, and then restart the server.");
  return false;
}

bool CheckMonitorKeyspace(const Client& client, const CommandSpec& cmd,
                          protocol::ReplyBuilder& reply) {
  // A MONITOR client is a replica-like observer in Redis: it may not touch the keyspace.
  if (!(client.flags & client_flag::kMonitor)) return true;
  if (!(cmd.flags & (flag::kWrite | flag::kReadonly | flag::kMayReplicate))) return true;
  reply.Error("ERR Replica can't interact with the keyspace");
  return false;
}

bool CheckSubscribedContext(const Client& client, const CommandSpec& cmd,
                            protocol::ReplyBuilder& reply) {
  // RESP2 has no way to tell a pushed message from a reply, so a subscribed RESP2 client may
  // only manage its subscriptions (and PING, QUIT, RESET), as in Redis.
  if (client.resp != 2 || !client.in_pubsub()) return true;
  if (cmd.internal_flags & internal::kSubscribedContext) return true;
  std::string msg = "ERR Can't execute '";
  msg.append(cmd.full_name);
  msg +=
      "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
      "context";
  reply.Error(msg);
  return false;
}

bool DiskErrorDenies(const Client& client, const CommandSpec& cmd) {
  if ((cmd.flags & flag::kWrite) || (cmd.internal_flags & internal::kDeniedOnDiskError)) {
    return true;
  }
  if (!(cmd.internal_flags & internal::kRunsQueue) || !client.in_multi) return false;
  for (const Client::QueuedCommand& q : client.multi_queue) {
    if (q.cmd->flags & flag::kWrite) return true;
  }
  return false;
}

bool CheckAofWriteError(const ServerState& server, const Client& client, const CommandSpec& cmd,
                        protocol::ReplyBuilder& reply) {
  // As Redis: while the AOF cannot be written, writes are refused rather than acknowledged.
  if (server.persistence.aof_write_error.empty() || !DiskErrorDenies(client, cmd)) return true;
  reply.Error("MISCONF Errors writing to the AOF file: " + server.persistence.aof_write_error);
  return false;
}

void DetachClient(ServerState& server, Client& client) {
  auto& mons = server.sessions.monitors;
  mons.erase(std::remove(mons.begin(), mons.end(), &client), mons.end());
  if (client.in_pubsub()) PubSubRemoveClient(server, client);
  if (client.blocked) Unblock(server, client);
  if (!client.watched_keys.empty()) UnwatchAll(server, client);
  if (client.tracking.flags != 0) TrackingDisable(server, client);
  server.sessions.clients.erase(client.id);
}

bool CheckBusyScript(const ServerState& server, const CommandSpec& cmd,
                     protocol::ReplyBuilder& reply) {
  if (!server.script_busy || (cmd.flags & flag::kAllowBusy)) return true;
  reply.Error(server.script_is_eval ? errors::kBusyScript : errors::kBusyFunction);
  return false;
}

namespace {

// Whether the request carries `f`: the command's flags, or EXEC's queue.
bool RequestHas(const Client& client, const CommandSpec& cmd, uint64_t f) {
  if (cmd.flags & f) return true;
  if (!(cmd.internal_flags & internal::kRunsQueue) || !client.in_multi) return false;
  for (const Client::QueuedCommand& q : client.multi_queue) {
    if (q.cmd->flags & f) return true;
  }
  return false;
}

// Whether some queued command (or the command itself) lacks `f`.
bool RequestLacks(const Client& client, const CommandSpec& cmd, uint64_t f) {
  if (!(cmd.flags & f)) return true;
  if (!(cmd.internal_flags & internal::kRunsQueue) || !client.in_multi) return false;
  for (const Client::QueuedCommand& q : client.multi_queue) {
    if (!(q.cmd->flags & f)) return true;
  }
  return false;
}

}  // namespace

bool CheckReplicaReadOnly(const ServerState& server, const Client& client, const CommandSpec& cmd,
                          protocol::ReplyBuilder& reply) {
  if (server.cfg->masterhost.empty() || !server.cfg->replica_read_only) return true;
  if ((client.flags & client_flag::kMaster) || !RequestHas(client, cmd, flag::kWrite)) return true;
  reply.Error("READONLY You can't write against a read only replica.");
  return false;
}

bool CheckStaleData(const ServerState& server, const Client& client, const CommandSpec& cmd,
                    protocol::ReplyBuilder& reply) {
  if (server.cfg->masterhost.empty() || server.master_link_up ||
      server.cfg->replica_serve_stale_data || (client.flags & client_flag::kMaster)) {
    return true;
  }
  if (!RequestLacks(client, cmd, flag::kStale)) return true;
  reply.Error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
  return false;
}

bool EnoughGoodReplicas(const ServerState& server) {
  // As Redis 7.0: only a primary, and only with both directives set.
  const config::ServerConfig& cfg = *server.cfg;
  return cfg.min_replicas_to_write == 0 || cfg.min_replicas_max_lag == 0 ||
         !cfg.masterhost.empty() ||
         server.persistence.repl_good_replicas >= cfg.min_replicas_to_write;
}

bool CheckGoodReplicas(const ServerState& server, const Client& client, const CommandSpec& cmd,
                       protocol::ReplyBuilder& reply) {
  // EXEC counts as a write when its queue holds one.
  if (EnoughGoodReplicas(server) || !RequestHas(client, cmd, flag::kWrite)) return true;
  reply.Error("NOREPLICAS Not enough good replicas to write.");
  return false;
}

bool CheckNoMulti(const Client& client, const CommandSpec& cmd, protocol::ReplyBuilder& reply) {
  if (!client.in_multi || !(cmd.flags & flag::kNoMulti)) return true;
  reply.Error("ERR Command not allowed inside a transaction");
  return false;
}

namespace {

// The admission pipeline in its fixed order; nullptr (after replying) when refused.
// At EXEC (`queued`), the disk-error and loading gates are not applied again: EXEC itself
// passed them with its queue in view, as in Redis.
const CommandSpec* Admit(ServerState& server, Client& client,
                         std::span<const std::string_view> args, protocol::ReplyBuilder& reply,
                         bool queued = false) {
  const CommandSpec* cmd = ResolveCommand(args, reply);
  if (cmd == nullptr) return nullptr;
  bool admitted =
      CheckArity(*cmd, args.size(), reply) && CheckAuth(server, client, *cmd, reply) &&
      CheckAcl(server, client, *cmd, args, reply) && CheckProtected(server, client, *cmd, reply) &&
      (queued || CheckAofWriteError(server, client, *cmd, reply)) &&
      (queued || CheckReplicaReadOnly(server, client, *cmd, reply)) &&
      CheckMonitorKeyspace(client, *cmd, reply) && CheckSubscribedContext(client, *cmd, reply) &&
      (queued || CheckStaleData(server, client, *cmd, reply)) && CheckNoMulti(client, *cmd, reply);
  // Loading (-LOADING) and failed snapshots (-MISCONF): one branch while neither applies.
  admitted = admitted && (queued || server.persistence.rdb.gates_open() ||
                          CheckPersistenceGates(server, client, *cmd, reply));
  admitted = admitted && (queued || server.cfg->min_replicas_to_write == 0 ||
                          CheckGoodReplicas(server, client, *cmd, reply));
  admitted = admitted && (!server.script_busy || CheckBusyScript(server, *cmd, reply));
  if (!admitted) {
    ++server.command_stats[cmd->id].rejected_calls;
    return nullptr;
  }
  return cmd;
}

// What the write feed (AOF) gets: the forms the command asked for, or the command itself when
// it changed something. MULTI/EXEC and friends never go themselves: EXEC's queue does.
void FeedWrite(ServerState& server, const Client& client, const CommandSpec& cmd,
               std::span<const std::string_view> args, uint64_t dirty_before) {
  if (!server.persistence.propagate_as.empty()) {
    std::vector<std::vector<std::string>> forms;
    forms.swap(server.persistence.propagate_as);
    std::vector<std::string_view> views;
    for (const std::vector<std::string>& f : forms) {
      views.assign(f.begin(), f.end());
      server.persistence.write_feed->Propagate(client.db_index, views);
    }
    return;
  }
  if (server.persistence.dirty != dirty_before &&
      !(cmd.internal_flags & (internal::kNotQueued | internal::kPropagatesEffects))) {
    server.persistence.write_feed->Command(client.db_index, cmd, args);
  }
}

void Execute(ServerState& server, Client& client, const CommandSpec& cmd,
             std::span<const std::string_view> args, protocol::ReplyBuilder& reply) {
  CommandContext ctx{server, client, cmd, args, reply};
  client.redact_mask = 0;
  uint64_t errors_before = reply.errors;
  uint64_t start = util::CycleClock::Now();
  uint64_t dirty_before = server.persistence.dirty;
  int64_t offset_before = server.persistence.repl_offset;
  const bool tracking = server.tracking.clients != 0;
  if (tracking) TrackingBeforeCommand(server, client, cmd, args);
  cmd.handler(ctx);
  if (tracking) TrackingAfterCommand(server, client, cmd);
  if (server.persistence.write_feed != nullptr) FeedWrite(server, client, cmd, args, dirty_before);
  // As Redis's c->woff: EXEC's queue counts when EXEC returns, so a WAIT inside the
  // transaction waits for the client's writes before it.
  if (server.persistence.repl_offset != offset_before && !client.in_exec) {
    client.woff = server.persistence.repl_offset;
  }
  CommandStats& st = server.command_stats[cmd.id];
  const uint64_t cycles = util::CycleClock::Now() - start;
  st.cycles += cycles;
  const uint64_t usec = util::CycleClock::ToMicros(cycles);
  SlowLogConsider(server, client, cmd, args, usec);
  if (!client.blocked) LatencyConsider(server, cmd, usec);
  ++st.calls;
  if (reply.errors != errors_before) ++st.failed_calls;
  client.last_cmd = &cmd;
  if (!server.sessions.monitors.empty() && !(cmd.flags & (flag::kSkipMonitor | flag::kAdmin))) {
    FeedMonitors(server, client, args);
  }
  ++server.stats.total_commands_processed;
  ++client.commands_processed;
}

// Whether the request names the command that runs the MULTI queue (EXEC, or its rename).
bool RunsQueue(std::span<const std::string_view> args) {
  const CommandSpec* cmd = CommandTable::Get().Lookup(args[0]);
  return cmd != nullptr && (cmd->internal_flags & internal::kRunsQueue);
}

// EXEC refused: "-EXECABORT Transaction discarded because of: <refusal>", and the
// transaction and its WATCHes are dropped.
void AbortTransaction(ServerState& server, Client& client, std::string_view refusal,
                      protocol::ReplyBuilder& reply) {
  std::string_view text = refusal;
  if (!text.empty() && text[0] == '-') text.remove_prefix(1);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::string msg = "EXECABORT Transaction discarded because of: ";
  msg.append(text);
  reply.Error(msg);
  DiscardTransaction(client);
  UnwatchAll(server, client);
}

void EndCachingHint(Client& client, const CommandSpec& cmd) {
  bool keeps = cmd.parent != nullptr && (cmd.parent->internal_flags & internal::kKeepsCachingHint);
  if (!client.in_multi && !keeps) client.tracking.flags &= ~tracking_flag::kCaching;
}

void Queue(Client& client, const CommandSpec& cmd, std::span<const std::string_view> args,
           protocol::ReplyBuilder& reply) {
  Client::QueuedCommand q{&cmd, {}};
  q.args.assign(args.begin(), args.end());
  client.multi_queue.push_back(std::move(q));
  reply.SimpleString("QUEUED");
}

}  // namespace

void Dispatch(ServerState& server, Client& client, std::span<const std::string_view> args) {
  protocol::ReplyBuilder reply(&client.reply_buf, client.resp);
  reply.error_stats = &server.error_stats;
  size_t reply_start = client.reply_buf.size();
  if (client.reply_mode == ReplyMode::kSkipNext) client.reply_mode = ReplyMode::kSkipThis;
  // Declared first so that invalidations held for this client follow its whole reply.
  TrackingScope tracking_scope(server, client);
  if (server.tracking.clients != 0) TrackingLimitKeys(server);

  // An EXEC refused at admission aborts the transaction, as Redis's execCommandAbort: its
  // refusal is caught aside and sent inside EXECABORT.
  std::string refusal;
  protocol::ReplyBuilder exec_refusal(&refusal, client.resp);
  bool exec_in_multi = client.in_multi && RunsQueue(args);
  protocol::ReplyBuilder& admission = exec_in_multi ? exec_refusal : reply;
  const CommandSpec* cmd = Admit(server, client, args, admission);
  // OOM: not in RunQueued (EXEC's queue), which was admitted against memory when queued.
  if (cmd != nullptr && !CheckOom(server, client, *cmd, admission)) {
    ++server.command_stats[cmd->id].rejected_calls;
    cmd = nullptr;
  }
  if (cmd == nullptr) {
    if (exec_in_multi) {
      AbortTransaction(server, client, refusal, reply);
    } else if (client.in_multi) {
      client.multi_error = true;  // EXEC will answer EXECABORT
    }
  } else if (client.in_multi && !(cmd->internal_flags & internal::kNotQueued)) {
    Queue(client, *cmd, args, reply);
  } else {
    tracking_scope.set_executing(true);
    Execute(server, client, *cmd, args, reply);
    tracking_scope.set_executing(false);
    // CLIENT CACHING applies to the next command only (a transaction counts as one).
    if (client.tracking.flags & tracking_flag::kCaching) EndCachingHint(client, *cmd);
    // Keys this command (or EXEC's queue) pushed to may wake blocked clients.
    if (!server.indexes.ready_keys.empty()) ServeReadyKeys(server);
  }
  server.stats.total_error_replies += reply.errors;

  if (client.reply_mode == ReplyMode::kOff || client.reply_mode == ReplyMode::kSkipThis) {
    DropRepliesKeepPushes(&client.reply_buf, reply_start);
    if (client.reply_mode == ReplyMode::kSkipThis) client.reply_mode = ReplyMode::kOn;
  }
}

void ExecuteResolved(ServerState& server, Client& client, const CommandSpec& cmd,
                     std::span<const std::string_view> args, protocol::ReplyBuilder& reply) {
  Execute(server, client, cmd, args, reply);
}

void RunQueued(ServerState& server, Client& client, std::span<const std::string_view> args) {
  protocol::ReplyBuilder reply(&client.reply_buf, client.resp);
  reply.error_stats = &server.error_stats;
  // Admitted again: ACL rules or authentication may have changed since the command queued.
  const CommandSpec* cmd = Admit(server, client, args, reply, /*queued=*/true);
  if (cmd != nullptr) Execute(server, client, *cmd, args, reply);
  server.stats.total_error_replies += reply.errors;
}

void ReplyWrongArity(protocol::ReplyBuilder& reply, const CommandSpec& cmd) {
  std::string msg = "ERR wrong number of arguments for '";
  msg.append(cmd.full_name);
  msg += "' command";
  reply.Error(msg);
}

}  // namespace redoubt::commands
