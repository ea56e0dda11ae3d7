#include "commands/command_table.h"

namespace redoubt::commands {

void RegisterListFamily(CommandTable&) {}

}  // namespace redoubt::commands
