#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "persistence/packed_blobs.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_stream.h"
#include "persistence/rdb_writer.h"
#include "store/evict.h"
#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/set_object.h"
#include "store/stream_object.h"
#include "store/zset_object.h"

namespace redoubt::persistence {
namespace {

using store::Entry;

std::string Describe(const Entry& e) {
  std::string out = std::string(e.key()) + "=";
  char scratch[24];
  switch (e.type) {
    case store::ValueType::kString:
      return out + std::string(e.string_value(scratch));
    case store::ValueType::kList: {
      auto* l = static_cast<const store::ListObject*>(e.object());
      char s[store::listpack::kScratchSize];
      for (auto c = l->Front(); c.valid(); c.Next()) out += std::string(c.value(s)) + ",";
      return out;
    }
    case store::ValueType::kSet: {
      std::vector<std::string> m;
      static_cast<const store::SetObject*>(e.object())->ForEach([&](std::string_view v) {
        m.emplace_back(v);
      });
      std::sort(m.begin(), m.end());
      for (auto& v : m) out += v + ",";
      return out + static_cast<const store::SetObject*>(e.object())->EncodingName();
    }
    case store::ValueType::kHash: {
      std::vector<std::string> m;
      static_cast<const store::HashObject*>(e.object())
          ->ForEach([&](std::string_view f, std::string_view v) {
            m.push_back(std::string(f) + ":" + std::string(v));
          });
      std::sort(m.begin(), m.end());
      for (auto& v : m) out += v + ",";
      return out + static_cast<const store::HashObject*>(e.object())->EncodingName();
    }
    case store::ValueType::kZSet: {
      static_cast<const store::ZSetObject*>(e.object())->ForEach([&](std::string_view m, double s) {
        out += std::string(m) + ":" + std::to_string(s) + ",";
        return true;
      });
      return out + static_cast<const store::ZSetObject*>(e.object())->EncodingName();
    }
    case store::ValueType::kStream: {
      StreamRewriteCommands(e.key(), *static_cast<const store::StreamObject*>(e.object()),
                            [&](const std::vector<std::string>& args) {
                              for (const auto& a : args) out += a + " ";
                              out += ";";
                              return true;
                            });
      return out;
    }
  }
  return out;
}

// "lit" + std::to_string(i) trips GCC 12's false -Wrestrict; append instead.
std::string Name(const char* prefix, int i) {
  std::string s(prefix);
  s.append(std::to_string(i));
  return s;
}

// Several nodes, same-fields and own-fields entries, a tombstone, groups with a PEL and a
// consumer without one.
Entry* SampleStream() {
  auto* st = new store::StreamObject();
  for (uint64_t i = 1; i <= 300; ++i) {
    std::string f = i % 7 ? "field" : "other";
    std::string val = std::to_string(i * 3);
    std::vector<std::string_view> fv = {f, val, "x", "y"};
    st->Append({1000 + i, i % 3}, fv, {});
  }
  st->Delete({1005, 2});
  store::StreamGroup* g = st->CreateGroup("g1", {1100, 0}, 100);
  bool created;
  store::StreamConsumer* c = g->GetConsumer("alice", 123456, &created);
  for (uint64_t i : {1001, 1002, 1003}) {
    store::StreamId id{i, i % 3};
    g->pel[id] = {777, 2, c};
    c->pel.insert(id);
  }
  g->GetConsumer("bob", 99, &created);
  st->CreateGroup("g2", {}, -1);
  return store::NewObjectEntry("stream", store::ValueType::kStream, st, false);
}

std::vector<Entry*> Samples() {
  std::vector<Entry*> v;
  v.push_back(store::NewStringEntry("int", "-123456", false));
  v.push_back(store::NewStringEntry("str", std::string(300, 'x') + "tail", false));
  auto* list = new store::ListObject(-2);
  for (int i = 0; i < 3000; ++i) list->PushBack(std::to_string(i * 7) + (i % 3 ? "a" : ""));
  v.push_back(store::NewObjectEntry("list", store::ValueType::kList, list, false));
  auto* iset = new store::SetObject(true);
  for (int64_t x : {1LL, -5LL, 70000LL, 1LL << 40}) iset->Add(std::to_string(x), 512);
  v.push_back(store::NewObjectEntry("iset", store::ValueType::kSet, iset, false));
  auto* sset = new store::SetObject(false);
  for (int i = 0; i < 100; ++i) sset->Add(Name("m", i), 512);
  v.push_back(store::NewObjectEntry("sset", store::ValueType::kSet, sset, false));
  for (int n : {3, 700}) {
    auto* h = new store::HashObject();
    for (int i = 0; i < n; ++i) h->Set(Name("f", i), std::to_string(i), {});
    v.push_back(store::NewObjectEntry(Name("hash", n), store::ValueType::kHash, h, false));
    auto* z = new store::ZSetObject(n < 128);
    for (int i = 0; i < n; ++i) {
      int out;
      double ns;
      z->Add(Name("m", i), i * 0.5 - 3, 0, {}, &out, &ns);
    }
    v.push_back(store::NewObjectEntry(Name("zset", n), store::ValueType::kZSet, z, false));
  }
  v.push_back(SampleStream());
  auto* empty = new store::StreamObject();
  empty->CreateGroup("g", {}, 0);
  v.push_back(store::NewObjectEntry("emptystream", store::ValueType::kStream, empty, false));
  return v;
}

TEST(Rdb, DumpPayloadRoundTripsEveryEncoding) {
  for (bool compress : {true, false}) {
    for (Entry* e : Samples()) {
      std::string payload = DumpPayload(*e, compress);
      auto back = DecodeDumpPayload(e->key(), payload, false, {});
      ASSERT_TRUE(back.ok()) << e->key() << ": " << back.status().message();
      EXPECT_EQ(Describe(**back), Describe(*e));
      store::FreeEntry(*back);
      store::FreeEntry(e);
    }
  }
}

TEST(Rdb, EveryTruncationAndFlipOfAPayloadIsAnError) {
  for (Entry* e : Samples()) {
    std::string payload = DumpPayload(*e, true);
    std::string body = payload.substr(0, payload.size() - 10);
    for (size_t cut = 0; cut < body.size(); cut += 1 + body.size() / 200) {
      std::string p = body.substr(0, cut) + payload.substr(payload.size() - 10, 2);
      // Correct CRC over the truncated body, so that the decoder sees it.
      RdbOutput out;
      out.Raw(p.data(), p.size());
      uint64_t crc = out.crc();
      for (int i = 0; i < 8; ++i) p.push_back(static_cast<char>(crc >> (8 * i)));
      auto r = DecodeDumpPayload("k", p, false, {});
      EXPECT_FALSE(r.ok()) << e->key() << " cut at " << cut;
      if (r.ok()) store::FreeEntry(*r);
    }
    std::string flipped = payload;
    flipped[flipped.size() / 2] ^= 1;
    EXPECT_FALSE(DecodeDumpPayload("k", flipped, false, {}).ok());
    store::FreeEntry(e);
  }
}

TEST(Rdb, PackedBlobValidatorsRejectGarbage) {
  auto any = [](std::string_view) { return true; };
  EXPECT_FALSE(ListpackForEach("", any));
  EXPECT_FALSE(ListpackForEach(std::string("\x07\x00\x00\x00\x01\x00\xff", 7), any));
  EXPECT_TRUE(ListpackForEach(std::string("\x07\x00\x00\x00\x00\x00\xff", 7), any));
  EXPECT_FALSE(ZiplistForEach(std::string(11, '\0'), any));
  EXPECT_FALSE(IntsetForEach(std::string("\x02\x00\x00\x00\x02\x00\x00\x00\x05\x00\x01\x00", 12),
                             any));  // not ascending
  EXPECT_TRUE(
      IntsetForEach(std::string("\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x05\x00", 12), any));
  EXPECT_FALSE(ZipmapForEach(std::string("\x01\x05\x61\xff", 4), any));
}

// Under an LRU policy each key's idle seconds go into the file (RDB_OPCODE_IDLE), under LFU
// its decayed counter (RDB_OPCODE_FREQ), and a load with the clock gives them back.
TEST(Rdb, IdleTimesAndCountersRoundTrip) {
  for (auto access : {RdbSaveOptions::AccessInfo::kIdle, RdbSaveOptions::AccessInfo::kFreq}) {
    bool lfu = access == RdbSaveOptions::AccessInfo::kFreq;
    store::Clock clock;
    clock.lru_clock = 10000;
    clock.now_ms = 500 * 60000;
    clock.lfu = lfu;
    store::DbStats stats;
    store::Db a(0, &clock, &stats), b(0, &clock, &stats);
    for (int i = 0; i < 3; ++i) {
      Entry* e = store::NewStringEntry(Name("k", i), "v", false, false);
      e->lru = lfu ? (500u << 8) | static_cast<uint32_t>(10 * i + 1)
                   : clock.lru_clock - static_cast<uint32_t>(100 * i + 1);
      a.Add(e);
    }
    char path[] = "/tmp/rdbtestXXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    store::Db* dbs_a[] = {&a};
    RdbSaveOptions so;
    so.access = access;
    so.lru_clock = clock.lru_clock;
    ASSERT_TRUE(WriteRdb(fd, dbs_a, so, clock.now_ms).ok());
    close(fd);
    clock.lru_clock += 50;  // the restart happens 50 s later
    store::Db* dbs_b[] = {&b};
    RdbLoadOptions lo;
    lo.access_clock = &clock;
    RdbLoadStats st;
    auto s = LoadRdbFile(path, dbs_b, lo, &st);
    ASSERT_TRUE(s.ok()) << s.message();
    for (int i = 0; i < 3; ++i) {
      Entry* e = b.table().Find(Name("k", i));
      ASSERT_NE(e, nullptr);
      if (lfu) {
        EXPECT_EQ(e->lru & 255, static_cast<uint32_t>(10 * i + 1));
      } else {
        EXPECT_EQ(store::LruIdle(e->lru, clock.lru_clock), static_cast<uint32_t>(100 * i + 1));
      }
    }
    unlink(path);
  }
}

TEST(Rdb, WholeFileRoundTripAndChecksum) {
  store::Clock clock;
  store::DbStats stats;
  store::Db a(0, &clock, &stats), b(0, &clock, &stats);
  for (Entry* e : Samples()) a.Add(e);
  char path[] = "/tmp/rdbtestXXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  store::Db* dbs_a[] = {&a};
  ASSERT_TRUE(WriteRdb(fd, dbs_a, {}, 0).ok());
  close(fd);
  store::Db* dbs_b[] = {&b};
  RdbLoadStats st;
  auto s = LoadRdbFile(path, dbs_b, {}, &st);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(b.size(), a.size());
  EXPECT_EQ(st.version, 10);
  a.table().ForEach([&](Entry* e) {
    Entry* o = b.table().Find(e->key());
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(Describe(*o), Describe(*e));
  });
  unlink(path);
}

}  // namespace
}  // namespace redoubt::persistence

namespace redoubt::persistence {
namespace {

// An RDB 9 file as Redis 6 wrote it: EXPIRETIME in seconds, IDLE and FREQ opcodes, a
// SELECTDB, an AUX field, and the CRC-64 trailer.
TEST(Rdb, LoadsOlderOpcodesAndRefusesUnsupportedOnes) {
  std::string f = "REDIS0009";
  f += "\xfa\x09redis-ver\x05"
       "6.2.0";
  f += "\xfe\x01";                              // SELECTDB 1
  f += std::string("\xfd\xff\xff\xff\x7f", 5);  // EXPIRETIME (s): 2^31-1
  f += "\xf8\x05";                              // IDLE 5
  f += std::string("\x00\x01k\x01v", 5);        // string k = v
  f += std::string("\xf9\x03", 2);              // FREQ 3
  f += std::string("\x00\x02k2\xc0\x07", 6);    // string k2 = 7 (int8 encoding)
  f += "\xff";
  RdbOutput crc;
  crc.Raw(f.data(), f.size());
  uint64_t c = crc.crc();
  for (int i = 0; i < 8; ++i) f.push_back(static_cast<char>(c >> (8 * i)));
  store::Clock clock;
  store::DbStats stats;
  store::Db d0(0, &clock, &stats), d1(1, &clock, &stats);
  store::Db* dbs[] = {&d0, &d1};
  RdbLoadStats st;
  RdbLoadOptions opts;
  opts.now_ms = 1000;
  auto s = LoadRdb({reinterpret_cast<const uint8_t*>(f.data()), f.size()}, dbs, opts, &st);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(st.version, 9);
  EXPECT_EQ(st.redis_ver, "6.2.0");
  ASSERT_EQ(d1.size(), 2u);
  Entry* k = d1.table().Find("k");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->expire_ms(), int64_t{0x7fffffff} * 1000);
  EXPECT_EQ(Describe(*d1.table().Find("k2")), "k2=7");

  // With the server's clock, IDLE sets the LRU field under an LRU-clock policy and FREQ is
  // ignored (k2 is as new); under LFU it is the other way round.
  for (bool lfu : {false, true}) {
    store::Clock now;
    now.lru_clock = 5000;
    now.now_ms = 30 * 60000;
    now.lfu = lfu;
    store::Db n0(0, &now, &stats), n1(1, &now, &stats);
    store::Db* ndbs[] = {&n0, &n1};
    RdbLoadOptions with_clock = opts;
    with_clock.access_clock = &now;
    s = LoadRdb({reinterpret_cast<const uint8_t*>(f.data()), f.size()}, ndbs, with_clock, &st);
    ASSERT_TRUE(s.ok()) << s.message();
    uint32_t k_lru = n1.table().Find("k")->lru, k2_lru = n1.table().Find("k2")->lru;
    if (!lfu) {
      EXPECT_EQ(k_lru, 4995u);
      EXPECT_EQ(k2_lru, 5000u);
    } else {
      EXPECT_EQ(k_lru, (30u << 8) | store::kLfuInitVal);
      EXPECT_EQ(k2_lru, (30u << 8) | 3u);
    }
  }

  // A module value: refused, naming the key.
  std::string bad = "REDIS0010";
  bad += std::string("\x07\x03str", 5);
  store::Db e0(0, &clock, &stats);
  store::Db* edbs[] = {&e0};
  s = LoadRdb({reinterpret_cast<const uint8_t*>(bad.data()), bad.size()}, edbs, opts, &st);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'str' holds a module type"), std::string::npos) << s.message();
  // A newer RDB version: refused.
  std::string v11 = "REDIS0011\xff";
  s = LoadRdb({reinterpret_cast<const uint8_t*>(v11.data()), v11.size()}, edbs, opts, &st);
  EXPECT_EQ(s.message(), "Can't handle RDB format version 11");
}

}  // namespace
}  // namespace redoubt::persistence
