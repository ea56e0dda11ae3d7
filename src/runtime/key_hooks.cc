// The one place that decides what a key change means beyond the store: dirtying WATCHes and
// waking blocked clients.
#include "runtime/blocking.h"
#include "runtime/server_state.h"
#include "runtime/tracking.h"
#include "runtime/transaction.h"

namespace redoubt::commands {

void ServerState::UpdateKeyHooks() {
  Indexes& ix = indexes;
  if (!ix.key_hook) {
    ix.key_hook = [this](store::Db& db, std::string_view key) {
      if (!indexes.watched.empty()) MarkWatchersDirty(*this, db.id(), key);
      if (!indexes.blocking_keys.empty()) SignalKeyChanged(*this, db.id(), key);
      if (tracking.active()) TrackingKeyChanged(*this, key);
    };
    ix.flush_hook = [this](store::Db& db, store::Db* replaced_with) {
      if (!indexes.watched.empty()) MarkDbWatchersDirty(*this, db, replaced_with);
    };
  }
  bool on = !ix.watched.empty() || !ix.blocking_keys.empty() || tracking.clients != 0 ||
            tracking.active();
  for (int i = 0; i < db_count(); ++i) {
    db(i).on_key_change = on ? &ix.key_hook : nullptr;
    db(i).on_flush = on ? &ix.flush_hook : nullptr;
  }
}

}  // namespace redoubt::commands
