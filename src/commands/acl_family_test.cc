// The commands layer's ACL glue: the catalog over the command table, canonical names for the
// AOF/replication feed, and the admission pipeline's ACL step through the in-process harness.
#include <gtest/gtest.h>

#include "commands/test_util.h"
#include "runtime/acl.h"
#include "runtime/command_table.h"

namespace redoubt::commands {
namespace {

TEST(AclCatalog, FindsCommandsAndSubcommandsByCanonicalName) {
  const security::CommandCatalog& cat = AclCatalog();
  uint32_t get = cat.Find("GET");
  ASSERT_NE(get, security::CommandCatalog::kNone);
  EXPECT_EQ(cat.FullName(get), "get");
  EXPECT_TRUE(cat.Categories(get) & cat::kString);
  uint32_t cfg_get = cat.Find("config|GET");
  ASSERT_NE(cfg_get, security::CommandCatalog::kNone);
  EXPECT_EQ(cat.Parent(cfg_get), cat.Find("config"));
  EXPECT_TRUE(cat.HasSubcommands(cat.Find("config")));
  EXPECT_EQ(cat.Find("get|x"), security::CommandCatalog::kNone);
  EXPECT_EQ(cat.Find("nosuch"), security::CommandCatalog::kNone);
  EXPECT_TRUE(cat.NoAuth(cat.Find("auth")));
}

TEST(CanonicalCommandName, IsTheTopLevelCanonicalName) {
  const CommandTable& t = CommandTable::Get();
  const CommandSpec* config = t.LookupCanonical("config");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(CanonicalCommandName(*config), "config");
  EXPECT_EQ(CanonicalCommandName(*CommandTable::LookupSub(*config, "get")), "config");
  EXPECT_EQ(CanonicalCommandName(*t.LookupCanonical("SET")), "set");
}

TEST(CheckAcl, DeniesByCommandAndKeyAndLogs) {
  testing::CommandTester t;
  ASSERT_EQ(t.Run({"ACL", "SETUSER", "u", "on", "nopass", "%R~r*", "%W~w*", "+@all"}), "+OK\r\n");
  ASSERT_EQ(t.Run({"AUTH", "u", "x"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"GET", "r1"}), "$-1\r\n");
  EXPECT_EQ(t.Run({"SET", "r1", "v"}),
            "-NOPERM this user has no permissions to access one of the keys used as "
            "arguments\r\n");
  EXPECT_EQ(t.Run({"SET", "w1", "v"}), "+OK\r\n");  // SET without GET only writes
  EXPECT_EQ(t.Run({"SET", "w1", "v", "GET"}).substr(0, 7), "-NOPERM");
  ASSERT_EQ(t.state().security.acl.log.entries().size(), 2u);
  EXPECT_EQ(t.state().security.acl.log.entries()[0].object, "w1");  // newest first
  EXPECT_EQ(t.state().security.acl.log.entries()[1].object, "r1");
  EXPECT_EQ(t.state().security.acl.log.entries()[1].reason, security::AclDenial::kKey);
}

TEST(LoginAllowed, CertificateIdentityNeverAdmitsNopass) {
  testing::CommandTester t;
  ASSERT_EQ(t.Run({"ACL", "SETUSER", "lim", "on", ">pw", "+@read"}), "+OK\r\n");
  ASSERT_EQ(t.Run({"ACL", "SETUSER", "free", "on", "nopass", "+@all"}), "+OK\r\n");
  const security::AclUser& lim = *t.state().security.acl.Find("lim");
  const security::AclUser& free = *t.state().security.acl.Find("free");
  Client& c = t.client();
  // Off: Redis's rules.
  EXPECT_TRUE(LoginAllowed(c, free, LoginProof::kNone));
  EXPECT_TRUE(LoginAllowed(c, free, LoginProof::kPassword));
  EXPECT_FALSE(LoginAllowed(c, lim, LoginProof::kNone));
  // On: a certificate or a real password only.
  c.no_implicit_auth = true;
  c.cert_user = "lim";
  EXPECT_TRUE(LoginAllowed(c, lim, LoginProof::kCertificate));
  EXPECT_TRUE(LoginAllowed(c, lim, LoginProof::kPassword));
  EXPECT_FALSE(LoginAllowed(c, free, LoginProof::kNone));
  EXPECT_FALSE(LoginAllowed(c, free, LoginProof::kPassword));
  EXPECT_FALSE(LoginAllowed(c, free, LoginProof::kCertificate));  // not its certificate's user
  EXPECT_EQ(t.Run({"AUTH", "free", "x"}).substr(0, 10), "-WRONGPASS");
  EXPECT_EQ(t.Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(c.user, "lim");
  EXPECT_TRUE(c.authenticated);
  c.cert_user.clear();
  EXPECT_EQ(t.Run({"RESET"}), "+RESET\r\n");
  EXPECT_FALSE(c.authenticated);
  EXPECT_EQ(t.Run({"AUTH", "default", "x"}).substr(0, 10), "-WRONGPASS");
}

TEST(EnforceAclOnClients, ClosesRevokedSubscriptionsAndMonitor) {
  testing::CommandTester t;
  ASSERT_EQ(t.Run({"ACL", "SETUSER", "ps", "on", "nopass", "&*", "+@all"}), "+OK\r\n");
  ASSERT_EQ(t.Run({"AUTH", "ps", "x"}), "+OK\r\n");
  Client& c = t.client();
  // The client is subscribed or monitoring: the rules change through the store directly.
  auto set = [&t](std::vector<std::string> ops) {
    security::AclStore::Revoked r;
    ASSERT_TRUE(t.state().security.acl.SetUser("ps", ops, &r).ok());
    EnforceAclOnClients(t.state());
  };
  c.patterns.insert("*");
  set({"&*"});
  EXPECT_FALSE(c.flags & client_flag::kCloseAsap);
  set({"resetchannels", "&public"});
  EXPECT_TRUE(c.flags & client_flag::kCloseAsap);  // "*" is not the literal "public"
  c.flags &= ~client_flag::kCloseAsap;
  c.patterns.clear();
  c.flags |= client_flag::kMonitor;
  set({"-get"});
  EXPECT_FALSE(c.flags & client_flag::kCloseAsap);
  set({"-monitor"});
  EXPECT_TRUE(c.flags & client_flag::kCloseAsap);
  c.flags &= ~(client_flag::kCloseAsap | client_flag::kMonitor);
}

}  // namespace
}  // namespace redoubt::commands
