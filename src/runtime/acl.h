// The runtime's side of ACL: the command catalog the security module sees, ACL LOG
// recording, disconnecting the clients of revoked users, and start-up loading of users.
#pragma once

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
// command name (or, for key and channel denials, the argument at `arg_index`).
void AclLogDenial(ServerState& server, Client& client, const CommandSpec& cmd,
                  std::span<const std::string_view> args, security::AclDenial reason, int arg_index,
                  std::string_view username = {}, std::string_view object = {});

// Moves clients of revoked users off them (onto a user with no rights) and closes them at the
// end of the loop turn; then frees deleted users.
void DisconnectRevoked(ServerState& server, security::AclStore::Revoked& revoked);

// Makes `client` a session of `user` (AUTH, HELLO AUTH, RESET, accept).
void SetClientUser(Client& client, const security::AclUser& user, bool authenticated);

// Start-up: requirepass, then `user` lines from the config or the aclfile (not both), as Redis.
util::Status LoadAclAtStartup(ServerState& server);

// Applies acl-pubsub-default to the store before users are created (start-up, SETUSER, LOAD).
void PrepareAclStore(ServerState& server);

// The hook persistence and replication call to name a command in the AOF and the replication
// stream: its canonical name ("config", "client|kill" -> parent "client"), never a
// rename-command alias, so that files and replicas never depend on local renames.
std::string_view CanonicalCommandName(const CommandSpec& cmd);

}  // namespace redoubt::commands
