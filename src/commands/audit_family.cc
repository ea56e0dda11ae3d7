// AUDIT [JSON]: the hardening checks of `redoubt-server --audit`, run against the live
// configuration and users, so an operator can verify a running instance (Redoubt only).
#include "commands/audit_family.h"

#include <unistd.h>

#include "runtime/command_table.h"
#include "util/string_util.h"

namespace redoubt::commands {

security::AuditInput BuildAuditInput(ServerState& server, const std::string& config_file) {
  security::AuditInput in{
      .cfg = server.cfg, .config_file = config_file, .running_as_root = geteuid() == 0};
  const CommandTable& table = CommandTable::Get();
  for (const auto& [name, user] : server.security.acl.users()) {
    security::AuditUser u{.name = name,
                          .enabled = user->enabled(),
                          .nopass = user->nopass(),
                          .all_commands = user->root().allcommands()};
    for (const std::string& cmd : security::DangerousCommands()) {
      // Disabled by rename-command: nobody can run it under any name.
      const CommandSpec* spec = table.LookupListed(cmd);
      if (spec != nullptr && user->root().CommandAllowed(spec->id)) u.dangerous.push_back(cmd);
    }
    for (const std::string& cmd : security::ScriptingCommands()) {
      const CommandSpec* spec = table.LookupListed(cmd);
      if (spec != nullptr && user->root().CommandAllowed(spec->id)) u.scripting = true;
    }
    in.users.push_back(std::move(u));
  }
  return in;
}

namespace {

void Audit(CommandContext& cx) {
  bool json = false;
  if (cx.argc() == 2) {
    if (!util::EqualsIgnoreCase(cx.args[1], "JSON")) return cx.reply.Error("ERR syntax error");
    json = true;
  }
  auto findings = security::RunAudit(BuildAuditInput(cx.server, cx.server.config_file));
  cx.reply.Verbatim(json ? security::FormatAuditJson(findings) : security::FormatAudit(findings));
}

}  // namespace

void RegisterAuditFamily(CommandTable& t) {
  t.Register({
      {.name = "audit",
       .arity = -1,
       .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale,
       .handler = Audit,
       .group = "server",
       .summary = "Run the hardening audit against the running server (Redoubt)",
       .since = "7.0.0"},
  });
}

}  // namespace redoubt::commands
