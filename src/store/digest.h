// The dataset digest of Redis's DEBUG DIGEST / DIGEST-VALUE, computed the same way byte for
// byte so that a Redoubt server and a Redis server holding the same data report the same hex.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/entry.h"

namespace redoubt::store {

class Table;

using Digest = std::array<uint8_t, 20>;

// digest ^= SHA1(data): order-independent accumulation (set members, keys).
void XorDigest(Digest& digest, std::string_view data);
// digest = SHA1(digest ^ SHA1(data)): order-dependent accumulation (list elements).
void MixDigest(Digest& digest, std::string_view data);

// Mixes one value into `digest` as Redis's xorObjectDigest does: the type code, the contents
// (lists in order, set/hash/zset elements order-independent) and a marker when the key has a
// TTL. The key itself is not included.
void AddValueDigest(Digest& digest, const Entry& e);

// The digest of one value alone (DEBUG DIGEST-VALUE).
Digest ValueDigest(const Entry& e);

// Adds database `db_index` to a dataset digest (DEBUG DIGEST): its index, then every key with
// its value, expired-but-not-yet-deleted keys included, as Redis. Empty tables add nothing.
void AddDatabaseDigest(Digest& dataset, int db_index, const Table& table);

// Forty lowercase hex characters, the form DEBUG DIGEST replies with.
std::string DigestHex(const Digest& digest);

}  // namespace redoubt::store
