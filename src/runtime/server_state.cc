#include "runtime/server_state.h"

#include <random>

#include "runtime/notify.h"

namespace redoubt::commands {

ServerState::ServerState() = default;
ServerState::~ServerState() = default;

void ServerState::InitDatabases(int n) {
  dbs_.clear();
  expired_hook = [this](store::Db& db, std::string_view key) {
    if (write_feed != nullptr) write_feed->Deleted(db.id(), key, cfg->lazyfree_lazy_expire);
    Notify(*this, config::notify::kExpired, "expired", key, db.id());
  };
  for (int i = 0; i < n; ++i) {
    dbs_.push_back(std::make_unique<store::Db>(i, &clock, &stats.db));
    dbs_.back()->on_expired = &expired_hook;
    dbs_.back()->set_dirty_counter(&dirty);
    dbs_.back()->set_lazy_free(&lazy_free);
  }
}

void ServerState::Audit(security::AuditEvent event, const Client& c, std::string_view command,
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
  audit.Write(r, clock.now_ms);
}

uint64_t ServerState::Random() {
  // xorshift64*: sampling for RANDOMKEY and expiry needs speed, not secrecy.
  static uint64_t state = std::random_device{}() | (uint64_t{std::random_device{}()} << 32) | 1;
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 2685821657736338717ULL;
}

void ServerState::UpdateWriteFeed() {
  if (aof_feed != nullptr && replication_feed != nullptr) {
    feed_tee_.first = aof_feed;
    feed_tee_.second = replication_feed;
    write_feed = &feed_tee_;
  } else {
    write_feed = aof_feed != nullptr ? aof_feed : replication_feed;
  }
}

}  // namespace redoubt::commands
