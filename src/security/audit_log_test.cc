#include "security/audit_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace redoubt::security {
namespace {

namespace fs = std::filesystem;

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "redoubt_audit_test.XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A minimal strict JSON string checker: the escaped form must be printable ASCII or valid
// UTF-8, with only JSON's escapes. Enough to prove every line parses.
bool IsValidJsonString(const std::string& s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    const unsigned char c = s[i];
    if (c < 0x20 || c == 0x7f) return false;
    if (c == '"') return false;
    if (c == '\\') {
      const char e = s[++i];
      if (e == 'u') {
        for (int k = 0; k < 4; ++k) {
          if (!std::isxdigit(static_cast<unsigned char>(s[++i]))) return false;
        }
      } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
        return false;
      }
    }
  }
  return true;
}

TEST(AuditLogTest, EscapesJsonStrings) {
  EXPECT_EQ(Json("plain"), "\"plain\"");
  EXPECT_EQ(Json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Json("l1\nl2\r\t\b\f"), "\"l1\\nl2\\r\\t\\b\\f\"");
  EXPECT_EQ(Json(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(Json(std::string("a\0b", 3)), "\"a\\u0000b\"");
  // Valid UTF-8 is kept; every invalid byte becomes \u00XX.
  EXPECT_EQ(Json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92\"");
  EXPECT_EQ(Json("\xff\xfe"), "\"\\u00ff\\u00fe\"");
  EXPECT_EQ(Json("\xc3"), "\"\\u00c3\"");                                   // truncated sequence
  EXPECT_EQ(Json("\xc0\xaf"), "\"\\u00c0\\u00af\"");                        // overlong '/'
  EXPECT_EQ(Json("\xed\xa0\x80"), "\"\\u00ed\\u00a0\\u0080\"");             // UTF-16 surrogate
  EXPECT_EQ(Json("\xf4\x90\x80\x80"), "\"\\u00f4\\u0090\\u0080\\u0080\"");  // > U+10FFFF
  EXPECT_EQ(Json("\xe2\x82"), "\"\\u00e2\\u0082\"");
  for (int c = 0; c < 256; ++c) {
    const std::string s(1, static_cast<char>(c));
    EXPECT_TRUE(IsValidJsonString(Json(s))) << c;
  }
}

TEST(AuditLogTest, FormatsIsoTimestamps) {
  EXPECT_EQ(FormatIso8601Utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Utc(1795517253123), "2026-11-24T10:47:33.123Z");
  EXPECT_EQ(FormatIso8601Utc(-1), "1969-12-31T23:59:59.999Z");
}

TEST(AuditLogTest, FormatsRecords) {
  const std::string_view params[] = {"maxmemory", "requirepass"};
  AuditRecord r{.event = AuditEvent::kConfigSet,
                .user = "admin",
                .addr = "10.0.0.7:51234",
                .client_id = 12,
                .command = "config|set",
                .params = params};
  EXPECT_EQ(AuditLog::Format(r, 1795517253123),
            "{\"ts\":\"2026-11-24T10:47:33.123Z\",\"event\":\"config_set\",\"user\":\"admin\","
            "\"addr\":\"10.0.0.7:51234\",\"client_id\":12,\"command\":\"config|set\","
            "\"params\":[\"maxmemory\",\"requirepass\"]}");
  AuditRecord bare{.event = AuditEvent::kShutdown};
  EXPECT_EQ(AuditLog::Format(bare, 0),
            "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"event\":\"shutdown\"}");
  AuditRecord hostile{.event = AuditEvent::kAuthFailure,
                      .user = "evil\"},\"event\":\"auth_success\n\xff",
                      .reason = "wrong password"};
  const std::string line = AuditLog::Format(hostile, 0);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("\"user\":\"evil\\\"},\\\"event\\\":\\\"auth_success\\n\\u00ff\""),
            std::string::npos)
      << line;
}

TEST(AuditLogTest, EveryEventHasAName) {
  for (int e = 0; e <= static_cast<int>(AuditEvent::kReplicaOfRefused); ++e) {
    EXPECT_NE(AuditEventName(static_cast<AuditEvent>(e)), "unknown") << e;
  }
  EXPECT_EQ(AuditEventName(AuditEvent::kAuthSuccess), "auth_success");
  EXPECT_EQ(AuditEventName(AuditEvent::kAclDenied), "acl_denied");
  EXPECT_EQ(AuditEventName(AuditEvent::kAclSetUser), "acl_setuser");
  EXPECT_EQ(AuditEventName(AuditEvent::kFlushAll), "flushall");
}

TEST(AuditLogTest, AppendsPrivateLinesAndReopensAfterRotation) {
  TempDir dir;
  const std::string path = dir.File("audit.log");
  AuditLog log;
  EXPECT_FALSE(log.enabled());
  log.Write({.event = AuditEvent::kAuthSuccess}, 0);  // off: nothing, no crash
  const mode_t old_umask = umask(0);                  // 0600 must not depend on the umask
  ASSERT_TRUE(log.Open(path).ok());
  umask(old_umask);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  log.Write({.event = AuditEvent::kAuthSuccess, .user = "alice", .addr = "10.0.0.1:5"}, 0);
  log.Write({.event = AuditEvent::kAuthFailure, .user = "bob", .reason = "wrong password"}, 1);
  EXPECT_EQ(log.lines_written(), 2u);
  std::string text = ReadFile(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  EXPECT_NE(text.find("\"user\":\"alice\""), std::string::npos);

  // Rotation: rename, Reopen, the next line goes to a new file at the old path.
  ASSERT_EQ(std::rename(path.c_str(), dir.File("audit.log.1").c_str()), 0);
  ASSERT_TRUE(log.Reopen().ok());
  log.Write({.event = AuditEvent::kShutdown, .user = "admin"}, 2);
  text = ReadFile(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_NE(text.find("\"event\":\"shutdown\""), std::string::npos);
  text = ReadFile(dir.File("audit.log.1"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  ASSERT_TRUE(log.Open("").ok());  // off
  EXPECT_FALSE(log.enabled());
}

TEST(AuditLogTest, OpenErrorsKeepTheOldFileAndWriteErrorsAreCounted) {
  TempDir dir;
  AuditLog log;
  util::Status s = log.Open(dir.File("no/such/dir/audit.log"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("can't open audit log"), std::string::npos);
  EXPECT_NE(s.message().find("No such file or directory"), std::string::npos);
  // Only a regular file the server's user owns: not a device, not through a symlink.
  EXPECT_FALSE(log.Open("/dev/full").ok());
  ASSERT_EQ(symlink("/dev/null", dir.File("link").c_str()), 0);
  EXPECT_FALSE(log.Open(dir.File("link")).ok());
  // Write errors: a file size limit of 1 byte makes every write fail (EFBIG).
  ASSERT_TRUE(log.Open(dir.File("audit.log")).ok());
  rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = signal(SIGXFSZ, SIG_IGN);
  rlimit tiny = old_limit;
  tiny.rlim_cur = 1;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &tiny), 0);
  log.Write({.event = AuditEvent::kFlushAll}, 0);
  log.Write({.event = AuditEvent::kFlushAll}, 0);
  setrlimit(RLIMIT_FSIZE, &old_limit);
  signal(SIGXFSZ, old_handler);
  EXPECT_EQ(log.write_errors(), 2u);
  EXPECT_EQ(log.lines_written(), 0u);
  EXPECT_FALSE(log.Open(dir.File("missing/x")).ok());
  EXPECT_EQ(log.path(), dir.File("audit.log"));  // a failed Open keeps the previous file
}

}  // namespace
}  // namespace redoubt::security
