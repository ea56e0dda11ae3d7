#include "security/hardening.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace redoubt::security {
namespace {

std::string MakeTempDir() {
  char tmpl[] = "/tmp/redoubt-hardening-XXXXXX";
  return mkdtemp(tmpl);
}

std::string WriteFile(const std::string& dir, const char* name, const char* text, mode_t mode) {
  std::string path = dir + "/" + name;
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(text, f);
  std::fclose(f);
  chmod(path.c_str(), mode);
  return path;
}

TEST(Hardening, WorldWritableAclFileIsRefused) {
  std::string dir = MakeTempDir();
  std::string acl = WriteFile(dir, "users.acl", "user default off\n", 0666);
  EXPECT_FALSE(CheckAclFileSafe(acl).ok());
  chmod(acl.c_str(), 0640);
  EXPECT_TRUE(CheckAclFileSafe(acl).ok());
}

TEST(Hardening, WarnsAboutReadableSecretsAndOpenDataDir) {
  std::string dir = MakeTempDir();
  std::string conf = WriteFile(dir, "r.conf", "requirepass x\n", 0644);
  config::ServerConfig cfg;
  cfg.requirepass.assign(1, 'x');  // not = "x": GCC 12 raises a false -Wrestrict
  cfg.dir = dir;
  chmod(dir.c_str(), 0777);
  auto warnings = PermissionWarnings(conf, cfg);
  // An open data dir is no longer a warning: CheckDataDirWritable refuses it.
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("holds passwords"), std::string::npos);
  chmod(conf.c_str(), 0600);
  chmod(dir.c_str(), 0750);
  EXPECT_TRUE(PermissionWarnings(conf, cfg).empty());
  cfg.requirepass.clear();
  chmod(conf.c_str(), 0644);  // no secrets in it: readable is fine
  EXPECT_TRUE(PermissionWarnings(conf, cfg).empty());
}

TEST(Hardening, DataDirIsTheCurrentDirectoryAndMustBeWritable) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  std::string dir = MakeTempDir();
  ASSERT_EQ(chdir(dir.c_str()), 0);
  EXPECT_TRUE(CheckDataDirWritable(dir).ok());
  for (mode_t open_mode : {0777, 0770, 0702}) {
    chmod(dir.c_str(), open_mode);
    util::Status st = CheckDataDirWritable(dir);
    EXPECT_FALSE(st.ok()) << open_mode;
    EXPECT_NE(st.message().find("writable by group or others"), std::string::npos);
  }
  chmod(dir.c_str(), 0700);
  ASSERT_EQ(chdir(cwd), 0);
}

TEST(Hardening, EmptyRunAsUserIsANoOp) { EXPECT_TRUE(DropPrivileges("", "").ok()); }

TEST(Hardening, UnknownRunAsUserIsAnError) {
  util::Status s = DropPrivileges("no-such-user-redoubt", "");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no such user"), std::string::npos);
}

}  // namespace
}  // namespace redoubt::security
