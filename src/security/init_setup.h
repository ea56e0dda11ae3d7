// `redoubt-server --init DIR [--tls]`: the first-start set-up. Writes an ACL file that turns
// the default user off and holds an `admin` user with a generated password, and on request a
// private CA, server and client certificates and a config fragment that switches to TLS.
// Files are created, never overwritten, in a directory only their owner can write.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace redoubt::security {

inline constexpr std::string_view kInitAclFile = "users.acl";
inline constexpr std::string_view kInitPasswordFile = "admin.password";
inline constexpr std::string_view kInitTlsConf = "tls.conf";
inline constexpr std::string_view kInitAdminUser = "admin";

struct InitOptions {
  std::string dir;
  bool tls = false;
  std::vector<std::string> tls_sans = {};
  int port = 6379;      // for the printed redis-cli line
  int tls_port = 6380;  // written to tls.conf
};

// The whole command line of `redoubt-server --init DIR [--tls] [--tls-san NAME]...
// [--port N] [--tls-port N]` (without the program name), in any order.
util::StatusOr<InitOptions> ParseInitArgs(const std::vector<std::string>& args);

struct InitResult {
  std::string dir;       // absolute
  std::string password;  // 64 hex characters: 256 random bits
  std::vector<std::string> files = {};
};

// Checks the directory (created 0700 if missing; it must belong to the current user and be
// writable by nobody else), refuses if any of the files exists, then creates them all with
// O_EXCL|O_NOFOLLOW, mode 0600, fsynced. On any failure nothing is left behind.
util::StatusOr<InitResult> RunInit(const InitOptions& options);

// "user default off" and the admin user with every right, its password only as #<sha256>.
std::string InitAclText(std::string_view password);

// The config fragment of --init --tls: plain port off, TLS on, client certificates required
// and mapped to ACL users by CN. `dir` is absolute.
std::string InitTlsConfText(const std::string& dir, int tls_port);

// What --init prints once: the password, the redis-cli line, what each file is for.
std::string InitReport(const InitOptions& options, const InitResult& result);

// The line printed when start-up fails because `aclfile` (as given, relative to `cwd`) does
// not exist: how --init creates it.
std::string MissingAclFileHint(const std::string& aclfile, const std::string& cwd);

}  // namespace redoubt::security
