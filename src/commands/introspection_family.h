// COMMAND and its subcommands: the command table as clients see it. The COMMAND INFO renderer
// is exposed so that tests can check it on synthetic rows.
#pragma once

#include "protocol/reply_builder.h"
#include "runtime/command.h"

namespace redoubt::commands {

// One COMMAND INFO entry for `c`, as Redis 7.0's addReplyCommandInfo writes it.
void ReplyCommandInfo(protocol::ReplyBuilder& r, const CommandSpec& c);

}  // namespace redoubt::commands
