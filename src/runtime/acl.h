// The runtime's side of ACL: the command catalog the security module sees, ACL LOG
// recording, disconnecting the clients of revoked users, and start-up loading of users.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "security/acl_catalog.h"
#include "security/acl_store.h"
#include "util/status.h"

namespace redoubt::commands {

struct Client;
struct CommandContext;
struct CommandSpec;
class ServerState;

// The catalog over CommandTable::Get() (canonical names: ACL rules ignore rename-command).
const security::CommandCatalog& AclCatalog();

// Records a denial in ACL LOG. `username` / `object` default to the client's user and the
// command name (or, for key and channel denials, the argument at `arg_index`). For a command
// a script runs, `script_caller` is the EVAL/FCALL it runs under: the entry then has context
// "lua" and describes that caller, as Redis logs it.
void AclLogDenial(ServerState& server, Client& client, const CommandSpec& cmd,
                  std::span<const std::string_view> args, security::AclDenial reason, int arg_index,
                  std::string_view username = {}, std::string_view object = {},
                  const CommandContext* script_caller = nullptr);

// Moves clients of revoked users off them (onto a user with no rights) and closes them at the
// end of the loop turn; then frees deleted users.
void DisconnectRevoked(ServerState& server, security::AclStore::Revoked& revoked);

// What a connection showed to become a user.
enum class LoginProof : uint8_t { kNone, kPassword, kCertificate };

// The one rule for which user a connection may be; every path that changes a connection's user
// asks it (accept, TLS handshake, AUTH, HELLO AUTH, RESET, every ACL change):
// - a disabled user, never;
// - under certificate identity (Client::no_implicit_auth): the certificate's user, or a user
//   whose password was proved; never a nopass user, whatever was sent as its password;
// - otherwise as Redis: a proved password, or nothing at all for a nopass user.
bool LoginAllowed(const Client& client, const security::AclUser& user, LoginProof proof);

// The only way to log a connection in as `user` (AUTH, HELLO AUTH): false, and no change,
// when LoginAllowed refuses it.
[[nodiscard]] bool LogIn(Client& client, const security::AclUser& user, LoginProof proof);

// The user a connection has before any AUTH (accept, TLS handshake, RESET): its certificate's
// user when the rule allows it, else `default`, authenticated only when the rule allows that.
void SetInitialUser(ServerState& server, Client& client);

// After every ACL change (SETUSER, DELUSER, LOAD): closes the clients the new rules no longer
// allow as they are: a session the login rule refuses, a subscription to a channel or pattern
// the user may no longer use (a pattern counts by its literal text, as Redis 7.0), a MONITOR
// of a user that may no longer run MONITOR.
void EnforceAclOnClients(ServerState& server);

// Start-up: requirepass, then `user` lines from the config or the aclfile (not both), as Redis.
util::Status LoadAclAtStartup(ServerState& server);

// Applies acl-pubsub-default to the store before users are created (start-up, SETUSER, LOAD).
void PrepareAclStore(ServerState& server);

// The hook persistence and replication call to name a command in the AOF and the replication
// stream: its canonical name ("config", "client|kill" -> parent "client"), never a
// rename-command alias, so that files and replicas never depend on local renames.
std::string_view CanonicalCommandName(const CommandSpec& cmd);

}  // namespace redoubt::commands
