// Redoubt's security directives: secrets from files and the environment, the AUTH throttle and
// allow-from rows, the audit-log row, and CONFIG REWRITE never writing a clear-text secret.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config.h"
#include "config/config_internal.h"
#include "util/crypto.h"

namespace redoubt::config {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "redoubt_secrets_test.XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& text, mode_t mode = 0600) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    chmod(file.c_str(), mode);
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string LoadError(const std::string& text) {
  Config c;
  Status s = c.LoadString(text, "t.conf");
  return s.ok() ? "<ok>" : s.message();
}

// --- requirepass-file / masterauth-file ------------------------------------------------------

TEST(ConfigSecretsTest, RequirepassFileReadsOneLine) {
  TempDir dir;
  const std::string f = dir.Write("pw", "s3cret-from-file\n");
  Config c;
  ASSERT_TRUE(c.LoadString("requirepass-file " + f, "t").ok());
  EXPECT_EQ(c.values().requirepass, "s3cret-from-file");
  EXPECT_EQ(c.values().requirepass_file, f);
  EXPECT_EQ(c.GetValue("requirepass-file"), f);        // the path is not a secret
  EXPECT_EQ(c.GetValue("requirepass"), "(redacted)");  // the value is
  // CRLF and no trailing newline are both fine.
  ASSERT_TRUE(c.LoadString("requirepass-file " + dir.Write("crlf", "abc\r\n"), "t").ok());
  EXPECT_EQ(c.values().requirepass, "abc");
  ASSERT_TRUE(c.LoadString("masterauth-file " + dir.Write("m", "m4ster", 0640), "t").ok());
  EXPECT_EQ(c.values().masterauth, "m4ster");
}

TEST(ConfigSecretsTest, RequirepassFileRefusesUnsafeFiles) {
  TempDir dir;
  const std::string world = dir.Write("world", "pw\n", 0644);
  std::string err = LoadError("requirepass-file " + world);
  EXPECT_EQ(err, "t.conf:1: 'requirepass-file " + world + "': secret file '" + world +
                     "' is readable or writable by other users; run chmod o-rwx on it (0600 or "
                     "0640)");
  EXPECT_NE(LoadError("requirepass-file " + dir.path() + "/missing").find("can't be opened"),
            std::string::npos);
  EXPECT_NE(LoadError("requirepass-file " + dir.path()).find("is not a regular file"),
            std::string::npos);
  EXPECT_NE(LoadError("requirepass-file " + dir.Write("empty", "\n")).find("is empty"),
            std::string::npos);
  EXPECT_NE(LoadError("requirepass-file " + dir.Write("two", "a\nb\n")).find("more than one"),
            std::string::npos);
  EXPECT_NE(LoadError("requirepass-file " + dir.Write("big", std::string(70000, 'x')))
                .find("larger than 64 KiB"),
            std::string::npos);
  // Errors never show the file's content.
  EXPECT_EQ(LoadError("requirepass-file " + dir.Write("two2", "topsecret\nx\n")).find("topsecret"),
            std::string::npos);
}

TEST(ConfigSecretsTest, SecretSourcesAreImmutableAtRuntime) {
  TempDir dir;
  Config c;
  Status s = c.Set({{"requirepass-file", dir.Write("pw", "x\n")}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "ERR CONFIG SET failed (possibly related to argument 'requirepass-file') - can't set "
            "immutable config");
  EXPECT_FALSE(c.Set({{"requirepass-env", "HOME"}}).ok());
  EXPECT_TRUE(c.values().requirepass.empty());
}

// --- requirepass-env / masterauth-env --------------------------------------------------------

TEST(ConfigSecretsTest, RequirepassEnvReadsTheVariable) {
  setenv("REDOUBT_TEST_PW", "pw-from-env", 1);
  setenv("REDOUBT_TEST_EMPTY", "", 1);
  unsetenv("REDOUBT_TEST_UNSET");
  Config c;
  ASSERT_TRUE(
      c.LoadString("requirepass-env REDOUBT_TEST_PW\nmasterauth-env REDOUBT_TEST_PW", "t").ok());
  EXPECT_EQ(c.values().requirepass, "pw-from-env");
  EXPECT_EQ(c.values().masterauth, "pw-from-env");
  EXPECT_EQ(c.GetValue("requirepass-env"), "REDOUBT_TEST_PW");
  EXPECT_EQ(LoadError("requirepass-env REDOUBT_TEST_UNSET"),
            "t.conf:1: 'requirepass-env REDOUBT_TEST_UNSET': environment variable "
            "REDOUBT_TEST_UNSET is not set");
  EXPECT_EQ(LoadError("requirepass-env REDOUBT_TEST_EMPTY"),
            "t.conf:1: 'requirepass-env REDOUBT_TEST_EMPTY': environment variable "
            "REDOUBT_TEST_EMPTY is empty");
  EXPECT_EQ(LoadError("requirepass-env 'A-B'"),
            "t.conf:1: 'requirepass-env 'A-B'': 'A-B' is not a valid environment variable name");
  EXPECT_EQ(LoadError("requirepass-env 1X"),
            "t.conf:1: 'requirepass-env 1X': '1X' is not a valid environment variable name");
  unsetenv("REDOUBT_TEST_PW");
  unsetenv("REDOUBT_TEST_EMPTY");
}

// --- AUTH throttle, allow-from and audit-log rows --------------------------------------------

TEST(ConfigSecurityRowsTest, ThrottleRowsParseAndValidate) {
  Config c;
  EXPECT_EQ(c.values().auth_max_failures, 10);
  EXPECT_EQ(c.values().auth_failure_window, 60);
  EXPECT_EQ(c.values().auth_backoff_base_ms, 1000);
  EXPECT_EQ(c.values().auth_backoff_max_ms, 60000);
  EXPECT_FALSE(c.values().auth_throttle_exempt_loopback);
  EXPECT_EQ(c.values().auth_throttle_max_addresses, 65536);
  ASSERT_TRUE(c.Set({{"auth-max-failures", "0"},
                     {"auth-failure-window", "10"},
                     {"auth-backoff-base-ms", "50"},
                     {"auth-backoff-max-ms", "5000"},
                     {"auth-throttle-exempt-loopback", "yes"},
                     {"auth-throttle-max-addresses", "1024"}})
                  .ok());
  EXPECT_EQ(c.values().auth_max_failures, 0);
  EXPECT_TRUE(c.values().auth_throttle_exempt_loopback);
  EXPECT_EQ(LoadError("auth-failure-window 0"),
            "t.conf:1: 'auth-failure-window 0': argument must be between 1 and 86400 inclusive");
  EXPECT_EQ(LoadError("auth-max-failures -1"),
            "t.conf:1: 'auth-max-failures -1': argument must be between 0 and 2147483647 "
            "inclusive");
  EXPECT_EQ(LoadError("auth-throttle-max-addresses 0"),
            "t.conf:1: 'auth-throttle-max-addresses 0': argument must be between 1 and 16777216 "
            "inclusive");
}

TEST(ConfigSecurityRowsTest, AllowFromIsAValidatedMultiArgList) {
  Config c;
  EXPECT_TRUE(c.values().allow_from.empty());
  EXPECT_EQ(c.GetValue("allow-from"), "");
  ASSERT_TRUE(c.LoadString("allow-from 10.0.0.0/24 fd00::/8 127.0.0.1", "t").ok());
  EXPECT_EQ(c.GetValue("allow-from"), "10.0.0.0/24 fd00::/8 127.0.0.1");
  ASSERT_TRUE(c.Set({{"allow-from", "192.168.0.0/16 ::1"}}).ok());
  EXPECT_EQ(c.values().allow_from, (std::vector<std::string>{"192.168.0.0/16", "::1"}));
  Status s = c.Set({{"allow-from", "10.0.0.1/8"}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "ERR CONFIG SET failed (possibly related to argument 'allow-from') - invalid network "
            "'10.0.0.1/8': host bits set after the /8 prefix");
  EXPECT_EQ(c.values().allow_from.size(), 2u);  // unchanged
  ASSERT_TRUE(c.Set({{"allow-from", ""}}).ok());
  EXPECT_TRUE(c.values().allow_from.empty());
  EXPECT_EQ(LoadError("allow-from example.com"),
            "t.conf:1: 'allow-from example.com': invalid network 'example.com': not an IPv4 or "
            "IPv6 address (host names are not accepted)");
}

TEST(ConfigSecurityRowsTest, AuditLogIsAProtectedPath) {
  Config c;
  EXPECT_EQ(c.GetValue("audit-log"), "");
  Status s = c.Set({{"audit-log", "/tmp/x"}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "ERR CONFIG SET failed (possibly related to argument 'audit-log') - can't set "
            "protected config");
  ASSERT_TRUE(c.LoadString("audit-log /var/log/redoubt/audit.log", "t").ok());
  EXPECT_EQ(c.values().audit_log, "/var/log/redoubt/audit.log");
}

// --- CONFIG REWRITE never writes clear-text secrets ------------------------------------------

TEST(ConfigRewriteSecretsTest, RuntimeSecretIsNeverWrittenAndTheRewriteIsRefused) {
  TempDir dir;
  const std::string path = dir.Write("r.conf", "port 7000\n");
  for (const char* name : {"requirepass", "masterauth", "tls-key-file-pass"}) {
    Config c;
    ASSERT_TRUE(c.LoadFile(path).ok());
    ASSERT_TRUE(c.Set({{name, "Xq9-unique-secret"}}).ok());
    Status st = c.Rewrite(path);
    ASSERT_FALSE(st.ok()) << name;
    EXPECT_EQ(st.message().rfind(std::string("ERR CONFIG REWRITE refused: ") + name, 0), 0u)
        << st.message();
    EXPECT_EQ(ReadFile(path), "port 7000\n") << "nothing written";
  }
}

TEST(ConfigRewriteSecretsTest, RewriteNeverKeepsARotatedPassword) {
  TempDir dir;
  const std::string path = dir.Write("r.conf", "port 7000\nrequirepass old-leaked-secret\n");
  Config c;
  ASSERT_TRUE(c.LoadFile(path).ok());
  ASSERT_TRUE(c.Set({{"requirepass", "new-secret"}}).ok());
  EXPECT_FALSE(c.Rewrite(path).ok()) << "the file would bring old-leaked-secret back";
  // Once the operator has put the running value in the file, the rewrite goes through.
  ASSERT_TRUE(c.Set({{"requirepass", "new-secret"}, {"timeout", "9"}}).ok());
  dir.Write("r.conf", "port 7000\nrequirepass new-secret\n");
  ASSERT_TRUE(c.Rewrite(path).ok());
  EXPECT_NE(ReadFile(path).find("\ntimeout 9\n"), std::string::npos);
}

TEST(ConfigRewriteSecretsTest, FileLinesOfSecretsAreKeptVerbatim) {
  TempDir dir;
  const std::string path = dir.Write("r.conf", "requirepass old-pass\nport 7000\n");
  Config c;
  ASSERT_TRUE(c.LoadFile(path).ok());
  ASSERT_TRUE(c.Set({{"port", "7001"}}).ok());
  ASSERT_TRUE(c.Rewrite(path).ok());
  std::string text = ReadFile(path);
  EXPECT_EQ(text.rfind("requirepass old-pass\nport 7001\n", 0), 0u) << text;
  EXPECT_EQ(text.find("# requirepass"), std::string::npos) << "unchanged value: no note";

  ASSERT_TRUE(c.Set({{"requirepass", "new-pass-Zz"}}).ok());
  // Refused, not OK: the kept line would bring old-pass back on restart.
  ASSERT_FALSE(c.Rewrite(path).ok());
  EXPECT_EQ(ReadFile(path), text);

  // Unsetting drops the line: that writes no secret.
  ASSERT_TRUE(c.Set({{"requirepass", ""}}).ok());
  ASSERT_TRUE(c.Rewrite(path).ok());
  EXPECT_EQ(ReadFile(path).find("requirepass old-pass"), std::string::npos);
}

TEST(ConfigRewriteSecretsTest, SecretSourcesAreRewrittenNotTheirValues) {
  TempDir dir;
  const std::string pw = dir.Write("pw", "from-file-Qq\n");
  setenv("REDOUBT_TEST_MA", "from-env-Qq", 1);
  const std::string path =
      dir.Write("r.conf", "requirepass-file " + pw + "\nmasterauth-env REDOUBT_TEST_MA\n");
  Config c;
  ASSERT_TRUE(c.LoadFile(path).ok());
  ASSERT_TRUE(c.Set({{"port", "7002"}}).ok());
  ASSERT_TRUE(c.Rewrite(path).ok());
  const std::string text = ReadFile(path);
  EXPECT_EQ(text.find("Qq"), std::string::npos) << text;
  EXPECT_NE(text.find("requirepass-file \"" + pw + "\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("masterauth-env \"REDOUBT_TEST_MA\"\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("# requirepass was changed"), std::string::npos) << text;
  Config reloaded;
  ASSERT_TRUE(reloaded.LoadFile(path).ok());
  EXPECT_EQ(reloaded.values().requirepass, "from-file-Qq");
  EXPECT_EQ(reloaded.values().masterauth, "from-env-Qq");
  unsetenv("REDOUBT_TEST_MA");
}

TEST(ConfigRewriteSecretsTest, UserPasswordsAreWrittenHashed) {
  TempDir dir;
  const std::string path = dir.path() + "/r.conf";
  Config c;
  ASSERT_TRUE(c.LoadString("user alice on >wonderland-Pp <old-Pp ~* +@all\n"
                           "user bob on nopass ~* +get\n",
                           "t")
                  .ok());
  ASSERT_TRUE(c.Rewrite(path).ok());
  const std::string text = ReadFile(path);
  EXPECT_EQ(text.find("-Pp"), std::string::npos) << text;
  EXPECT_NE(text.find("user alice on #" + util::Sha256Hex("wonderland-Pp") + " !" +
                      util::Sha256Hex("old-Pp") + " ~* +@all\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("user bob on nopass ~* +get\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace redoubt::config
