#include "commands/server_state.h"

#include <random>

namespace redoubt::commands {

ServerState::ServerState() = default;
ServerState::~ServerState() = default;

void ServerState::InitDatabases(int n) {
  dbs_.clear();
  for (int i = 0; i < n; ++i) dbs_.push_back(std::make_unique<store::Db>(i, &clock, &stats.db));
}

uint64_t ServerState::Random() {
  // xorshift64*: sampling for RANDOMKEY and expiry needs speed, not secrecy.
  static uint64_t state = std::random_device{}() | (uint64_t{std::random_device{}()} << 32) | 1;
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 2685821657736338717ULL;
}

}  // namespace redoubt::commands
