// HyperLogLog values as Redis 7.0 stores them in a string, byte for byte: a 16-byte header
// ("HYLL", encoding, 3 unused bytes, cached cardinality) then either the sparse opcodes (ZERO,
// XZERO, VAL) or 16384 dense 6-bit registers. Any client can write any bytes into a string
// (SETRANGE, RESTORE), so every function here that walks opcodes is bounded by the buffer and
// by the register count; Validate() must pass before a value is trusted. Knows nothing of RESP.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace redoubt::store::hll {

inline constexpr int kP = 14;
inline constexpr int kQ = 64 - kP;
inline constexpr uint32_t kRegisters = 1u << kP;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * 6 + 7) / 8;
inline constexpr uint8_t kDense = 0;
inline constexpr uint8_t kSparse = 1;

enum class Check { kValid, kNotHll, kCorrupt };
// kNotHll: not an HLL at all (Redis's "WRONGTYPE Key is not a valid HyperLogLog string
// value."): too short, bad magic, unknown encoding, dense of the wrong size. kCorrupt: sparse
// opcodes that do not cover exactly the 16384 registers (Redis's INVALIDOBJ).
Check Validate(std::string_view s);

// An empty HLL, sparse, as Redis creates it.
std::string CreateEmpty();

uint8_t Encoding(std::string_view s);
// The cached cardinality, when the cache is valid.
bool CachedCardinality(std::string_view s, uint64_t* card);
void SetCachedCardinality(char* s, uint64_t card);
void InvalidateCache(char* s);

// Register index and run length ("count") of an element, as Redis's hllPatLen.
int PatLen(std::string_view element, uint32_t* index);

// Dense registers (the bytes after the header).
uint8_t DenseGet(const uint8_t* regs, uint32_t i);
void DenseSet(uint8_t* regs, uint32_t i, uint8_t v);

// Adds an element to a valid HLL; returns whether a register changed. A sparse value may
// grow, or become dense when a register needs more than 32 or the value would pass
// sparse_max_bytes (hll-sparse-max-bytes), exactly as Redis promotes it.
bool Add(std::string* s, std::string_view element, size_t sparse_max_bytes);
// Raises register `index` to `count` (if higher); same rules as Add.
bool Set(std::string* s, uint32_t index, uint8_t count, size_t sparse_max_bytes);
// Converts a valid sparse HLL to dense (header and cache kept); no-op for dense.
void ToDense(std::string* s);
// max[i] = MAX(max[i], register i) for a valid HLL.
void MergeInto(std::string_view s, uint8_t* max);
// The estimate for a valid HLL, or for raw registers (one byte each).
uint64_t Count(std::string_view s);
uint64_t CountRaw(const uint8_t* regs);
// PFDEBUG DECODE's text for a sparse HLL ("z:3 v:2,1 Z:16380").
std::string DecodeSparse(std::string_view s);
// MurmurHash64A, as Redis hashes HLL elements.
uint64_t MurmurHash64A(const void* key, size_t len, uint64_t seed);

}  // namespace redoubt::store::hll
