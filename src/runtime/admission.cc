#include "runtime/admission.h"

#include <string_view>

#include "protocol/errors.h"
#include "security/cidr.h"

namespace redoubt::commands {

namespace {

// Redoubt's wording of Redis's protected-mode refusal; clients only look at the DENIED prefix.
constexpr std::string_view kDeniedMessage =
    "-DENIED Redoubt is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redoubt you may "
    "adopt one of the following solutions: 1) Set up an authentication password for the "
    "default user (requirepass, or an ACL user) and connect with it; this is the recommended "
    "way. 2) Disable protected mode by sending the command 'CONFIG SET protected-mode no' from "
    "the loopback interface, but MAKE SURE the server is not publicly accessible from the "
    "internet if you do so; use CONFIG REWRITE to make the change permanent. 3) Disable "
    "protected mode in the configuration file ('protected-mode no') and restart the server. "
    "NOTE: You only need to do one of the above things in order for the server to start "
    "accepting connections from the outside.\r\n";

}  // namespace

bool DefaultUserIsOpen(const ServerState& state) {
  const security::AclUser& d = state.security.acl.default_user();
  return d.nopass() && d.enabled();
}

std::string AdmitConnection(ServerState& state, size_t open_clients, const ConnectionInfo& conn) {
  if (static_cast<int64_t>(open_clients) >= state.cfg->maxclients) {
    ++state.stats.rejected_connections;
    return "-" + std::string(errors::kMaxClients) + "\r\n";
  }
  if (state.cfg->protected_mode && DefaultUserIsOpen(state) && !conn.loopback) {
    ++state.stats.protected_mode_denied;
    ++state.stats.rejected_connections;
    return std::string(kDeniedMessage);
  }
  // allow-from: networks outside the list are refused whatever the password.
  if (!state.security.allow_from.AllowsClient(conn.addr, conn.unix_socket)) {
    ++state.stats.rejected_connections;
    ++state.security.allow_from_rejected;
    if (state.security.audit.enabled()) {
      security::AuditRecord r{.event = security::AuditEvent::kConnectionRefused,
                              .addr = conn.addr,
                              .reason = "allow-from"};
      state.security.audit.Write(r, state.clock.now_ms);
    }
    return "-" + std::string(security::kAllowFromRefused) + "\r\n";
  }
  return {};
}

}  // namespace redoubt::commands
