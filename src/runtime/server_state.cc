#include "runtime/server_state.h"

#include <random>

#include "runtime/notify.h"
#include "runtime/tracking.h"

namespace redoubt::commands {

ServerState::ServerState() = default;
ServerState::~ServerState() = default;

void ServerState::InitDatabases(int n) {
  auto& dbs = keyspace.dbs;
  dbs.clear();
  keyspace.expired_hook = [this](store::Db& db, std::string_view key) {
    if (persistence.write_feed != nullptr) persistence.write_feed->Deleted(db.id(), key);
    Notify(*this, config::notify::kExpired, "expired", key, db.id());
    if (!tracking.prefixes.empty()) TrackingKeyExpired(*this, key);
  };
  keyspace.new_key_hook = [this](store::Db& db, std::string_view key) {
    Notify(*this, config::notify::kNew, "new", key, db.id());
  };
  keyspace.key_miss_hook = [this](store::Db& db, std::string_view key) {
    Notify(*this, config::notify::kKeyMiss, "keymiss", key, db.id());
  };
  for (int i = 0; i < n; ++i) {
    dbs.push_back(std::make_unique<store::Db>(i, &clock, &stats.db));
    dbs.back()->on_expired = &keyspace.expired_hook;
    dbs.back()->on_new_key = &keyspace.new_key_hook;
    dbs.back()->on_key_miss = &keyspace.key_miss_hook;
    dbs.back()->set_dirty_counter(&persistence.dirty);
    dbs.back()->set_lazy_free(&keyspace.lazy_free);
  }
}

void SecurityState::Audit(security::AuditEvent event, const Client& c, std::string_view command,
                          std::string_view reason, std::string_view object,
                          std::span<const std::string_view> params) {
  if (!audit.enabled()) return;
  security::AuditRecord r{.event = event,
                          .user = c.user,
                          .addr = c.addr,
                          .client_id = static_cast<int64_t>(c.id),
                          .command = command,
                          .reason = reason,
                          .object = object,
                          .params = params};
  audit.Write(r, clock_->now_ms);
}

uint64_t ServerState::Random() {
  // xorshift64*: sampling for RANDOMKEY and expiry needs speed, not secrecy.
  static uint64_t state = std::random_device{}() | (uint64_t{std::random_device{}()} << 32) | 1;
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 2685821657736338717ULL;
}

void PersistenceState::UpdateWriteFeed() {
  if (aof_feed != nullptr && replication_feed != nullptr) {
    feed_tee_.first = aof_feed;
    feed_tee_.second = replication_feed;
    write_feed = &feed_tee_;
  } else {
    write_feed = aof_feed != nullptr ? aof_feed : replication_feed;
  }
}

}  // namespace redoubt::commands
