#include <stdio.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "commands/test_util.h"
#include "gtest/gtest.h"
#include "persistence/aof_base.h"
#include "persistence/aof_format.h"
#include "runtime/aof_loader.h"

namespace redoubt::commands {
namespace {

using testing::CommandTester;
using namespace persistence;  // NOLINT(build/namespaces)

std::vector<store::Db*> Dbs(ServerState& s) {
  std::vector<store::Db*> dbs;
  for (int i = 0; i < s.db_count(); ++i) dbs.push_back(&s.db(i));
  return dbs;
}

std::string Encode(std::initializer_list<std::string_view> args) {
  std::string out;
  AppendCommand(&out, args);
  return out;
}

TEST(AofReader, ReadsCommandsBack) {
  std::string data = Encode({"SET", "k", "v"}) + Encode({"DEL", std::string_view("a\0b", 3)});
  AofReader r(data);
  ASSERT_EQ(r.Next(), AofReader::Result::kCommand);
  EXPECT_EQ(r.args(), (std::vector<std::string_view>{"SET", "k", "v"}));
  ASSERT_EQ(r.Next(), AofReader::Result::kCommand);
  EXPECT_EQ(r.args()[1], std::string_view("a\0b", 3));
  EXPECT_EQ(r.Next(), AofReader::Result::kEnd);
}

// A file cut anywhere inside its last command is a torn tail at that command's start.
TEST(AofReader, EveryCutOfTheLastCommandIsATornTail) {
  std::string first = Encode({"SET", "a", "1"});
  std::string data = first + Encode({"RPUSH", "list", "hello", "world"});
  for (size_t cut = first.size() + 1; cut < data.size(); ++cut) {
    AofReader r(std::string_view(data).substr(0, cut));
    ASSERT_EQ(r.Next(), AofReader::Result::kCommand);
    ASSERT_EQ(r.Next(), AofReader::Result::kTruncated) << cut;
    EXPECT_EQ(r.offset(), first.size());
  }
}

TEST(AofReader, CorruptionIsNotATornTail) {
  for (std::string bad : {std::string("+OK\r\n"), std::string("*2\r\n$3\r\nSET\r\n!1\r\na\r\n"),
                          std::string("*1\r\n$3\r\nSETxx"), std::string("*-1\r\n"),
                          std::string("*99999999999\r\n")}) {
    AofReader r(bad);
    EXPECT_EQ(r.Next(), AofReader::Result::kCorrupt) << bad;
  }
}

TEST(AofManifest, RoundTripsRedisFormat) {
  std::string text =
      "file appendonly.aof.2.base.rdb seq 2 type b\n"
      "file appendonly.aof.1.incr.aof seq 1 type h\n"
      "file appendonly.aof.2.incr.aof seq 2 type i\n"
      "file appendonly.aof.3.incr.aof seq 3 type i\n";
  auto m = ParseManifest(text);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->base.name, "appendonly.aof.2.base.rdb");
  ASSERT_EQ(m->incrs.size(), 2u);
  EXPECT_EQ(m->cur_incr_seq, 3);
  EXPECT_EQ(m->Serialize(), text);
  EXPECT_FALSE(ParseManifest("file x seq 1\n").ok());
  EXPECT_FALSE(ParseManifest("file ../etc/passwd seq 1 type b\n").ok());
  EXPECT_FALSE(ParseManifest("file a seq 1 type b\nfile b seq 2 type b\n").ok());
}

// Records what the feed gets, as the AOF would write it.
class RecordingFeed : public WriteFeed {
 public:
  void Command(int, const CommandSpec& cmd, std::span<const std::string_view> args) override {
    std::string s(cmd.full_name);
    for (size_t i = 1; i < args.size(); ++i) {
      s.push_back(' ');
      s.append(args[i]);
    }
    lines.push_back(s);
  }
  void Deleted(int, std::string_view key) override {
    std::string s("DEL ");
    s.append(key);
    lines.push_back(s);
  }
  void Propagate(int, std::span<const std::string_view> args) override {
    std::string s;
    for (std::string_view a : args) {
      if (!s.empty()) s.push_back(' ');
      s.append(a);
    }
    lines.push_back(s);
  }
  void BeginTransaction() override { lines.push_back("MULTI"); }
  void EndTransaction() override { lines.push_back("EXEC"); }
  std::vector<std::string> lines;
};

TEST(AofFeed, RelativeTimesAndRandomPicksAreWrittenReplayable) {
  CommandTester t;
  RecordingFeed feed;
  t.state().persistence.write_feed = &feed;
  int64_t now = t.now_ms();
  t.Run({"SET", "k", "v", "EX", "10"});
  t.Run({"EXPIRE", "k", "100"});
  t.Run({"GET", "k"});  // reads are not fed
  t.Run({"SADD", "s", "only"});
  t.Run({"SPOP", "s"});
  t.Run({"INCRBYFLOAT", "f", "1.5"});
  t.Run({"HINCRBYFLOAT", "h", "x", "0.25"});
  t.state().persistence.write_feed = nullptr;
  std::vector<std::string> want = {"SET k v PXAT " + std::to_string(now + 10000),
                                   "PEXPIREAT k " + std::to_string(now + 100000),
                                   "sadd s only",
                                   "SREM s only",
                                   "SET f 1.5 KEEPTTL",
                                   "HSET h x 0.25"};
  EXPECT_EQ(feed.lines, want);
}

TEST(AofBase, CommandFormBaseRebuildsEveryType) {
  CommandTester a;
  a.Run({"SET", "str", "hello"});
  a.Run({"SET", "int", "42"});
  a.Run({"RPUSH", "list", "x", "y", "3"});
  a.Run({"SADD", "set", "m1", "m2"});
  a.Run({"ZADD", "zset", "1.5", "a", "-inf", "b"});
  a.Run({"HSET", "hash", "f", "v"});
  a.Run({"SET", "ttl", "v", "PX", "100000"});
  a.Run({"SELECT", "4"});
  a.Run({"SET", "in4", "four"});
  std::vector<std::string> big = {"RPUSH", "big"};
  for (int i = 0; i < 200; ++i) big.push_back(std::to_string(i));
  a.Run(big);
  char path[] = "/tmp/aof_test_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(WriteCommandBase(Dbs(a.state()), fd, a.now_ms()));
  ::close(fd);
  CommandTester b;
  auto r = ReplayAofFile(b.state(), path, false, {});
  unlink(path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  a.Run({"SELECT", "0"});
  for (auto key : {"str", "int"}) {
    EXPECT_EQ(b.Run({"GET", key}), a.Run({"GET", key}));
  }
  EXPECT_EQ(b.Run({"LRANGE", "list", "0", "-1"}), a.Run({"LRANGE", "list", "0", "-1"}));
  EXPECT_EQ(b.Run({"SCARD", "set"}), a.Run({"SCARD", "set"}));
  EXPECT_EQ(b.Run({"ZRANGE", "zset", "0", "-1", "WITHSCORES"}),
            a.Run({"ZRANGE", "zset", "0", "-1", "WITHSCORES"}));
  EXPECT_EQ(b.Run({"HGETALL", "hash"}), a.Run({"HGETALL", "hash"}));
  EXPECT_EQ(b.Run({"PEXPIRETIME", "ttl"}), a.Run({"PEXPIRETIME", "ttl"}));
  b.Run({"SELECT", "4"});
  EXPECT_EQ(b.RunBulk({"GET", "in4"}), "four");
  EXPECT_EQ(b.RunInt({"LLEN", "big"}), 200);
}

TEST(AofLoader, TornTransactionIsDroppedWhole) {
  CommandTester t;
  std::string data = Encode({"SET", "a", "1"}) + Encode({"MULTI"}) + Encode({"SET", "b", "1"});
  auto r = ReplayAofBytes(t.state(), data, "x.aof", true, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->valid_len, Encode({"SET", "a", "1"}).size());
  EXPECT_EQ(t.RunInt({"EXISTS", "a", "b"}), 1);
  EXPECT_FALSE(ReplayAofBytes(t.state(), data, "x.aof", false, {}).ok());
  auto bad = ReplayAofBytes(t.state(), Encode({"NOSUCHCMD"}), "x.aof", true, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Unknown command 'NOSUCHCMD'"), std::string::npos);
}

}  // namespace
}  // namespace redoubt::commands
