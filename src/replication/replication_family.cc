// The replication commands of the primary side: REPLCONF, PSYNC, SYNC, ROLE and WAIT.
#include "replication/replication_family.h"

#include "replication/primary.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"

namespace redoubt::replication {

namespace {

using commands::CommandContext;
namespace flag = commands::flag;

Primary* PrimaryOr(CommandContext& cx) {
  Primary* p = Primary::For(cx.server);
  if (p == nullptr) cx.reply.Error("ERR replication is not available in this server");
  return p;
}

void ReplconfCmd(CommandContext& cx) {
  if (Primary* p = PrimaryOr(cx)) p->Replconf(cx.client, cx.args, cx.reply);
}

void PsyncCmd(CommandContext& cx) {
  if (Primary* p = PrimaryOr(cx)) p->Sync(cx.client, cx.args, true, cx.reply);
}

void SyncCmd(CommandContext& cx) {
  if (Primary* p = PrimaryOr(cx)) p->Sync(cx.client, cx.args, false, cx.reply);
}

void WaitCmd(CommandContext& cx) {
  if (Primary* p = PrimaryOr(cx)) p->Wait(cx);
}

void RoleCmd(CommandContext& cx) {
  if (Primary* p = PrimaryOr(cx)) p->Role(cx.reply);
}

constexpr uint64_t kSyncFlags =
    flag::kAdmin | flag::kNoscript | flag::kNoAsyncLoading | flag::kNoMulti;

}  // namespace

void RegisterReplicationFamily(commands::CommandTable& t) {
  t.Register({
      {.name = "psync",
       .arity = -3,
       .flags = kSyncFlags,
       .handler = PsyncCmd,
       .group = "server",
       .summary = "Internal command used for replication",
       .since = "2.8.0"},
      {.name = "sync",
       .arity = 1,
       .flags = kSyncFlags,
       .handler = SyncCmd,
       .group = "server",
       .summary = "Internal command used for replication",
       .since = "1.0.0"},
      {.name = "replconf",
       .arity = -1,
       .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale | flag::kAllowBusy,
       .handler = ReplconfCmd,
       .group = "server",
       .summary = "An internal command for configuring the replication stream",
       .since = "3.0.0"},
      {.name = "role",
       .arity = 1,
       .flags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kFast,
       .categories = commands::cat::kAdmin | commands::cat::kDangerous,
       .handler = RoleCmd,
       .group = "server",
       .summary = "Return the role of the instance in the context of replication",
       .since = "2.8.12"},
      {.name = "wait",
       .arity = 3,
       .flags = flag::kNoscript,
       .categories = commands::cat::kConnection,
       .handler = WaitCmd,
       .group = "generic",
       .summary = "Wait for the synchronous replication of all the write commands sent in the "
                  "context of the current connection",
       .since = "3.0.0"},
  });
}

}  // namespace redoubt::replication
