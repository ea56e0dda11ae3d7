// Connection commands: PING, ECHO, AUTH, HELLO, QUIT, RESET, SELECT.
#include <time.h>

#include <algorithm>
#include <string>

#include "protocol/errors.h"
#include "runtime/acl.h"
#include "runtime/command_table.h"
#include "runtime/dispatch.h"
#include "runtime/pubsub.h"
#include "runtime/server_state.h"
#include "runtime/tracking.h"
#include "runtime/transaction.h"
#include "util/clock.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

// The throttle's source for this client: its address, or for a Unix-socket client the peer
// uid the kernel reports (read per attempt: AUTH is rare and already costs a SHA-256).
security::AuthThrottle::Source ThrottleSource(const Client& c) {
  const bool unix_socket = c.flags & client_flag::kUnixSocket;
  std::optional<uint32_t> uid;
  if (unix_socket) uid = security::AuthThrottle::PeerUid(c.fd);
  return security::AuthThrottle::SourceOf(c.addr, unix_socket, uid);
}

// AUTH and HELLO AUTH: the ACL user's password (SHA-256, compared in constant time), behind
// the per-source throttle. Returns "" on success, else the error to reply (WRONGPASS, or
// the throttle's refusal). Failures count in INFO, go to ACL LOG and to the audit log. Only a
// proved password clears throttle failures, and only those against that user: a nopass user
// accepts any password, so logging in to one proves nothing.
std::string Authenticate(CommandContext& cx, std::string_view user, std::string_view pass) {
  ServerState& s = cx.server;
  Client& c = cx.client;
  const security::AuthThrottle::Source source = ThrottleSource(c);
  // A monotonic clock: a wall-clock jump must not stretch or cut a back-off.
  int64_t now = util::MonotonicMs();
  security::AuthThrottle::Decision d = s.security.auth_throttle.Check(source, now);
  if (!d.allowed) {
    AclLogDenial(s, c, cx.cmd, cx.args, security::AclDenial::kAuth, 0, user);
    s.security.Audit(security::AuditEvent::kAuthThrottled, c, cx.cmd.full_name, "throttled", user);
    return security::AuthThrottle::RefusalMessage(d);
  }
  const security::AclUser* u = s.security.acl.Authenticate(user, pass);
  // LogIn refuses what the login rule does (under certificate identity, a nopass user proves
  // nothing): answered and counted as a wrong password.
  if (u != nullptr && LogIn(c, *u, LoginProof::kPassword)) {
    if (!u->nopass()) s.security.auth_throttle.RecordSuccess(source, u->name());
    s.security.Audit(security::AuditEvent::kAuthSuccess, c, cx.cmd.full_name);
    return {};
  }
  s.security.auth_throttle.RecordFailure(source, user, now);
  ++s.stats.auth_failures;
  AclLogDenial(s, c, cx.cmd, cx.args, security::AclDenial::kAuth, 0, user);
  s.security.Audit(security::AuditEvent::kAuthFailure, c, cx.cmd.full_name, "wrong password", user);
  return std::string(errors::kWrongPass);
}

void Ping(CommandContext& cx) {
  if (cx.argc() > 2) return ReplyWrongArity(cx.reply, cx.cmd);
  // A subscribed RESP2 client gets ["pong", message]: a plain reply would look like a push.
  if (cx.client.resp == 2 && cx.client.in_pubsub()) {
    cx.reply.Array(2);
    cx.reply.Bulk("pong");
    return cx.reply.Bulk(cx.argc() == 2 ? cx.args[1] : std::string_view());
  }
  if (cx.argc() == 1) return cx.reply.SimpleString("PONG");
  cx.reply.Bulk(cx.args[1]);
}

void Echo(CommandContext& cx) { cx.reply.Bulk(cx.args[1]); }

void Auth(CommandContext& cx) {
  // Every argument is a secret, or may be one (`AUTH user pw extra` is a mistyped login).
  cx.client.redact_mask = ~0ULL << 1;
  if (cx.argc() > 3) return cx.reply.Error(errors::kSyntax);
  std::string_view user = "default";
  std::string_view pass = cx.args[1];
  if (cx.argc() == 2) {
    if (cx.server.security.acl.default_user().nopass())
      return cx.reply.Error(errors::kAuthNoPassword);
  } else {
    user = cx.args[1];
    pass = cx.args[2];
  }
  std::string err = Authenticate(cx, user, pass);
  if (err.empty()) return cx.reply.Ok();
  cx.reply.Error(err);
}

bool ValidClientName(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) { return c >= '!' && c <= '~'; });
}

// HELLO hides AUTH's username and password from MONITOR and the slow log, as Redis, before
// any parsing; an AUTH without both (`HELLO 3 AUTH pw`) hides everything after it, since a
// malformed HELLO still carries a password (Redis shows it).
void RedactHelloAuth(CommandContext& cx) {
  for (size_t i = 1; i < cx.argc(); ++i) {
    if (util::EqualsIgnoreCase(cx.args[i], "SETNAME") && i + 1 < cx.argc()) {
      ++i;
    } else if (util::EqualsIgnoreCase(cx.args[i], "AUTH")) {
      if (cx.argc() - i - 1 < 2) {
        cx.client.redact_mask |= ~0ULL << std::min<size_t>(i + 1, 63);
        return;
      }
      cx.client.redact_mask |= 3ULL << std::min<size_t>(i + 1, 62);
      i += 2;
    }
  }
}

void Hello(CommandContext& cx) {
  RedactHelloAuth(cx);
  int64_t ver = 0;
  size_t i = 1;
  if (cx.argc() >= 2) {
    if (!util::ParseInt64(cx.args[1], &ver)) {
      return cx.reply.Error("ERR Protocol version is not an integer or out of range");
    }
    if (ver < 2 || ver > 3) return cx.reply.Error("NOPROTO unsupported protocol version");
    i = 2;
  }
  std::string_view user, pass, name;
  bool has_auth = false, has_name = false;
  for (; i < cx.argc(); ++i) {
    size_t more = cx.argc() - i - 1;
    if (util::EqualsIgnoreCase(cx.args[i], "AUTH") && more >= 2) {
      user = cx.args[i + 1];
      pass = cx.args[i + 2];
      has_auth = true;
      i += 2;
    } else if (util::EqualsIgnoreCase(cx.args[i], "SETNAME") && more >= 1) {
      name = cx.args[i + 1];
      if (!ValidClientName(name)) {
        return cx.reply.Error(
            "ERR Client names cannot contain spaces, newlines or special characters.");
      }
      has_name = true;
      i += 1;
    } else {
      return cx.reply.Error("ERR Syntax error in HELLO option '" + std::string(cx.args[i]) + "'");
    }
  }
  if (has_auth) {
    std::string err = Authenticate(cx, user, pass);
    if (!err.empty()) return cx.reply.Error(err);
  }
  if (AuthRequired(cx.server, cx.client)) {
    return cx.reply.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and "
        "select the RESP protocol version at the same time");
  }
  if (has_name) cx.client.name = std::string(name);
  if (ver != 0) {
    cx.client.resp = static_cast<int>(ver);
    cx.reply.set_resp(cx.client.resp);
  }
  protocol::ReplyBuilder& r = cx.reply;
  r.Map(7);
  r.Bulk("server");
  r.Bulk("redis");
  r.Bulk("version");
  r.Bulk(kCompatVersion);
  r.Bulk("proto");
  r.Integer(cx.client.resp);
  r.Bulk("id");
  r.Integer(static_cast<int64_t>(cx.client.id));
  r.Bulk("mode");
  r.Bulk("standalone");
  r.Bulk("role");
  r.Bulk("master");
  r.Bulk("modules");
  r.Array(0);
}

void Quit(CommandContext& cx) {
  cx.reply.Ok();
  cx.client.flags |= client_flag::kCloseAfterReply;
}

void Reset(CommandContext& cx) {
  Client& c = cx.client;
  c.db_index = 0;
  c.resp = 2;
  cx.reply.set_resp(2);
  c.reply_mode = ReplyMode::kOn;
  c.name.clear();
  // RESET's documented contract (Redis 7.0.15 forgot this flag; later Redis clears it too).
  c.flags &= ~client_flag::kNoEvict;
  SetInitialUser(cx.server, c);  // the certificate's user under certificate identity
  DiscardTransaction(c);
  UnwatchAll(cx.server, c);
  PubSubRemoveClient(cx.server, c);
  TrackingDisable(cx.server, c);
  if (c.flags & client_flag::kMonitor) {
    c.flags &= ~client_flag::kMonitor;
    auto& m = cx.server.sessions.monitors;
    m.erase(std::remove(m.begin(), m.end(), &c), m.end());
  }
  cx.reply.SimpleString("RESET");
}

void Select(CommandContext& cx) {
  int64_t id;
  if (!util::ParseInt64(cx.args[1], &id)) return cx.reply.Error(errors::kNotInteger);
  if (id < 0 || id >= cx.server.db_count()) return cx.reply.Error(errors::kDbIndexOutOfRange);
  cx.client.db_index = static_cast<int>(id);
  cx.reply.Ok();
}

constexpr uint64_t kConnFlags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kFast |
                                flag::kNoAuth | flag::kAllowBusy;

}  // namespace

void RegisterConnectionFamily(CommandTable& t) {
  const char* g = "connection";
  t.Register({
      {.name = "ping",
       .arity = -1,
       .flags = flag::kFast,
       .categories = cat::kConnection,
       .handler = Ping,
       .group = g,
       .summary = "Ping the server",
       .internal_flags = internal::kSubscribedContext | internal::kDeniedOnDiskError},
      {.name = "echo",
       .arity = 2,
       .flags = flag::kLoading | flag::kStale | flag::kFast,
       .categories = cat::kConnection,
       .handler = Echo,
       .group = g,
       .summary = "Echo the given string"},
      {.name = "auth",
       .arity = -2,
       .flags = kConnFlags | flag::kSentinel,
       .categories = cat::kConnection,
       .handler = Auth,
       .group = g,
       .summary = "Authenticate to the server"},
      {.name = "hello",
       .arity = -1,
       .flags = kConnFlags | flag::kSentinel,
       .categories = cat::kConnection,
       .handler = Hello,
       .group = g,
       .summary = "Handshake with Redis",
       .since = "6.0.0"},
      {.name = "quit",
       .arity = -1,
       .flags = kConnFlags,
       .categories = cat::kConnection,
       .handler = Quit,
       .group = g,
       .summary = "Close the connection",
       .internal_flags = internal::kSubscribedContext | internal::kNotQueued},
      {.name = "reset",
       .arity = 1,
       .flags = kConnFlags,
       .categories = cat::kConnection,
       .handler = Reset,
       .group = g,
       .summary = "Reset the connection",
       .since = "6.2.0",
       .internal_flags = internal::kSubscribedContext | internal::kNotQueued},
      {.name = "select",
       .arity = 2,
       .flags = flag::kLoading | flag::kStale | flag::kFast,
       .categories = cat::kConnection,
       .handler = Select,
       .group = g,
       .summary = "Change the selected database for the current connection"},
  });
}

}  // namespace redoubt::commands
