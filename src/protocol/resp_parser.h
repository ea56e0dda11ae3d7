// Request parser: RESP multibulk and inline commands, parsed in place. Arguments are views into
// the caller's buffer; nothing is allocated because of a length a client merely claims.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace redoubt::protocol {

// Redis's PROTO_INLINE_MAX_SIZE: the longest inline command or count line accepted.
inline constexpr size_t kInlineMaxSize = 64 * 1024;
// Before a client has authenticated, Redis refuses bigger requests than these.
inline constexpr int64_t kUnauthMaxArgs = 10;
inline constexpr int64_t kUnauthMaxBulk = 16 * 1024;

struct ParseLimits {
  int64_t max_bulk_len = 512 * 1024 * 1024;
  bool authenticated = true;
};

class RequestParser {
 public:
  enum class Result { kCommand, kEmpty, kIncomplete, kError };

  // Parses the request that starts at data[0]. The caller passes the same start again (with more
  // bytes after it) after kIncomplete; state is kept as offsets from that start, so the caller may
  // move the bytes in memory between calls. kCommand: args() holds the arguments and *consumed
  // how many bytes they took. kEmpty: an empty request (blank inline line, "*0") was consumed.
  Result Parse(const char* data, size_t len, const ParseLimits& limits, size_t* consumed);

  std::span<const std::string_view> args() const { return args_; }
  // After kError: the reason, to be sent as "-ERR Protocol error: <reason>".
  const std::string& error() const { return error_; }
  // How many more bytes the request in progress needs at least (0 when unknown); lets the
  // reader size its buffer to what is really coming instead of to what was claimed.
  size_t bytes_wanted() const { return bytes_wanted_; }
  bool in_progress() const { return mbulk_left_ >= 0; }
  void Reset();

 private:
  Result ParseInline(const char* data, size_t len, size_t* consumed);
  Result ParseMultibulk(const char* data, size_t len, const ParseLimits& limits, size_t* consumed);
  Result Fail(std::string_view reason);

  int64_t mbulk_left_ = -1;  // arguments still to read; -1 = no request in progress
  int64_t bulk_len_ = -1;    // length of the bulk being read; -1 = its header is next
  size_t pos_ = 0;           // parse position, as an offset from the request start
  size_t bytes_wanted_ = 0;
  std::vector<std::pair<size_t, size_t>> spans_;  // (offset, length) of each argument so far
  std::vector<std::string_view> args_;
  std::vector<std::string> inline_args_;  // inline arguments are unescaped, so they are copies
  std::string error_;
};

}  // namespace redoubt::protocol
