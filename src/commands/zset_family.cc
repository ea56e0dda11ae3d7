#include "commands/command_table.h"

namespace redoubt::commands {

void RegisterZSetFamily(CommandTable&) {}

}  // namespace redoubt::commands
