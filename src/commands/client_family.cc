// CLIENT and its subcommands: naming, listing and killing sessions, pausing, reply modes.
// Handlers only mark clients (kCloseAsap, pause deadlines); the server layer acts on the marks.
#include <algorithm>
#include <cctype>
#include <climits>
#include <iterator>
#include <string>
#include <vector>

#include "commands/client_tracking.h"
#include "protocol/errors.h"
#include "runtime/acl.h"
#include "runtime/blocking.h"
#include "runtime/client_info.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

// Redis's client types (CLIENT LIST TYPE, CLIENT KILL TYPE). A replica's link is "replica";
// every other session is "normal" (a MONITOR client too, as in Redis).
enum class ClientType { kNormal, kReplica, kPubsub, kMaster };

ClientType TypeOf(const Client& c) {
  if (c.flags & client_flag::kMaster) return ClientType::kMaster;
  return (c.flags & client_flag::kReplica) ? ClientType::kReplica : ClientType::kNormal;
}

bool ParseClientType(std::string_view name, ClientType* out) {
  if (util::EqualsIgnoreCase(name, "normal")) {
    *out = ClientType::kNormal;
  } else if (util::EqualsIgnoreCase(name, "slave") || util::EqualsIgnoreCase(name, "replica")) {
    *out = ClientType::kReplica;
  } else if (util::EqualsIgnoreCase(name, "pubsub")) {
    *out = ClientType::kPubsub;
  } else if (util::EqualsIgnoreCase(name, "master")) {
    *out = ClientType::kMaster;
  } else {
    return false;
  }
  return true;
}

void ReplyUnknownType(CommandContext& cx, std::string_view name) {
  cx.reply.Error("ERR Unknown client type '" + std::string(name) + "'");
}

// Redis's addReplySubcommandSyntaxError: names the subcommand and command as typed.
void ReplySubcommandSyntaxError(CommandContext& cx) {
  std::string cmd(cx.args[0]);
  for (char& ch : cmd) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
  cx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" +
                 std::string(cx.args[1].substr(0, 128)) + "'. Try " + cmd + " HELP.");
}

// Clients in id order (creation order, as Redis lists them).
std::vector<const Client*> ClientsById(const ServerState& server) {
  std::vector<const Client*> out;
  out.reserve(server.sessions.clients.size());
  for (const auto& [id, c] : server.sessions.clients) out.push_back(c);
  std::sort(out.begin(), out.end(), [](const Client* a, const Client* b) { return a->id < b->id; });
  return out;
}

void ClientId(CommandContext& cx) { cx.reply.Integer(static_cast<int64_t>(cx.client.id)); }

void ClientInfo(CommandContext& cx) { cx.reply.Verbatim(ClientInfoString(cx, cx.client) + "\n"); }

void ClientList(CommandContext& cx) {
  std::string out;
  if (cx.argc() == 4 && util::EqualsIgnoreCase(cx.args[2], "TYPE")) {
    ClientType type;
    if (!ParseClientType(cx.args[3], &type)) return ReplyUnknownType(cx, cx.args[3]);
    for (const Client* c : ClientsById(cx.server)) {
      if (TypeOf(*c) == type) out += ClientInfoString(cx, *c) + "\n";
    }
  } else if (cx.argc() > 3 && util::EqualsIgnoreCase(cx.args[2], "ID")) {
    for (size_t i = 3; i < cx.argc(); ++i) {
      int64_t id;
      if (!util::ParseInt64(cx.args[i], &id)) return cx.reply.Error("ERR Invalid client ID");
      auto it = cx.server.sessions.clients.find(static_cast<uint64_t>(id));
      if (it != cx.server.sessions.clients.end()) out += ClientInfoString(cx, *it->second) + "\n";
    }
  } else if (cx.argc() != 2) {
    return cx.reply.Error(errors::kSyntax);
  } else {
    for (const Client* c : ClientsById(cx.server)) out += ClientInfoString(cx, *c) + "\n";
  }
  cx.reply.Verbatim(out);
}

void ClientSetName(CommandContext& cx) {
  std::string_view name = cx.args[2];
  // Names must keep CLIENT LIST splittable on spaces.
  bool valid = std::all_of(name.begin(), name.end(), [](char c) { return c >= '!' && c <= '~'; });
  if (!valid) {
    return cx.reply.Error(
        "ERR Client names cannot contain spaces, newlines or special characters.");
  }
  cx.client.name = std::string(name);
  cx.reply.Ok();
}

void ClientGetName(CommandContext& cx) {
  if (cx.client.name.empty()) return cx.reply.Null();
  cx.reply.Bulk(cx.client.name);
}

// CLIENT KILL filters; an unset filter matches every client.
struct KillFilter {
  std::string_view addr, laddr, user;
  bool has_addr = false, has_laddr = false, has_user = false, has_type = false;
  ClientType type = ClientType::kNormal;
  uint64_t id = 0;
  bool skipme = true;
};

bool ParseKillFilter(CommandContext& cx, KillFilter* f) {
  if (cx.argc() == 3) {  // old form: CLIENT KILL ip:port, which may kill the caller
    f->addr = cx.args[2];
    f->has_addr = true;
    f->skipme = false;
    return true;
  }
  for (size_t i = 2; i < cx.argc(); i += 2) {
    std::string_view opt = cx.args[i];
    if (i + 1 >= cx.argc()) {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
    std::string_view val = cx.args[i + 1];
    if (util::EqualsIgnoreCase(opt, "ID")) {
      int64_t id;
      if (!util::ParseInt64(val, &id) || id < 1 || id > LONG_MAX) {
        cx.reply.Error("ERR client-id should be greater than 0");
        return false;
      }
      f->id = static_cast<uint64_t>(id);
    } else if (util::EqualsIgnoreCase(opt, "TYPE")) {
      if (!ParseClientType(val, &f->type)) {
        ReplyUnknownType(cx, val);
        return false;
      }
      f->has_type = true;
    } else if (util::EqualsIgnoreCase(opt, "ADDR")) {
      f->addr = val;
      f->has_addr = true;
    } else if (util::EqualsIgnoreCase(opt, "LADDR")) {
      f->laddr = val;
      f->has_laddr = true;
    } else if (util::EqualsIgnoreCase(opt, "USER")) {
      if (cx.server.security.acl.Find(val) == nullptr) {
        cx.reply.Error("ERR No such user '" + std::string(val) + "'");
        return false;
      }
      f->user = val;
      f->has_user = true;
    } else if (util::EqualsIgnoreCase(opt, "SKIPME")) {
      if (util::EqualsIgnoreCase(val, "yes")) {
        f->skipme = true;
      } else if (util::EqualsIgnoreCase(val, "no")) {
        f->skipme = false;
      } else {
        cx.reply.Error(errors::kSyntax);
        return false;
      }
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

bool KillMatches(const KillFilter& f, const Client& c, bool self) {
  if (f.has_addr && c.addr != f.addr) return false;
  if (f.has_laddr && c.laddr != f.laddr) return false;
  if (f.has_type && TypeOf(c) != f.type) return false;
  if (f.id != 0 && c.id != f.id) return false;
  if (f.has_user && c.user != f.user) return false;
  return !(self && f.skipme);
}

void ClientKill(CommandContext& cx) {
  KillFilter filter;
  if (!ParseKillFilter(cx, &filter)) return;
  int64_t killed = 0;
  bool kill_self = false;
  for (auto& [id, c] : cx.server.sessions.clients) {
    bool self = c == &cx.client;
    if (!KillMatches(filter, *c, self)) continue;
    if (self) {
      kill_self = true;  // after the reply is queued
    } else {
      cx.server.sessions.CloseAsap(c);
    }
    ++killed;
  }
  if (cx.argc() == 3) {
    if (killed == 0) return cx.reply.Error("ERR No such client");
    cx.reply.Ok();
  } else {
    cx.reply.Integer(killed);
  }
  if (kill_self) cx.client.flags |= client_flag::kCloseAfterReply;
}

// CLIENT PAUSE timeout [WRITE|ALL]. A pause while one is running keeps the later deadline and
// the stricter mode.
void ClientPause(CommandContext& cx) {
  if (cx.argc() > 4) return ReplySubcommandSyntaxError(cx);
  bool write_only = false;
  if (cx.argc() == 4) {
    if (util::EqualsIgnoreCase(cx.args[3], "WRITE")) {
      write_only = true;
    } else if (!util::EqualsIgnoreCase(cx.args[3], "ALL")) {
      return cx.reply.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
    }
  }
  int64_t timeout;
  if (!util::ParseInt64(cx.args[2], &timeout)) {
    return cx.reply.Error("ERR timeout is not an integer or out of range");
  }
  if (timeout < 0) return cx.reply.Error(errors::kNegativeTimeout);
  if (timeout > INT64_MAX - cx.now_ms()) return cx.reply.Error(errors::kTimeoutOutOfRange);
  int64_t end = timeout > 0 ? cx.now_ms() + timeout : 0;
  ServerState& s = cx.server;
  bool active = s.sessions.pause_end_ms > cx.now_ms();
  s.sessions.pause_write_only = active ? (s.sessions.pause_write_only && write_only) : write_only;
  s.sessions.pause_end_ms = active ? std::max(s.sessions.pause_end_ms, end) : end;
  cx.reply.Ok();
}

void ClientUnpause(CommandContext& cx) {
  // A deadline of "now" (rather than 0) lets the server's cron see the pause end and resume
  // the clients whose requests were held back.
  if (cx.server.sessions.pause_end_ms > cx.now_ms()) cx.server.sessions.pause_end_ms = cx.now_ms();
  cx.server.sessions.pause_write_only = false;
  cx.reply.Ok();
}

bool ParseOnOff(std::string_view arg, bool* on) {
  if (util::EqualsIgnoreCase(arg, "ON")) {
    *on = true;
  } else if (util::EqualsIgnoreCase(arg, "OFF")) {
    *on = false;
  } else {
    return false;
  }
  return true;
}

void ClientNoEvict(CommandContext& cx) {
  bool on;
  if (!ParseOnOff(cx.args[2], &on)) return cx.reply.Error(errors::kSyntax);
  if (on) {
    cx.client.flags |= client_flag::kNoEvict;
  } else {
    cx.client.flags &= ~client_flag::kNoEvict;
  }
  cx.reply.Ok();
}

// CLIENT REPLY ON|OFF|SKIP. Only ON answers; dispatch discards output while OFF or skipping.
void ClientReply(CommandContext& cx) {
  std::string_view mode = cx.args[2];
  if (util::EqualsIgnoreCase(mode, "ON")) {
    cx.client.reply_mode = ReplyMode::kOn;
    cx.reply.Ok();
  } else if (util::EqualsIgnoreCase(mode, "OFF")) {
    cx.client.reply_mode = ReplyMode::kOff;
  } else if (util::EqualsIgnoreCase(mode, "SKIP")) {
    if (cx.client.reply_mode != ReplyMode::kOff) cx.client.reply_mode = ReplyMode::kSkipNext;
  } else {
    cx.reply.Error(errors::kSyntax);
  }
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when that client was blocked and is now answered.
void ClientUnblock(CommandContext& cx) {
  if (cx.argc() > 4) return ReplySubcommandSyntaxError(cx);
  if (cx.argc() == 4 && !util::EqualsIgnoreCase(cx.args[3], "TIMEOUT") &&
      !util::EqualsIgnoreCase(cx.args[3], "ERROR")) {
    return cx.reply.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
  }
  int64_t id;
  if (!util::ParseInt64(cx.args[2], &id)) return cx.reply.Error(errors::kNotInteger);
  auto it = cx.server.sessions.clients.find(static_cast<uint64_t>(id));
  bool with_error = cx.argc() == 4 && util::EqualsIgnoreCase(cx.args[3], "ERROR");
  bool done = it != cx.server.sessions.clients.end() &&
              UnblockByRequest(cx.server, *it->second, with_error);
  cx.reply.Integer(done ? 1 : 0);
}

constexpr const char* kClientHelp[] = {
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "HELP",
    "    Prints this help.",
};

void ClientHelp(CommandContext& cx) {
  cx.reply.Array(std::size(kClientHelp));
  for (const char* line : kClientHelp) cx.reply.SimpleString(line);
}

}  // namespace

void RegisterClientFamily(CommandTable& t) {
  const char* g = "connection";
  constexpr uint64_t f = flag::kNoscript | flag::kLoading | flag::kStale;
  constexpr uint64_t a = flag::kAdmin | f;
  constexpr uint64_t c = cat::kConnection;
  t.Register({
      {.name = "client",
       .arity = -2,
       .subcommands =
           {
               {.name = "id",
                .arity = 2,
                .flags = f,
                .categories = c,
                .handler = ClientId,
                .group = g,
                .summary = "Returns the client ID for the current connection",
                .since = "5.0.0"},
               {.name = "info",
                .arity = 2,
                .flags = f,
                .categories = c,
                .handler = ClientInfo,
                .group = g,
                .summary = "Returns information about the current client connection.",
                .since = "6.2.0"},
               {.name = "list",
                .arity = -2,
                .flags = a,
                .categories = c,
                .handler = ClientList,
                .group = g,
                .summary = "Get the list of client connections",
                .since = "2.4.0"},
               {.name = "setname",
                .arity = 3,
                .flags = f,
                .categories = c,
                .handler = ClientSetName,
                .group = g,
                .summary = "Set the current connection name",
                .since = "2.6.9"},
               {.name = "getname",
                .arity = 2,
                .flags = f,
                .categories = c,
                .handler = ClientGetName,
                .group = g,
                .summary = "Get the current connection name",
                .since = "2.6.9"},
               {.name = "kill",
                .arity = -3,
                .flags = a,
                .categories = c,
                .handler = ClientKill,
                .group = g,
                .summary = "Kill the connection of a client",
                .since = "2.4.0"},
               {.name = "pause",
                .arity = -3,
                .flags = a,
                .categories = c,
                .handler = ClientPause,
                .group = g,
                .summary = "Stop processing commands from clients for some time",
                .since = "2.9.50"},
               {.name = "unpause",
                .arity = 2,
                .flags = a,
                .categories = c,
                .handler = ClientUnpause,
                .group = g,
                .summary = "Resume processing of clients that were paused",
                .since = "6.2.0"},
               {.name = "no-evict",
                .arity = 3,
                .flags = a,
                .categories = c,
                .handler = ClientNoEvict,
                .group = g,
                .summary = "Set client eviction mode for the current connection",
                .since = "7.0.0"},
               {.name = "reply",
                .arity = 3,
                .flags = f,
                .categories = c,
                .handler = ClientReply,
                .group = g,
                .summary = "Instruct the server whether to reply to commands",
                .since = "3.2.0"},
               {.name = "tracking",
                .arity = -3,
                .flags = f,
                .categories = c,
                .handler = ClientTrackingCommand,
                .group = g,
                .summary = "Enable or disable server assisted client side caching support",
                .since = "6.0.0"},
               {.name = "caching",
                .arity = 3,
                .flags = f,
                .categories = c,
                .handler = ClientCachingCommand,
                .group = g,
                .summary = "Instruct the server about tracking or not keys in the next request",
                .since = "6.0.0"},
               {.name = "getredir",
                .arity = 2,
                .flags = f,
                .categories = c,
                .handler = ClientGetRedirCommand,
                .group = g,
                .summary = "Get tracking notifications redirection client ID if any",
                .since = "6.0.0"},
               {.name = "trackinginfo",
                .arity = 2,
                .flags = f,
                .categories = c,
                .handler = ClientTrackingInfoCommand,
                .group = g,
                .summary = "Return information about server assisted client side caching for "
                           "the current connection",
                .since = "6.2.0"},
               {.name = "unblock",
                .arity = -3,
                .flags = a,
                .categories = c,
                .handler = ClientUnblock,
                .group = g,
                .summary = "Unblock a client blocked in a blocking command from a different "
                           "connection",
                .since = "5.0.0"},
               {.name = "help",
                .arity = 2,
                .flags = flag::kLoading | flag::kStale,
                .categories = c,
                .handler = ClientHelp,
                .group = g,
                .summary = "Show helpful text about the different subcommands",
                .since = "5.0.0"},
           },
       .group = g,
       .summary = "A container for client connection commands",
       .since = "2.4.0",
       .internal_flags = internal::kKeepsCachingHint},
  });
}

}  // namespace redoubt::commands
