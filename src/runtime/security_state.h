// The security part of ServerState: ACL users and log, and beyond Redis the AUTH
// brute-force throttle, the allow-from network list checked at accept, and the audit trail.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "runtime/acl.h"
#include "runtime/client.h"
#include "security/audit_log.h"
#include "security/auth_throttle.h"
#include "security/cidr.h"
#include "store/db.h"

namespace redoubt::commands {

struct SecurityState {
  explicit SecurityState(const store::Clock* clock) : clock_(clock) {}

  security::AclStore acl{AclCatalog()};  // users, rules, ACL LOG
  security::AuthThrottle auth_throttle;
  security::CidrList allow_from;
  security::AuditLog audit;
  uint64_t allow_from_rejected = 0;
  int64_t last_security_warning_ms = 0;  // the cross-protocol warning is logged once a minute

  // Writes one audit record for the client (no-op when audit-log is off).
  void Audit(security::AuditEvent event, const Client& c, std::string_view command,
             std::string_view reason = {}, std::string_view object = {},
             std::span<const std::string_view> params = {});

 private:
  const store::Clock* clock_;
};

}  // namespace redoubt::commands
