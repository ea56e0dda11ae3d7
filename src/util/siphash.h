// Keyed SipHash-1-3: the keyspace hash. A secret per-process key keeps clients from choosing
// keys that all land in one bucket (hash flooding), which an unkeyed fast hash cannot promise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace redoubt::util {

uint64_t SipHash13(const void* data, size_t len, const uint8_t key[16]);

// The process-wide key, filled from the OS's random source once at start-up.
const uint8_t* HashSeed();
void InitHashSeed();

inline uint64_t HashBytes(std::string_view s) { return SipHash13(s.data(), s.size(), HashSeed()); }

}  // namespace redoubt::util
