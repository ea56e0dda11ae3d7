// Writes values and whole datasets in Redis 7.0's RDB format (version 10): the encodings Redis
// 7.0 writes (integer and LZF strings, quicklist-2 lists, intsets, listpack hashes and sorted
// sets), the aux fields, and the CRC-64 trailer. Also the DUMP payload. Knows nothing of RESP.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"
#include "store/entry.h"
#include "util/safe_file.h"
#include "util/status.h"

namespace redoubt::persistence {

struct RdbSaveOptions {
  bool compress = true;   // rdbcompression: LZF for strings over 20 bytes when it pays
  bool checksum = true;   // rdbchecksum: a CRC-64 trailer (zeros when off)
  uint64_t used_mem = 0;  // the used-mem aux field
  bool aof_base = false;  // the aof-base aux field (an AOF's RDB base/preamble)
  // The repl-stream-db / repl-id / repl-offset aux fields (written when repl_id is set): the
  // replication history this snapshot matches, for a partial resync after a restart.
  std::string repl_id;
  int64_t repl_offset = 0;
  int repl_stream_db = 0;
  // FUNCTION libraries' code, one RDB_OPCODE_FUNCTION2 record each after the aux fields.
  std::vector<std::string> functions;
  bool fsync = true;  // fsync the file (SaveRdbFile) before it is renamed into place
  std::string_view version = "7.0.15";
  int key_save_delay_us = 0;  // rdb-key-save-delay (tests): a pause per key written
  // Per key, as Redis writes it: its idle seconds under an LRU policy (RDB_OPCODE_IDLE), its
  // access counter under an LFU policy (RDB_OPCODE_FREQ), nothing otherwise.
  enum class AccessInfo : uint8_t { kNone, kIdle, kFreq };
  AccessInfo access = AccessInfo::kNone;
  uint32_t lru_clock = 0;  // the LRU clock when the snapshot was taken (kIdle)
  int lfu_decay_time = 1;  // lfu-decay-time (kFreq: the counter is written decayed)
};

// Buffered RDB output with a running CRC-64, to a file descriptor (flushed every 64 KB) or
// kept in memory (fd < 0).
class RdbOutput {
 public:
  explicit RdbOutput(int fd = -1, bool compress = true) : fd_(fd), compress_(compress) {}

  void Raw(const void* p, size_t n);
  void Byte(uint8_t b) { buf_.push_back(static_cast<char>(b)); }
  // A length in RDB's variable 6/14/32/64-bit encoding.
  void Len(uint64_t n);
  // A string: integer encodings when it is a small canonical integer, LZF when enabled and
  // it pays, a plain length-prefixed string otherwise.
  void String(std::string_view s);
  void Int(int64_t v);  // a string holding the decimal v
  // The type byte for e's value, and the value itself (what follows the key).
  static uint8_t TypeOf(const store::Entry& e);
  void Value(const store::Entry& e);

  // Writes the buffer to the fd; false (errno set) on a write error.
  bool Flush();
  bool failed() const { return failed_; }
  int error() const { return error_; }
  uint64_t crc() const;                   // CRC of everything written so far
  std::string& buffer() { return buf_; }  // in-memory mode: the bytes
  uint64_t bytes_written() const { return written_ + buf_.size(); }

 private:
  void MaybeFlush() {
    if (fd_ >= 0 && buf_.size() >= (64u << 10)) Flush();
  }
  void ListValue(const store::Entry& e);
  void SetValue(const store::Entry& e);
  void HashValue(const store::Entry& e);
  void ZSetValue(const store::Entry& e);

  int fd_;
  bool compress_;
  bool failed_ = false;
  int error_ = 0;
  std::string buf_;
  uint64_t crc_ = 0;  // over the bytes already flushed
  uint64_t written_ = 0;
  std::string lzf_scratch_;
};

// Writes the whole dataset as one RDB stream to fd (header, aux fields, every db, EOF, CRC).
// *keys receives the number of keys written. Used by SAVE/BGSAVE and the AOF base.
util::Status WriteRdb(int fd, std::span<store::Db* const> dbs, const RdbSaveOptions& opts,
                      int64_t now_ms, uint64_t* keys = nullptr);

// Saves to `path` safely: a temp file in the same directory (mode 0600), fsynced, renamed over
// path, and the directory fsynced, so that a crash leaves the old file or the new one.
util::Status SaveRdbFile(const std::string& path, std::span<store::Db* const> dbs,
                         const RdbSaveOptions& opts, int64_t now_ms, uint64_t* keys = nullptr);

// The same into an already created temp file (a BGSAVE child writes the one its parent made).
util::Status SaveRdbFile(util::TempFile tmp, const std::string& path,
                         std::span<store::Db* const> dbs, const RdbSaveOptions& opts,
                         int64_t now_ms, uint64_t* keys = nullptr);

// DUMP's payload: type byte, value, RDB version (2 bytes LE), CRC-64 (8 bytes LE).
std::string DumpPayload(const store::Entry& e, bool compress);
// FUNCTION DUMP: one RDB_OPCODE_FUNCTION2 record per library code, then the same version
// and CRC-64 footer as DUMP, as Redis 7.0 writes it.
std::string FunctionsDumpPayload(const std::vector<std::string>& codes, bool compress);

}  // namespace redoubt::persistence
