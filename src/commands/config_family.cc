#include "commands/command_table.h"

namespace redoubt::commands {

void RegisterConfigFamily(CommandTable&) {}

}  // namespace redoubt::commands
