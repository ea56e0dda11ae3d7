#include "commands/command_table.h"

namespace redoubt::commands {

void RegisterHashFamily(CommandTable&) {}

}  // namespace redoubt::commands
