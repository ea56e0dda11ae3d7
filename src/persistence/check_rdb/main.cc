// redoubt-check-rdb <file>: validates an RDB file the way the server loads it (every encoding
// checked in full, CRC-64 trailer verified) and reports OK or the error with its offset, like
// redis-check-rdb. Exit status 0 when the file is sound, 1 otherwise.
#include <sys/time.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "persistence/rdb_loader.h"
#include "store/db.h"
#include "util/clock.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "Usage: redoubt-check-rdb [--no-checksum] [--databases N] <rdb-file-name>\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  bool checksum = true;
  int databases = 16;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-checksum") == 0) {
      checksum = false;
    } else if (std::strcmp(argv[i], "--databases") == 0 && i + 1 < argc) {
      databases = std::atoi(argv[++i]);
      if (databases < 1 || databases > 1 << 20) return Usage();
    } else if (argv[i][0] == '-' || !path.empty()) {
      return Usage();
    } else {
      path = argv[i];
    }
  }
  if (path.empty()) return Usage();

  redoubt::persistence::ScratchDbs scratch(databases);
  std::vector<redoubt::store::Db*>& dbs = scratch.dbs;
  scratch.clock.now_ms = redoubt::util::UnixMs();
  redoubt::persistence::RdbLoadOptions opts;
  opts.verify_checksum = checksum;
  opts.skip_expired = false;
  opts.now_ms = scratch.clock.now_ms;
  redoubt::persistence::RdbLoadStats st;
  std::printf("[offset 0] Checking RDB file %s\n", path.c_str());
  redoubt::util::Status s = redoubt::persistence::LoadRdbFile(path, dbs, opts, &st);
  if (!s.ok()) {
    std::printf("--- RDB ERROR DETECTED ---\n%s\n", s.message().c_str());
    std::printf("[info] %llu keys read before the error\n",
                static_cast<unsigned long long>(st.keys_loaded));
    return 1;
  }
  uint64_t expires = 0, expired = 0;
  for (auto* db : dbs) {
    db->table().ForEach([&](redoubt::store::Entry* e) {
      if (!e->has_expire()) return;
      ++expires;
      if (e->expire_ms() < scratch.clock.now_ms) ++expired;
    });
  }
  std::printf("[offset 0] RDB version %d%s%s\n", st.version,
              st.redis_ver.empty() ? "" : ", written by version ", st.redis_ver.c_str());
  std::printf("[offset %llu] %s\n", static_cast<unsigned long long>(st.bytes),
              checksum ? "Checksum OK" : "Checksum not checked (--no-checksum)");
  std::printf("[offset %llu] RDB looks OK!\n", static_cast<unsigned long long>(st.bytes));
  std::printf("[info] %llu keys read\n", static_cast<unsigned long long>(st.keys_loaded));
  std::printf("[info] %llu expires\n", static_cast<unsigned long long>(expires));
  std::printf("[info] %llu already expired\n", static_cast<unsigned long long>(expired));
  if (st.empty_keys_skipped > 0) {
    std::printf("[info] %llu empty keys skipped\n",
                static_cast<unsigned long long>(st.empty_keys_skipped));
  }
  return 0;
}
