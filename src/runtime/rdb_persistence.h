// The server side of RDB persistence: SAVE/BGSAVE (a forked child), save points, the MISCONF
// and LOADING gates, loading at start-up, and the INFO persistence rdb_* fields. The file
// format itself lives in persistence/.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "persistence/rdb_loader.h"
#include "persistence/rdb_writer.h"
#include "util/status.h"

namespace redoubt::protocol {
class ReplyBuilder;
}

namespace redoubt::commands {

class ServerState;
struct CommandSpec;
struct Client;

// What ServerState keeps about snapshots and loading (ServerState::rdb).
struct RdbState {
  pid_t child_pid = -1;  // the BGSAVE child, -1 when none
  // A replication snapshot child (replication/primary.cc owns and reaps it). Redis 7.0 counts
  // it as an RDB child: BGSAVE, SAVE and the save points wait, BGREWRITEAOF is scheduled.
  pid_t repl_child_pid = -1;
  std::string child_temp;  // the child's temp file (random name), removed if the child fails
  int64_t child_start_ms = 0;
  uint64_t dirty_before_bgsave = 0;
  uint64_t dirty_at_last_save = 0;  // ServerState::dirty when the last save started
  bool bgsave_scheduled = false;
  bool last_bgsave_ok = true;
  int64_t last_bgsave_time_sec = -1;
  int64_t last_bgsave_try_ms = 0;
  uint64_t saves = 0;
  int cow_pipe = -1;           // the child writes its copy-on-write bytes here at the end
  uint64_t last_cow_size = 0;  // rdb_last_cow_size
  // Loading (start-up, DEBUG RELOAD).
  bool loading = false;
  int64_t loading_start_ms = 0;
  uint64_t loading_total_bytes = 0;
  uint64_t loading_loaded_bytes = 0;
  uint64_t last_load_keys_loaded = 0;
  uint64_t last_load_keys_expired = 0;
  // Neither -LOADING nor -MISCONF can apply: the admission pipeline's inline fast path.
  bool gates_open() const { return !loading && last_bgsave_ok; }
  // Installed by the server: runs in a forked child first (closes the listening sockets, so
  // that a restart can bind while a snapshot child still runs, as Redis does).
  std::function<void()> in_child_after_fork;
  // Installed by replication: the repl-* aux fields for the snapshots written.
  std::function<void(persistence::RdbSaveOptions*)> repl_info;
  // The repl-* aux fields of the file loaded at start-up (repl_id empty: none).
  std::string loaded_repl_id;
  int64_t loaded_repl_offset = -1;
  int loaded_repl_stream_db = -1;
  // Installed by the server: serves clients (with -LOADING) while a long load runs.
  std::function<void()> process_events_while_loading;
};

// Every db of the server, in index order (what the writer and loader take).
std::vector<store::Db*> AllDbs(ServerState& server);
persistence::RdbSaveOptions RdbSaveOptionsFor(const ServerState& server);
persistence::RdbLoadOptions RdbLoadOptionsFor(ServerState& server);
// dir/dbfilename (the server has chdir()ed into dir, so the bare name).
std::string RdbPath(const ServerState& server);

// SAVE: writes the RDB in the foreground. Updates LASTSAVE and the dirty baseline.
util::Status RdbSaveNow(ServerState& server);
// BGSAVE: forks a child that writes the RDB. Error texts are Redis's (without "ERR ").
util::Status RdbStartBgsave(ServerState& server);
// Loads dir/dbfilename into the (empty) dbs; OK when there is no file. Sets the loading state
// and calls process_events_while_loading from the progress callback.
util::Status RdbLoadAtStartup(ServerState& server);
// For the AOF: loads the RDB image at the start of `data` (an AOF base or RDB preamble) into
// the server's dbs with the config's encoding limits, keeping already-expired keys when
// `aof_preamble` (later commands may refer to them), serving clients between chunks.
// stats->bytes tells where the RDB part ends.
util::Status RdbLoadIntoServer(ServerState& server, std::span<const uint8_t> data,
                               bool aof_preamble, persistence::RdbLoadStats* stats);
// For the AOF: writes the whole dataset as RDB (an AOF base or preamble) to fd, aof-base aux
// field set, with the config's compression and checksum settings.
util::Status RdbWriteForAof(ServerState& server, int fd);
// Cron: reaps a finished child, starts a scheduled BGSAVE, checks the save points.
void RdbCron(ServerState& server);
// Shutdown: saves when save points are set (or `force`), unless `nosave`. Kills a running
// child first. False when the save failed (SHUTDOWN then refuses to stop).
bool RdbShutdownSave(ServerState& server, bool force, bool nosave);
// FLUSHALL: kills a running BGSAVE child and, when save points are set, saves the now empty
// dataset (Redis 7.0 does, so a restart does not bring the keys back).
void RdbAfterFlushAll(ServerState& server);
// DEBUG RELOAD: save (unless !save), empty the dbs (unless !flush), load the file again.
// Errors are reply texts.
// merge: keys in both the dataset and the file take the file's value (NOFLUSH MERGE).
util::Status RdbDebugReload(ServerState& server, bool save, bool flush, bool merge);
// Whether a BGSAVE (or another child) is running.
bool RdbChildActive(const ServerState& server);
// Whether an AOF rewrite child runs (the hook the AOF installs; false without AOF).
bool AofChildActive(const ServerState& server);

// The admission gates: -LOADING while loading (unless the command may run then), -MISCONF
// for writes after a failed save with stop-writes-on-bgsave-error. One branch when neither.
bool CheckPersistenceGates(const ServerState& server, const Client& client, const CommandSpec& cmd,
                           protocol::ReplyBuilder& reply);

// INFO persistence: the loading and rdb_* lines, as "name:value\r\n".
void AppendInfoPersistenceRdb(const ServerState& server, std::string* out);

}  // namespace redoubt::commands
