// The admission pipeline: one ordered list of small named checks between a parsed request
// and its handler (known command, arity, authenticated, protected, ...), then execution.
#pragma once

#include <span>
#include <string_view>

#include "runtime/server_state.h"

namespace redoubt::commands {

// Runs one request from `client`, appending its reply to client.reply_buf. The whole admission
// pipeline applies as `client`: its authentication, its ACL user (client.acl_user) and its MULTI
// state. This is also the re-entry point for requests that do not come from a socket: a replica
// link or a script's redis.call runs a command as a Client of its own (or the calling client,
// for the caller's ACL user) through here, so no check is skipped.
void Dispatch(ServerState& server, Client& client, std::span<const std::string_view> args);

// Runs one command queued by MULTI, at EXEC: admitted again, then executed; its reply is
// appended to client.reply_buf (inside EXEC's array).
void RunQueued(ServerState& server, Client& client, std::span<const std::string_view> args);

// Runs an already resolved command with no admission checks (AOF replay: the loader resolves
// canonical names itself, and a file is trusted as the server's own).
void ExecuteResolved(ServerState& server, Client& client, const CommandSpec& cmd,
                     std::span<const std::string_view> args, protocol::ReplyBuilder& reply);

// A client going away: out of MONITOR, its subscriptions, a blocking wait and its WATCHed
// keys, then out of the client table, so that nothing refers to it afterwards.
void DetachClient(ServerState& server, Client& client);

// Whether the client must authenticate before running commands without the no-auth flag.
bool AuthRequired(const ServerState& server, const Client& client);

// The individual admission steps; each returns false after writing the rejection.
const CommandSpec* ResolveCommand(std::span<const std::string_view> args,
                                  protocol::ReplyBuilder& reply);
bool CheckArity(const CommandSpec& cmd, size_t argc, protocol::ReplyBuilder& reply);
bool CheckAuth(const ServerState& server, const Client& client, const CommandSpec& cmd,
               protocol::ReplyBuilder& reply);
bool CheckMonitorKeyspace(const Client& client, const CommandSpec& cmd,
                          protocol::ReplyBuilder& reply);
bool CheckSubscribedContext(const Client& client, const CommandSpec& cmd,
                            protocol::ReplyBuilder& reply);
// Whether -MISCONF applies to the command, as Redis decides it: writes, PING (so that health
// checks see the disk error), and EXEC when a write is queued.
bool DiskErrorDenies(const Client& client, const CommandSpec& cmd);
// -MISCONF while the AOF cannot be written.
bool CheckAofWriteError(const ServerState& server, const Client& client, const CommandSpec& cmd,
                        protocol::ReplyBuilder& reply);
// -BUSY while a script runs past busy-reply-threshold, except for allow-busy commands.
bool CheckBusyScript(const ServerState& server, const CommandSpec& cmd,
                     protocol::ReplyBuilder& reply);
// -READONLY: a write on a read-only replica from anyone but its primary.
bool CheckReplicaReadOnly(const ServerState& server, const Client& client, const CommandSpec& cmd,
                          protocol::ReplyBuilder& reply);
// -MASTERDOWN: a replica whose link is down, with replica-serve-stale-data no, serves only the
// commands flagged stale.
bool CheckStaleData(const ServerState& server, const Client& client, const CommandSpec& cmd,
                    protocol::ReplyBuilder& reply);
bool CheckNoMulti(const Client& client, const CommandSpec& cmd, protocol::ReplyBuilder& reply);
// min-replicas-to-write: -NOREPLICAS for a write (or an EXEC queueing one) while fewer
// replicas than required ACKed within min-replicas-max-lag.
bool EnoughGoodReplicas(const ServerState& server);
bool CheckGoodReplicas(const ServerState& server, const Client& client, const CommandSpec& cmd,
                       protocol::ReplyBuilder& reply);
// The ACL verdict on a command for a client, nothing logged (*idx: the denied argument).
security::AclDenial AclVerdict(const Client& client, const CommandSpec& cmd,
                               std::span<const std::string_view> args, int* idx);
// ACL: the command, each key by its key spec's read/write flags, each channel.
// Denials reply NOPERM with Redis 7.0's text and go to ACL LOG (see AclLogDenial for
// `script_caller`).
bool CheckAcl(ServerState& server, Client& client, const CommandSpec& cmd,
              std::span<const std::string_view> args, protocol::ReplyBuilder& reply,
              const CommandContext* script_caller = nullptr);
bool CheckProtected(const ServerState& server, const Client& client, const CommandSpec& cmd,
                    protocol::ReplyBuilder& reply);

}  // namespace redoubt::commands
