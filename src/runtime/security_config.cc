#include "runtime/security_config.h"

#include <span>
#include <string>
#include <utility>

#include "security/cidr.h"

namespace redoubt::commands {

void ApplyAuthThrottle(ServerState& server, const config::ServerConfig& cfg) {
  server.security.auth_throttle.SetOptions(
      {.max_failures = cfg.auth_max_failures,
       .window_ms = static_cast<int64_t>(cfg.auth_failure_window) * 1000,
       .backoff_base_ms = cfg.auth_backoff_base_ms,
       .backoff_max_ms = cfg.auth_backoff_max_ms,
       .exempt_loopback = cfg.auth_throttle_exempt_loopback,
       .max_addresses = static_cast<size_t>(cfg.auth_throttle_max_addresses)});
}

void InstallSecurityConfigHooks(ServerState& server) {
  ApplyAuthThrottle(server, *server.cfg);
  // requirepass is the default user's password, as in Redis: "resetpass" then ">pass", or
  // "nopass" when empty. Clients already authenticated stay so.
  server.config->OnChange("requirepass", [&server](const config::ServerConfig& cfg) {
    server.security.acl.SetDefaultPassword(cfg.requirepass);
    return util::Status::Ok();
  });
  server.config->OnChange(
      {"auth-max-failures", "auth-failure-window", "auth-backoff-base-ms", "auth-backoff-max-ms",
       "auth-throttle-exempt-loopback", "auth-throttle-max-addresses"},
      [&server](const config::ServerConfig& cfg) {
        ApplyAuthThrottle(server, cfg);
        return util::Status::Ok();
      });
  server.config->OnChange("allow-from", [&server](const config::ServerConfig& cfg) {
    auto list = security::CidrList::Parse(std::span<const std::string>(cfg.allow_from));
    if (!list.ok()) return list.status();
    server.security.allow_from = std::move(*list);
    return util::Status::Ok();
  });
  server.config->OnChange("audit-log", [&server](const config::ServerConfig& cfg) {
    return server.security.audit.Open(cfg.audit_log);
  });
}

}  // namespace redoubt::commands
