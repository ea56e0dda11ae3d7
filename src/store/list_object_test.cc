// Listpack bytes (Redis 7.0's format, checked against bytes Redis writes) and the quicklist-like
// ListObject, including randomized runs against std::deque.
#include "store/list_object.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "store/listpack.h"

namespace redoubt::store {
namespace {

std::string Text(const uint8_t* p) {
  char scratch[listpack::kScratchSize];
  return std::string(listpack::Get(p, scratch));
}

std::string Bytes(const uint8_t* lp) {
  return std::string(reinterpret_cast<const char*>(lp), listpack::Bytes(lp));
}

TEST(ListpackTest, EmptyLayout) {
  uint8_t* lp = listpack::New();
  EXPECT_EQ(Bytes(lp), std::string("\x07\x00\x00\x00\x00\x00\xff", 7));
  EXPECT_EQ(listpack::First(lp), nullptr);
  EXPECT_EQ(listpack::Last(lp), nullptr);
  std::free(lp);
}

// The bytes of Redis's listpack for "a", 1, -1, 1000, 100000, "hello": as lpAppend writes them.
TEST(ListpackTest, EncodingsMatchRedis) {
  uint8_t* lp = listpack::New();
  for (const char* v : {"a", "1", "-1", "1000", "100000", "hello"}) lp = listpack::Append(lp, v);
  std::string want(
      "\x00\x00\x00\x00\x06\x00"  // header (total patched below), 6 entries
      "\x81"
      "a\x02"                 // 6-bit string "a", backlen 2
      "\x01\x01"              // 7-bit uint 1
      "\xdf\xff\x02"          // 13-bit int -1: (8192-1) = 0x1fff -> 0xdf 0xff
      "\xc3\xe8\x02"          // 13-bit int 1000 = 0x3e8
      "\xf2\xa0\x86\x01\x04"  // 24-bit int 100000 = 0x0186a0
      "\x85hello\x06"         // 6-bit string "hello"
      "\xff",
      6 + 3 + 2 + 3 + 3 + 5 + 7 + 1);
  want[0] = static_cast<char>(want.size());
  EXPECT_EQ(Bytes(lp), want);
  std::vector<std::string> fwd, back;
  for (const uint8_t* p = listpack::First(lp); p; p = listpack::Next(lp, p)) fwd.push_back(Text(p));
  for (const uint8_t* p = listpack::Last(lp); p; p = listpack::Prev(lp, p)) back.push_back(Text(p));
  EXPECT_EQ(fwd, (std::vector<std::string>{"a", "1", "-1", "1000", "100000", "hello"}));
  EXPECT_EQ(back, (std::vector<std::string>{"hello", "100000", "1000", "-1", "1", "a"}));
  std::free(lp);
}

TEST(ListpackTest, IntegerRoundTripsAndNonCanonicalStaysString) {
  const char* values[] = {"0",
                          "127",
                          "128",
                          "-4096",
                          "4095",
                          "-4097",
                          "32767",
                          "-32768",
                          "32768",
                          "8388607",
                          "-8388608",
                          "8388608",
                          "2147483647",
                          "-2147483648",
                          "2147483648",
                          "9223372036854775807",
                          "-9223372036854775808",
                          "007",
                          "-0",
                          "+1",
                          " 1",
                          "1.5",
                          "",
                          "99999999999999999999"};
  uint8_t* lp = listpack::New();
  for (const char* v : values) lp = listpack::Append(lp, v);
  size_t i = 0;
  for (const uint8_t* p = listpack::First(lp); p; p = listpack::Next(lp, p), ++i) {
    EXPECT_EQ(Text(p), values[i]);
    EXPECT_TRUE(listpack::Equals(p, values[i]));
  }
  EXPECT_EQ(i, std::size(values));
  EXPECT_EQ(listpack::Count(lp), std::size(values));
  std::free(lp);
}

TEST(ListpackTest, LongStringsAndBacklens) {
  // 63/64 and 4095/4096 switch string encodings; 127/128 and 16383 switch backlen sizes.
  std::vector<std::string> values;
  for (size_t n : {0, 63, 64, 125, 126, 127, 128, 4095, 4096, 16380, 16383, 20000}) {
    values.push_back(std::string(n, 'x'));
  }
  uint8_t* lp = listpack::New();
  for (const auto& v : values) lp = listpack::Prepend(lp, v);
  size_t i = values.size();
  for (const uint8_t* p = listpack::First(lp); p; p = listpack::Next(lp, p)) {
    EXPECT_EQ(Text(p), values[--i]);
  }
  i = 0;
  for (const uint8_t* p = listpack::Last(lp); p; p = listpack::Prev(lp, p)) {
    EXPECT_EQ(Text(p), values[i++]);
  }
  // Replace with bigger and smaller values, then delete.
  const uint8_t* p = listpack::Seek(lp, 3);
  lp = listpack::Replace(lp, p - lp, std::string(5000, 'y'));
  EXPECT_EQ(Text(listpack::Seek(lp, 3)), std::string(5000, 'y'));
  lp = listpack::Replace(lp, listpack::Seek(lp, 3) - lp, "7");
  EXPECT_EQ(Text(listpack::Seek(lp, 3)), "7");
  lp = listpack::Delete(lp, listpack::Seek(lp, 3) - lp);
  EXPECT_EQ(listpack::Count(lp), values.size() - 1);
  EXPECT_EQ(Text(listpack::Seek(lp, 3)), values[values.size() - 5]);
  std::free(lp);
}

std::vector<std::string> Contents(const ListObject& l) {
  std::vector<std::string> out;
  if (l.empty()) return out;
  char scratch[listpack::kScratchSize];
  for (auto c = l.Front(); c.valid(); c.Next()) out.emplace_back(c.value(scratch));
  return out;
}

TEST(ListObjectTest, PushPopBothEnds) {
  ListObject l(-2);
  l.PushBack("b");
  l.PushFront("a");
  l.PushBack("3");
  EXPECT_EQ(Contents(l), (std::vector<std::string>{"a", "b", "3"}));
  EXPECT_EQ(l.PopBack(), "3");
  EXPECT_EQ(l.PopFront(), "a");
  EXPECT_EQ(l.PopFront(), "b");
  EXPECT_TRUE(l.empty());
  EXPECT_TRUE(l.Verify());
}

TEST(ListObjectTest, NodesRespectSizeLimit) {
  ListObject l(-2);
  for (int i = 0; i < 100000; ++i) l.PushBack("element:" + std::to_string(i));
  EXPECT_TRUE(l.Verify());
  EXPECT_GT(l.node_count(), 100u);
  // Nodes are nearly full: 8 KB each.
  EXPECT_LT(l.node_count(), 100000u * 15 / 8000 + 2);
  char scratch[listpack::kScratchSize];
  EXPECT_EQ(l.Get(54321, scratch), "element:54321");
}

TEST(ListObjectTest, CountFillLimitsEntriesPerNode) {
  ListObject l(5);
  for (int i = 0; i < 23; ++i) l.PushFront(std::to_string(i));
  EXPECT_EQ(l.node_count(), 5u);
  EXPECT_TRUE(l.Verify());
}

TEST(ListObjectTest, BigElementsGetTheirOwnNode) {
  ListObject l(-2);
  l.PushBack(std::string(20000, 'a'));
  l.PushBack("x");
  l.PushFront(std::string(9000, 'b'));
  EXPECT_EQ(l.node_count(), 3u);
  EXPECT_TRUE(l.Verify());
  l.Set(2, std::string(10000, 'c'));  // grows the small node past the limit: it stays alone
  EXPECT_TRUE(l.Verify());
}

TEST(ListObjectTest, CloneIsDeep) {
  ListObject l(-2);
  for (int i = 0; i < 5000; ++i) l.PushBack(std::to_string(i));
  std::unique_ptr<ListObject> c(static_cast<ListObject*>(l.Clone()));
  l.PopFront();
  EXPECT_EQ(c->size(), 5000u);
  EXPECT_EQ(Contents(*c).front(), "0");
  EXPECT_TRUE(c->Verify());
  EXPECT_GT(c->MemoryUsage(0), 5000u);
}

// Random operations against std::deque, with small nodes so splits and merges happen often.
void RandomRun(int fill, uint32_t seed) {
  SCOPED_TRACE("fill " + std::to_string(fill) + " seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  ListObject l(fill);
  std::deque<std::string> d;
  auto value = [&] {
    switch (rng() % 4) {
      case 0:
        return std::to_string(static_cast<int>(rng() % 2000) - 1000);
      case 1:
        return std::string(rng() % 3, 'a' + static_cast<char>(rng() % 3));
      case 2:
        return std::to_string(static_cast<int64_t>(rng()) * 1000003);
      default:
        return std::string(rng() % 300, 'z');
    }
  };
  char scratch[listpack::kScratchSize];
  for (int step = 0; step < 20000; ++step) {
    int op = static_cast<int>(rng() % 11);
    if (d.empty() && op >= 2) op = static_cast<int>(rng() % 2);
    switch (op) {
      case 0: {
        std::string v = value();
        l.PushFront(v);
        d.push_front(v);
        break;
      }
      case 1: {
        std::string v = value();
        l.PushBack(v);
        d.push_back(v);
        break;
      }
      case 2:
        ASSERT_EQ(l.PopFront(), d.front());
        d.pop_front();
        break;
      case 3:
        ASSERT_EQ(l.PopBack(), d.back());
        d.pop_back();
        break;
      case 4: {
        size_t i = rng() % d.size();
        ASSERT_EQ(l.Get(i, scratch), d[i]);
        break;
      }
      case 5: {
        size_t i = rng() % d.size();
        std::string v = value();
        l.Set(i, v);
        d[i] = v;
        break;
      }
      case 6: {
        std::string pivot = d[rng() % d.size()], v = value();
        bool after = rng() % 2;
        ASSERT_TRUE(l.InsertAtPivot(pivot, v, after));
        auto it = std::find(d.begin(), d.end(), pivot);
        d.insert(after ? it + 1 : it, v);
        break;
      }
      case 7: {
        std::string v = d[rng() % d.size()];
        uint64_t limit = rng() % 4;
        bool from_tail = rng() % 2;
        uint64_t removed = 0;
        if (!from_tail) {
          for (auto it = d.begin(); it != d.end() && (limit == 0 || removed < limit);) {
            if (*it == v) {
              it = d.erase(it);
              ++removed;
            } else {
              ++it;
            }
          }
        } else {
          for (size_t i = d.size(); i-- > 0 && (limit == 0 || removed < limit);) {
            if (d[i] == v) {
              d.erase(d.begin() + static_cast<long>(i));
              ++removed;
            }
          }
        }
        ASSERT_EQ(l.Remove(v, limit, from_tail), removed);
        break;
      }
      case 8: {
        size_t n = rng() % (d.size() / 4 + 1);
        bool front = rng() % 2;
        l.Trim(n, front);
        for (size_t i = 0; i < n; ++i) front ? d.pop_front() : d.pop_back();
        break;
      }
      case 9: {
        // A walk from a random index, forwards and backwards.
        size_t i = rng() % d.size();
        auto c = l.At(i);
        for (size_t k = i; k < std::min(d.size(), i + 50); ++k, c.Next()) {
          ASSERT_TRUE(c.valid());
          ASSERT_EQ(c.value(scratch), d[k]);
        }
        c = l.At(i);
        for (size_t k = i + 1; k-- > (i >= 50 ? i - 50 : 0); c.Prev()) {
          ASSERT_TRUE(c.valid());
          ASSERT_EQ(c.value(scratch), d[k]);
        }
        break;
      }
      default:
        for (int k = 0; k < 50; ++k) {
          std::string v = value();
          l.PushBack(v);
          d.push_back(v);
        }
    }
    ASSERT_EQ(l.size(), d.size());
    if (step % 500 == 0) {
      ASSERT_TRUE(l.Verify());
      ASSERT_EQ(Contents(l), std::vector<std::string>(d.begin(), d.end()));
    }
  }
  ASSERT_TRUE(l.Verify());
  ASSERT_EQ(Contents(l), std::vector<std::string>(d.begin(), d.end()));
}

TEST(ListObjectTest, RandomizedAgainstDeque) {
  for (int fill : {-1, -2, 1, 2, 7, 128}) {
    for (uint32_t seed : {1u, 2u, 3u}) RandomRun(fill, seed);
  }
}

}  // namespace
}  // namespace redoubt::store
