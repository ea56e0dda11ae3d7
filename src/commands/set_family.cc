#include "commands/command_table.h"

namespace redoubt::commands {

void RegisterSetFamily(CommandTable&) {}

}  // namespace redoubt::commands
