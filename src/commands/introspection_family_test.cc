// COMMAND and its subcommands against an in-process server state: replies byte for byte as
// Redis 7.0.15 sends them (captured from redis-server 7.0.15), in RESP2 and RESP3.
#include "commands/introspection_family.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "commands/test_util.h"
#include "runtime/command_table.h"

namespace redoubt::commands {
namespace {

using testing::CommandTester;
using testing::Resp;

// Joins the strings of an aggregate with spaces.
std::string Join(const Resp& r) {
  std::string out;
  for (const Resp& e : r.elems) out += (out.empty() ? "" : " ") + e.str;
  return out;
}

// The facts Redis 7.0.15's COMMAND INFO gives for the commands of the server, config, client and
// introspection families.
TEST(IntrospectionTableTest, CommandInfoMatchesRedis) {
  struct Row {
    const char* name;
    int arity;
    const char* flags;
    const char* categories;
  };
  const Row rows[] = {
      {"command", -1, "loading stale", "@slow @connection"},
      {"command|getkeysandflags", -4, "loading stale", "@slow @connection"},
      {"command|docs", -2, "loading stale", "@slow @connection"},
      {"command|info", -2, "loading stale", "@slow @connection"},
      {"command|count", 2, "loading stale", "@slow @connection"},
      {"command|getkeys", -4, "loading stale", "@slow @connection"},
      {"command|help", 2, "loading stale", "@slow @connection"},
      {"command|list", -2, "loading stale", "@slow @connection"},
      {"config", -2, "", "@slow"},
      {"config|rewrite", 2, "admin noscript loading stale", "@admin @slow @dangerous"},
      {"config|resetstat", 2, "admin noscript loading stale", "@admin @slow @dangerous"},
      {"config|help", 2, "loading stale", "@slow"},
      {"config|get", -3, "admin noscript loading stale", "@admin @slow @dangerous"},
      {"config|set", -4, "admin noscript loading stale", "@admin @slow @dangerous"},
      {"client", -2, "", "@slow"},
      {"client|unblock", -3, "admin noscript loading stale", "@admin @slow @dangerous @connection"},
      {"client|setname", 3, "noscript loading stale", "@slow @connection"},
      {"client|reply", 3, "noscript loading stale", "@slow @connection"},
      {"client|help", 2, "loading stale", "@slow @connection"},
      {"client|unpause", 2, "admin noscript loading stale", "@admin @slow @dangerous @connection"},
      {"client|no-evict", 3, "admin noscript loading stale", "@admin @slow @dangerous @connection"},
      {"client|getredir", 2, "noscript loading stale", "@slow @connection"},
      {"client|info", 2, "noscript loading stale", "@slow @connection"},
      {"client|trackinginfo", 2, "noscript loading stale", "@slow @connection"},
      {"client|tracking", -3, "noscript loading stale", "@slow @connection"},
      {"client|caching", 3, "noscript loading stale", "@slow @connection"},
      {"client|list", -2, "admin noscript loading stale", "@admin @slow @dangerous @connection"},
      {"client|pause", -3, "admin noscript loading stale", "@admin @slow @dangerous @connection"},
      {"client|id", 2, "noscript loading stale", "@slow @connection"},
      {"client|getname", 2, "noscript loading stale", "@slow @connection"},
      {"client|kill", -3, "admin noscript loading stale", "@admin @slow @dangerous @connection"},
      {"info", -1, "loading stale", "@slow @dangerous"},
      {"time", 1, "loading stale fast", "@fast"},
      {"lastsave", 1, "loading stale fast", "@admin @fast @dangerous"},
      {"monitor", 1, "admin noscript loading stale", "@admin @slow @dangerous"},
      {"shutdown", -1, "admin noscript loading stale no_multi allow_busy",
       "@admin @slow @dangerous"},
      {"debug", -2, "admin noscript loading stale", "@admin @slow @dangerous"},
  };
  CommandTester t;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Resp r = t.RunResp({"COMMAND", "INFO", row.name});
    ASSERT_EQ(r.elems.size(), 1u);
    const Resp& info = r.elems[0];
    ASSERT_EQ(info.elems.size(), 10u);
    EXPECT_EQ(info.elems[0].str, row.name);
    EXPECT_EQ(info.elems[1].integer, row.arity);
    EXPECT_EQ(Join(info.elems[2]), row.flags);
    EXPECT_EQ(info.elems[3].integer, 0);
    EXPECT_EQ(Join(info.elems[6]), row.categories);
  }
  // DEBUG is refused by the admission pipeline through its (hidden) protected flag.
  const CommandSpec* debug = CommandTable::Get().LookupCanonical("debug");
  ASSERT_NE(debug, nullptr);
  EXPECT_TRUE(debug->flags & flag::kProtected);
}

TEST(IntrospectionCommandInfoTest, GetIsByteExactInResp2) {
  CommandTester t;
  EXPECT_EQ(t.Run({"COMMAND", "INFO", "get"}),
            "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
            "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n"
            "+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
            "$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n"
            "$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n"
            "$5\r\nlimit\r\n:0\r\n*0\r\n");
}

TEST(IntrospectionCommandInfoTest, GetIsByteExactInResp3) {
  CommandTester t;
  t.client().resp = 3;
  EXPECT_EQ(t.Run({"COMMAND", "INFO", "get"}),
            "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
            "~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n"
            "+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
            "$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n"
            "$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n"
            "$5\r\nlimit\r\n:0\r\n~0\r\n");
}

TEST(IntrospectionCommandInfoTest, SubcommandByFullNameAndUnknownIsNull) {
  CommandTester t;
  EXPECT_EQ(t.Run({"COMMAND", "INFO", "config|get", "nosuch", "config|nosuch", "get|x"}),
            "*4\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n"
            "+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n"
            "*0\r\n$-1\r\n$-1\r\n$-1\r\n");
  t.client().resp = 3;
  EXPECT_EQ(t.Run({"COMMAND", "INFO", "nosuch"}), "*1\r\n_\r\n");
}

TEST(IntrospectionCommandInfoTest, ContainerListsSubcommandsAsArray) {
  CommandTester t;
  t.client().resp = 3;
  Resp r = t.RunResp({"COMMAND", "INFO", "CONFIG"});
  ASSERT_EQ(r.elems.size(), 1u);
  const Resp& info = r.elems[0];
  EXPECT_EQ(info.elems[0].str, "config");
  EXPECT_EQ(info.elems[2].type, '~');
  EXPECT_TRUE(info.elems[2].elems.empty());
  EXPECT_EQ(info.elems[9].type, '*');
  ASSERT_EQ(info.elems[9].elems.size(), 5u);
  for (const Resp& sub : info.elems[9].elems) {
    EXPECT_EQ(sub.elems[0].str.substr(0, 7), "config|");
    EXPECT_EQ(sub.elems[9].type, '~');  // no subcommands: an empty set
  }
}

// Keyword begin-search and keynum find-keys steps, on synthetic rows with Redis's key specs for
// ZUNIONSTORE and GEORADIUS (no family registers such commands yet).
TEST(IntrospectionCommandInfoTest, KeynumAndKeywordSpecsAreByteExact) {
  CommandTable table;
  const uint64_t kWriteDenyOom = flag::kWrite | flag::kDenyOom;
  const KeySpec kDest{.flags = keyflag::kOW | keyflag::kUpdate, .index = 1};
  table.Register({
      {.name = "zunionstore",
       .arity = -4,
       .flags = kWriteDenyOom,
       .categories = cat::kSortedSet,
       .keys = {kDest,
                {.flags = keyflag::kRO | keyflag::kAccess,
                 .index = 2,
                 .keynum_index = 0,
                 .first_key = 1}}},
      {.name = "georadius",
       .arity = -6,
       .flags = kWriteDenyOom,
       .categories = cat::kGeo,
       .keys =
           {{.flags = keyflag::kRO | keyflag::kAccess, .index = 1},
            {.flags = keyflag::kOW | keyflag::kUpdate, .keyword = "STORE", .start_from = 6},
            {.flags = keyflag::kOW | keyflag::kUpdate, .keyword = "STOREDIST", .start_from = 6}}},
  });
  const std::string kRangeSpec =
      "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\n"
      "lastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n";
  const std::string kIndex1 =
      "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\n"
      "index\r\n:1\r\n";
  std::string out;
  protocol::ReplyBuilder r(&out, 2);
  ReplyCommandInfo(r, *table.LookupCanonical("zunionstore"));
  EXPECT_EQ(out,
            "*10\r\n$11\r\nzunionstore\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n"
            ":1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n"
            "$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n" +
                kIndex1 + kRangeSpec +
                "*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n"
                "$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n"
                "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n"
                "$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n");
  out.clear();
  ReplyCommandInfo(r, *table.LookupCanonical("georadius"));
  auto keyword = [&](std::string_view word) {
    return "*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\n"
           "type\r\n$7\r\nkeyword\r\n$4\r\nspec\r\n*4\r\n$7\r\nkeyword\r\n$" +
           std::to_string(word.size()) + "\r\n" + std::string(word) +
           "\r\n$9\r\nstartfrom\r\n:6\r\n" + kRangeSpec;
  };
  EXPECT_EQ(out,
            "*10\r\n$9\r\ngeoradius\r\n:-6\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n"
            ":1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@geo\r\n+@slow\r\n*0\r\n*3\r\n*6\r\n"
            "$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n" +
                kIndex1 + kRangeSpec + keyword("STORE") + keyword("STOREDIST") + "*0\r\n");
}

TEST(IntrospectionCommandTest, NoArgumentsListsEveryCommand) {
  CommandTester t;
  Resp all = t.RunResp({"COMMAND"});
  EXPECT_EQ(all.elems.size(), CommandTable::Get().size());
  EXPECT_EQ(t.RunInt({"COMMAND", "COUNT"}), static_cast<int64_t>(CommandTable::Get().size()));
  for (const Resp& e : all.elems) EXPECT_EQ(e.elems.size(), 10u) << e.elems[0].str;
  EXPECT_EQ(t.RunResp({"COMMAND", "INFO"}).elems.size(), all.elems.size());
}

TEST(IntrospectionCommandTest, UnknownSubcommandAndArity) {
  CommandTester t;
  EXPECT_EQ(t.RunError({"COMMAND", "foo"}), "ERR unknown subcommand 'foo'. Try COMMAND HELP.");
  EXPECT_EQ(t.RunError({"COMMAND", "COUNT", "x"}),
            "ERR wrong number of arguments for 'command|count' command");
}

TEST(IntrospectionCommandListTest, FiltersLikeRedis) {
  CommandTester t;
  std::vector<std::string> all = t.RunArray({"COMMAND", "LIST"});
  EXPECT_NE(std::find(all.begin(), all.end(), "config|get"), all.end());
  EXPECT_NE(std::find(all.begin(), all.end(), "get"), all.end());

  std::vector<std::string> conf = t.RunArray({"COMMAND", "LIST", "FILTERBY", "PATTERN", "CON*"});
  std::sort(conf.begin(), conf.end());
  EXPECT_EQ(conf, (std::vector<std::string>{"config", "config|get", "config|help",
                                            "config|resetstat", "config|rewrite", "config|set"}));

  std::vector<std::string> conn =
      t.RunArray({"COMMAND", "list", "filterby", "aclcat", "Connection"});
  EXPECT_NE(std::find(conn.begin(), conn.end(), "client|id"), conn.end());
  EXPECT_NE(std::find(conn.begin(), conn.end(), "command"), conn.end());
  EXPECT_EQ(std::find(conn.begin(), conn.end(), "client"), conn.end());  // only @slow
  EXPECT_EQ(std::find(conn.begin(), conn.end(), "config|get"), conn.end());

  EXPECT_EQ(t.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"}), "*0\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "foo"}), "*0\r\n");
  EXPECT_EQ(t.RunError({"COMMAND", "LIST", "FILTERBY", "foo", "bar"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"COMMAND", "LIST", "foo"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"COMMAND", "LIST", "FILTERBY"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"COMMAND", "LIST", "FILTERBY", "PATTERN", "a", "b"}), "ERR syntax error");
}

TEST(IntrospectionCommandDocsTest, MinimalDocs) {
  CommandTester t;
  // Unknown names are skipped; RESP2 maps are flat arrays.
  EXPECT_EQ(t.Run({"COMMAND", "DOCS", "get", "nosuch"}),
            "*2\r\n$3\r\nget\r\n*6\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n"
            "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n");
  t.client().resp = 3;
  Resp r = t.RunResp({"COMMAND", "DOCS", "config"});
  ASSERT_EQ(r.type, '%');
  ASSERT_EQ(r.elems.size(), 2u);
  EXPECT_EQ(r.elems[0].str, "config");
  const Resp& doc = r.elems[1];
  ASSERT_EQ(doc.elems.size(), 8u);
  EXPECT_EQ(doc.elems[0].str, "summary");
  EXPECT_EQ(doc.elems[1].str, "A container for server configuration commands");
  EXPECT_EQ(doc.elems[3].str, "2.0.0");
  EXPECT_EQ(doc.elems[5].str, "server");
  EXPECT_EQ(doc.elems[6].str, "subcommands");
  EXPECT_EQ(doc.elems[7].type, '%');
  EXPECT_EQ(doc.elems[7].elems.size(), 10u);  // five subcommands
  EXPECT_EQ(t.RunResp({"COMMAND", "DOCS"}).elems.size(), 2 * CommandTable::Get().size());
}

TEST(IntrospectionCommandGetKeysTest, KeysFromKeySpecs) {
  CommandTester t;
  EXPECT_EQ(t.RunArray({"COMMAND", "GETKEYS", "set", "k", "v"}), std::vector<std::string>{"k"});
  EXPECT_EQ(t.RunArray({"COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"}),
            (std::vector<std::string>{"a", "b"}));
  // SET's VARIABLE_FLAGS resolved as Redis's setGetKeys: OW without GET, RW with it.
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYSANDFLAGS", "set", "k", "v"}),
            "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYSANDFLAGS", "set", "k", "v", "GET"}),
            "*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYSANDFLAGS", "bitfield", "k", "GET", "u8", "0"}),
            "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n");
  t.client().resp = 3;
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYSANDFLAGS", "mset", "a", "1", "b", "2"}),
            "*2\r\n*2\r\n$1\r\na\r\n~2\r\n+OW\r\n+update\r\n*2\r\n$1\r\nb\r\n~2\r\n+OW\r\n"
            "+update\r\n");
}

TEST(IntrospectionCommandGetKeysTest, ErrorsInRedisOrder) {
  CommandTester t;
  EXPECT_EQ(t.RunError({"COMMAND", "GETKEYS", "nosuch", "x"}), "ERR Invalid command specified");
  EXPECT_EQ(t.RunError({"COMMAND", "GETKEYS", "config|get", "x"}), "ERR Invalid command specified");
  EXPECT_EQ(t.RunError({"COMMAND", "GETKEYS", "config", "nosuch"}),
            "ERR Invalid command specified");
  EXPECT_EQ(t.RunError({"COMMAND", "GETKEYS", "ping", "x"}),
            "ERR The command has no key arguments");
  EXPECT_EQ(t.RunError({"COMMAND", "GETKEYS", "config", "get"}),
            "ERR The command has no key arguments");
  EXPECT_EQ(t.RunError({"COMMAND", "GETKEYS", "get", "a", "b"}),
            "ERR Invalid number of arguments specified for command");
  EXPECT_EQ(t.RunError({"COMMAND", "GETKEYS", "get"}),
            "ERR wrong number of arguments for 'command|getkeys' command");
}

TEST(IntrospectionCommandHelpTest, HelpText) {
  CommandTester t;
  std::vector<std::string> help = t.RunArray({"COMMAND", "HELP"});
  ASSERT_EQ(help.size(), 21u);
  EXPECT_EQ(help.front(), "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help.back(), "    Prints this help.");
  EXPECT_EQ(t.Run({"COMMAND", "HELP"}).substr(0, 9), "*21\r\n+COM");
}

}  // namespace
}  // namespace redoubt::commands
