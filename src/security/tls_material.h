// The TLS material `redoubt-server --init --tls` makes with OpenSSL's library: a private CA,
// a server certificate for the loopback names (and any others asked for), and a client
// certificate whose CN names an ACL user, all as PEM text ready to be written to files.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace redoubt::security {

struct TlsMaterialOptions {
  // Subject alternative names beyond localhost, 127.0.0.1 and ::1: IP addresses (v4 or v6)
  // become IP entries, anything else a DNS entry.
  std::vector<std::string> extra_server_names = {};
  std::string client_cn = "admin";
  int ca_days = 3650;
  int leaf_days = 825;
};

struct TlsMaterial {
  std::string ca_cert;
  std::string ca_key;
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
};

// Validates one --tls-san value: an IPv4/IPv6 address or a DNS name (letters, digits, '-',
// '.', a leading "*." wildcard), at most 253 characters.
util::Status CheckServerName(const std::string& name);

// ECDSA P-256 keys, SHA-256 signatures, random 159-bit serials. The server certificate may
// only serve (extendedKeyUsage serverAuth) and the client one only log in (clientAuth), so
// neither can stand in for the other with a server that trusts this CA.
util::StatusOr<TlsMaterial> MakeTlsMaterial(const TlsMaterialOptions& options);

}  // namespace redoubt::security
