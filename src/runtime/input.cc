#include "runtime/input.h"

#include "runtime/command_table.h"
#include "runtime/dispatch.h"
#include "runtime/output_limits.h"
#include "runtime/pause.h"
#include "util/log.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

void ReplyProtocolError(ServerState& server, Client& c) {
  protocol::ReplyBuilder reply(&c.reply_buf, c.resp);
  reply.error_stats = &server.error_stats;
  reply.Error("ERR Protocol error: " + c.parser.error());
  ++server.stats.total_error_replies;
  ++server.stats.protocol_errors;
  LOG_VERBOSE("Protocol error (%s) from client: id=%llu addr=%s", c.parser.error().c_str(),
              static_cast<unsigned long long>(c.id), c.addr.c_str());
  c.flags |= client_flag::kCloseAfterReply;
}

// Browsers can be tricked into sending HTTP to this port (cross-protocol scripting).
bool IsHttp(ServerState& server, const Client& c, std::string_view name) {
  if (!util::EqualsIgnoreCase(name, "post") && !util::EqualsIgnoreCase(name, "host:")) {
    return false;
  }
  if (server.clock.now_ms - server.security.last_security_warning_ms > 60000) {
    LOG_WARNING(
        "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: "
        "commands to Redoubt. This is likely due to an attacker attempting to use "
        "Cross Protocol Scripting to compromise your Redoubt instance. Connection from %s "
        "aborted.",
        c.addr.c_str());
    server.security.last_security_warning_ms = server.clock.now_ms;
  }
  return true;
}

}  // namespace

InputOutcome ProcessInput(ServerState& server, Client& c) {
  size_t pos = 0;
  InputOutcome outcome = InputOutcome::kDone;
  while (!(c.flags & (client_flag::kCloseAfterReply | client_flag::kCloseAsap))) {
    // Input that arrived while a blocking command waits stays queued until it is served.
    if (c.blocked) break;
    // Checked before every request: a CLIENT PAUSE this client just ran holds its own
    // pipelined requests too, as in Redis.
    if (PauseActive(server) && !server.sessions.pause_write_only) {
      outcome = InputOutcome::kPaused;
      break;
    }
    protocol::ParseLimits limits{server.cfg->proto_max_bulk_len, !AuthRequired(server, c)};
    size_t consumed = 0;
    auto r = c.parser.Parse(c.query_buf.data() + pos, c.query_buf.size() - pos, limits, &consumed);
    if (r == protocol::RequestParser::Result::kIncomplete) break;
    if (r == protocol::RequestParser::Result::kError) {
      ReplyProtocolError(server, c);
      pos = c.query_buf.size();
      break;
    }
    if (r == protocol::RequestParser::Result::kEmpty) {
      pos += consumed;
      continue;
    }
    auto args = c.parser.args();
    if (IsHttp(server, c, args[0])) {
      outcome = InputOutcome::kClose;
      pos = c.query_buf.size();
      break;
    }
    if (HeldByPause(server, c, args)) {
      // Left unconsumed: parsed again and run once CLIENT PAUSE ends.
      outcome = InputOutcome::kPaused;
      break;
    }
    Dispatch(server, c, args);
    pos += consumed;
    CheckOutputLimits(server, c);  // sets kCloseAsap, which ends this loop
    // A blocked client's next requests wait until it is served or times out.
    if (c.blocked) break;
  }
  c.query_buf.Consume(pos);
  return outcome;
}

}  // namespace redoubt::commands
