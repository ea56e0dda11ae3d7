// The one place that decides what a key change means beyond the store: dirtying WATCHes and
// waking blocked clients.
#include "runtime/blocking.h"
#include "runtime/server_state.h"
#include "runtime/transaction.h"

namespace redoubt::commands {

void ServerState::UpdateKeyHooks() {
  if (!key_hook) {
    key_hook = [this](store::Db& db, std::string_view key) {
      if (!watched.empty()) MarkWatchersDirty(*this, db.id(), key);
      if (!blocking_keys.empty()) SignalKeyChanged(*this, db.id(), key);
    };
    flush_hook = [this](store::Db& db, store::Db* replaced_with) {
      if (!watched.empty()) MarkDbWatchersDirty(*this, db, replaced_with);
    };
  }
  bool on = !watched.empty() || !blocking_keys.empty();
  for (int i = 0; i < db_count(); ++i) {
    db(i).on_key_change = on ? &key_hook : nullptr;
    db(i).on_flush = on ? &flush_hook : nullptr;
  }
}

}  // namespace redoubt::commands
