#include "commands/command_table.h"

namespace redoubt::commands {

void RegisterBitmapFamily(CommandTable&) {}

}  // namespace redoubt::commands
