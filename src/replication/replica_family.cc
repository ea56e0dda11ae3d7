// The replica side's commands: REPLICAOF and its old name SLAVEOF.
#include "replication/replica.h"
#include "runtime/command_table.h"

namespace redoubt::replication {

namespace {

namespace flag = commands::flag;

void ReplicaOfCmd(commands::CommandContext& cx) {
  ReplicaLink* link = ReplicaLink::For(cx.server);
  if (link == nullptr) {
    cx.reply.Error("ERR replication is not available in this server");
    return;
  }
  link->ReplicaOf(cx);
}

constexpr uint64_t kFlags = flag::kAdmin | flag::kNoscript | flag::kStale | flag::kNoAsyncLoading;

}  // namespace

void RegisterReplicaFamily(commands::CommandTable& t) {
  t.Register({
      {.name = "replicaof",
       .arity = 3,
       .flags = kFlags,
       .handler = ReplicaOfCmd,
       .group = "server",
       .summary = "Make the server a replica of another instance, or promote it as master.",
       .since = "5.0.0"},
      {.name = "slaveof",
       .arity = 3,
       .flags = kFlags,
       .handler = ReplicaOfCmd,
       .group = "server",
       .summary = "Make the server a replica of another instance, or promote it as master.",
       .since = "1.0.0"},
  });
}

}  // namespace redoubt::replication
