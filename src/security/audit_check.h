// `redoubt-server --audit`: every step of the hardening guides as a check on the loaded
// configuration (and the users it defines), each PASS, WARN or FAIL with the fix.
#pragma once

#include <string>
#include <vector>

#include "config/server_config.h"

namespace redoubt::security {

// What the audit needs to know about one ACL user (filled from the ACL store).
struct AuditUser {
  std::string name;
  bool enabled = false;
  bool nopass = false;
  bool all_commands = false;
  std::vector<std::string> dangerous = {};  // dangerous commands this user may run
  bool scripting = false;                   // may run Lua (EVAL*, FCALL*)
};

struct AuditInput {
  const config::ServerConfig* cfg = nullptr;
  std::string config_file = {};
  bool running_as_root = false;
  std::vector<AuditUser> users = {};
};

struct AuditFinding {
  enum class Level { kPass, kWarn, kFail };
  Level level;
  std::string check;   // short id, e.g. "bind"
  std::string detail;  // what was found
  std::string fix;     // what to change (empty on PASS)
};

// The commands the hardening guides call dangerous, in the order they list them.
const std::vector<std::string>& DangerousCommands();
// The commands that run Lua code a client sends or chooses.
const std::vector<std::string>& ScriptingCommands();

std::vector<AuditFinding> RunAudit(const AuditInput& in);
// Human form: one line per finding, then "score: N/M checks passed, F failed".
std::string FormatAudit(const std::vector<AuditFinding>& findings);
std::string FormatAuditJson(const std::vector<AuditFinding>& findings);
bool AuditFailed(const std::vector<AuditFinding>& findings);

}  // namespace redoubt::security
