// AuditLog: JSON-lines formatting with strict escaping, and an append-only file that survives
// write errors and log rotation.
#include "security/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "util/safe_file.h"

namespace redoubt::security {
namespace {

void AppendHexEscape(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\u00");
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xf]);
}

// Length of the valid UTF-8 sequence starting at s[i] (2..4), or 0 if it is not one.
// Rejects overlong forms, surrogates and code points above U+10FFFF (RFC 3629).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  }
  return len;
}

void AppendKey(std::string_view key, std::string* out) {
  out->push_back(',');
  AppendJsonString(key, out);
  out->push_back(':');
}

void AppendField(std::string_view key, std::string_view value, std::string* out) {
  if (value.empty()) return;
  AppendKey(key, out);
  AppendJsonString(value, out);
}

}  // namespace

std::string_view AuditEventName(AuditEvent event) {
  switch (event) {
    case AuditEvent::kAuthSuccess:
      return "auth_success";
    case AuditEvent::kAuthFailure:
      return "auth_failure";
    case AuditEvent::kAuthThrottled:
      return "auth_throttled";
    case AuditEvent::kAclDenied:
      return "acl_denied";
    case AuditEvent::kConnectionRefused:
      return "connection_refused";
    case AuditEvent::kConfigSet:
      return "config_set";
    case AuditEvent::kConfigRewrite:
      return "config_rewrite";
    case AuditEvent::kAclSetUser:
      return "acl_setuser";
    case AuditEvent::kAclDelUser:
      return "acl_deluser";
    case AuditEvent::kAclLoad:
      return "acl_load";
    case AuditEvent::kAclSave:
      return "acl_save";
    case AuditEvent::kFlushAll:
      return "flushall";
    case AuditEvent::kFlushDb:
      return "flushdb";
    case AuditEvent::kShutdown:
      return "shutdown";
    case AuditEvent::kScriptError:
      return "script_error";
    case AuditEvent::kScriptKilled:
      return "script_killed";
    case AuditEvent::kReplicaOfRefused:
      return "replicaof_refused";
  }
  return "unknown";
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(s, i);
      if (len == 0) {
        AppendHexEscape(c, out);  // an invalid byte: kept visible, never raw
        ++i;
      } else {
        out->append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          AppendHexEscape(c, out);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

std::string FormatIso8601Utc(int64_t unix_ms) {
  int64_t secs = unix_ms / 1000;
  int64_t ms = unix_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  const time_t t = static_cast<time_t>(secs);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string AuditLog::Format(const AuditRecord& r, int64_t now_ms) {
  std::string line = "{\"ts\":";
  AppendJsonString(FormatIso8601Utc(now_ms), &line);
  AppendField("event", AuditEventName(r.event), &line);
  AppendField("user", r.user, &line);
  AppendField("addr", r.addr, &line);
  if (r.client_id >= 0) {
    AppendKey("client_id", &line);
    line += std::to_string(r.client_id);
  }
  AppendField("command", r.command, &line);
  AppendField("reason", r.reason, &line);
  AppendField("object", r.object, &line);
  if (!r.params.empty()) {
    AppendKey("params", &line);
    line.push_back('[');
    for (size_t i = 0; i < r.params.size(); ++i) {
      if (i) line.push_back(',');
      AppendJsonString(r.params[i], &line);
    }
    line.push_back(']');
  }
  line.push_back('}');
  return line;
}

AuditLog::~AuditLog() { Close(); }

util::Status AuditLog::Open(const std::string& path) {
  if (path.empty()) {
    Close();
    path_.clear();
    return util::Status::Ok();
  }
  util::StatusOr<int> fd = util::OpenForAppend(path);
  if (!fd.ok()) return util::Status::Error("can't open audit log: " + fd.status().message());
  Close();
  fd_ = *fd;
  path_ = path;
  return util::Status::Ok();
}

util::Status AuditLog::Reopen() {
  if (path_.empty()) return util::Status::Ok();
  const std::string path = path_;
  return Open(path);
}

void AuditLog::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void AuditLog::Write(const AuditRecord& record, int64_t now_ms) {
  if (fd_ < 0) return;
  std::string line = Format(record, now_ms);
  line.push_back('\n');
  ssize_t n;
  do {
    n = write(fd_, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(line.size())) {
    ++lines_written_;
  } else {
    ++write_errors_;  // a full disk must not take the server down; INFO shows the count
  }
}

}  // namespace redoubt::security
