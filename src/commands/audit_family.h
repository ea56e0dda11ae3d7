// The hardening audit over live state: the facts about users and commands that
// security/audit_check.h needs, shared by `redoubt-server --audit` and the AUDIT command.
#pragma once

#include <string>

#include "runtime/server_state.h"
#include "security/audit_check.h"

namespace redoubt::commands {

security::AuditInput BuildAuditInput(ServerState& server, const std::string& config_file);

}  // namespace redoubt::commands
