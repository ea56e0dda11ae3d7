// What the server layer knows about TLS, for INFO and CLIENT LIST (filled by server/tls_server.cc;
// all zero while TLS is off).
#pragma once

#include <cstdint>
#include <string>

namespace redoubt::commands {

struct TlsStatus {
  int port = 0;  // the TLS port actually bound, 0 = none
  uint64_t connections_received = 0;
  uint64_t handshake_failures = 0;
  uint64_t plaintext_rejected = 0;    // plain-text clients on the TLS port
  uint64_t cert_identity_logins = 0;  // tls-auth-clients-user logins
  uint64_t reloads = 0;
  uint64_t reload_failures = 0;
  std::string server_cert_serial;
  int64_t server_cert_expire_time = 0;  // unix seconds
  std::string ca_cert_serial;
  int64_t ca_cert_expire_time = 0;
  int64_t last_reload_time = 0;  // unix seconds
};

}  // namespace redoubt::commands
