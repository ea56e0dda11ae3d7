#include "protocol/resp_parser.h"

#include <cstring>

#include "protocol/errors.h"
#include "util/numbers.h"
#include "util/split_args.h"

namespace redoubt::protocol {

namespace {

// Finds the CR of a "<prefix><number>\r\n" line starting at data[0]; nullptr if not there yet.
const char* FindCr(const char* data, size_t len) {
  return static_cast<const char*>(std::memchr(data, '\r', len));
}

}  // namespace

void RequestParser::Reset() {
  mbulk_left_ = -1;
  bulk_len_ = -1;
  pos_ = 0;
  bytes_wanted_ = 0;
  spans_.clear();
}

RequestParser::Result RequestParser::Fail(std::string_view reason) {
  error_.assign(reason);
  Reset();
  return Result::kError;
}

RequestParser::Result RequestParser::Parse(const char* data, size_t len, const ParseLimits& limits,
                                           size_t* consumed) {
  if (mbulk_left_ < 0 && (len == 0 || data[0] != '*')) return ParseInline(data, len, consumed);
  return ParseMultibulk(data, len, limits, consumed);
}

RequestParser::Result RequestParser::ParseInline(const char* data, size_t len, size_t* consumed) {
  const char* nl = static_cast<const char*>(std::memchr(data, '\n', len));
  if (nl == nullptr) {
    if (len > kInlineMaxSize) return Fail(errors::kProtoTooBigInline);
    return Result::kIncomplete;
  }
  size_t line_len = nl - data;
  *consumed = line_len + 1;
  if (line_len > 0 && data[line_len - 1] == '\r') --line_len;
  auto split = util::SplitArgs(std::string_view(data, line_len));
  if (!split) return Fail(errors::kProtoUnbalancedQuotes);
  if (split->empty()) return Result::kEmpty;
  inline_args_ = std::move(*split);
  args_.clear();
  for (const std::string& a : inline_args_) args_.emplace_back(a);
  return Result::kCommand;
}

RequestParser::Result RequestParser::ParseMultibulk(const char* data, size_t len,
                                                    const ParseLimits& limits, size_t* consumed) {
  if (mbulk_left_ < 0) {
    const char* cr = FindCr(data, len);
    if (cr == nullptr) {
      if (len > kInlineMaxSize) return Fail(errors::kProtoTooBigMbulkCount);
      return Result::kIncomplete;
    }
    size_t header = cr - data;
    if (header + 2 > len) return Result::kIncomplete;  // the '\n' has not arrived yet
    int64_t n = 0;
    bool ok = util::ParseInt64(std::string_view(data + 1, header - 1), &n);
    if (!ok || n > INT32_MAX) return Fail(errors::kProtoInvalidMbulkLen);
    if (n > kUnauthMaxArgs && !limits.authenticated) return Fail(errors::kProtoUnauthMbulkLen);
    if (n <= 0) {
      *consumed = header + 2;
      return Result::kEmpty;
    }
    mbulk_left_ = n;
    bulk_len_ = -1;
    pos_ = header + 2;
    spans_.clear();
    // Reserve for what a small command needs, never for what the header claims.
    if (spans_.capacity() < 16) spans_.reserve(16);
  }

  while (mbulk_left_ > 0) {
    if (bulk_len_ < 0) {
      const char* start = data + pos_;
      size_t avail = len - pos_;
      const char* cr = FindCr(start, avail);
      if (cr == nullptr) {
        if (avail > kInlineMaxSize) return Fail(errors::kProtoTooBigBulkCount);
        bytes_wanted_ = 0;
        return Result::kIncomplete;
      }
      size_t header = cr - start;
      if (header + 2 > avail) return Result::kIncomplete;
      if (start[0] != '$') {
        char reason[64];
        std::snprintf(reason, sizeof(reason), "expected '$', got '%c'", start[0]);
        return Fail(reason);
      }
      int64_t n = 0;
      bool ok = util::ParseInt64(std::string_view(start + 1, header - 1), &n);
      if (!ok || n < 0 || n > limits.max_bulk_len) return Fail(errors::kProtoInvalidBulkLen);
      if (n > kUnauthMaxBulk && !limits.authenticated) return Fail(errors::kProtoUnauthBulkLen);
      bulk_len_ = n;
      pos_ += header + 2;
    }
    size_t need = static_cast<size_t>(bulk_len_) + 2;
    if (len - pos_ < need) {
      bytes_wanted_ = need - (len - pos_);
      return Result::kIncomplete;
    }
    spans_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ += need;
    bulk_len_ = -1;
    --mbulk_left_;
  }

  args_.clear();
  for (const auto& [off, n] : spans_) args_.emplace_back(data + off, n);
  *consumed = pos_;
  mbulk_left_ = -1;
  pos_ = 0;
  bytes_wanted_ = 0;
  spans_.clear();
  return Result::kCommand;
}

}  // namespace redoubt::protocol
