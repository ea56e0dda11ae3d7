#include "security/audit_check.h"

#include <sys/stat.h>

#include <algorithm>
#include <string_view>

#include "security/hardening.h"
#include "util/safe_file.h"

namespace redoubt::security {

namespace {

using Level = AuditFinding::Level;

bool IsLoopback(std::string_view a) {
  if (!a.empty() && a[0] == '-') a.remove_prefix(1);
  return a == "::1" || a.rfind("127.", 0) == 0 || a == "localhost";
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

const AuditUser* FindUser(const AuditInput& in, std::string_view name) {
  for (const AuditUser& u : in.users) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

class Auditor {
 public:
  explicit Auditor(const AuditInput& in) : in_(in), cfg_(*in.cfg) {}

  std::vector<AuditFinding> Run() {
    CheckBind();
    CheckProtectedMode();
    CheckDefaultUser();
    CheckPasswordStrength();
    CheckAdmins();
    CheckDangerousCommands();
    CheckTls();
    CheckRunningUser();
    CheckFilePermissions();
    CheckMaxmemory();
    CheckPersistencePaths();
    CheckProtectedConfigs();
    CheckAuditLog();
    CheckScripting();
    CheckReplication();
    return std::move(out_);
  }

 private:
  void Add(Level l, std::string check, std::string detail, std::string fix = {}) {
    out_.push_back({l, std::move(check), std::move(detail), std::move(fix)});
  }

  bool PublicBind() const {
    return cfg_.port != 0 && std::any_of(cfg_.bind.begin(), cfg_.bind.end(),
                                         [](const std::string& a) { return !IsLoopback(a); });
  }
  bool TlsBind() const {
    return cfg_.tls_port != 0 && std::any_of(cfg_.bind.begin(), cfg_.bind.end(),
                                             [](const std::string& a) { return !IsLoopback(a); });
  }
  bool DefaultOpen() const {
    const AuditUser* d = FindUser(in_, "default");
    if (d != nullptr) return d->enabled && d->nopass;
    return cfg_.requirepass.empty();
  }

  void CheckBind() {
    if (!PublicBind() && !TlsBind()) {
      return Add(Level::kPass, "bind", "listens on loopback only (" + Join(cfg_.bind) + ")");
    }
    if (DefaultOpen()) {
      return Add(Level::kFail, "bind",
                 "listens on a non-loopback address (" + Join(cfg_.bind) +
                     ") while the default user needs no password",
                 "bind 127.0.0.1 -::1, or set requirepass / an ACL file with 'user default off'");
    }
    Add(Level::kPass, "bind", "non-loopback bind (" + Join(cfg_.bind) + ") requires a password");
  }

  void CheckProtectedMode() {
    if (cfg_.protected_mode) return Add(Level::kPass, "protected-mode", "protected-mode yes");
    Add(DefaultOpen() ? Level::kFail : Level::kWarn, "protected-mode", "protected-mode is off",
        "protected-mode yes");
  }

  void CheckDefaultUser() {
    const AuditUser* d = FindUser(in_, "default");
    if (d != nullptr && !d->enabled) {
      return Add(Level::kPass, "default-user", "the default user is off");
    }
    if (DefaultOpen()) {
      return Add(Level::kFail, "default-user",
                 "the default user is on with nopass: anyone who connects has its rights",
                 "requirepass <48+ random bytes>, or 'user default off' in the ACL file");
    }
    Add(Level::kPass, "default-user", "the default user needs a password");
  }

  void CheckPasswordStrength() {
    if (cfg_.requirepass.empty()) return;
    if (cfg_.requirepass.size() < 32) {
      return Add(Level::kWarn, "password-strength",
                 "requirepass is " + std::to_string(cfg_.requirepass.size()) +
                     " characters long; short passwords fall to brute force",
                 "requirepass $(openssl rand -base64 48)");
    }
    Add(Level::kPass, "password-strength", "requirepass is at least 32 characters long");
  }

  void CheckAdmins() {
    std::vector<std::string> admins;
    for (const AuditUser& u : in_.users) {
      if (u.enabled && u.all_commands) admins.push_back(u.name);
    }
    if (admins.size() <= 1) {
      return Add(Level::kPass, "admin-users",
                 admins.empty() ? "no enabled user has allcommands"
                                : "one user has allcommands: " + admins[0]);
    }
    Add(Level::kWarn, "admin-users", "several users have allcommands: " + Join(admins),
        "keep allcommands for one admin user; give applications only the categories they use");
  }

  void CheckDangerousCommands() {
    std::vector<std::string> exposed;
    for (const AuditUser& u : in_.users) {
      if (!u.enabled || u.all_commands || u.dangerous.empty()) continue;
      exposed.push_back(u.name + " (" + Join(u.dangerous) + ")");
    }
    const AuditUser* d = FindUser(in_, "default");
    if (d != nullptr && d->enabled && d->all_commands && in_.users.size() > 1) {
      exposed.push_back("default (allcommands)");
    }
    if (exposed.empty()) {
      return Add(Level::kPass, "dangerous-commands",
                 "no non-admin user can run " + Join(DangerousCommands()));
    }
    std::string detail = "non-admin users can run dangerous commands: ";
    for (size_t i = 0; i < exposed.size(); ++i) detail += (i ? "; " : "") + exposed[i];
    Add(Level::kWarn, "dangerous-commands", detail,
        "-@dangerous (or -flushall -flushdb -keys -config -debug -shutdown -replicaof) for "
        "those users, or rename-command X \"\"");
  }

  void CheckTls() {
    if (cfg_.tls_port != 0) {
      std::string p = cfg_.tls_protocols;
      bool old = p.find("TLSv1 ") != std::string::npos || p.find("TLSv1.1") != std::string::npos ||
                 p == "TLSv1";
      if (old) {
        Add(Level::kFail, "tls-protocols", "tls-protocols allows TLSv1.0/1.1: " + p,
            "tls-protocols \"TLSv1.2 TLSv1.3\"");
      } else {
        Add(Level::kPass, "tls-protocols", "only TLSv1.2 and TLSv1.3");
      }
      CheckTlsKeyFile();
      if (cfg_.tls_auth_clients == config::kTlsAuthNo) {
        Add(Level::kWarn, "tls-auth-clients",
            "tls-auth-clients no: any client can connect without a certificate",
            "tls-auth-clients yes with tls-ca-cert-file");
      } else {
        Add(Level::kPass, "tls-auth-clients", "client certificates are checked");
      }
    }
    if (!PublicBind()) {
      return Add(Level::kPass, "tls",
                 cfg_.tls_port != 0 ? "plain-text port is off or loopback only; TLS on"
                                    : "no plain-text port on a non-loopback address");
    }
    Add(Level::kWarn, "tls",
        "plain-text port " + std::to_string(cfg_.port) + " is reachable from the network",
        "port 0, tls-port 6380 with tls-cert-file, tls-key-file, tls-ca-cert-file and "
        "tls-auth-clients yes");
  }

  // The TLS private key must be readable by its owner only.
  void CheckTlsKeyFile() {
    struct stat st {};
    if (cfg_.tls_key_file.empty() || stat(cfg_.tls_key_file.c_str(), &st) != 0) return;
    if ((st.st_mode & 077) != 0) {
      return Add(Level::kFail, "tls-key-file",
                 "tls-key-file " + cfg_.tls_key_file + " is readable by group/others",
                 "chmod 600 " + cfg_.tls_key_file);
    }
    Add(Level::kPass, "tls-key-file", "tls-key-file is readable by its owner only");
  }

  void CheckRunningUser() {
    if (!in_.running_as_root || !cfg_.run_as_user.empty()) {
      return Add(Level::kPass, "running-user",
                 cfg_.run_as_user.empty() ? "not running as root"
                                          : "drops root for run-as-user " + cfg_.run_as_user);
    }
    Add(Level::kFail, "running-user", "runs as root with no run-as-user",
        "run-as-user redoubt (or the systemd unit's User=redoubt)");
  }

  void CheckFilePermissions() {
    std::vector<std::string> warnings = PermissionWarnings(in_.config_file, cfg_);
    if (!cfg_.aclfile.empty() && !CheckAclFileSafe(cfg_.aclfile).ok()) {
      Add(Level::kFail, "file-permissions", "ACL file " + cfg_.aclfile + " is world-writable",
          "chmod 640 " + cfg_.aclfile);
    }
    struct stat st;
    const bool dir_open =
        stat(cfg_.dir.c_str(), &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    if (dir_open) {
      Add(Level::kFail, "file-permissions",
          "data dir " + cfg_.dir + " is writable by group or others: the server refuses to start",
          "chmod 750 " + cfg_.dir);
    }
    if (warnings.empty() && !dir_open) {
      return Add(Level::kPass, "file-permissions", "config, ACL file and data dir are private");
    }
    for (const std::string& w : warnings)
      Add(Level::kWarn, "file-permissions", w, w.substr(w.rfind("run ") + 4));
  }

  void CheckMaxmemory() {
    if (cfg_.maxmemory == 0) {
      return Add(Level::kWarn, "maxmemory", "no memory limit: the server can take the machine",
                 "maxmemory 512mb and maxmemory-policy allkeys-lru (cache) or noeviction");
    }
    Add(Level::kPass, "maxmemory",
        "maxmemory " + std::to_string(cfg_.maxmemory) + " with " + cfg_.maxmemory_policy);
  }

  void CheckPersistencePaths() {
    bool bare = cfg_.dbfilename.find('/') == std::string::npos &&
                cfg_.appendfilename.find('/') == std::string::npos;
    if (!bare) {
      return Add(Level::kFail, "persistence-paths", "dbfilename/appendfilename contain a path",
                 "dbfilename dump.rdb, appendfilename appendonly.aof; set the directory with dir");
    }
    std::string_view dir = cfg_.dir;
    if (dir.rfind("/tmp", 0) == 0 || dir.rfind("/var/tmp", 0) == 0 || dir == "./") {
      return Add(Level::kWarn, "persistence-paths", "data dir is " + cfg_.dir,
                 "dir /var/lib/redoubt (owned by the server's user, mode 750)");
    }
    Add(Level::kPass, "persistence-paths", "data dir " + cfg_.dir + ", bare file names");
  }

  void CheckProtectedConfigs() {
    std::vector<std::string> open;
    if (cfg_.enable_protected_configs == config::kAllowYes)
      open.push_back("enable-protected-configs");
    if (cfg_.enable_debug_command == config::kAllowYes) open.push_back("enable-debug-command");
    if (cfg_.enable_module_command == config::kAllowYes) open.push_back("enable-module-command");
    if (open.empty()) {
      return Add(Level::kPass, "protected-configs",
                 "protected configs, DEBUG and MODULE are not open to remote clients");
    }
    Add(Level::kWarn, "protected-configs", Join(open) + " set to yes", "set them to no (or local)");
  }

  // A replica (replicaof set): writable, unauthenticated or over the network in clear.
  void CheckReplication() {
    if (cfg_.masterhost.empty()) return;
    std::string target = cfg_.masterhost + ":" + std::to_string(cfg_.masterport);
    if (cfg_.replica_read_only) {
      Add(Level::kPass, "replica-read-only", "the replica refuses writes");
    } else {
      Add(Level::kWarn, "replica-read-only",
          "a writable replica: its own writes make it drift from the primary and are lost at "
          "the next full sync",
          "replica-read-only yes");
    }
    if (cfg_.masterauth.empty()) {
      Add(Level::kWarn, "replication-auth", "replicates from " + target + " without a password",
          "give the primary a replication user (user replicator on >secret +psync +replconf "
          "+ping) and set masteruser and masterauth-file here");
    } else {
      Add(Level::kPass, "replication-auth", "the replica authenticates to its primary");
    }
    if (!IsLoopback(cfg_.masterhost)) {
      Add(Level::kWarn, "replication-tls",
          "the whole dataset crosses the network to " + target + " in clear",
          "keep the primary and its replicas on a private network or a tunnel (TLS for the "
          "replication link is not available yet)");
    }
  }

  void CheckAuditLog() {
    if (cfg_.audit_log.empty()) {
      return Add(Level::kWarn, "audit-log", "no audit trail of logins and admin commands",
                 "audit-log /var/lib/redoubt/audit.log");
    }
    Add(Level::kPass, "audit-log", "audit log at " + cfg_.audit_log);
  }

  // Scripting stays on by default (clients' locks and queues need it): report who can run
  // Lua, and warn when someone can without a password.
  void CheckScripting() {
    if (!cfg_.enable_scripting) {
      return Add(Level::kPass, "scripting",
                 "enable-scripting no: EVAL, FCALL and FUNCTION LOAD are refused");
    }
    std::vector<std::string> users, open;
    for (const AuditUser& u : in_.users) {
      if (!u.enabled || !u.scripting) continue;
      users.push_back(u.name);
      if (u.nopass) open.push_back(u.name);
    }
    std::string detail = "scripting is on (enable-scripting yes); ";
    if (users.empty()) return Add(Level::kPass, "scripting", detail + "no user can run Lua");
    detail += "users who can run EVAL/FCALL: " + Join(users);
    if (!open.empty()) {
      return Add(Level::kWarn, "scripting", detail + "; without a password: " + Join(open),
                 "enable-scripting no if no client runs Lua, or -@scripting for those users");
    }
    Add(Level::kPass, "scripting", detail);
  }

  const AuditInput& in_;
  const config::ServerConfig& cfg_;
  std::vector<AuditFinding> out_;
};

const char* LevelName(Level l) {
  switch (l) {
    case Level::kPass:
      return "PASS";
    case Level::kWarn:
      return "WARN";
    case Level::kFail:
      return "FAIL";
  }
  return "?";
}

void JsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      *out += buf;
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

}  // namespace

const std::vector<std::string>& DangerousCommands() {
  static const std::vector<std::string> kList = {
      "flushall", "flushdb", "keys", "config", "debug",        "shutdown", "replicaof",
      "slaveof",  "module",  "save", "bgsave", "bgrewriteaof", "monitor",  "acl"};
  return kList;
}

const std::vector<std::string>& ScriptingCommands() {
  static const std::vector<std::string> kList = {"eval",       "evalsha", "eval_ro",
                                                 "evalsha_ro", "fcall",   "fcall_ro"};
  return kList;
}

std::vector<AuditFinding> RunAudit(const AuditInput& in) { return Auditor(in).Run(); }

std::string FormatAudit(const std::vector<AuditFinding>& findings) {
  std::string out;
  int pass = 0, fail = 0;
  for (const AuditFinding& f : findings) {
    out += "[";
    out += LevelName(f.level);
    out += "] " + f.check + ": " + f.detail;
    if (!f.fix.empty()) out += "\n       fix: " + f.fix;
    out += "\n";
    pass += f.level == Level::kPass;
    fail += f.level == Level::kFail;
  }
  out += "score: " + std::to_string(pass) + "/" + std::to_string(findings.size()) +
         " checks passed, " + std::to_string(fail) + " failed\n";
  return out;
}

std::string FormatAuditJson(const std::vector<AuditFinding>& findings) {
  std::string out = "{\"checks\":[";
  int pass = 0, fail = 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    const AuditFinding& f = findings[i];
    if (i) out += ",";
    out += "{\"level\":";
    JsonString(LevelName(f.level), &out);
    out += ",\"check\":";
    JsonString(f.check, &out);
    out += ",\"detail\":";
    JsonString(f.detail, &out);
    out += ",\"fix\":";
    JsonString(f.fix, &out);
    out += "}";
    pass += f.level == Level::kPass;
    fail += f.level == Level::kFail;
  }
  out += "],\"passed\":" + std::to_string(pass) + ",\"failed\":" + std::to_string(fail) +
         ",\"total\":" + std::to_string(findings.size()) + "}\n";
  return out;
}

bool AuditFailed(const std::vector<AuditFinding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const AuditFinding& f) { return f.level == Level::kFail; });
}

}  // namespace redoubt::security
