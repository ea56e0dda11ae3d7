#include "commands/command_table.h"

namespace redoubt::commands {

void RegisterClientFamily(CommandTable&) {}

}  // namespace redoubt::commands
