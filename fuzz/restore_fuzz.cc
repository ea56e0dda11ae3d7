// Fuzzes RESTORE's payload decoder: the input is a DUMP payload body (type byte and value);
// the fuzzer appends a valid version and CRC-64 footer so that every mutation reaches the
// decoder. A payload that decodes must encode and decode again to the same bytes' meaning.
#include <cstddef>
#include <cstdint>
#include <string>

#include "persistence/rdb_loader.h"
#include "persistence/rdb_writer.h"
#include "util/crc64.h"

namespace {

std::string WithFooter(const uint8_t* data, size_t size) {
  std::string p(reinterpret_cast<const char*>(data), size);
  p.push_back(10);
  p.push_back(0);
  uint64_t crc = redoubt::util::Crc64(0, p.data(), p.size());
  for (int i = 0; i < 8; ++i) p.push_back(static_cast<char>(crc >> (8 * i)));
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redoubt::persistence::RdbLoadOptions opts;
  auto e = redoubt::persistence::DecodeDumpPayload("k", WithFooter(data, size), false, opts);
  if (!e.ok()) return 0;
  std::string again = redoubt::persistence::DumpPayload(**e, true);
  auto e2 = redoubt::persistence::DecodeDumpPayload("k", again, false, opts);
  if (!e2.ok()) __builtin_trap();  // what we wrote must load
  redoubt::store::FreeEntry(*e2);
  redoubt::store::FreeEntry(*e);
  return 0;
}
