// Registers the replication commands (REPLCONF, PSYNC, SYNC, ROLE, WAIT) into the command table.
#pragma once

#include "runtime/command_table.h"

namespace redoubt::replication {

void RegisterReplicationFamily(commands::CommandTable& t);

}  // namespace redoubt::replication
