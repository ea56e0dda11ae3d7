#include "commands/command_table.h"

namespace redoubt::commands {

void RegisterIntrospectionFamily(CommandTable&) {}

}  // namespace redoubt::commands
