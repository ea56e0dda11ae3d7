#include "store/digest.h"

#include <cstdio>

#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/set_object.h"
#include "store/table.h"
#include "store/zset_object.h"
#include "util/crypto.h"

namespace redoubt::store {

namespace {

std::string_view View(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

// A 32-bit number in network byte order, as Redis hashes type codes and db indexes.
void MixBigEndian32(Digest& digest, uint32_t v) {
  const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                         static_cast<char>(v >> 8), static_cast<char>(v)};
  MixDigest(digest, std::string_view(bytes, 4));
}

void AddListDigest(Digest& digest, const ListObject& list) {
  char scratch[listpack::kScratchSize];
  if (list.empty()) return;
  for (ListObject::Cursor c = list.Front(); c.valid(); c.Next()) {
    MixDigest(digest, c.value(scratch));
  }
}

void AddZSetDigest(Digest& digest, const ZSetObject& zset) {
  zset.ForEach([&](std::string_view member, double score) {
    // Redis 7.0 formats the score with "%.17g" here (not the shortest form of ZSCORE).
    char buf[128];
    int n = std::snprintf(buf, sizeof(buf), "%.17g", score);
    Digest element{};
    MixDigest(element, member);
    MixDigest(element, std::string_view(buf, static_cast<size_t>(n)));
    XorDigest(digest, View(element));
    return true;
  });
}

void AddHashDigest(Digest& digest, const HashObject& hash) {
  hash.ForEach([&](std::string_view field, std::string_view value) {
    Digest element{};
    MixDigest(element, field);
    MixDigest(element, value);
    XorDigest(digest, View(element));
  });
}

}  // namespace

void XorDigest(Digest& digest, std::string_view data) {
  const auto hash = util::Sha1(data);
  for (size_t j = 0; j < digest.size(); ++j) digest[j] ^= hash[j];
}

void MixDigest(Digest& digest, std::string_view data) {
  XorDigest(digest, data);
  digest = util::Sha1(View(digest));
}

void AddValueDigest(Digest& digest, const Entry& e) {
  MixBigEndian32(digest, static_cast<uint32_t>(e.type));
  switch (e.type) {
    case ValueType::kString: {
      char scratch[24];
      MixDigest(digest, e.string_value(scratch));
      break;
    }
    case ValueType::kList:
      AddListDigest(digest, *static_cast<const ListObject*>(e.object()));
      break;
    case ValueType::kSet:
      static_cast<const SetObject*>(e.object())->ForEach([&](std::string_view member) {
        XorDigest(digest, member);
      });
      break;
    case ValueType::kZSet:
      AddZSetDigest(digest, *static_cast<const ZSetObject*>(e.object()));
      break;
    case ValueType::kHash:
      AddHashDigest(digest, *static_cast<const HashObject*>(e.object()));
      break;
  }
  if (e.has_expire()) XorDigest(digest, "!!expire!!");
}

Digest ValueDigest(const Entry& e) {
  Digest d{};
  AddValueDigest(d, e);
  return d;
}

void AddDatabaseDigest(Digest& dataset, int db_index, const Table& table) {
  if (table.size() == 0) return;
  MixBigEndian32(dataset, static_cast<uint32_t>(db_index));
  table.ForEach([&](Entry* e) {
    Digest kv{};
    MixDigest(kv, e->key());
    AddValueDigest(kv, *e);
    XorDigest(dataset, View(kv));
  });
}

std::string DigestHex(const Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (uint8_t b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace redoubt::store
