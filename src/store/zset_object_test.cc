#include "store/zset_object.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace redoubt::store {
namespace {

using Elem = std::pair<double, std::string>;

std::vector<Elem> All(const ZSetObject& z) {
  std::vector<Elem> out;
  z.ForEach([&](std::string_view m, double s) {
    out.emplace_back(s, std::string(m));
    return true;
  });
  return out;
}

void Add(ZSetObject& z, std::string_view m, double s, const ZSetLimits& limits = {}) {
  int out;
  double ns;
  ASSERT_TRUE(z.Add(m, s, 0, limits, &out, &ns));
}

TEST(ZSetObjectTest, OrdersByScoreThenMember) {
  ZSetObject z;
  Add(z, "b", 1);
  Add(z, "a", 1);
  Add(z, "c", 0.5);
  Add(z, "100", -2);
  EXPECT_TRUE(z.is_listpack());
  EXPECT_EQ(All(z), (std::vector<Elem>{{-2, "100"}, {0.5, "c"}, {1, "a"}, {1, "b"}}));
  size_t r;
  ASSERT_TRUE(z.Rank("a", &r));
  EXPECT_EQ(r, 2u);
  double s;
  ASSERT_TRUE(z.Score("100", &s));
  EXPECT_EQ(s, -2);
}

TEST(ZSetObjectTest, AddFlags) {
  ZSetObject z;
  ZSetLimits limits;
  int out;
  double ns = 0;
  ASSERT_TRUE(z.Add("a", 5, 0, limits, &out, &ns));
  EXPECT_EQ(out, zadd::kOutAdded);
  ASSERT_TRUE(z.Add("a", 3, zadd::kGt, limits, &out, &ns));
  EXPECT_EQ(out, zadd::kOutNop);
  ASSERT_TRUE(z.Add("a", 3, zadd::kLt, limits, &out, &ns));
  EXPECT_EQ(out, zadd::kOutUpdated);
  ASSERT_TRUE(z.Add("b", 3, zadd::kXx, limits, &out, &ns));
  EXPECT_EQ(out, zadd::kOutNop);
  ASSERT_TRUE(z.Add("a", 2, zadd::kIncr, limits, &out, &ns));
  EXPECT_EQ(ns, 5);
  ASSERT_TRUE(z.Add("a", INFINITY, 0, limits, &out, &ns));
  EXPECT_FALSE(z.Add("a", -INFINITY, zadd::kIncr, limits, &out, &ns));
  EXPECT_EQ(out, zadd::kOutNan);
}

TEST(ZSetObjectTest, ConvertsPastLimits) {
  ZSetObject z;
  ZSetLimits limits{.max_entries = 3, .max_value = 8};
  Add(z, "a", 1, limits);
  Add(z, "b", 2, limits);
  Add(z, "c", 3, limits);
  EXPECT_STREQ(z.EncodingName(), "listpack");
  Add(z, "d", 4, limits);
  EXPECT_STREQ(z.EncodingName(), "skiplist");
  ZSetObject y;
  Add(y, "123456789", 1, limits);
  EXPECT_STREQ(y.EncodingName(), "skiplist");
  std::unique_ptr<Object> c(z.Clone());
  EXPECT_EQ(All(*static_cast<ZSetObject*>(c.get())), All(z));
}

TEST(ZSetObjectTest, ScanVisitsEveryMember) {
  ZSetObject z(false);
  for (int i = 0; i < 1000; ++i) Add(z, std::to_string(i).append("m"), i);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = z.Scan(cursor, [&](std::string_view m, double) {
      seen.insert(std::string(m));
      return true;
    });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 1000u);
}

// Random operations on both encodings, checked against a std::set of (score, member).
void RandomizedCheck(bool listpack, int max_entries) {
  std::mt19937_64 rng(listpack ? 1 : 2);
  ZSetObject z(listpack);
  ZSetLimits limits{.max_entries = max_entries, .max_value = 64};
  std::set<Elem> ref;
  std::map<std::string, double> scores;
  for (int step = 0; step < 4000; ++step) {
    std::string m = std::to_string(rng() % 300);
    double s = static_cast<double>(rng() % 50) / 2;
    int op = static_cast<int>(rng() % 10);
    if (op < 6) {
      Add(z, m, s, limits);
      if (scores.count(m)) ref.erase({scores[m], m});
      scores[m] = s;
      ref.insert({s, m});
    } else if (op < 8) {
      bool had = scores.count(m) > 0;
      if (had) {
        ref.erase({scores[m], m});
        scores.erase(m);
      }
      EXPECT_EQ(z.Remove(m), had);
    } else if (op == 8) {
      size_t below = z.CountScoreBelow(s, step % 2 == 0);
      size_t want = 0;
      for (const Elem& e : ref) want += e.first < s || (step % 2 == 0 && e.first == s);
      EXPECT_EQ(below, want);
    } else if (!ref.empty()) {
      size_t a = rng() % ref.size(), b = rng() % (ref.size() + 1);
      if (a > b) std::swap(a, b);
      if (rng() % 4 == 0) {
        std::vector<Elem> v(ref.begin(), ref.end());
        EXPECT_EQ(z.DeleteRanks(a, b), b - a);
        for (size_t i = a; i < b; ++i) {
          ref.erase(v[i]);
          scores.erase(v[i].second);
        }
      }
    }
    ASSERT_EQ(z.size(), ref.size());
    if (step % 97 == 0) {
      EXPECT_EQ(All(z), std::vector<Elem>(ref.begin(), ref.end()));
      size_t rank = 0;
      for (const Elem& e : ref) {
        size_t r;
        ASSERT_TRUE(z.Rank(e.second, &r));
        EXPECT_EQ(r, rank++);
      }
      if (!ref.empty()) {
        size_t start = rng() % ref.size();
        std::vector<Elem> rev;
        z.Iterate(start, true, [&](std::string_view m, double sc) {
          rev.emplace_back(sc, std::string(m));
          return true;
        });
        std::vector<Elem> v(ref.begin(), ref.end());
        ASSERT_EQ(rev.size(), start + 1);
        for (size_t i = 0; i <= start; ++i) EXPECT_EQ(rev[i], v[start - i]);
      }
    }
  }
}

TEST(ZSetObjectTest, RandomizedListpack) { RandomizedCheck(true, 1000000); }
TEST(ZSetObjectTest, RandomizedSkiplist) { RandomizedCheck(false, 0); }
TEST(ZSetObjectTest, RandomizedWithConversion) { RandomizedCheck(true, 64); }

TEST(ZSetObjectTest, LexCounts) {
  for (bool lp : {true, false}) {
    ZSetObject z(lp);
    for (const char* m : {"a", "b", "bb", "c"}) Add(z, m, 0);
    EXPECT_EQ(z.CountLexBelow("b", false), 1u);
    EXPECT_EQ(z.CountLexBelow("b", true), 2u);
    EXPECT_EQ(z.CountLexBelow("zz", true), 4u);
  }
}

}  // namespace
}  // namespace redoubt::store
