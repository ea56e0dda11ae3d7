// A fresh server state for fuzz targets that run commands: default config, every database,
// a fixed clock, and SHUTDOWN turned into a no-op.
#pragma once

#include "commands/command_table.h"
#include "commands/server_state.h"
#include "config/config.h"

namespace redoubt::fuzz {

struct World {
  config::Config config;
  commands::ServerState state;
  World() {
    state.config = &config;
    state.cfg = &config.mutable_values();
    state.InitDatabases(state.cfg->databases);
    state.command_stats.resize(commands::CommandTable::Get().by_id().size());
    state.clock.now_ms = 1700000000000;
    state.request_shutdown = [](bool) {};
  }
};

}  // namespace redoubt::fuzz
