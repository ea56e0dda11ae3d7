#include "commands/command_table.h"

namespace redoubt::commands {

void RegisterAclFamily(CommandTable&) {}

}  // namespace redoubt::commands
