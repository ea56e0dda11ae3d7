// ACL and its subcommands (CAT, DELUSER, DRYRUN, GENPASS, GETUSER, LIST, LOAD, LOG, SAVE,
// SETUSER, USERS, WHOAMI, HELP) over security::AclStore, plus the command catalog the ACL
// engine sees and the glue that applies ACL changes to connected clients.
#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "runtime/acl.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/numbers.h"
#include "util/split_args.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

constexpr const char* kNoAclFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
    "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
    "Redis configuration file set) in order to store users in the Redis configuration.";

void ReplySubcommandSyntax(CommandContext& cx) {
  std::string msg = "ERR unknown subcommand or wrong number of arguments for '";
  msg.append(cx.args[1].substr(0, 128));
  msg += "'. Try ACL HELP.";
  cx.reply.Error(msg);
}

// Without an aclfile, CONFIG REWRITE writes the users from user_lines, so keep them current
// (passwords only as #<sha256>).
void SyncUserLines(ServerState& server) {
  if (!server.cfg->aclfile.empty()) return;
  server.cfg->user_lines.clear();
  for (const auto& [name, u] : server.security.acl.users()) {
    server.cfg->user_lines.push_back("user " + name + " " + u->Describe());
  }
}

// Keys from the command table's key specs, for DRYRUN (the dispatcher has its own, reusing a
// per-thread vector).
class VectorKeySource final : public security::AclKeySource {
 public:
  VectorKeySource(const CommandSpec& cmd, std::span<const std::string_view> args)
      : cmd_(cmd), args_(args) {}
  std::span<const security::AclKeyArg> Keys() override {
    if (!done_) {
      std::vector<KeyRef> refs;
      GetKeys(cmd_, args_, &refs);
      for (const KeyRef& r : refs) out_.push_back({r.index, r.flags});
      done_ = true;
    }
    return out_;
  }

 private:
  const CommandSpec& cmd_;
  std::span<const std::string_view> args_;
  bool done_ = false;
  std::vector<security::AclKeyArg> out_;
};

void AclCat(CommandContext& cx) {
  if (cx.argc() > 3) return ReplySubcommandSyntax(cx);
  if (cx.argc() == 2) {
    auto names = security::CategoryNames();
    cx.reply.Array(static_cast<int64_t>(names.size()));
    for (std::string_view n : names) cx.reply.Bulk(n);
    return;
  }
  int c = security::CategoryIndex(cx.args[2]);
  if (c < 0) return cx.reply.Error("ERR Unknown category '" + std::string(cx.args[2]) + "'");
  std::vector<std::string_view> names;
  for (const CommandSpec* s : CommandTable::Get().by_id()) {
    if (s->categories & (1ULL << c)) names.push_back(s->full_name);
  }
  cx.reply.Array(static_cast<int64_t>(names.size()));
  for (std::string_view n : names) cx.reply.Bulk(n);
}

void AclWhoami(CommandContext& cx) { cx.reply.Bulk(cx.client.user); }

void AclUsers(CommandContext& cx) {
  const auto& users = cx.server.security.acl.users();
  cx.reply.Array(static_cast<int64_t>(users.size()));
  for (const auto& [name, u] : users) cx.reply.Bulk(name);
}

void AclList(CommandContext& cx) {
  const auto& users = cx.server.security.acl.users();
  cx.reply.Array(static_cast<int64_t>(users.size()));
  for (const auto& [name, u] : users) cx.reply.Bulk("user " + name + " " + u->Describe());
}

void ReplySelector(protocol::ReplyBuilder& r, const security::AclSelector& s) {
  r.Bulk("commands");
  r.Bulk(s.DescribeCommands());
  r.Bulk("keys");
  r.Bulk(s.DescribeKeys());
  r.Bulk("channels");
  r.Bulk(s.DescribeChannels());
}

void AclGetUser(CommandContext& cx) {
  const security::AclUser* u = cx.server.security.acl.Find(cx.args[2]);
  if (u == nullptr) return cx.reply.Null();
  protocol::ReplyBuilder& r = cx.reply;
  r.Map(6);
  r.Bulk("flags");
  auto flags = u->Flags();
  r.Set(static_cast<int64_t>(flags.size()));
  for (std::string_view f : flags) r.Bulk(f);
  r.Bulk("passwords");
  r.Array(static_cast<int64_t>(u->password_hashes().size()));
  for (const std::string& p : u->password_hashes()) r.Bulk(p);
  ReplySelector(r, u->root());
  r.Bulk("selectors");
  const auto& sels = u->selectors();
  r.Array(static_cast<int64_t>(sels.size() - 1));
  for (size_t i = 1; i < sels.size(); ++i) {
    r.Map(3);
    ReplySelector(r, sels[i]);
  }
}

void AclSetUser(CommandContext& cx) {
  // Rules carry passwords: nothing of them reaches MONITOR or the slow log.
  cx.client.redact_mask = ~0ULL << 2;
  std::string_view name = cx.args[2];
  if (security::HasSpaces(name))
    return cx.reply.Error("ERR Usernames can't contain spaces or null characters");
  std::vector<std::string> ops(cx.args.begin() + 3, cx.args.end());
  PrepareAclStore(cx.server);
  security::AclStore::Revoked revoked;
  util::Status st = cx.server.security.acl.SetUser(name, ops, &revoked);
  if (!st.ok()) return cx.reply.Error(st.message());
  DisconnectRevoked(cx.server, revoked);
  EnforceAclOnClients(cx.server);
  SyncUserLines(cx.server);
  // The user's name only: the rules may carry passwords.
  cx.server.security.Audit(security::AuditEvent::kAclSetUser, cx.client, cx.cmd.full_name, {},
                           name);
  cx.reply.Ok();
}

void AclDelUser(CommandContext& cx) {
  for (size_t i = 2; i < cx.argc(); ++i) {
    if (cx.args[i] == "default") return cx.reply.Error("ERR The 'default' user cannot be removed");
  }
  security::AclStore::Revoked revoked;
  int64_t deleted = 0;
  for (size_t i = 2; i < cx.argc(); ++i) {
    if (!cx.server.security.acl.DelUser(cx.args[i], &revoked)) continue;
    ++deleted;
    cx.server.security.Audit(security::AuditEvent::kAclDelUser, cx.client, cx.cmd.full_name, {},
                             cx.args[i]);
  }
  DisconnectRevoked(cx.server, revoked);
  EnforceAclOnClients(cx.server);
  SyncUserLines(cx.server);
  cx.reply.Integer(deleted);
}

void AclDryRun(CommandContext& cx) {
  const security::AclUser* u = cx.server.security.acl.Find(cx.args[2]);
  if (u == nullptr) return cx.reply.Error("ERR User '" + std::string(cx.args[2]) + "' not found");
  std::span<const std::string_view> args = cx.args.subspan(3);
  const CommandSpec* cmd = CommandTable::Get().Lookup(args[0]);
  if (cmd != nullptr && !cmd->subcommands.empty() && args.size() >= 2) {
    cmd = CommandTable::LookupSub(*cmd, args[1]);
  }
  if (cmd == nullptr) {
    return cx.reply.Error("ERR Command '" + std::string(args[0]) + "' not found");
  }
  int n = static_cast<int>(args.size());
  if ((cmd->arity > 0 && cmd->arity != n) || n < -cmd->arity)
    return ReplyWrongArity(cx.reply, *cmd);
  VectorKeySource keys(*cmd, args);
  int idx = 0;
  security::AclDenial d = u->Check(cmd->id, args, &keys, nullptr, &idx);
  switch (d) {
    case security::AclDenial::kNone:
      return cx.reply.Ok();
    case security::AclDenial::kKey:
      return cx.reply.Bulk("This user has no permissions to access the '" + std::string(args[idx]) +
                           "' key");
    case security::AclDenial::kChannel:
      return cx.reply.Bulk("This user has no permissions to access the '" + std::string(args[idx]) +
                           "' channel");
    default:
      return cx.reply.Bulk("This user has no permissions to run the '" +
                           std::string(cmd->full_name) + "' command");
  }
}

void AclGenPass(CommandContext& cx) {
  if (cx.argc() > 3) return ReplySubcommandSyntax(cx);
  int64_t bits = 256;
  if (cx.argc() == 3 && !util::ParseInt64(cx.args[2], &bits)) {
    return cx.reply.Error(errors::kNotInteger);
  }
  if (bits <= 0 || bits > 4096) {
    return cx.reply.Error(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a "
        "positive number up to 4096");
  }
  size_t chars = static_cast<size_t>((bits + 3) / 4);
  std::string hex = util::RandomHex((chars + 1) / 2);
  hex.resize(chars);
  cx.reply.Bulk(hex);
}

void AclLogCmd(CommandContext& cx) {
  if (cx.argc() > 3) return ReplySubcommandSyntax(cx);
  int64_t count = 10;
  if (cx.argc() == 3) {
    if (util::EqualsIgnoreCase(cx.args[2], "RESET")) {
      cx.server.security.acl.log.Reset();
      return cx.reply.Ok();
    }
    if (!util::ParseInt64(cx.args[2], &count)) return cx.reply.Error(errors::kNotInteger);
    if (count < 0) count = 0;
  }
  const auto& entries = cx.server.security.acl.log.entries();
  int64_t n = std::min<int64_t>(count, static_cast<int64_t>(entries.size()));
  protocol::ReplyBuilder& r = cx.reply;
  r.Array(n);
  int64_t now = cx.now_ms();
  for (int64_t i = 0; i < n; ++i) {
    const security::AclLogEntry& e = entries[static_cast<size_t>(i)];
    r.Map(10);
    r.Bulk("count");
    r.Integer(static_cast<int64_t>(e.count));
    r.Bulk("reason");
    r.Bulk(security::AclDenialName(e.reason));
    r.Bulk("context");
    r.Bulk(security::AclContextName(e.context));
    r.Bulk("object");
    r.Bulk(e.object);
    r.Bulk("username");
    r.Bulk(e.username);
    r.Bulk("age-seconds");
    r.Double(static_cast<double>(now - e.updated_ms) / 1000.0);
    r.Bulk("client-info");
    r.Bulk(e.client_info);
    r.Bulk("entry-id");
    r.Integer(static_cast<int64_t>(e.entry_id));
    r.Bulk("timestamp-created");
    r.Integer(e.created_ms);
    r.Bulk("timestamp-last-updated");
    r.Integer(e.updated_ms);
  }
}

void AclSave(CommandContext& cx) {
  const std::string& path = cx.server.cfg->aclfile;
  if (path.empty()) return cx.reply.Error(kNoAclFile);
  util::Status st = cx.server.security.acl.SaveFile(path);
  if (!st.ok()) {
    LOG_WARNING("Saving the ACL file %s: %s", path.c_str(), st.message().c_str());
    return cx.reply.Error(
        "ERR There was an error trying to save the ACLs. Please check the server logs for more "
        "information");
  }
  cx.server.security.Audit(security::AuditEvent::kAclSave, cx.client, cx.cmd.full_name);
  cx.reply.Ok();
}

void AclLoad(CommandContext& cx) {
  const std::string& path = cx.server.cfg->aclfile;
  if (path.empty()) return cx.reply.Error(kNoAclFile);
  PrepareAclStore(cx.server);
  security::AclStore::Revoked revoked;
  util::Status st = cx.server.security.acl.LoadFile(path, &revoked);
  if (!st.ok()) return cx.reply.Error("ERR " + st.message());
  DisconnectRevoked(cx.server, revoked);
  EnforceAclOnClients(cx.server);
  cx.server.security.Audit(security::AuditEvent::kAclLoad, cx.client, cx.cmd.full_name);
  cx.reply.Ok();
}

constexpr const char* kAclHelp[] = {
    "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CAT [<category>]",
    "    List all commands that belong to <category>, or all command categories",
    "    when no category is specified.",
    "DELUSER <username> [<username> ...]",
    "    Delete a list of users.",
    "DRYRUN <username> <command> [<arg> ...]",
    "    Returns whether the user can execute the given command without executing the command.",
    "GETUSER <username>",
    "    Get the user's details.",
    "GENPASS [<bits>]",
    "    Generate a secure 256-bit user password. The optional `bits` argument can",
    "    be used to specify a different size.",
    "LIST",
    "    Show users details in config file format.",
    "LOAD",
    "    Reload users from the ACL file.",
    "LOG [<count> | RESET]",
    "    Show the ACL log entries.",
    "SAVE",
    "    Save the current config to the ACL file.",
    "SETUSER <username> <attribute> [<attribute> ...]",
    "    Create or modify a user with the specified attributes.",
    "USERS",
    "    List all the registered usernames.",
    "WHOAMI",
    "    Return the current connection username.",
    "HELP",
    "    Prints this help.",
};

void AclHelp(CommandContext& cx) {
  cx.reply.Array(std::size(kAclHelp));
  for (const char* line : kAclHelp) cx.reply.SimpleString(line);
}

}  // namespace

void RegisterAclFamily(CommandTable& t) {
  const char* g = "server";
  constexpr uint64_t kBase = flag::kNoscript | flag::kLoading | flag::kStale;
  constexpr uint64_t kAdmin = flag::kAdmin | kBase;
  auto sub = [g](const char* name, int arity, uint64_t flags, Handler h, const char* summary,
                 const char* since) {
    return CommandSpec{.name = name,
                       .arity = arity,
                       .flags = flags,
                       .handler = h,
                       .group = g,
                       .summary = summary,
                       .since = since};
  };
  t.Register({
      {.name = "acl",
       .arity = -2,
       .subcommands =
           {
               sub("cat", -2, kBase, AclCat,
                   "List the ACL categories or the commands inside a category", "6.0.0"),
               sub("deluser", -3, kAdmin, AclDelUser,
                   "Remove the specified ACL users and the associated rules", "6.0.0"),
               sub("dryrun", -4, kAdmin, AclDryRun,
                   "Returns whether the user can execute the given command without executing the "
                   "command.",
                   "7.0.0"),
               sub("genpass", -2, kBase, AclGenPass,
                   "Generate a pseudorandom secure password to use for ACL users", "6.0.0"),
               sub("getuser", 3, kAdmin, AclGetUser, "Get the rules for a specific ACL user",
                   "6.0.0"),
               sub("list", 2, kAdmin, AclList,
                   "List the current ACL rules in ACL config file format", "6.0.0"),
               sub("load", 2, kAdmin, AclLoad, "Reload the ACLs from the configured ACL file",
                   "6.0.0"),
               sub("log", -2, kAdmin, AclLogCmd,
                   "List latest events denied because of ACLs in place", "6.0.0"),
               sub("save", 2, kAdmin, AclSave,
                   "Save the current ACL rules in the configured ACL file", "6.0.0"),
               sub("setuser", -3, kAdmin, AclSetUser,
                   "Modify or create the rules for a specific ACL user", "6.0.0"),
               sub("users", 2, kAdmin, AclUsers,
                   "List the username of all the configured ACL rules", "6.0.0"),
               sub("whoami", 2, kBase, AclWhoami,
                   "Return the name of the user associated to the current connection", "6.0.0"),
               sub("help", 2, flag::kLoading | flag::kStale, AclHelp,
                   "Show helpful text about the different subcommands", "6.0.0"),
           },
       .group = g,
       .summary = "A container for Access List Control commands",
       .since = "6.0.0"},
  });
}

}  // namespace redoubt::commands
