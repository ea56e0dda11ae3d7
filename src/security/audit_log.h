// The audit trail (`audit-log <file>`): one JSON object per line for every authentication
// success and failure, ACL denial, throttled AUTH and administrative change, with who did it.
// Secrets never reach it: events carry no argument values, and CONFIG SET events carry
// parameter names only.
//
// Line format (keys in this order; absent fields are omitted):
//   {"ts":"2026-11-24T10:47:33.123Z","event":"auth_failure","user":"default",
//    "addr":"10.0.0.7:51234","client_id":12,"command":"auth","reason":"wrong password"}
//   {"ts":...,"event":"config_set","user":"admin","addr":...,"client_id":3,
//    "command":"config|set","params":["maxmemory","requirepass"]}
// Strings are JSON-escaped: quote, backslash, control characters and DEL as \uXXXX (or the
// short forms \n \t ...); bytes that are not valid UTF-8 become \u00XX, one per byte, so every
// line is valid JSON and valid UTF-8 whatever a client sends as a user or command name.
//
// The file is opened O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC with mode 0600 (an existing file's
// mode is left alone). Each record is one write(2) of a whole line (O_APPEND keeps lines whole
// between processes). A failed write is counted, never fatal. Reopen() re-opens the same path,
// for log rotation (rename the file, then CONFIG SET audit-log <same path> or SIGHUP-style
// hook -> Reopen()).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace redoubt::security {

enum class AuditEvent : uint8_t {
  kAuthSuccess,
  kAuthFailure,
  kAuthThrottled,      // refused by the AUTH throttle before the password was checked
  kAclDenied,          // NOPERM: command, key or channel
  kConnectionRefused,  // refused by allow-from at accept time
  kConfigSet,
  kConfigRewrite,
  kAclSetUser,
  kAclDelUser,
  kAclLoad,
  kAclSave,
  kFlushAll,
  kFlushDb,
  kShutdown,
  kScriptError,       // a script (EVAL, FCALL) ended in an error
  kScriptKilled,      // SCRIPT KILL / FUNCTION KILL stopped a script
  kReplicaOfRefused,  // REPLICAOF to a primary outside replicaof-allow
};

// "auth_success", "auth_failure", "auth_throttled", "acl_denied", "connection_refused",
// "config_set", "config_rewrite", "acl_setuser", "acl_deluser", "acl_load", "acl_save",
// "flushall", "flushdb", "shutdown", "script_error", "script_killed",
// "replicaof_refused".
std::string_view AuditEventName(AuditEvent event);

struct AuditRecord {
  AuditEvent event = AuditEvent::kAuthFailure;
  std::string_view user = {};     // the authenticated user (or the user AUTH tried); "" = omitted
  std::string_view addr = {};     // client "ip:port" (or "/unix:0"); "" = omitted
  int64_t client_id = -1;         // -1 = omitted
  std::string_view command = {};  // canonical name, lower case, "acl|setuser" for subcommands
  std::string_view reason = {};   // free text the server chose ("wrong password", "key", ...)
  std::string_view object = {};   // what was denied / changed: a key, channel or user NAME
  // Parameter names (config_set). Never values: the caller passes names only.
  std::span<const std::string_view> params = {};
};

class AuditLog {
 public:
  AuditLog() = default;
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Opens `path` for appending ("" closes the log: auditing off). On error the previous file
  // stays open and the error names the path and errno text.
  util::Status Open(const std::string& path);
  // Re-opens the current path (after log rotation). No-op when off.
  util::Status Reopen();
  void Close();

  bool enabled() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

  // Writes one line; `now_ms` is wall-clock milliseconds since the epoch (the caller's clock,
  // so tests are deterministic). Does nothing when off.
  void Write(const AuditRecord& record, int64_t now_ms);

  uint64_t lines_written() const { return lines_written_; }
  uint64_t write_errors() const { return write_errors_; }

  // The line Write would append (without the trailing newline). Exposed for tests.
  static std::string Format(const AuditRecord& record, int64_t now_ms);

 private:
  int fd_ = -1;
  std::string path_;
  uint64_t lines_written_ = 0;
  uint64_t write_errors_ = 0;
};

// Appends `s` as a JSON string (with the quotes) to *out, as described above.
void AppendJsonString(std::string_view s, std::string* out);
// "2026-11-24T10:47:33.123Z".
std::string FormatIso8601Utc(int64_t unix_ms);

}  // namespace redoubt::security
