// The one place that decides what a key change means beyond the store: dirtying WATCHes,
// waking blocked clients and invalidating client-side caches.
#include "runtime/blocking.h"
#include "runtime/server_state.h"
#include "runtime/tracking.h"
#include "runtime/transaction.h"

namespace redoubt::commands {

void ServerState::UpdateKeyHooks() {
  if (!key_hook) {
    key_hook = [this](store::Db& db, std::string_view key) {
      if (!watched.empty()) MarkWatchersDirty(*this, db.id(), key);
      if (!blocking_keys.empty()) SignalKeyChanged(*this, db.id(), key);
      if (tracking.active()) TrackingKeyChanged(*this, key);
    };
    flush_hook = [this](store::Db& db) {
      if (!watched.empty()) MarkDbWatchersDirty(*this, db.id());
    };
  }
  bool on =
      !watched.empty() || !blocking_keys.empty() || tracking.clients != 0 || tracking.active();
  for (int i = 0; i < db_count(); ++i) {
    db(i).on_key_change = on ? &key_hook : nullptr;
    db(i).on_flush = on ? &flush_hook : nullptr;
  }
}

}  // namespace redoubt::commands
