// --init: argument parsing, the files it writes (modes, contents), and its refusals (files
// already there, a directory others can write), each leaving the directory untouched.
#include "security/init_setup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "util/crypto.h"

namespace redoubt::security {
namespace {

namespace fs = std::filesystem;

class InitDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "redoubt-init-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/data";
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static unsigned Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  std::vector<std::string> Listing() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string root_;
  std::string dir_;
};

TEST(InitArgsTest, ParsesDirTlsNamesAndPorts) {
  auto o = ParseInitArgs({"--init", "d", "--tls", "--tls-san", "db.example", "--tls-san",
                          "10.0.0.5", "--port", "7000", "--tls-port", "7001"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->dir, "d");
  EXPECT_TRUE(o->tls);
  EXPECT_EQ(o->tls_sans, (std::vector<std::string>{"db.example", "10.0.0.5"}));
  EXPECT_EQ(o->port, 7000);
  EXPECT_EQ(o->tls_port, 7001);
  auto plain = ParseInitArgs({"--init", "d"});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->port, 6379);
  EXPECT_EQ(plain->tls_port, 6380);
}

TEST(InitArgsTest, RefusesWhatItCannotHonour) {
  EXPECT_FALSE(ParseInitArgs({"--init"}).ok());
  EXPECT_FALSE(ParseInitArgs({"--init", ""}).ok());
  EXPECT_FALSE(ParseInitArgs({"--init", "d", "--bogus"}).ok());
  EXPECT_FALSE(ParseInitArgs({"--init", "d", "--tls-san", "x.example"}).ok());  // no --tls
  EXPECT_FALSE(ParseInitArgs({"--init", "d", "--tls-port", "7001"}).ok());      // no --tls
  EXPECT_FALSE(ParseInitArgs({"--init", "d", "--port", "0"}).ok());
  EXPECT_FALSE(ParseInitArgs({"--init", "d", "--port", "65536"}).ok());
  EXPECT_FALSE(ParseInitArgs({"--init", "d", "--port", "12a"}).ok());
  EXPECT_FALSE(ParseInitArgs({"--init", "d", "--tls", "--tls-san"}).ok());
}

TEST(InitAclTextTest, DefaultOffAndAdminWithHashOnly) {
  std::string text = InitAclText("secret-pw");
  EXPECT_EQ(text,
            "user default off\nuser admin on #" + util::Sha256Hex("secret-pw") + " ~* &* +@all\n");
  EXPECT_EQ(text.find("secret-pw"), std::string::npos);
}

TEST_F(InitDirTest, CreatesAclAndPasswordFilesPrivately) {
  auto r = RunInit({.dir = dir_});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Mode(dir_), 0700u);  // created, owner only
  EXPECT_EQ(r->password.size(), 64u);
  EXPECT_EQ(r->password.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(Listing(), (std::vector<std::string>{"admin.password", "users.acl"}));
  EXPECT_EQ(Read(dir_ + "/users.acl"), InitAclText(r->password));
  EXPECT_EQ(Read(dir_ + "/admin.password"), r->password + "\n");
  EXPECT_EQ(Mode(dir_ + "/users.acl"), 0600u);
  EXPECT_EQ(Mode(dir_ + "/admin.password"), 0600u);
  std::string report = InitReport({.dir = dir_}, *r);
  EXPECT_NE(report.find("redis-cli -u redis://admin:" + r->password + "@127.0.0.1:6379\n"),
            std::string::npos);
  EXPECT_NE(report.find("delete it"), std::string::npos);
}

TEST_F(InitDirTest, EachRunDrawsANewPassword) {
  auto a = RunInit({.dir = root_ + "/a"});
  auto b = RunInit({.dir = root_ + "/b"});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->password, b->password);
}

TEST_F(InitDirTest, ExistingFileLeavesEverythingUntouched) {
  ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
  std::ofstream(dir_ + "/admin.password") << "mine\n";
  auto r = RunInit({.dir = dir_});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("already has admin.password"), std::string::npos);
  EXPECT_EQ(Listing(), std::vector<std::string>{"admin.password"});  // no users.acl either
  EXPECT_EQ(Read(dir_ + "/admin.password"), "mine\n");
}

TEST_F(InitDirTest, SymlinkInThePlaceOfAFileIsRefused) {
  ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
  ASSERT_EQ(symlink((root_ + "/elsewhere").c_str(), (dir_ + "/users.acl").c_str()), 0);
  EXPECT_FALSE(RunInit({.dir = dir_}).ok());
  EXPECT_FALSE(fs::exists(root_ + "/elsewhere"));
}

TEST_F(InitDirTest, DirectoryOthersCanWriteIsRefused) {
  for (mode_t m : {0777, 0770, 01777}) {
    fs::remove_all(dir_);
    ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
    ASSERT_EQ(chmod(dir_.c_str(), m), 0);
    auto r = RunInit({.dir = dir_});
    ASSERT_FALSE(r.ok()) << std::oct << m;
    EXPECT_NE(r.status().message().find("writable by group or others"), std::string::npos);
    EXPECT_TRUE(Listing().empty());
  }
}

TEST_F(InitDirTest, TlsAddsKeysCertificatesAndConfigFragment) {
  InitOptions o{.dir = dir_, .tls = true, .tls_sans = {"db.example"}, .tls_port = 7443};
  auto r = RunInit(o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Listing(), (std::vector<std::string>{"admin.crt", "admin.key", "admin.password",
                                                 "ca.crt", "ca.key", "server.crt", "server.key",
                                                 "tls.conf", "users.acl"}));
  for (const char* key : {"ca.key", "server.key", "admin.key"}) {
    EXPECT_EQ(Mode(dir_ + "/" + key), 0600u) << key;
    EXPECT_NE(Read(dir_ + "/" + key).find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  }
  std::string conf = Read(dir_ + "/tls.conf");
  EXPECT_EQ(conf, InitTlsConfText(r->dir, 7443));
  for (std::string line : {"\nport 0\n", "\ntls-port 7443\n", "\ntls-auth-clients yes\n",
                           "\ntls-auth-clients-user CN\n"}) {
    EXPECT_NE(conf.find(line), std::string::npos) << line;
  }
  EXPECT_NE(conf.find("\ntls-cert-file " + r->dir + "/server.crt\n"), std::string::npos);
  EXPECT_NE(conf.find("\ntls-ca-cert-file " + r->dir + "/ca.crt\n"), std::string::npos);
}

TEST_F(InitDirTest, BadServerNameWritesNothing) {
  auto r = RunInit({.dir = dir_, .tls = true, .tls_sans = {"bad name"}});
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(fs::exists(dir_));
}

TEST(InitTlsConfTest, PathsWithSpacesAreQuoted) {
  std::string conf = InitTlsConfText("/srv/my data", 6380);
  EXPECT_NE(conf.find("\ntls-key-file \"/srv/my data/server.key\"\n"), std::string::npos);
}

TEST(MissingAclFileHintTest, NamesTheInitCommandForTheFilesDirectory) {
  EXPECT_EQ(MissingAclFileHint("users.acl", "/var/lib/redoubt"),
            "No ACL file /var/lib/redoubt/users.acl yet: 'redoubt-server --init "
            "/var/lib/redoubt' creates /var/lib/redoubt/users.acl with an admin user and prints "
            "its password.");
  std::string other = MissingAclFileHint("/etc/redoubt/acl.conf", "/x");
  EXPECT_NE(other.find("--init /etc/redoubt'"), std::string::npos);
  EXPECT_NE(other.find("point aclfile at it"), std::string::npos);
}

}  // namespace
}  // namespace redoubt::security
