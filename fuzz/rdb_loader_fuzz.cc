// Fuzzes the RDB loader on whole files: any input must load or be refused with an error,
// never crash, hang or leak. The checksum is not verified, so that mutations reach the
// decoders behind it.
#include <cstddef>
#include <cstdint>

#include "persistence/rdb_loader.h"
#include "store/db.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redoubt::persistence::ScratchDbs scratch(16);
  redoubt::store::Clock& clock = scratch.clock;
  clock.lru_clock = 1000;
  clock.now_ms = 1700000000000;
  clock.lfu = size > 0 && (data[size - 1] & 1);  // the idle or the counter rule, per input
  redoubt::persistence::RdbLoadOptions opts;
  opts.verify_checksum = false;
  opts.skip_expired = false;
  opts.access_clock = &clock;
  redoubt::persistence::RdbLoadStats st;
  (void)redoubt::persistence::LoadRdb({data, size}, scratch.dbs, opts, &st);
  return 0;
}
