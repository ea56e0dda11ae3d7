// The append-only file: Redis 7.0's multi-part layout (a base file, incremental files and a
// manifest in appenddirname), the write feed that appends executed writes under their
// canonical names, the fsync policies, background rewrites (BGREWRITEAOF) and INFO aof_*.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "persistence/aof_format.h"
#include "runtime/server_state.h"
#include "util/status.h"

namespace redoubt::commands {

using persistence::AofManifest;

// BGREWRITEAOF: starts a rewrite, or schedules it while a snapshot child runs (one fork at a
// time, as Redis), and replies as Redis does.
void BgRewriteAof(ServerState& server, protocol::ReplyBuilder& reply);

class Aof : public WriteFeed {
 public:
  explicit Aof(ServerState* state);
  ~Aof() override;
  Aof(const Aof&) = delete;
  Aof& operator=(const Aof&) = delete;

  // Start-up with appendonly yes: loads the AOF (manifest, or an old single file, which is
  // moved into the AOF directory), then opens a new incremental file and installs the feed.
  // An error means start-up must stop. `progress` is called every few MB while loading.
  util::Status StartUp(const std::function<void(size_t done, size_t total)>& progress = {});
  // CONFIG SET appendonly yes|no at runtime. Turning it on writes a base first (in a child).
  util::Status Enable();
  void Disable();
  bool enabled() const { return enabled_; }

  // WriteFeed.
  void Command(int db, const CommandSpec& cmd, std::span<const std::string_view> args) override;
  void Deleted(int db, std::string_view key, bool lazy) override;
  void Propagate(int db, std::span<const std::string_view> args) override;
  void BeginTransaction() override;
  void EndTransaction() override;
  uint64_t BufferedBytes() const override { return buf_.capacity(); }

  // Whether replies must wait for FlushBeforeSleep (writes are buffered).
  bool has_pending() const { return !buf_.empty(); }
  // Before-sleep step: writes the buffer (and fsyncs it for appendfsync always) before any
  // client output of this loop turn is sent.
  void FlushBeforeSleep();
  // Cron: reaps a finished rewrite child, starts automatic rewrites, retries failed writes.
  void Cron();
  // Shutdown: everything written and fsynced.
  void Shutdown();
  // DEBUG LOADAOF: writes what is buffered, empties the databases and replays the files the
  // manifest on disk names (base, then incrementals). Nothing replayed is fed back.
  util::Status LoadForDebug();

  // BGREWRITEAOF: forks a child writing a new base; the reply text or error.
  util::Status StartRewrite();
  bool rewrite_in_progress() const { return child_pid_ > 0; }
  // BGREWRITEAOF while a BGSAVE child runs: the rewrite starts from the cron once it is done.
  void ScheduleRewrite() { rewrite_scheduled_ = true; }
  // The aof_* lines of INFO's Persistence section (Redis 7.0's names and order).
  void Info(std::string* out) const;

 private:
  void Append(int db, std::span<const std::string_view> args);
  void AppendSelect(int db);
  bool WriteBuffer();
  void FsyncNow();
  void FsyncThread();
  util::Status OpenNewIncr(bool persist_manifest);
  util::Status PersistManifest(const AofManifest& m);
  util::Status CreateBaseNow();
  void RewriteDone(int status);
  void ReadManifestFromDisk();
  bool UseRdbBase() const;
  bool WriteBase(int fd, int64_t now_ms, bool rdb);
  std::string Path(const std::string& name) const;
  std::vector<store::Db*> Dbs() const;
  uint64_t FileSize(const std::string& name) const;

  ServerState* state_;
  bool enabled_ = false;
  int fd_ = -1;
  std::string buf_;
  int selected_db_ = -1;
  bool tx_open_ = false;     // EXEC running: MULTI written at its first write
  bool tx_written_ = false;  // MULTI written for the running EXEC
  AofManifest manifest_;
  uint64_t current_size_ = 0;  // base + incr files, as aof_current_size
  uint64_t base_size_ = 0;     // at the last rewrite (auto-aof-rewrite-percentage)
  int last_write_errno_ = 0;
  bool write_ok_ = true;

  // Background fsync for everysec.
  std::thread fsync_thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> fsync_requested_ = false;
  std::atomic<bool> fsync_running_ = false;
  bool stop_ = false;
  int64_t last_fsync_ms_ = 0;
  uint64_t delayed_fsync_ = 0;

  // Rewrite child.
  pid_t child_pid_ = -1;
  int64_t rewrite_start_ms_ = 0;
  int64_t last_rewrite_time_sec_ = -1;
  bool last_rewrite_ok_ = true;
  uint64_t rewrites_ = 0;
  uint64_t rewrite_failures_ = 0;
  bool enabling_ = false;  // the rewrite is the base of CONFIG SET appendonly yes
  std::string rewrite_temp_;
  bool rewrite_rdb_ = false;  // the running rewrite writes an RDB base
  bool rewrite_scheduled_ = false;
  bool debug_loading_ = false;  // LoadForDebug is replaying
};

}  // namespace redoubt::commands
