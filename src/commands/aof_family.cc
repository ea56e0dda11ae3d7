// BGREWRITEAOF: the command side of the AOF; the engine is runtime/aof_persistence.cc.
#include "runtime/aof_persistence.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"

namespace redoubt::commands {

namespace {

void BgRewriteAofCmd(CommandContext& cx) { BgRewriteAof(cx.server, cx.reply); }

}  // namespace

void RegisterAofFamily(CommandTable& t) {
  t.Register({
      {.name = "bgrewriteaof",
       .arity = 1,
       .flags = flag::kAdmin | flag::kNoscript | flag::kNoAsyncLoading,
       .handler = BgRewriteAofCmd,
       .group = "server",
       .summary = "Asynchronously rewrite the append-only file",
       .since = "1.0.0"},
  });
}

}  // namespace redoubt::commands
