// Fuzzes the RDB loader on whole files: any input must load or be refused with an error,
// never crash, hang or leak. The checksum is not verified, so that mutations reach the
// decoders behind it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "persistence/rdb_loader.h"
#include "store/db.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redoubt::store::Clock clock;
  clock.lru_clock = 1000;
  clock.now_ms = 1700000000000;
  clock.lfu = size > 0 && (data[size - 1] & 1);  // the idle or the counter rule, per input
  redoubt::store::DbStats stats;
  std::vector<std::unique_ptr<redoubt::store::Db>> owned;
  std::vector<redoubt::store::Db*> dbs;
  for (int i = 0; i < 16; ++i) {
    owned.push_back(std::make_unique<redoubt::store::Db>(i, &clock, &stats));
    dbs.push_back(owned.back().get());
  }
  redoubt::persistence::RdbLoadOptions opts;
  opts.verify_checksum = false;
  opts.skip_expired = false;
  opts.access_clock = &clock;
  redoubt::persistence::RdbLoadStats st;
  (void)redoubt::persistence::LoadRdb({data, size}, dbs, opts, &st);
  return 0;
}
