// A session as the runtime sees it: identity, buffers, transaction, blocking and Pub/Sub
// state. The socket behind it belongs to server/; handlers never see one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "protocol/resp_parser.h"
#include "runtime/command.h"
#include "runtime/tracking_state.h"
#include "security/acl_user.h"
#include "store/entry.h"
#include "util/buffer.h"

namespace redoubt::commands {

namespace client_flag {
inline constexpr uint32_t kMonitor = 1 << 0;
inline constexpr uint32_t kCloseAfterReply = 1 << 1;
inline constexpr uint32_t kCloseAsap = 1 << 2;
inline constexpr uint32_t kUnixSocket = 1 << 3;
inline constexpr uint32_t kNoEvict = 1 << 4;
inline constexpr uint32_t kPaused = 1 << 5;        // waiting for CLIENT UNPAUSE
inline constexpr uint32_t kProtected = 1 << 6;     // connected from a non-loopback address
inline constexpr uint32_t kPendingWrite = 1 << 7;  // queued in ServerState::pending_writes
inline constexpr uint32_t kReplica = 1 << 8;       // a replica's link (after SYNC/PSYNC)
// Its script is running: the server neither reads from nor closes it until the script ends
// (clients are served from inside a long script).
inline constexpr uint32_t kInScript = 1 << 9;
// The link to this server's primary (no socket of its own here: replication/replica.h feeds
// it the stream; its replies are dropped).
inline constexpr uint32_t kMaster = 1 << 10;
}  // namespace client_flag

enum class ReplyMode : uint8_t { kOn, kOff, kSkipNext, kSkipThis };

struct Client {
  uint64_t id = 0;
  int fd = -1;
  std::string name;
  std::string addr;  // "ip:port" or "path:0" for Unix sockets
  std::string laddr;
  int db_index = 0;
  int resp = 2;
  bool authenticated = false;
  bool ever_authenticated = false;  // auth-timeout spares a client that RESET after a login
  std::string user = "default";     // the ACL user's name (CLIENT LIST, ACL LOG)
  // The ACL user whose rules apply (SetClientUser); nullptr only for internal sessions that may
  // run anything (in-process tests, later AOF loading), never for a network client.
  const security::AclUser* acl_user = nullptr;
  uint32_t flags = 0;
  ReplyMode reply_mode = ReplyMode::kOn;
  int64_t ctime_ms = 0;
  int64_t last_interaction_ms = 0;
  const CommandSpec* last_cmd = nullptr;
  // Arguments of the running command hidden from MONITOR: bit i for argument i, and bit 63
  // for every argument from the 63rd on (so ~0ULL << n hides all from n, whatever the arity).
  uint64_t redact_mask = 0;

  // Input: bytes read and not yet parsed.
  util::Buffer query_buf;
  size_t query_peak = 0;
  protocol::RequestParser parser;
  // Output: bytes not yet written start at reply_pos.
  std::string reply_buf;
  size_t reply_pos = 0;
  // MULTI/EXEC: queued commands (copied: the read buffer moves on), and WATCHed keys.
  struct QueuedCommand {
    const CommandSpec* cmd;
    std::vector<std::string> args;
  };
  struct WatchedKey {
    int db;
    std::string key;
    bool expired_at_watch;  // already logically expired when WATCH ran
  };
  bool in_multi = false;
  bool multi_error = false;  // a command failed to queue: EXEC answers EXECABORT
  bool watch_dirty = false;  // a watched key changed: EXEC answers null
  std::vector<QueuedCommand> multi_queue;
  std::vector<WatchedKey> watched_keys;

  // Blocking commands (BLPOP...): while blocked, the client's later input waits and the
  // command is run again each time one of its keys is signalled ready.
  bool blocked = false;
  bool in_exec = false;           // running EXEC's queue: blocking commands do not block
  int64_t block_deadline_ms = 0;  // unix ms; 0 = no timeout
  int block_db = 0;
  store::ValueType block_type = store::ValueType::kList;  // the type that wakes it
  std::vector<std::string> block_args;                    // the command, to run again
  std::vector<std::string> block_keys;

  // Pub/Sub subscriptions (channel names and patterns), and sharded channels (SSUBSCRIBE),
  // counted apart in subscription replies as Redis 7.0 does.
  std::set<std::string, std::less<>> channels;
  std::set<std::string, std::less<>> patterns;
  std::set<std::string, std::less<>> shard_channels;
  size_t subscriptions() const { return channels.size() + patterns.size(); }
  // Pub/Sub mode (Redis's CLIENT_PUBSUB): any subscription, sharded or not.
  bool in_pubsub() const { return subscriptions() + shard_channels.size() > 0; }
  int64_t obuf_soft_limit_since_ms = 0;  // when output first exceeded the soft limit, or 0
  ClientTracking tracking;               // CLIENT TRACKING (runtime/tracking.h)

  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t commands_processed = 0;
  bool tls = false;  // connected over TLS (CLIENT LIST tls=1)
  // Certificate identity (tls-auth-clients-user on this TLS connection): the user comes only
  // from the certificate (cert_user, "" when it named none) or a proved password, never from
  // nopass (commands::LoginAllowed holds the rule).
  bool no_implicit_auth = false;
  std::string cert_user;
  // The replication offset right after this client's last write that was propagated (Redis's
  // c->woff): what its WAIT waits for.
  int64_t woff = 0;

  size_t pending_reply() const { return reply_buf.size() - reply_pos; }
};

}  // namespace redoubt::commands
