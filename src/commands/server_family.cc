#include "commands/command_table.h"

namespace redoubt::commands {

void RegisterServerFamily(CommandTable&) {}

}  // namespace redoubt::commands
