#include "security/audit_check.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

namespace redoubt::security {
namespace {

std::set<std::string> Checks(const std::vector<AuditFinding>& f, AuditFinding::Level level) {
  std::set<std::string> out;
  for (const AuditFinding& x : f) {
    if (x.level == level) out.insert(x.check);
  }
  return out;
}

// The seed guide's hardened set-up: loopback bind, protected mode, ACL users with the default
// user off, TLS with the plain port off, maxmemory, no persistence, run as a service user.
TEST(Audit, SeedHardenedConfigurationHasNoFail) {
  config::ServerConfig cfg;
  cfg.bind = {"127.0.0.1", "::1"};
  cfg.port = 0;
  cfg.tls_port = 6380;
  cfg.tls_protocols = "TLSv1.2 TLSv1.3";
  cfg.maxmemory = 512LL << 20;
  cfg.maxmemory_policy = "allkeys-lru";
  cfg.save_params.clear();
  cfg.dir = "/var/lib/redoubt";
  cfg.run_as_user = "redoubt";
  AuditInput in{.cfg = &cfg, .running_as_root = true};
  in.users = {{.name = "default", .enabled = false, .nopass = true},
              {.name = "monitor", .enabled = true, .dangerous = {"keys", "monitor"}},
              {.name = "appuser", .enabled = true},
              {.name = "admin", .enabled = true, .all_commands = true}};
  auto findings = RunAudit(in);
  EXPECT_FALSE(AuditFailed(findings)) << FormatAudit(findings);
  EXPECT_TRUE(Checks(findings, AuditFinding::Level::kPass).count("default-user"));
  // The monitor user of the seed can run KEYS: reported, not failed.
  EXPECT_TRUE(Checks(findings, AuditFinding::Level::kWarn).count("dangerous-commands"));
}

TEST(Audit, ReplicasThatAreWritableOrUnauthenticatedWarn) {
  config::ServerConfig cfg;
  AuditInput in{.cfg = &cfg};
  auto none = RunAudit(in);
  EXPECT_FALSE(Checks(none, AuditFinding::Level::kPass).count("replica-read-only"));
  cfg.masterhost = "10.0.0.5";
  cfg.masterport = 6379;
  cfg.replica_read_only = false;
  auto open = RunAudit(in);
  const auto warned = Checks(open, AuditFinding::Level::kWarn);
  EXPECT_TRUE(warned.count("replica-read-only"));
  EXPECT_TRUE(warned.count("replication-auth"));
  EXPECT_TRUE(warned.count("replication-tls"));
  cfg.masterhost = "127.0.0.1";
  cfg.replica_read_only = true;
  cfg.masterauth = "s3cret-s3cret";
  auto tidy = RunAudit(in);
  EXPECT_TRUE(Checks(tidy, AuditFinding::Level::kPass).count("replica-read-only"));
  EXPECT_TRUE(Checks(tidy, AuditFinding::Level::kPass).count("replication-auth"));
  EXPECT_FALSE(Checks(tidy, AuditFinding::Level::kWarn).count("replication-tls"));
  EXPECT_EQ(FormatAudit(tidy).find("s3cret"), std::string::npos);
}

// Stock Redis habits: bind 0.0.0.0, no password, protected mode off, as root, no limits.
TEST(Audit, OpenServerFailsNamingEachFix) {
  config::ServerConfig cfg;
  cfg.bind = {"0.0.0.0"};
  cfg.protected_mode = false;
  AuditInput in{.cfg = &cfg, .running_as_root = true};
  in.users = {{.name = "default", .enabled = true, .nopass = true, .all_commands = true}};
  auto findings = RunAudit(in);
  EXPECT_TRUE(AuditFailed(findings));
  auto fails = Checks(findings, AuditFinding::Level::kFail);
  for (const char* c : {"bind", "protected-mode", "default-user", "running-user"}) {
    EXPECT_TRUE(fails.count(c)) << c << "\n" << FormatAudit(findings);
  }
  for (const AuditFinding& f : findings) {
    if (f.level != AuditFinding::Level::kPass) {
      EXPECT_FALSE(f.fix.empty()) << f.check;
    }
  }
  std::string text = FormatAudit(findings);
  EXPECT_NE(text.find("score: "), std::string::npos);
  std::string json = FormatAuditJson(findings);
  EXPECT_EQ(json.rfind("{\"checks\":[", 0), 0u);
  EXPECT_NE(json.find("\"failed\":"), std::string::npos);
}

TEST(Audit, OldTlsProtocolsFail) {
  config::ServerConfig cfg;
  cfg.tls_port = 6380;
  cfg.tls_protocols = "TLSv1.1 TLSv1.2";
  AuditInput in{.cfg = &cfg};
  EXPECT_TRUE(Checks(RunAudit(in), AuditFinding::Level::kFail).count("tls-protocols"));
}

TEST(Audit, TlsKeyReadableByOthersFails) {
  char path[] = "/tmp/redoubt-audit-key-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  config::ServerConfig cfg;
  cfg.tls_port = 6380;
  cfg.tls_key_file = path;
  chmod(path, 0644);
  AuditInput in{.cfg = &cfg};
  EXPECT_TRUE(Checks(RunAudit(in), AuditFinding::Level::kFail).count("tls-key-file"));
  chmod(path, 0600);
  EXPECT_TRUE(Checks(RunAudit(in), AuditFinding::Level::kPass).count("tls-key-file"));
  cfg.tls_auth_clients = config::kTlsAuthNo;
  EXPECT_TRUE(Checks(RunAudit(in), AuditFinding::Level::kWarn).count("tls-auth-clients"));
  unlink(path);
}

TEST(Audit, ShortPasswordWarns) {
  config::ServerConfig cfg;
  cfg.requirepass = "foobared";
  AuditInput in{.cfg = &cfg};
  EXPECT_TRUE(Checks(RunAudit(in), AuditFinding::Level::kWarn).count("password-strength"));
}

const AuditFinding* Find(const std::vector<AuditFinding>& f, std::string_view check) {
  for (const AuditFinding& x : f) {
    if (x.check == check) return &x;
  }
  return nullptr;
}

TEST(Audit, ScriptingReportsWhoCanRunLua) {
  config::ServerConfig cfg;
  AuditInput in{.cfg = &cfg};
  in.users = {{.name = "default", .enabled = false, .scripting = true},
              {.name = "app", .enabled = true, .scripting = true},
              {.name = "reader", .enabled = true}};
  auto findings = RunAudit(in);
  const AuditFinding* f = Find(findings, "scripting");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->level, AuditFinding::Level::kPass);
  EXPECT_EQ(f->detail, "scripting is on (enable-scripting yes); users who can run EVAL/FCALL: app");

  in.users.push_back({.name = "guest", .enabled = true, .nopass = true, .scripting = true});
  findings = RunAudit(in);
  f = Find(findings, "scripting");
  EXPECT_EQ(f->level, AuditFinding::Level::kWarn);
  EXPECT_NE(f->detail.find("without a password: guest"), std::string::npos) << f->detail;
  EXPECT_FALSE(f->fix.empty());

  cfg.enable_scripting = false;
  findings = RunAudit(in);
  f = Find(findings, "scripting");
  EXPECT_EQ(f->level, AuditFinding::Level::kPass);
  EXPECT_NE(f->detail.find("enable-scripting no"), std::string::npos);
}

}  // namespace
}  // namespace redoubt::security
