// A fresh server state for fuzz targets that run commands: default config, every database,
// a fixed clock, and SHUTDOWN turned into a no-op. Snapshots that commands write (SAVE,
// BGSAVE, DEBUG RELOAD) go to a private scratch directory under /tmp (libFuzzer's own exit
// skips atexit, so an empty directory can remain), and a BGSAVE child is reaped with the
// world, so a long run leaves neither files in the working directory nor zombie processes.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "commands/families.h"
#include "config/config.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"

namespace redoubt::fuzz {

// An absolute path for dump.rdb in a directory of this process's own.
inline const std::string& ScratchRdbPath() {
  static const std::string path = [] {
    static char dir[] = "/tmp/redoubt-fuzz-XXXXXX";
    if (mkdtemp(dir) == nullptr) {
      std::perror("fuzz scratch dir");
      std::abort();
    }
    std::atexit([] {
      unlink((std::string(dir) + "/dump.rdb").c_str());
      rmdir(dir);
    });
    return std::string(dir) + "/dump.rdb";
  }();
  return path;
}

struct World {
  // Before `state`: its ACL store sizes users by the command table.
  bool families = (commands::RegisterAllFamilies(), true);
  config::Config config;
  commands::ServerState state;
  World() {
    state.config = &config;
    state.cfg = &config.mutable_values();
    state.cfg->dbfilename = ScratchRdbPath();
    state.cfg->save_params.clear();  // no save points: FLUSHALL does not write a snapshot
    state.InitDatabases(state.cfg->databases);
    state.command_stats.resize(commands::CommandTable::Get().by_id().size());
    state.latency.ResizeCommands(commands::CommandTable::Get().by_id().size());
    state.clock.now_ms = 1700000000000;
    state.request_shutdown = [](bool) {};
  }
  ~World() {
    if (state.persistence.rdb.child_pid > 0) waitpid(state.persistence.rdb.child_pid, nullptr, 0);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;
};

}  // namespace redoubt::fuzz
