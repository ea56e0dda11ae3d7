// The runtime's side of ACL: the command catalog the ACL engine sees, ACL LOG records, moving
// clients off revoked users, and loading users at start-up.
#include "runtime/acl.h"

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/client_info.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"
#include "util/split_args.h"

namespace redoubt::commands {

// The ACL engine reads categories and key-spec flags by bit; both must be Redis's order.
static_assert(cat::kKeyspace == 1ULL << 0 && cat::kString == 1ULL << 7 &&
              cat::kAdmin == 1ULL << 13 && cat::kScripting == 1ULL << 20 &&
              cat::kCount == security::kCategoryCount);
static_assert(keyflag::kAccess == security::aclkey::kAccess &&
              keyflag::kUpdate == security::aclkey::kUpdate &&
              keyflag::kInsert == security::aclkey::kInsert &&
              keyflag::kDelete == security::aclkey::kDelete);

namespace {

class TableCatalog final : public security::CommandCatalog {
 public:
  TableCatalog() : t_(CommandTable::Get()) {}
  uint32_t size() const override { return static_cast<uint32_t>(t_.by_id().size()); }
  std::string_view FullName(uint32_t id) const override { return t_.by_id()[id]->full_name; }
  uint64_t Categories(uint32_t id) const override { return t_.by_id()[id]->categories; }
  uint32_t Parent(uint32_t id) const override {
    const CommandSpec* p = t_.by_id()[id]->parent;
    return p == nullptr ? kNone : p->id;
  }
  bool HasSubcommands(uint32_t id) const override { return !t_.by_id()[id]->subcommands.empty(); }
  bool NoAuth(uint32_t id) const override { return t_.by_id()[id]->flags & flag::kNoAuth; }
  uint32_t Find(std::string_view name) const override {
    size_t bar = name.find('|');
    const CommandSpec* c = t_.LookupCanonical(name.substr(0, bar));
    if (c == nullptr) return kNone;
    if (bar == std::string_view::npos) return c->id;
    if (c->subcommands.empty()) return kNone;
    const CommandSpec* sub = CommandTable::LookupSub(*c, name.substr(bar + 1));
    return sub == nullptr ? kNone : sub->id;
  }

 private:
  const CommandTable& t_;
};

}  // namespace

void PrepareAclStore(ServerState& server) {
  server.security.acl.pubsub_default_allchannels =
      server.cfg->acl_pubsub_default == config::kAclPubsubAllChannels;
}

const security::CommandCatalog& AclCatalog() {
  static const TableCatalog* catalog = new TableCatalog();
  return *catalog;
}

namespace {

void SetClientUser(Client& client, const security::AclUser& user, bool authenticated) {
  client.acl_user = &user;
  client.user = user.name();
  client.authenticated = authenticated;
  client.ever_authenticated |= authenticated;
}

}  // namespace

bool LoginAllowed(const Client& client, const security::AclUser& user, LoginProof proof) {
  if (!user.enabled()) return false;
  if (client.no_implicit_auth) {
    if (proof == LoginProof::kCertificate) return user.name() == client.cert_user;
    return proof == LoginProof::kPassword && !user.nopass();
  }
  return proof == LoginProof::kPassword || user.nopass();
}

bool LogIn(Client& client, const security::AclUser& user, LoginProof proof) {
  if (!LoginAllowed(client, user, proof)) return false;
  SetClientUser(client, user, true);
  return true;
}

void SetInitialUser(ServerState& server, Client& client) {
  const security::AclUser* cert = client.no_implicit_auth && !client.cert_user.empty()
                                      ? server.security.acl.Find(client.cert_user)
                                      : nullptr;
  if (cert != nullptr && LogIn(client, *cert, LoginProof::kCertificate)) return;
  const security::AclUser& d = server.security.acl.default_user();
  SetClientUser(client, d, LoginAllowed(client, d, LoginProof::kNone));
}

namespace {

// Whether `c`'s session, subscriptions and MONITOR still stand under its user's current rules.
bool SessionStillAllowed(const Client& c, uint32_t monitor_id) {
  const security::AclUser& u = *c.acl_user;
  if (c.no_implicit_auth && c.authenticated) {
    LoginProof proof = c.user == c.cert_user ? LoginProof::kCertificate : LoginProof::kPassword;
    if (!LoginAllowed(c, u, proof)) return false;
  }
  for (const std::string& ch : c.channels) {
    if (!u.CheckChannel(ch, false)) return false;
  }
  for (const std::string& p : c.patterns) {
    if (!u.CheckChannel(p, true)) return false;
  }
  for (const std::string& ch : c.shard_channels) {
    if (!u.CheckChannel(ch, false)) return false;
  }
  if (c.flags & client_flag::kMonitor) {
    std::string_view argv[] = {"monitor"};
    int idx = 0;
    if (u.Check(monitor_id, argv, nullptr, nullptr, &idx) != security::AclDenial::kNone) {
      return false;
    }
  }
  return true;
}

}  // namespace

void EnforceAclOnClients(ServerState& server) {
  const CommandSpec* monitor = CommandTable::Get().LookupCanonical("monitor");
  uint32_t monitor_id = monitor != nullptr ? monitor->id : security::CommandCatalog::kNone;
  for (auto& [id, c] : server.sessions.clients) {
    if (c->acl_user == nullptr || (c->flags & client_flag::kCloseAsap)) continue;
    if (!SessionStillAllowed(*c, monitor_id)) server.sessions.CloseAsap(c);
  }
}

void AclLogDenial(ServerState& server, Client& client, const CommandSpec& cmd,
                  std::span<const std::string_view> args, security::AclDenial reason, int arg_index,
                  std::string_view username, std::string_view object,
                  const CommandContext* script_caller) {
  security::AclLogEntry e;
  e.reason = reason;
  e.context = script_caller != nullptr              ? security::AclLogContext::kLua
              : (client.in_multi || client.in_exec) ? security::AclLogContext::kMulti
                                                    : security::AclLogContext::kToplevel;
  e.username = std::string(username.empty() ? std::string_view(client.user) : username);
  if (!object.empty()) {
    e.object = std::string(object);
  } else if (reason == security::AclDenial::kCommand) {
    e.object = std::string(cmd.full_name);
  } else if (reason == security::AclDenial::kAuth) {
    e.object = std::string(args[0]);
  } else if (arg_index >= 0 && static_cast<size_t>(arg_index) < args.size()) {
    e.object = std::string(args[arg_index]);
  }
  if (script_caller != nullptr) {
    e.client_info = ClientInfoString(*script_caller, script_caller->client);
  } else {
    std::string scratch;
    protocol::ReplyBuilder rb(&scratch, client.resp);
    CommandContext cx{server, client, cmd, args, rb};
    e.client_info = ClientInfoString(cx, client);
  }
  e.created_ms = server.clock.now_ms;
  server.security.acl.log.Add(std::move(e), server.cfg->acllog_max_len);
}

void DisconnectRevoked(ServerState& server, security::AclStore::Revoked& revoked) {
  if (revoked.users.empty()) return;
  for (auto& [id, c] : server.sessions.clients) {
    if (c->acl_user == nullptr) continue;
    if (std::find(revoked.users.begin(), revoked.users.end(), c->acl_user) == revoked.users.end()) {
      continue;
    }
    // Copied out: clang 14 cannot capture a structured binding in a lambda.
    const security::AclUser* user = c->acl_user;
    bool deleted = std::any_of(revoked.deleted.begin(), revoked.deleted.end(),
                               [user](const auto& u) { return u.get() == user; });
    if (deleted) c->acl_user = &server.security.acl.nobody();
    server.sessions.CloseAsap(c);
  }
  revoked.deleted.clear();
  revoked.users.clear();
}

util::Status LoadAclAtStartup(ServerState& server) {
  const config::ServerConfig& cfg = *server.cfg;
  if (!cfg.aclfile.empty() && !cfg.user_lines.empty()) {
    return util::Status::Error(
        "Configuring Redis with users defined in redis.conf and at the same setting an ACL "
        "file path is invalid. This setup is very likely to lead to configuration errors and "
        "security holes, please define either an ACL file or declare users directly in your "
        "redis.conf, but not both.");
  }
  PrepareAclStore(server);
  server.security.acl.SetDefaultPassword(cfg.requirepass);
  if (!cfg.user_lines.empty()) {
    std::vector<std::vector<std::string>> lines;
    for (const std::string& line : cfg.user_lines) {
      auto argv = util::SplitArgs(line);
      if (!argv) return util::Status::Error("Unbalanced quotes in configuration line: user");
      lines.push_back(std::move(*argv));
    }
    util::Status st = server.security.acl.LoadUserLines(lines);
    if (!st.ok()) return st;
  }
  if (!cfg.aclfile.empty()) {
    security::AclStore::Revoked revoked;
    util::Status st = server.security.acl.LoadFile(cfg.aclfile, &revoked);
    if (!st.ok()) {
      return util::Status::Error("Aborting Redis startup because of ACL errors: " + st.message());
    }
  }
  return util::Status::Ok();
}

std::string_view CanonicalCommandName(const CommandSpec& cmd) {
  return cmd.parent != nullptr ? std::string_view(cmd.parent->name) : std::string_view(cmd.name);
}

}  // namespace redoubt::commands
