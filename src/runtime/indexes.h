// The indexes part of ServerState: clients looked up by what they wait on. WATCHed keys
// (runtime/watch.cc), blocking waiters (runtime/blocking.cc) and Pub/Sub subscribers
// (runtime/pubsub.cc); the dbs' change hooks are attached only while one of them needs them
// (ServerState::UpdateKeyHooks).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/client.h"
#include "store/db.h"

namespace redoubt::commands {

struct Indexes {
  // WATCH: clients by "<db>:<key>"; while empty, the dbs' change hooks are off (no cost).
  std::unordered_map<std::string, std::vector<Client*>> watched;
  std::function<void(store::Db&, std::string_view)> key_hook;
  std::function<void(store::Db&, store::Db*)> flush_hook;

  // Blocking: clients waiting per "<db>:<key>" in arrival order, keys signalled ready by the
  // command that just ran, and clients whose blocking ended with input left to process.
  std::unordered_map<std::string, std::vector<Client*>> blocking_keys;
  std::vector<std::string> ready_keys;
  std::vector<uint64_t> unblocked_clients;
  size_t blocked_count = 0;

  // Pub/Sub: subscribers by channel, by pattern and by shard channel, in subscription order.
  std::unordered_map<std::string, std::vector<Client*>> pubsub_channels;
  std::unordered_map<std::string, std::vector<Client*>> pubsub_patterns;
  std::unordered_map<std::string, std::vector<Client*>> pubsub_shard_channels;
};

}  // namespace redoubt::commands
