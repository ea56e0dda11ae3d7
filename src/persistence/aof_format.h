// The append-only file's byte formats, with no server dependency: commands as RESP multibulks,
// a reader that tells a torn tail from corruption, and Redis 7.0's multi-part manifest. Shared
// by the server, redoubt-check-aof and the fuzz target.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace redoubt::persistence {

// Appends one command as a RESP multibulk ("*N\r\n$len\r\narg\r\n...").
void AppendCommand(std::string* out, std::span<const std::string_view> args);
void AppendCommand(std::string* out, std::initializer_list<std::string_view> args);

// Reads commands from AOF bytes. Each Next() call yields one command, or tells why it cannot:
// the bytes end inside a command (a torn tail: everything from offset() on can be dropped) or
// they are not AOF at all (corruption at offset()).
class AofReader {
 public:
  enum class Result { kCommand, kEnd, kTruncated, kCorrupt };

  explicit AofReader(std::string_view data) : data_(data) {}
  Result Next();
  // The arguments of the command Next() returned (views into the data).
  const std::vector<std::string_view>& args() const { return args_; }
  // Where the command Next() looked at starts (after kTruncated/kCorrupt: the bad spot).
  size_t offset() const { return start_; }
  // Just past the last command returned.
  size_t position() const { return pos_; }
  const std::string& error() const { return error_; }

  // Longest argument and argument count accepted (Redis's loader limits are the same magnitude).
  static constexpr int64_t kMaxArgs = 1 << 20;
  static constexpr int64_t kMaxBulk = 512LL * 1024 * 1024;

 private:
  // Reads "<prefix><int>\r\n" at pos_; kCommand on success.
  Result ReadHeader(char prefix, int64_t max, int64_t* value);

  std::string_view data_;
  size_t pos_ = 0;
  size_t start_ = 0;
  std::vector<std::string_view> args_;
  std::string error_;
};

// Whether the bytes start like an RDB file (an RDB-preamble base or an old single-file AOF
// with an RDB preamble).
inline bool LooksLikeRdb(std::string_view data) { return data.substr(0, 5) == "REDIS"; }

// Redis 7.0's manifest: one line per file, "file <name> seq <n> type <b|h|i>".
struct AofFileInfo {
  std::string name;
  int64_t seq = 0;
  char type = 'i';  // 'b' base, 'h' history, 'i' incremental
};
struct AofManifest {
  bool has_base = false;
  AofFileInfo base;
  std::vector<AofFileInfo> incrs;    // in load order
  std::vector<AofFileInfo> history;  // no longer used; deleted when seen
  int64_t cur_base_seq = 0;
  int64_t cur_incr_seq = 0;

  std::string Serialize() const;
};
util::StatusOr<AofManifest> ParseManifest(std::string_view text);

// File names of the multi-part layout for appendfilename `base_name`.
std::string BaseFileName(std::string_view base_name, int64_t seq, bool rdb);
std::string IncrFileName(std::string_view base_name, int64_t seq);
std::string ManifestFileName(std::string_view base_name);
std::string TempManifestFileName(std::string_view base_name);

}  // namespace redoubt::persistence
