#include "runtime/rdb_persistence.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "runtime/aof_persistence.h"
#include "runtime/dispatch.h"
#include "runtime/latency_hook.h"
#include "runtime/server_state.h"
#include "store/evict.h"
#include "util/clock.h"
#include "util/log.h"

namespace redoubt::commands {
namespace {

constexpr const char* kMisconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB "
    "error.";

void SaveSucceeded(ServerState& server, uint64_t dirty_base) {
  server.persistence.rdb.dirty_at_last_save = dirty_base;
  server.persistence.last_save_time = util::UnixMs() / 1000;
  server.persistence.rdb.last_bgsave_ok = true;
  ++server.persistence.rdb.saves;
}

// The process's private dirty bytes: in a forked child, the pages copy-on-write duplicated.
uint64_t PrivateDirtyBytes() {
  FILE* f = std::fopen("/proc/self/smaps_rollup", "r");
  if (f == nullptr) return 0;
  char line[256];
  unsigned long long kb = 0;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::sscanf(line, "Private_Dirty: %llu kB", &kb) == 1) break;
  }
  std::fclose(f);
  return static_cast<uint64_t>(kb) * 1024;
}

void CloseCowPipe(ServerState& server) {
  if (server.persistence.rdb.cow_pipe >= 0) close(server.persistence.rdb.cow_pipe);
  server.persistence.rdb.cow_pipe = -1;
}

}  // namespace

std::vector<store::Db*> AllDbs(ServerState& server) {
  std::vector<store::Db*> dbs;
  dbs.reserve(static_cast<size_t>(server.db_count()));
  for (int i = 0; i < server.db_count(); ++i) dbs.push_back(&server.db(i));
  return dbs;
}

persistence::RdbSaveOptions RdbSaveOptionsFor(const ServerState& server) {
  persistence::RdbSaveOptions o;
  o.compress = server.cfg->rdbcompression;
  o.checksum = server.cfg->rdbchecksum;
  o.used_mem = server.used_memory ? server.used_memory() : 0;
  o.version = kCompatVersion;
  o.key_save_delay_us = server.cfg->rdb_key_save_delay;
  // As Redis: idle times under an LRU policy, access counters under an LFU one.
  using Access = persistence::RdbSaveOptions::AccessInfo;
  if (store::IsLru(server.keyspace.evict_policy)) o.access = Access::kIdle;
  if (store::IsLfu(server.keyspace.evict_policy)) o.access = Access::kFreq;
  o.lru_clock = server.clock.lru_clock;
  o.lfu_decay_time = server.cfg->lfu_decay_time;
  if (server.persistence.function_library_codes)
    o.functions = server.persistence.function_library_codes();
  if (server.persistence.rdb.repl_info) server.persistence.rdb.repl_info(&o);
  return o;
}

persistence::RdbLoadOptions RdbLoadOptionsFor(ServerState& server) {
  const config::ServerConfig& c = *server.cfg;
  persistence::RdbLoadOptions o;
  o.list_fill = c.list_max_listpack_size;
  o.hash = {c.hash_max_listpack_entries, c.hash_max_listpack_value};
  o.zset = {c.zset_max_listpack_entries, c.zset_max_listpack_value};
  o.set_max_intset_entries = c.set_max_intset_entries;
  o.verify_checksum = c.rdbchecksum;
  o.now_ms = util::UnixMs();
  o.key_load_delay_us = c.key_load_delay;
  o.progress_interval_bytes = static_cast<uint64_t>(c.loading_process_events_interval_bytes);
  o.access_clock = &server.clock;
  if (server.persistence.load_function_library)
    o.load_function = server.persistence.load_function_library;
  return o;
}

std::string RdbPath(const ServerState& server) { return server.cfg->dbfilename; }

bool RdbChildActive(const ServerState& server) {
  const RdbState& r = server.persistence.rdb;
  return r.child_pid != -1 || r.repl_child_pid != -1;
}

bool AofChildActive(const ServerState& server) {
  return server.persistence.aof != nullptr && server.persistence.aof->rewrite_in_progress();
}

util::Status RdbSaveNow(ServerState& server) {
  if (server.persistence.rdb.child_pid != -1)
    return util::Status::Error("Background save already in progress");
  std::vector<store::Db*> dbs = AllDbs(server);
  uint64_t dirty = server.persistence.dirty;
  uint64_t keys = 0;
  util::Status st = persistence::SaveRdbFile(RdbPath(server), dbs, RdbSaveOptionsFor(server),
                                             util::UnixMs(), &keys);
  if (!st.ok()) {
    // As Redis: a failed synchronous save is the caller's error reply, not a background-save
    // failure (rdb_last_bgsave_status and -MISCONF stay as they were).
    LOG_WARNING("%s", st.message().c_str());
    return st;
  }
  LOG_NOTICE("DB saved on disk");
  SaveSucceeded(server, dirty);
  return util::Status::Ok();
}

util::Status RdbStartBgsave(ServerState& server) {
  if (RdbChildActive(server)) return util::Status::Error("Background save already in progress");
  if (AofChildActive(server)) {
    return util::Status::Error("Another child process is active (AOF?): can't BGSAVE right now");
  }
  server.persistence.rdb.last_bgsave_try_ms = util::UnixMs();
  std::vector<store::Db*> dbs = AllDbs(server);
  persistence::RdbSaveOptions opts = RdbSaveOptionsFor(server);
  std::string path = RdbPath(server);
  int64_t now = util::UnixMs();
  // The parent makes the temp file, so that it knows the unpredictable name to clean up. As in
  // Redis, a file that cannot be created is the child's failure (rdb_last_bgsave_status).
  util::StatusOr<util::TempFile> tmp = util::TempFile::Create(path, "temp-", ".rdb");
  int cow[2] = {-1, -1};
  if (pipe2(cow, O_CLOEXEC | O_NONBLOCK) != 0) cow[0] = cow[1] = -1;
  const uint64_t fork_start = LatencyNowUs();
  pid_t pid = fork();
  if (pid > 0) LatencyForked(server, fork_start);
  if (pid < 0) {
    if (cow[0] >= 0) {
      close(cow[0]);
      close(cow[1]);
    }
    server.persistence.rdb.last_bgsave_ok = false;
    std::string err = std::string("Can't save in background: fork: ") + std::strerror(errno);
    LOG_WARNING("%s", err.c_str());
    return util::Status::Error(err);
  }
  if (pid == 0) {
    // The child: the forked memory is a copy-on-write snapshot of the dataset.
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    if (server.persistence.rdb.in_child_after_fork) server.persistence.rdb.in_child_after_fork();
    util::Status st = tmp.ok()
                          ? persistence::SaveRdbFile(std::move(*tmp), path, dbs, opts, now)
                          : util::Status::Error("Failed opening the temp RDB file for saving: " +
                                                tmp.status().message());
    if (!st.ok()) LOG_WARNING("%s", st.message().c_str());
    if (cow[1] >= 0) {
      uint64_t bytes = PrivateDirtyBytes();
      if (bytes > 0)
        LOG_NOTICE("Fork CoW for RDB: %llu MB", static_cast<unsigned long long>(bytes >> 20));
      ssize_t w = write(cow[1], &bytes, sizeof(bytes));
      (void)w;
    }
    _exit(st.ok() ? 0 : 1);
  }
  LOG_NOTICE("Background saving started by pid %ld", static_cast<long>(pid));
  server.persistence.rdb.child_pid = pid;
  server.persistence.rdb.child_temp = tmp.ok() ? tmp->Detach() : std::string();
  server.clock.freeze_lru = true;
  if (cow[1] >= 0) close(cow[1]);
  CloseCowPipe(server);
  server.persistence.rdb.cow_pipe = cow[0];
  server.persistence.rdb.child_start_ms = now;
  server.persistence.rdb.dirty_before_bgsave = server.persistence.dirty;
  server.persistence.rdb.bgsave_scheduled = false;
  return util::Status::Ok();
}

namespace {

void ReapChild(ServerState& server) {
  int status = 0;
  pid_t pid = waitpid(server.persistence.rdb.child_pid, &status, WNOHANG);
  if (pid == 0) return;
  if (pid < 0 && errno == EINTR) return;
  server.persistence.rdb.last_bgsave_time_sec =
      (util::UnixMs() - server.persistence.rdb.child_start_ms) / 1000;
  uint64_t cow = 0;
  if (server.persistence.rdb.cow_pipe >= 0 &&
      read(server.persistence.rdb.cow_pipe, &cow, sizeof(cow)) == sizeof(cow)) {
    server.persistence.rdb.last_cow_size = cow;
  }
  CloseCowPipe(server);
  if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    LOG_NOTICE("Background saving terminated with success");
    SaveSucceeded(server, server.persistence.rdb.dirty_before_bgsave);
  } else if (pid > 0 && WIFSIGNALED(status)) {
    LOG_WARNING("Background saving terminated by signal %d", WTERMSIG(status));
    // As Redis: a child killed by SIGUSR1 (a deliberate abort) is not an error.
    if (WTERMSIG(status) != SIGUSR1) server.persistence.rdb.last_bgsave_ok = false;
    const uint64_t start = LatencyStart(server);
    unlink(server.persistence.rdb.child_temp.c_str());
    LatencyEnd(server, "rdb-unlink-temp-file", start);
  } else {
    LOG_WARNING("Background saving error");
    server.persistence.rdb.last_bgsave_ok = false;
  }
  server.persistence.rdb.child_pid = -1;
  server.clock.freeze_lru = false;
}

// Stops a running BGSAVE child (SIGUSR1: a deliberate abort, not an error) and removes its
// temp file.
void KillChild(ServerState& server) {
  kill(server.persistence.rdb.child_pid, SIGUSR1);
  int status;
  waitpid(server.persistence.rdb.child_pid, &status, 0);
  const uint64_t start = LatencyStart(server);
  unlink(server.persistence.rdb.child_temp.c_str());
  LatencyEnd(server, "rdb-unlink-temp-file", start);
  CloseCowPipe(server);
  server.persistence.rdb.child_pid = -1;
  server.clock.freeze_lru = false;
}

}  // namespace

void RdbCron(ServerState& server) {
  if (server.persistence.rdb.child_pid != -1) {
    ReapChild(server);
    return;
  }
  if (RdbChildActive(server)) return;  // a replication snapshot: its owner reaps it
  // As Redis: one child at a time; a scheduled BGSAVE and the save points wait for the AOF
  // rewrite to finish.
  if (AofChildActive(server)) return;
  int64_t now = util::UnixMs();
  // As Redis: after a failed attempt, wait 5 seconds (CONFIG_BGSAVE_RETRY_DELAY) to retry.
  bool may_retry = server.persistence.rdb.last_bgsave_ok ||
                   now - server.persistence.rdb.last_bgsave_try_ms > 5000;
  if (server.persistence.rdb.bgsave_scheduled && may_retry) {
    (void)RdbStartBgsave(server);
    return;
  }
  uint64_t changes = server.persistence.dirty - server.persistence.rdb.dirty_at_last_save;
  for (const auto& [seconds, min_changes] : server.cfg->save_params) {
    if (changes >= static_cast<uint64_t>(min_changes) &&
        now / 1000 - server.persistence.last_save_time > seconds && may_retry) {
      LOG_NOTICE("%lld changes in %lld seconds. Saving...", static_cast<long long>(min_changes),
                 static_cast<long long>(seconds));
      (void)RdbStartBgsave(server);
      break;
    }
  }
}

bool RdbShutdownSave(ServerState& server, bool force, bool nosave) {
  if (RdbChildActive(server)) {
    LOG_WARNING("There is a child saving an .rdb. Killing it!");
    RdbState& r = server.persistence.rdb;
    if (r.child_pid != -1) KillChild(server);
    if (r.repl_child_pid != -1) {
      kill(r.repl_child_pid, SIGUSR1);
      waitpid(r.repl_child_pid, nullptr, 0);
      r.repl_child_pid = -1;
    }
  }
  // Never save a half-loaded dataset over the file it comes from.
  if (nosave || server.persistence.rdb.loading || (!force && server.cfg->save_params.empty()))
    return true;
  LOG_NOTICE("Saving the final RDB snapshot before exiting.");
  if (!RdbSaveNow(server).ok()) {
    LOG_WARNING("Error trying to save the DB, can't exit.");
    return false;
  }
  return true;
}

util::Status RdbLoadIntoServer(ServerState& server, std::span<const uint8_t> data,
                               bool aof_preamble, persistence::RdbLoadStats* stats) {
  std::vector<store::Db*> dbs = AllDbs(server);
  persistence::RdbLoadOptions opts = RdbLoadOptionsFor(server);
  opts.skip_expired = !aof_preamble;
  opts.progress = [&server](uint64_t, uint64_t) {
    if (server.persistence.rdb.process_events_while_loading)
      server.persistence.rdb.process_events_while_loading();
  };
  return persistence::LoadRdb(data, dbs, opts, stats);
}

util::Status RdbWriteForAof(ServerState& server, int fd) {
  std::vector<store::Db*> dbs = AllDbs(server);
  persistence::RdbSaveOptions opts = RdbSaveOptionsFor(server);
  opts.aof_base = true;
  opts.repl_id.clear();  // as Redis: an AOF base carries no replication history
  return persistence::WriteRdb(fd, dbs, opts, util::UnixMs());
}

util::Status RdbLoadAtStartup(ServerState& server) {
  std::string path = RdbPath(server);
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return util::Status::Ok();
    return util::Status::Error("Fatal error loading the DB: " + path + ": " + std::strerror(errno) +
                               ". Exiting.");
  }
  RdbState& r = server.persistence.rdb;
  r.loading = true;
  r.loading_start_ms = util::UnixMs();
  r.loading_total_bytes = static_cast<uint64_t>(st.st_size);
  r.loading_loaded_bytes = 0;
  std::vector<store::Db*> dbs = AllDbs(server);
  persistence::RdbLoadOptions opts = RdbLoadOptionsFor(server);
  int64_t last_log = r.loading_start_ms;
  opts.progress = [&server, &last_log](uint64_t done, uint64_t total) {
    server.persistence.rdb.loading_loaded_bytes = done;
    int64_t now = util::UnixMs();
    if (now - last_log >= 1000) {
      last_log = now;
      LOG_NOTICE("Loading RDB: %llu of %llu bytes (%.1f%%)", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total),
                 total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0);
    }
    if (server.persistence.rdb.process_events_while_loading)
      server.persistence.rdb.process_events_while_loading();
  };
  persistence::RdbLoadStats stats;
  util::Status s = persistence::LoadRdbFile(path, dbs, opts, &stats);
  r.loading = false;
  if (!s.ok()) {
    return util::Status::Error("Fatal error loading the DB (" + s.message() + "). Exiting.");
  }
  if (!stats.redis_ver.empty())
    LOG_NOTICE("Loading RDB produced by version %s", stats.redis_ver.c_str());
  LOG_NOTICE("Done loading RDB, keys loaded: %llu, keys expired: %llu, empty keys skipped: %llu.",
             static_cast<unsigned long long>(stats.keys_loaded),
             static_cast<unsigned long long>(stats.keys_expired),
             static_cast<unsigned long long>(stats.empty_keys_skipped));
  LOG_NOTICE("DB loaded from disk: %.3f seconds",
             static_cast<double>(util::UnixMs() - r.loading_start_ms) / 1000.0);
  r.loading_loaded_bytes = r.loading_total_bytes;
  r.last_load_keys_loaded = stats.keys_loaded;
  r.last_load_keys_expired = stats.keys_expired;
  r.loaded_repl_id = stats.repl_id;
  r.loaded_repl_offset = stats.repl_offset;
  r.loaded_repl_stream_db = stats.repl_stream_db;
  // Loading is not a change to save again.
  r.dirty_at_last_save = server.persistence.dirty;
  server.persistence.last_save_time = util::UnixMs() / 1000;
  return util::Status::Ok();
}

void RdbAfterFlushAll(ServerState& server) {
  // A replication snapshot goes on: the FLUSHALL reaches its replicas in the stream after it.
  if (server.persistence.rdb.child_pid != -1) {
    KillChild(server);
  }
  if (!server.cfg->save_params.empty()) (void)RdbSaveNow(server);
}

util::Status RdbDebugReload(ServerState& server, bool save, bool flush, bool merge) {
  if (save && !RdbSaveNow(server).ok()) return util::Status::Error("ERR");
  if (flush) {
    for (int i = 0; i < server.db_count(); ++i) server.db(i).Flush();
  }
  std::vector<store::Db*> dbs = AllDbs(server);
  persistence::RdbLoadOptions opts = RdbLoadOptionsFor(server);
  opts.replace_existing = merge;
  persistence::RdbLoadStats stats;
  uint64_t dirty = server.persistence.dirty;
  util::Status st = persistence::LoadRdbFile(RdbPath(server), dbs, opts, &stats);
  if (!st.ok()) {
    LOG_WARNING("Error trying to load the RDB dump: %s", st.message().c_str());
    return util::Status::Error("ERR Error trying to load the RDB dump");
  }
  server.persistence.dirty = dirty;
  LOG_NOTICE("Done loading RDB, keys loaded: %llu, keys expired: %llu.",
             static_cast<unsigned long long>(stats.keys_loaded),
             static_cast<unsigned long long>(stats.keys_expired));
  LOG_NOTICE("DB reloaded by DEBUG RELOAD");
  return util::Status::Ok();
}

bool CheckPersistenceGates(const ServerState& server, const Client& client, const CommandSpec& cmd,
                           protocol::ReplyBuilder& reply) {
  const RdbState& r = server.persistence.rdb;
  if (r.loading && !(cmd.flags & flag::kLoading)) {
    reply.Error("LOADING Redis is loading the dataset in memory");
    return false;
  }
  if (!r.last_bgsave_ok && DiskErrorDenies(client, cmd) &&
      server.cfg->stop_writes_on_bgsave_error && !server.cfg->save_params.empty()) {
    reply.Error(kMisconf);
    return false;
  }
  return true;
}

void AppendInfoPersistenceRdb(const ServerState& server, std::string* out) {
  const RdbState& r = server.persistence.rdb;
  int64_t now = util::UnixMs();
  auto line = [out](std::string_view k, const std::string& v) {
    out->append(k);
    out->push_back(':');
    out->append(v);
    out->append("\r\n");
  };
  auto num = [&line](std::string_view k, int64_t v) { line(k, std::to_string(v)); };
  num("loading", r.loading ? 1 : 0);
  num("async_loading", 0);
  num("current_cow_peak", 0);
  num("current_cow_size", 0);
  num("current_cow_size_age", 0);
  line("current_fork_perc", "0.00");
  num("current_save_keys_processed", 0);
  num("current_save_keys_total", 0);
  if (r.loading) {
    num("loading_start_time", r.loading_start_ms / 1000);
    num("loading_total_bytes", static_cast<int64_t>(r.loading_total_bytes));
    num("loading_rdb_used_mem", 0);
    num("loading_loaded_bytes", static_cast<int64_t>(r.loading_loaded_bytes));
    double perc = r.loading_total_bytes ? 100.0 * static_cast<double>(r.loading_loaded_bytes) /
                                              static_cast<double>(r.loading_total_bytes)
                                        : 0;
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.2f%%", perc);
    line("loading_loaded_perc", buf);
    int64_t elapsed = now - r.loading_start_ms;
    int64_t eta = r.loading_loaded_bytes == 0
                      ? 1
                      : static_cast<int64_t>(
                            static_cast<double>(elapsed) / 1000.0 *
                            static_cast<double>(r.loading_total_bytes - r.loading_loaded_bytes) /
                            static_cast<double>(r.loading_loaded_bytes));
    num("loading_eta_seconds", eta);
  }
  num("rdb_changes_since_last_save",
      static_cast<int64_t>(server.persistence.dirty - r.dirty_at_last_save));
  num("rdb_bgsave_in_progress", RdbChildActive(server) ? 1 : 0);
  num("rdb_last_save_time", server.persistence.last_save_time);
  line("rdb_last_bgsave_status", r.last_bgsave_ok ? "ok" : "err");
  num("rdb_last_bgsave_time_sec", r.last_bgsave_time_sec);
  num("rdb_current_bgsave_time_sec", r.child_pid != -1 ? (now - r.child_start_ms) / 1000 : -1);
  num("rdb_saves", static_cast<int64_t>(r.saves));
  num("rdb_last_cow_size", static_cast<int64_t>(r.last_cow_size));
  num("rdb_last_load_keys_expired", static_cast<int64_t>(r.last_load_keys_expired));
  num("rdb_last_load_keys_loaded", static_cast<int64_t>(r.last_load_keys_loaded));
}

}  // namespace redoubt::commands
