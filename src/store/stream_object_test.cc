#include "store/stream_object.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/listpack.h"

namespace redoubt::store {
namespace {

using Ids = std::vector<StreamId>;

void Add(StreamObject& s, StreamId id, std::vector<std::string_view> fv,
         const StreamLimits& limits = {}) {
  s.Append(id, fv, limits);
}

Ids All(const StreamObject& s, bool reverse = false, StreamId start = {},
        StreamId end = StreamId::Max(), size_t count = 0) {
  Ids out;
  s.Range(start, end, reverse, count, [&](const StreamEntryView& e) {
    out.push_back(e.id);
    return true;
  });
  return out;
}

TEST(StreamIdTest, OrderIncrDecrAndEncoding) {
  EXPECT_LT((StreamId{1, 5}), (StreamId{2, 0}));
  StreamId n;
  ASSERT_TRUE((StreamId{1, UINT64_MAX}).Incr(&n));
  EXPECT_EQ(n, (StreamId{2, 0}));
  EXPECT_FALSE(StreamId::Max().Incr(&n));
  ASSERT_TRUE((StreamId{2, 0}).Decr(&n));
  EXPECT_EQ(n, (StreamId{1, UINT64_MAX}));
  EXPECT_FALSE(StreamId{}.Decr(&n));
  char buf[16];
  StreamId id{0x0102030405060708, 42};
  id.Encode(buf);
  EXPECT_EQ(buf[0], 1);
  EXPECT_EQ(buf[15], 42);
  EXPECT_EQ(StreamId::Decode(buf), id);
  EXPECT_EQ(id.ToString(), "72623859790382856-42");
}

TEST(StreamObjectTest, AppendKeepsFieldsAndOrder) {
  StreamObject s;
  Add(s, {1, 0}, {"a", "1", "b", "2"});
  Add(s, {1, 1}, {"a", "3", "b", "4"});        // same fields as the master entry
  Add(s, {5, 0}, {"x", "hello", "12", "-7"});  // different fields, integer-looking ones
  EXPECT_EQ(s.length(), 3u);
  EXPECT_EQ(s.last_id(), (StreamId{5, 0}));
  EXPECT_EQ(s.first_id(), (StreamId{1, 0}));
  EXPECT_EQ(s.entries_added(), 3u);
  std::vector<std::vector<std::string>> got;
  s.Range({}, StreamId::Max(), false, 0, [&](const StreamEntryView& e) {
    got.emplace_back(e.fields.begin(), e.fields.end());
    return true;
  });
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1], (std::vector<std::string>{"a", "3", "b", "4"}));
  EXPECT_EQ(got[2], (std::vector<std::string>{"x", "hello", "12", "-7"}));
  EXPECT_EQ(All(s, true), (Ids{{5, 0}, {1, 1}, {1, 0}}));
  EXPECT_EQ(All(s, false, {1, 1}, {5, 0}, 1), (Ids{{1, 1}}));
  EXPECT_EQ(All(s, true, {0, 0}, {1, 1}), (Ids{{1, 1}, {1, 0}}));
  EXPECT_TRUE(s.Contains({1, 1}));
  EXPECT_FALSE(s.Contains({1, 2}));
}

TEST(StreamObjectTest, NodesSplitAtMaxEntriesAndMaxBytes) {
  StreamObject s;
  StreamLimits limits{.node_max_bytes = 0, .node_max_entries = 10};
  for (uint64_t i = 1; i <= 95; ++i) Add(s, {i, 0}, {"f", "v"}, limits);
  EXPECT_EQ(s.nodes().size(), 10u);
  StreamObject b;
  StreamLimits small{.node_max_bytes = 100, .node_max_entries = 0};
  for (uint64_t i = 1; i <= 20; ++i) Add(b, {i, 0}, {"field", std::string(20, 'x')}, small);
  EXPECT_GT(b.nodes().size(), 5u);
  for (const auto& [id, lp] : b.nodes()) EXPECT_LT(listpack::Bytes(lp), 100u + 30u);
  EXPECT_EQ(All(b).size(), 20u);
  EXPECT_EQ(All(b, true).front(), (StreamId{20, 0}));
}

TEST(StreamObjectTest, DeleteMarksTombstonesAndFreesEmptyNodes) {
  StreamObject s;
  StreamLimits limits{.node_max_bytes = 0, .node_max_entries = 2};
  for (uint64_t i = 1; i <= 4; ++i) Add(s, {i, 0}, {"f", "v"}, limits);
  EXPECT_TRUE(s.Delete({1, 0}));
  EXPECT_FALSE(s.Delete({1, 0}));
  EXPECT_EQ(s.first_id(), (StreamId{2, 0}));
  EXPECT_EQ(s.max_deleted_id(), (StreamId{1, 0}));
  EXPECT_EQ(s.nodes().size(), 2u);
  EXPECT_TRUE(s.Delete({2, 0}));
  EXPECT_EQ(s.nodes().size(), 1u);
  EXPECT_TRUE(s.Delete({4, 0}));
  EXPECT_EQ(All(s), (Ids{{3, 0}}));
  EXPECT_EQ(s.length(), 1u);
  EXPECT_EQ(s.max_deleted_id(), (StreamId{4, 0}));
}

TEST(StreamObjectTest, TrimExactAndApproximate) {
  StreamLimits limits{.node_max_bytes = 0, .node_max_entries = 10};
  StreamObject s;
  for (uint64_t i = 1; i <= 100; ++i) Add(s, {i, 0}, {"f", "v"}, limits);
  EXPECT_EQ(s.TrimMaxLen(55, true, 0), 40);  // whole nodes only
  EXPECT_EQ(s.length(), 60u);
  EXPECT_EQ(s.TrimMaxLen(55, false, 0), 5);
  EXPECT_EQ(s.length(), 55u);
  EXPECT_EQ(s.first_id(), (StreamId{46, 0}));
  EXPECT_EQ(s.TrimMinId({71, 0}, true, 0), 25);  // 46-50, 51-60, 61-70
  EXPECT_EQ(s.TrimMinId({75, 0}, false, 0), 4);
  EXPECT_EQ(All(s).front(), (StreamId{75, 0}));
  EXPECT_EQ(s.TrimMaxLen(0, true, 10), 6);  // the limit stops before a 10-entry node
  EXPECT_EQ(s.length(), 20u);
}

// With both node limits off a node holds everything: reverse reads and exact trims must stay
// single passes over it (20,000 entries take seconds when each step rescans the node).
TEST(StreamObjectTest, OneHugeNodeReverseAndTrim) {
  StreamObject s;
  StreamLimits unlimited{.node_max_bytes = 0, .node_max_entries = 0};
  for (uint64_t i = 1; i <= 20000; ++i) Add(s, {i, 0}, {"f", "v"}, unlimited);
  ASSERT_EQ(s.nodes().size(), 1u);
  Ids rev = All(s, true);
  ASSERT_EQ(rev.size(), 20000u);
  EXPECT_EQ(rev.front(), (StreamId{20000, 0}));
  EXPECT_EQ(rev.back(), (StreamId{1, 0}));
  EXPECT_EQ(s.TrimMaxLen(5000, false, 0), 15000);
  EXPECT_EQ(s.first_id(), (StreamId{15001, 0}));
  EXPECT_EQ(s.TrimMinId({19000, 0}, false, 0), 3999);
  EXPECT_EQ(All(s).size(), 1001u);
  EXPECT_EQ(s.TrimMaxLen(0, false, 0), 1001);
  EXPECT_TRUE(s.nodes().empty());
}

TEST(StreamObjectTest, GroupsPelAndConsumers) {
  StreamObject s;
  Add(s, {1, 0}, {"f", "v"});
  StreamGroup* g = s.CreateGroup("g", {}, 0);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(s.CreateGroup("g", {}, 0), nullptr);
  bool created;
  StreamConsumer* c = g->GetConsumer("alice", 1000, &created);
  EXPECT_TRUE(created);
  g->pel[{1, 0}] = {1000, 1, c};
  c->pel.insert({1, 0});
  std::unique_ptr<Object> copy(s.Clone());
  auto* cs = static_cast<StreamObject*>(copy.get());
  StreamGroup* cg = cs->FindGroup("g");
  ASSERT_NE(cg, nullptr);
  EXPECT_EQ(cg->pel.at({1, 0}).consumer, cg->FindConsumer("alice"));
  EXPECT_TRUE(g->Ack({1, 0}));
  EXPECT_FALSE(g->Ack({1, 0}));
  EXPECT_TRUE(c->pel.empty());
  EXPECT_EQ(cg->DeleteConsumer("alice"), 1u);
  EXPECT_TRUE(cg->pel.empty());
  EXPECT_TRUE(s.DestroyGroup("g"));
  EXPECT_FALSE(s.DestroyGroup("g"));
}

TEST(StreamObjectTest, LagAndEntriesReadFollowRedis70) {
  StreamObject s;
  for (uint64_t i = 1; i <= 5; ++i) Add(s, {i, 0}, {"f", "v"});
  StreamGroup* g = s.CreateGroup("g", {}, 0);
  int64_t lag;
  ASSERT_TRUE(s.Lag(*g, &lag));
  EXPECT_EQ(lag, 5);
  s.AdvanceGroup(*g, {1, 0});
  s.AdvanceGroup(*g, {2, 0});
  EXPECT_EQ(g->entries_read, 2);
  ASSERT_TRUE(s.Lag(*g, &lag));
  EXPECT_EQ(lag, 3);
  // A tombstone ahead of the group makes the lag unknown.
  ASSERT_TRUE(s.Delete({4, 0}));
  EXPECT_FALSE(s.Lag(*g, &lag));
  // Reading past it: the counter is estimated again, exactly at the last entry.
  s.AdvanceGroup(*g, {3, 0});
  EXPECT_EQ(g->entries_read, kInvalidEntriesRead);
  s.AdvanceGroup(*g, {5, 0});
  EXPECT_EQ(g->entries_read, 5);
  ASSERT_TRUE(s.Lag(*g, &lag));
  EXPECT_EQ(lag, 0);
  EXPECT_EQ(s.EstimateDistanceFromFirstEverEntry({9, 0}), kInvalidEntriesRead);
}

}  // namespace
}  // namespace redoubt::store
