// CONFIG and its subcommands over the config table (config::Config): GET with redaction of
// secrets, atomic multi-directive SET, RESETSTAT and REWRITE.

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"
#include "util/log.h"
#include "util/memory.h"

namespace redoubt::commands {

namespace {

// Whether the client may see secrets (requirepass, masterauth, TLS key passwords) in CONFIG
// GET. Redis shows them to anyone allowed to run CONFIG GET; Redoubt only to administrators:
// users whose root selector allows every command, or at least every @admin command. Internal
// sessions (no ACL user) see them redacted too.
bool MayRevealSecrets(const CommandContext& cx) {
  const security::AclUser* u = cx.client.acl_user;
  return u != nullptr && u->IsAdmin(cx.server.security.acl.catalog());
}

void ConfigGet(CommandContext& cx) {
  auto values = cx.server.config->Get(cx.args.subspan(2), MayRevealSecrets(cx));
  cx.reply.Map(static_cast<int64_t>(values.size()));
  for (const auto& [name, value] : values) {
    cx.reply.Bulk(name);
    cx.reply.Bulk(value);
  }
}

void ConfigSet(CommandContext& cx) {
  if ((cx.argc() - 2) % 2 != 0) return cx.reply.Error(errors::kSyntax);
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (size_t i = 2; i + 1 < cx.argc(); i += 2) {
    pairs.emplace_back(cx.args[i], cx.args[i + 1]);
    // Secrets never reach MONITOR or the slow log, whatever happens to the command.
    const config::ConfigDef* def = config::Config::Find(cx.args[i]);
    if (def != nullptr && def->Has(config::flag::kSensitive)) {
      cx.client.redact_mask |= 1ULL << std::min<size_t>(i + 1, 63);
    }
  }
  config::SetOptions options;
  options.local_client = !(cx.client.flags & client_flag::kProtected);
  util::Status st = cx.server.config->Set(pairs, options);
  if (!st.ok()) return cx.reply.Error(st.message());
  if (cx.server.security.audit.enabled()) {
    std::vector<std::string_view> names;  // names only: values may be secrets
    for (const auto& [name, value] : pairs) names.push_back(name);
    cx.server.security.Audit(security::AuditEvent::kConfigSet, cx.client, cx.cmd.full_name, {}, {},
                             names);
  }
  cx.reply.Ok();
}

void ConfigResetStat(CommandContext& cx) {
  cx.server.stats = ServerStats{};
  std::fill(cx.server.command_stats.begin(), cx.server.command_stats.end(), CommandStats{});
  cx.server.latency.ResetCommands();
  cx.server.error_stats.clear();
  util::ResetPeakMemory();
  cx.reply.Ok();
}

void ConfigRewrite(CommandContext& cx) {
  std::string path = cx.server.config_file;
  if (path.empty()) path = cx.server.config->config_file();
  if (path.empty()) return cx.reply.Error("ERR The server is running without a config file");
  util::Status st = cx.server.config->Rewrite(path);
  if (!st.ok()) {
    LOG_WARNING("CONFIG-REWRITE failed: %s", st.message().c_str());
    return cx.reply.Error(st.message());
  }
  LOG_NOTICE("CONFIG REWRITE executed with success.");
  cx.server.security.Audit(security::AuditEvent::kConfigRewrite, cx.client, cx.cmd.full_name);
  cx.reply.Ok();
}

constexpr const char* kConfigHelp[] = {
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help.",
};

void ConfigHelp(CommandContext& cx) {
  cx.reply.Array(std::size(kConfigHelp));
  for (const char* line : kConfigHelp) cx.reply.SimpleString(line);
}

}  // namespace

void RegisterConfigFamily(CommandTable& t) {
  const char* g = "server";
  constexpr uint64_t kAdminFlags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale;
  t.Register({
      {.name = "config",
       .arity = -2,
       .subcommands =
           {
               {.name = "get",
                .arity = -3,
                .flags = kAdminFlags,
                .handler = ConfigGet,
                .group = g,
                .summary = "Get the values of configuration parameters",
                .since = "2.0.0"},
               {.name = "set",
                .arity = -4,
                .flags = kAdminFlags,
                .handler = ConfigSet,
                .group = g,
                .summary = "Set configuration parameters to the given values",
                .since = "2.0.0"},
               {.name = "resetstat",
                .arity = 2,
                .flags = kAdminFlags,
                .handler = ConfigResetStat,
                .group = g,
                .summary = "Reset the stats returned by INFO",
                .since = "2.0.0"},
               {.name = "rewrite",
                .arity = 2,
                .flags = kAdminFlags,
                .handler = ConfigRewrite,
                .group = g,
                .summary = "Rewrite the configuration file with the in memory configuration",
                .since = "2.8.0"},
               {.name = "help",
                .arity = 2,
                .flags = flag::kLoading | flag::kStale,
                .handler = ConfigHelp,
                .group = g,
                .summary = "Show helpful text about the different subcommands",
                .since = "5.0.0"},
           },
       .group = g,
       .summary = "A container for server configuration commands",
       .since = "2.0.0"},
  });
}

}  // namespace redoubt::commands
