// The one list of command families: registering them fills CommandTable::Get(). main and the
// test and fuzz harnesses call RegisterAllFamilies() before anything reads the table.
#pragma once

#include "runtime/command_table.h"

namespace redoubt::commands {

// Registers every family into CommandTable::Get(); later calls do nothing.
void RegisterAllFamilies();

void RegisterStringFamily(CommandTable& t);
void RegisterKeysFamily(CommandTable& t);
void RegisterServerFamily(CommandTable& t);
void RegisterPersistenceFamily(CommandTable& t);
void RegisterConnectionFamily(CommandTable& t);
void RegisterConfigFamily(CommandTable& t);
void RegisterClientFamily(CommandTable& t);
void RegisterIntrospectionFamily(CommandTable& t);
void RegisterHashFamily(CommandTable& t);
void RegisterSetFamily(CommandTable& t);
void RegisterListFamily(CommandTable& t);
void RegisterZSetFamily(CommandTable& t);
void RegisterBitmapFamily(CommandTable& t);
void RegisterAclFamily(CommandTable& t);
void RegisterPubSubFamily(CommandTable& t);
void RegisterTransactionFamily(CommandTable& t);
void RegisterBlockingListFamily(CommandTable& t);
void RegisterBlockingZSetFamily(CommandTable& t);
void RegisterAuditFamily(CommandTable& t);
void RegisterMemoryFamily(CommandTable& t);
void RegisterAofFamily(CommandTable& t);
void RegisterStreamFamily(CommandTable& t);
void RegisterStreamGroupFamily(CommandTable& t);
void RegisterSlowLogFamily(CommandTable& t);
void RegisterLatencyFamily(CommandTable& t);
void RegisterSortFamily(CommandTable& t);
void RegisterLcsFamily(CommandTable& t);
void RegisterHllFamily(CommandTable& t);
void RegisterGeoFamily(CommandTable& t);
void RegisterModuleFamily(CommandTable& t);
void RegisterDebugFamily(CommandTable& t);
void RegisterScriptingFamily(CommandTable& t);

}  // namespace redoubt::commands
