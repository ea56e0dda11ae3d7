// Loads Redis RDB files (versions 1 to 10: every encoding Redis 7.0 writes and the older ones it
// still loads) and DUMP payloads into the store. Every length and count read from the input is
// checked against what remains of it before anything is allocated, and every packed blob
// (listpack, ziplist, intset, zipmap) is validated in full before use: a corrupt input is an
// error naming the offset and the reason, never a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"
#include "store/entry.h"
#include "store/hash_object.h"
#include "store/zset_object.h"
#include "util/status.h"

namespace redoubt::persistence {

struct RdbLoadOptions {
  // The encoding limits the loaded objects are built with (the config's *-max-* directives).
  int list_fill = -2;
  store::HashLimits hash;
  store::ZSetLimits zset;
  int64_t set_max_intset_entries = 512;
  // rdbchecksum: verify the CRC-64 trailer. A zero trailer is refused while this is on (an
  // unverifiable file is not trusted); off, no check at all.
  bool verify_checksum = true;
  // Keys whose TTL passed before now_ms are dropped, as Redis does on a primary (not for an
  // AOF preamble, whose later commands may still refer to them).
  bool skip_expired = true;
  int64_t now_ms = 0;
  // Called every ~2 MB of input with (bytes read, total bytes): the server keeps serving
  // LOADING replies and logs progress from here.
  std::function<void(uint64_t done, uint64_t total)> progress;
  uint64_t progress_interval_bytes = 2u << 20;
  // A FUNCTION library (RDB_OPCODE_FUNCTION2) read from the file; false (with the reason in
  // *err) fails the load. Unset: a file holding functions is refused.
  std::function<bool(std::string_view code, std::string* err)> load_function;
  int key_load_delay_us = 0;  // key-load-delay (tests): a pause per key loaded
  // A key the database already holds: replaced by the file's (DEBUG RELOAD MERGE) instead of
  // failing the load.
  bool replace_existing = false;
  // When set, a key's idle time (RDB_OPCODE_IDLE) or access counter (RDB_OPCODE_FREQ) become
  // its `lru` as Redis applies them under the clock's policy; otherwise they are skipped.
  const store::Clock* access_clock = nullptr;
};

// Databases of their own for a file to be loaded into outside a server: the check tools and
// the fuzz target.
struct ScratchDbs {
  explicit ScratchDbs(int n) {
    for (int i = 0; i < n; ++i) {
      owned.push_back(std::make_unique<store::Db>(i, &clock, &stats));
      dbs.push_back(owned.back().get());
    }
  }
  store::Clock clock;
  store::DbStats stats;
  std::vector<std::unique_ptr<store::Db>> owned;
  std::vector<store::Db*> dbs;
};

struct RdbLoadStats {
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;
  uint64_t empty_keys_skipped = 0;
  uint64_t bytes = 0;  // bytes of input the RDB image took (an AOF continues after them)
  int version = 0;
  std::string redis_ver;  // the redis-ver aux field, when present
  // The replication aux fields, when present (repl_id empty otherwise).
  std::string repl_id;
  int64_t repl_offset = -1;
  int repl_stream_db = -1;
};

// Loads the RDB image at the start of `data` into dbs (keys are added; an existing key with
// the same name is an error). On error the dbs hold what was loaded so far; the caller decides
// (start-up refuses to run).
util::Status LoadRdb(std::span<const uint8_t> data, std::span<store::Db* const> dbs,
                     const RdbLoadOptions& opts, RdbLoadStats* stats);

// LoadRdb on the contents of a file (mapped, not copied). The error names the file.
util::Status LoadRdbFile(const std::string& path, std::span<store::Db* const> dbs,
                         const RdbLoadOptions& opts, RdbLoadStats* stats);

// RESTORE: checks the payload's RDB version and CRC-64, then decodes the value under key
// (validated in full; the whole payload must be used). The caller owns the entry.
// Errors are Redis's reply texts.
util::StatusOr<store::Entry*> DecodeDumpPayload(std::string_view key, std::string_view payload,
                                                bool with_expire, const RdbLoadOptions& opts);

// FUNCTION RESTORE: checks version and CRC-64, then returns the library codes of the
// RDB_OPCODE_FUNCTION2 records (the whole payload must be used). Errors are reply texts.
util::StatusOr<std::vector<std::string>> DecodeFunctionsPayload(std::string_view payload);

}  // namespace redoubt::persistence
