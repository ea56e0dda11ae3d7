// CRC-64 as Redis computes it for RDB trailers and DUMP payload footers: the Jones polynomial
// (0xad93d23594c935a9), reflected, initial value 0, no final xor.
#pragma once

#include <cstddef>
#include <cstdint>

namespace redoubt::util {

// Continues a CRC over [data, data + len); start with crc = 0.
uint64_t Crc64(uint64_t crc, const void* data, size_t len);

}  // namespace redoubt::util
