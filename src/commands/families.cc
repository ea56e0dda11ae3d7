#include "commands/families.h"

#include "replication/replica.h"
#include "replication/replication_family.h"

namespace redoubt::commands {

void RegisterAllFamilies() {
  static const bool done = [] {
    CommandTable& t = CommandTable::Get();
    RegisterStringFamily(t);
    RegisterKeysFamily(t);
    RegisterServerFamily(t);
    RegisterPersistenceFamily(t);
    RegisterConnectionFamily(t);
    RegisterConfigFamily(t);
    RegisterClientFamily(t);
    RegisterIntrospectionFamily(t);
    RegisterHashFamily(t);
    RegisterSetFamily(t);
    RegisterListFamily(t);
    RegisterZSetFamily(t);
    RegisterBitmapFamily(t);
    RegisterAclFamily(t);
    RegisterPubSubFamily(t);
    RegisterTransactionFamily(t);
    RegisterBlockingListFamily(t);
    RegisterBlockingZSetFamily(t);
    RegisterAuditFamily(t);
    RegisterMemoryFamily(t);
    RegisterAofFamily(t);
    RegisterStreamFamily(t);
    RegisterStreamGroupFamily(t);
    RegisterSlowLogFamily(t);
    RegisterLatencyFamily(t);
    RegisterSortFamily(t);
    RegisterLcsFamily(t);
    RegisterHllFamily(t);
    RegisterGeoFamily(t);
    RegisterModuleFamily(t);
    RegisterDebugFamily(t);
    replication::RegisterReplicationFamily(t);
    replication::RegisterReplicaFamily(t);
    RegisterScriptingFamily(t);
    return true;
  }();
  (void)done;
}

}  // namespace redoubt::commands
