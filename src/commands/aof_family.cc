// BGREWRITEAOF: the command side of the AOF; the work is in persistence/ (the server installs
// ServerState::bgrewriteaof, since this layer cannot see it).
#include "runtime/command_table.h"
#include "runtime/server_state.h"

namespace redoubt::commands {

namespace {

void BgRewriteAof(CommandContext& cx) {
  if (!cx.server.bgrewriteaof) return cx.reply.Error("ERR Background AOF rewrite is not available");
  cx.server.bgrewriteaof(cx.reply);
}

}  // namespace

void RegisterAofFamily(CommandTable& t) {
  t.Register({
      {.name = "bgrewriteaof",
       .arity = 1,
       .flags = flag::kAdmin | flag::kNoscript | flag::kNoAsyncLoading,
       .handler = BgRewriteAof,
       .group = "server",
       .summary = "Asynchronously rewrite the append-only file",
       .since = "1.0.0"},
  });
}

}  // namespace redoubt::commands
