// CLIENT and its subcommands against an in-process server state: Redis 7.0.15's replies, line
// format and error texts.
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "commands/test_util.h"

namespace redoubt::commands {
namespace {

using testing::CommandTester;

class ClientFamilyTest : public ::testing::Test {
 protected:
  // Another session, as the server layer would register it.
  Client* AddClient(std::string addr) {
    auto c = std::make_unique<Client>();
    c->id = t_.state().sessions.next_client_id++;
    c->fd = 20 + static_cast<int>(c->id);
    c->addr = std::move(addr);
    c->laddr = "127.0.0.1:6379";
    c->ctime_ms = c->last_interaction_ms = t_.now_ms();
    t_.state().sessions.clients[c->id] = c.get();
    others_.push_back(std::move(c));
    return others_.back().get();
  }
  void TearDown() override {
    for (auto& c : others_) DetachClient(t_.state(), *c);
  }

  CommandTester t_;
  std::vector<std::unique_ptr<Client>> others_;
};

TEST_F(ClientFamilyTest, IdSetNameGetName) {
  EXPECT_EQ(t_.RunInt({"CLIENT", "ID"}), static_cast<int64_t>(t_.client().id));
  EXPECT_EQ(t_.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(t_.RunError({"CLIENT", "SETNAME", "a b"}),
            "ERR Client names cannot contain spaces, newlines or special characters.");
  EXPECT_EQ(t_.RunError({"CLIENT", "SETNAME", "caf\xc3\xa9"}),
            "ERR Client names cannot contain spaces, newlines or special characters.");
  EXPECT_EQ(t_.Run({"CLIENT", "SETNAME", "worker-1"}), "+OK\r\n");
  EXPECT_EQ(t_.RunBulk({"CLIENT", "GETNAME"}), "worker-1");
  EXPECT_EQ(t_.Run({"CLIENT", "SETNAME", ""}), "+OK\r\n");  // clears the name
  EXPECT_EQ(t_.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(t_.RunError({"CLIENT", "ID", "x"}),
            "ERR wrong number of arguments for 'client|id' command");
  EXPECT_EQ(t_.RunError({"CLIENT", "foo"}), "ERR unknown subcommand 'foo'. Try CLIENT HELP.");
}

TEST_F(ClientFamilyTest, InfoLineFormat) {
  t_.Run({"CLIENT", "SETNAME", "me"});
  t_.client().fd = 8;
  std::string line = t_.RunBulk({"CLIENT", "INFO"});
  const std::regex kFormat(
      "id=[0-9]+ addr=127\\.0\\.0\\.1:40000 laddr=127\\.0\\.0\\.1:6379 fd=8 name=me age=0 "
      "idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=[0-9]+ qbuf-free=[0-9]+ "
      "argv-mem=10 multi-mem=0 rbs=[0-9]+ rbp=[0-9]+ obl=0 oll=0 omem=0 tot-mem=[0-9]+ "
      "events=r cmd=client\\|info user=default redir=-1 resp=2\n");
  EXPECT_TRUE(std::regex_match(line, kFormat)) << line;
  // RESP3: a verbatim string.
  t_.client().resp = 3;
  std::string raw = t_.Run({"CLIENT", "INFO"});
  EXPECT_EQ(raw[0], '=');
  EXPECT_NE(raw.find("\r\ntxt:id="), std::string::npos) << raw;
}

TEST_F(ClientFamilyTest, InfoFlagsAndAge) {
  t_.client().flags |= client_flag::kMonitor | client_flag::kNoEvict;
  t_.AdvanceTime(5000);
  std::string line = t_.RunBulk({"CLIENT", "INFO"});
  EXPECT_NE(line.find(" flags=Oe "), std::string::npos) << line;
  EXPECT_NE(line.find(" age=5 idle=5 "), std::string::npos) << line;
}

TEST_F(ClientFamilyTest, ListAllByTypeAndById) {
  Client* other = AddClient("10.0.0.2:5555");
  other->last_cmd = CommandTable::Get().LookupCanonical("get");
  std::string all = t_.RunBulk({"CLIENT", "LIST"});
  size_t mine = all.find("id=" + std::to_string(t_.client().id) + " ");
  size_t theirs = all.find("id=" + std::to_string(other->id) + " ");
  ASSERT_NE(mine, std::string::npos);
  ASSERT_NE(theirs, std::string::npos);
  EXPECT_LT(mine, theirs);  // id order
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 2);
  EXPECT_NE(all.find("addr=10.0.0.2:5555 "), std::string::npos);
  EXPECT_NE(all.find(" cmd=get "), std::string::npos);
  EXPECT_NE(all.find(" cmd=client|list "), std::string::npos);

  EXPECT_EQ(t_.RunBulk({"CLIENT", "LIST", "TYPE", "normal"}).size(), all.size());
  EXPECT_EQ(t_.RunBulk({"CLIENT", "LIST", "TYPE", "pubsub"}), "");
  EXPECT_EQ(t_.RunBulk({"CLIENT", "LIST", "TYPE", "replica"}), "");
  EXPECT_EQ(t_.RunError({"CLIENT", "LIST", "TYPE", "foo"}), "ERR Unknown client type 'foo'");

  std::string one = t_.RunBulk({"CLIENT", "LIST", "ID", std::to_string(other->id), "999"});
  EXPECT_EQ(one.rfind("id=" + std::to_string(other->id) + " ", 0), 0u);
  EXPECT_EQ(std::count(one.begin(), one.end(), '\n'), 1);
  EXPECT_EQ(t_.RunBulk({"CLIENT", "LIST", "ID", "999"}), "");
  EXPECT_EQ(t_.RunError({"CLIENT", "LIST", "ID", "1", "abc"}), "ERR Invalid client ID");
  EXPECT_EQ(t_.RunError({"CLIENT", "LIST", "foo"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"CLIENT", "LIST", "TYPE"}), "ERR syntax error");
}

TEST_F(ClientFamilyTest, KillOldForm) {
  Client* other = AddClient("10.0.0.2:5555");
  EXPECT_EQ(t_.RunError({"CLIENT", "KILL", "1.2.3.4:5"}), "ERR No such client");
  EXPECT_EQ(t_.Run({"CLIENT", "KILL", "10.0.0.2:5555"}), "+OK\r\n");
  EXPECT_TRUE(other->flags & client_flag::kCloseAsap);
  // The old form may kill the caller, after the reply.
  EXPECT_EQ(t_.Run({"CLIENT", "KILL", "127.0.0.1:40000"}), "+OK\r\n");
  EXPECT_TRUE(t_.client().flags & client_flag::kCloseAfterReply);
  EXPECT_FALSE(t_.client().flags & client_flag::kCloseAsap);
}

TEST_F(ClientFamilyTest, KillFilters) {
  Client* a = AddClient("10.0.0.2:5555");
  Client* b = AddClient("10.0.0.3:6666");
  EXPECT_EQ(t_.RunInt({"CLIENT", "KILL", "ID", std::to_string(a->id)}), 1);
  EXPECT_TRUE(a->flags & client_flag::kCloseAsap);
  EXPECT_FALSE(b->flags & client_flag::kCloseAsap);
  EXPECT_EQ(t_.RunInt({"CLIENT", "KILL", "ADDR", "10.0.0.9:1"}), 0);
  EXPECT_EQ(t_.RunInt({"CLIENT", "KILL", "ADDR", "127.0.0.1:40000"}), 0);  // SKIPME yes
  EXPECT_EQ(t_.RunInt({"CLIENT", "KILL", "LADDR", "127.0.0.1:6379", "ID", std::to_string(b->id)}),
            1);
  EXPECT_TRUE(b->flags & client_flag::kCloseAsap);
  EXPECT_FALSE(t_.client().flags & client_flag::kCloseAfterReply);
  // Everyone of type normal, the caller included.
  EXPECT_EQ(t_.RunInt({"CLIENT", "KILL", "TYPE", "normal", "USER", "default", "SKIPME", "no"}), 3);
  EXPECT_TRUE(t_.client().flags & client_flag::kCloseAfterReply);
}

TEST_F(ClientFamilyTest, KillErrors) {
  EXPECT_EQ(t_.RunError({"CLIENT", "KILL", "ID", "abc"}), "ERR client-id should be greater than 0");
  EXPECT_EQ(t_.RunError({"CLIENT", "KILL", "ID", "0"}), "ERR client-id should be greater than 0");
  EXPECT_EQ(t_.RunError({"CLIENT", "KILL", "TYPE", "foo"}), "ERR Unknown client type 'foo'");
  EXPECT_EQ(t_.RunError({"CLIENT", "KILL", "USER", "nobody"}), "ERR No such user 'nobody'");
  EXPECT_EQ(t_.RunError({"CLIENT", "KILL", "SKIPME", "maybe"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"CLIENT", "KILL", "foo", "bar"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"CLIENT", "KILL", "ID", "1", "TYPE"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"CLIENT", "KILL", "MAXAGE", "5"}), "ERR syntax error");  // 7.4+
  EXPECT_EQ(t_.RunError({"CLIENT", "KILL"}),
            "ERR wrong number of arguments for 'client|kill' command");
}

TEST_F(ClientFamilyTest, PauseAndUnpause) {
  int64_t now = t_.now_ms();
  EXPECT_EQ(t_.Run({"CLIENT", "PAUSE", "1000"}), "+OK\r\n");
  EXPECT_EQ(t_.state().sessions.pause_end_ms, now + 1000);
  EXPECT_FALSE(t_.state().sessions.pause_write_only);
  // A shorter pause keeps the later deadline and the stricter mode.
  EXPECT_EQ(t_.Run({"CLIENT", "PAUSE", "10", "WRITE"}), "+OK\r\n");
  EXPECT_EQ(t_.state().sessions.pause_end_ms, now + 1000);
  EXPECT_FALSE(t_.state().sessions.pause_write_only);
  EXPECT_EQ(t_.Run({"CLIENT", "UNPAUSE"}), "+OK\r\n");
  EXPECT_LE(t_.state().sessions.pause_end_ms, now);
  EXPECT_EQ(t_.Run({"CLIENT", "PAUSE", "500", "write"}), "+OK\r\n");
  EXPECT_EQ(t_.state().sessions.pause_end_ms, now + 500);
  EXPECT_TRUE(t_.state().sessions.pause_write_only);
}

TEST_F(ClientFamilyTest, PauseErrors) {
  EXPECT_EQ(t_.RunError({"CLIENT", "PAUSE", "abc"}),
            "ERR timeout is not an integer or out of range");
  EXPECT_EQ(t_.RunError({"CLIENT", "PAUSE", "-1"}), "ERR timeout is negative");
  EXPECT_EQ(t_.RunError({"CLIENT", "PAUSE", "9223372036854775807"}), "ERR timeout is out of range");
  // The mode is checked before the timeout, as in Redis.
  EXPECT_EQ(t_.RunError({"CLIENT", "PAUSE", "abc", "foo"}),
            "ERR CLIENT PAUSE mode must be WRITE or ALL");
  EXPECT_EQ(t_.RunError({"CLIENT", "PAUSE", "1", "write", "x"}),
            "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.");
  EXPECT_EQ(t_.state().sessions.pause_end_ms, 0);
}

TEST_F(ClientFamilyTest, NoEvict) {
  EXPECT_EQ(t_.Run({"CLIENT", "NO-EVICT", "on"}), "+OK\r\n");
  EXPECT_TRUE(t_.client().flags & client_flag::kNoEvict);
  EXPECT_EQ(t_.Run({"CLIENT", "NO-EVICT", "OFF"}), "+OK\r\n");
  EXPECT_FALSE(t_.client().flags & client_flag::kNoEvict);
  EXPECT_EQ(t_.RunError({"CLIENT", "NO-EVICT", "maybe"}), "ERR syntax error");
}

TEST_F(ClientFamilyTest, ReplyModes) {
  EXPECT_EQ(t_.Run({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(t_.Run({"PING"}), "");
  EXPECT_EQ(t_.Run({"CLIENT", "REPLY", "SKIP"}), "");  // still off
  EXPECT_EQ(t_.Run({"PING"}), "");
  EXPECT_EQ(t_.Run({"CLIENT", "REPLY", "ON"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(t_.Run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(t_.Run({"PING"}), "");  // skipped
  EXPECT_EQ(t_.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(t_.RunError({"CLIENT", "REPLY", "foo"}), "ERR syntax error");
}

TEST_F(ClientFamilyTest, TrackingIsOff) {
  EXPECT_EQ(t_.RunInt({"CLIENT", "GETREDIR"}), -1);
  EXPECT_EQ(t_.Run({"CLIENT", "TRACKINGINFO"}),
            "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n"
            "*0\r\n");
  t_.client().resp = 3;
  EXPECT_EQ(t_.Run({"CLIENT", "TRACKINGINFO"}),
            "%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n"
            "*0\r\n");
}

TEST_F(ClientFamilyTest, TrackingOnReportsItsOptions) {
  EXPECT_EQ(t_.Run({"CLIENT", "TRACKING", "on", "OPTIN", "NOLOOP"}), "+OK\r\n");
  EXPECT_EQ(t_.RunInt({"CLIENT", "GETREDIR"}), 0);
  EXPECT_EQ(t_.Run({"CLIENT", "CACHING", "yes"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"CLIENT", "TRACKINGINFO"}),
            "*6\r\n$5\r\nflags\r\n*4\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n"
            "$6\r\nnoloop\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n");
  EXPECT_EQ(t_.Run({"CLIENT", "TRACKING", "off"}), "+OK\r\n");
  EXPECT_EQ(t_.RunInt({"CLIENT", "GETREDIR"}), -1);
  EXPECT_EQ(t_.RunError({"CLIENT", "TRACKING", "on", "PREFIX", "a"}),
            "ERR PREFIX option requires BCAST mode to be enabled");
}

TEST_F(ClientFamilyTest, UnblockFindsNoBlockedClient) {
  EXPECT_EQ(t_.RunInt({"CLIENT", "UNBLOCK", "1"}), 0);
  EXPECT_EQ(t_.RunInt({"CLIENT", "UNBLOCK", "1", "error"}), 0);
  EXPECT_EQ(t_.RunError({"CLIENT", "UNBLOCK", "1", "foo"}),
            "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
  EXPECT_EQ(t_.RunError({"CLIENT", "UNBLOCK", "abc"}),
            "ERR value is not an integer or out of range");
}

TEST_F(ClientFamilyTest, Help) {
  std::vector<std::string> help = t_.RunArray({"CLIENT", "HELP"});
  ASSERT_EQ(help.size(), 48u);
  EXPECT_EQ(help[0], "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help[47], "    Prints this help.");
}

// Found by the commands fuzz target: a session that WATCHed keys and went away without being
// detached was still marked dirty by a later flush (a write to freed memory). DetachClient is
// what the server runs on every disconnect.
TEST_F(ClientFamilyTest, DetachForgetsWatchesSubscriptionsAndMonitor) {
  Client* other = AddClient("127.0.0.1:40001");
  std::vector<std::string_view> watch = {"WATCH", "k1", "k2"};
  Dispatch(t_.state(), *other, watch);
  std::vector<std::string_view> subscribe = {"SUBSCRIBE", "news"};
  Dispatch(t_.state(), *other, subscribe);
  t_.state().sessions.monitors.push_back(other);
  ASSERT_EQ(t_.state().indexes.watched.size(), 2u);

  DetachClient(t_.state(), *other);
  EXPECT_TRUE(t_.state().indexes.watched.empty());
  EXPECT_TRUE(t_.state().sessions.monitors.empty());
  EXPECT_EQ(t_.state().sessions.clients.count(other->id), 0u);
  EXPECT_EQ(t_.RunInt({"PUBLISH", "news", "x"}), 0);
  EXPECT_EQ(t_.Run({"FLUSHALL"}), "+OK\r\n");  // touches no watcher
}

}  // namespace
}  // namespace redoubt::commands
