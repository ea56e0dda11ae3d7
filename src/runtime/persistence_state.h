// The persistence part of ServerState: the dirty counter and save times, the RDB and AOF
// engines' state, and the write feed executed writes go to (AOF now, replication next).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/command.h"
#include "runtime/rdb_persistence.h"

namespace redoubt::commands {

class Aof;

// Where executed writes go: the AOF now, replication later. Installed only while such a
// consumer is on, so that Execute pays one branch otherwise.
class WriteFeed {
 public:
  virtual ~WriteFeed() = default;
  // A command that changed the dataset (the dirty counter moved while it ran), with the
  // arguments it ran with; args[0] is the name the client used, cmd the canonical command.
  virtual void Command(int db, const CommandSpec& cmd, std::span<const std::string_view> args) = 0;
  // A key removed by the server itself rather than by a command (expiry, eviction).
  virtual void Deleted(int db, std::string_view key) = 0;
  // A command in the form it must be replayed in (CommandContext::PropagateAs); args[0] is
  // already the canonical name.
  virtual void Propagate(int db, std::span<const std::string_view> args) = 0;
  // EXEC runs its queue between these two calls (the AOF wraps its writes in MULTI/EXEC).
  virtual void BeginTransaction() {}
  virtual void EndTransaction() {}
  // Bytes the feed holds for writes not yet handed to the kernel (the AOF buffer): not
  // counted against maxmemory, as Redis's mem_not_counted_for_evict.
  virtual uint64_t BufferedBytes() const { return 0; }
};

// Both write consumers at once: the AOF first (it is written before replies go out), then the
// replication stream, each seeing the same calls in the same order.
class WriteFeedTee : public WriteFeed {
 public:
  WriteFeed* first = nullptr;
  WriteFeed* second = nullptr;
  void Command(int db, const CommandSpec& cmd, std::span<const std::string_view> args) override {
    first->Command(db, cmd, args);
    second->Command(db, cmd, args);
  }
  void Deleted(int db, std::string_view key) override {
    first->Deleted(db, key);
    second->Deleted(db, key);
  }
  void Propagate(int db, std::span<const std::string_view> args) override {
    first->Propagate(db, args);
    second->Propagate(db, args);
  }
  void BeginTransaction() override {
    first->BeginTransaction();
    second->BeginTransaction();
  }
  void EndTransaction() override {
    first->EndTransaction();
    second->EndTransaction();
  }
  uint64_t BufferedBytes() const override {
    return first->BufferedBytes() + second->BufferedBytes();
  }
};

struct PersistenceState {
  // Changes to the dataset since start (Redis's server.dirty); every db adds to it.
  uint64_t dirty = 0;
  int64_t last_save_time = 0;  // unix seconds
  RdbState rdb;                // snapshots and loading (runtime/rdb_persistence.h)
  // The AOF engine (runtime/aof_persistence.h), owned by the server; nullptr when none runs
  // (in-process tests). And the last AOF write error (non-empty: writes are refused with
  // -MISCONF, as Redis).
  Aof* aof = nullptr;
  std::string aof_write_error;

  // What the engine feeds executed writes to: nullptr while nothing consumes them, else the
  // AOF, the replication stream, or a tee of both. The consumers install themselves in their
  // own slot and call UpdateWriteFeed(); nothing else writes write_feed.
  WriteFeed* write_feed = nullptr;
  WriteFeed* aof_feed = nullptr;
  WriteFeed* replication_feed = nullptr;
  void UpdateWriteFeed();
  // Commands the running command asked to be fed instead of itself (PropagateAs).
  std::vector<std::vector<std::string>> propagate_as;

  // FUNCTION libraries for the RDB functions records (scripting/ installs both; unset, a file
  // holding functions is refused).
  std::function<std::vector<std::string>()> function_library_codes;
  std::function<bool(std::string_view code, std::string* err)> load_function_library;

 private:
  WriteFeedTee feed_tee_;
};

}  // namespace redoubt::commands
