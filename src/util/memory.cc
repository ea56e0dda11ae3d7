#include "util/memory.h"

#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

// Under AddressSanitizer malloc is ASan's and mallinfo2() reads zero; ask ASan instead.
#if defined(__SANITIZE_ADDRESS__)
#define REDOUBT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REDOUBT_ASAN 1
#endif
#endif
#ifdef REDOUBT_ASAN
// From <sanitizer/allocator_interface.h>, which GCC does not install.
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

// jemalloc's control interface. Weak, so that the same library works whether or not the binary
// links jemalloc: without it the symbol is null and glibc's figures are used.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

extern "C" void malloc_stats_print(void (*write_cb)(void*, const char*), void* cbopaque,
                                   const char* opts) __attribute__((weak));

namespace redoubt::util {

namespace {

std::atomic<uint64_t> g_peak{0};

// jemalloc caches its statistics; bumping "epoch" refreshes them.
bool RefreshJemallocStats() {
  if (mallctl == nullptr) return false;
  uint64_t epoch = 1;
  size_t len = sizeof(epoch);
  return mallctl("epoch", &epoch, &len, &epoch, len) == 0;
}

bool JemallocStat(const char* name, uint64_t* out) {
  size_t value = 0;
  size_t len = sizeof(value);
  if (mallctl(name, &value, &len, nullptr, 0) != 0) return false;
  *out = value;
  return true;
}

}  // namespace

uint64_t UsedMemory() {
  uint64_t allocated = 0;
  if (RefreshJemallocStats() && JemallocStat("stats.allocated", &allocated)) return allocated;
#ifdef REDOUBT_ASAN
  return __sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 mi = mallinfo2();
  // uordblks counts the arenas; big blocks that glibc mmap()s on their own are in hblkhd.
  return mi.uordblks + mi.hblkhd;
#endif
}

namespace {

std::atomic<int64_t> g_foreign{0};
int64_t g_base = 0;  // main thread only
bool g_calibrated = false;

// jemalloc's per-thread counters, read through the pointers it hands out once per thread.
struct ThreadCounters {
  uint64_t* allocated = nullptr;
  uint64_t* deallocated = nullptr;
  bool tried = false;
};
thread_local ThreadCounters t_counters;

ThreadCounters& Counters() {
  ThreadCounters& c = t_counters;
  if (!c.tried) {
    c.tried = true;
    if (mallctl != nullptr) {
      size_t len = sizeof(c.allocated);
      if (mallctl("thread.allocatedp", &c.allocated, &len, nullptr, 0) != 0 ||
          mallctl("thread.deallocatedp", &c.deallocated, &len, nullptr, 0) != 0) {
        c.allocated = c.deallocated = nullptr;
      }
    }
  }
  return c;
}

}  // namespace

int64_t ThreadNetAllocated() {
  ThreadCounters& c = Counters();
  if (c.allocated == nullptr) return 0;
  return static_cast<int64_t>(*c.allocated - *c.deallocated);
}

void AddForeignAllocated(int64_t delta) { g_foreign.fetch_add(delta, std::memory_order_relaxed); }

void CalibrateUsedMemory() {
  int64_t used = static_cast<int64_t>(UsedMemory());
  g_base = used - ThreadNetAllocated() - g_foreign.load(std::memory_order_relaxed);
  g_calibrated = true;
}

uint64_t UsedMemoryFast() {
  ThreadCounters& c = Counters();
  if (c.allocated == nullptr) return UsedMemory();
  if (!g_calibrated) CalibrateUsedMemory();
  int64_t v = g_base + static_cast<int64_t>(*c.allocated - *c.deallocated) +
              g_foreign.load(std::memory_order_relaxed);
  return v > 0 ? static_cast<uint64_t>(v) : 0;
}

uint64_t ResidentSetSize() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t TotalSystemMemory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
}

AllocatorStats GetAllocatorStats() {
  AllocatorStats s;
  if (!RefreshJemallocStats()) return s;
  s.available = JemallocStat("stats.allocated", &s.allocated) &&
                JemallocStat("stats.active", &s.active) &&
                JemallocStat("stats.resident", &s.resident);
  if (!s.available) s = AllocatorStats{};
  return s;
}

std::string AllocatorStatsText() {
  if (malloc_stats_print == nullptr) return {};
  std::string out;
  malloc_stats_print(
      [](void* arg, const char* text) { static_cast<std::string*>(arg)->append(text); }, &out,
      nullptr);
  return out;
}

bool PurgeAllocator() {
  if (mallctl == nullptr) return false;
  // 4096 is MALLCTL_ARENAS_ALL: every arena.
  return mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0) == 0;
}

std::string AllocatorName() {
  if (mallctl == nullptr) return "libc";
  const char* version = nullptr;
  size_t len = sizeof(version);
  if (mallctl("version", &version, &len, nullptr, 0) != 0 || version == nullptr) {
    return "jemalloc";
  }
  // "5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c" -> "5.3.0", as Redis prints it.
  std::string v(version);
  size_t dash = v.find('-');
  if (dash != std::string::npos) v.resize(dash);
  return "jemalloc-" + v;
}

uint64_t UpdatePeakMemory(uint64_t used) {
  uint64_t peak = g_peak.load(std::memory_order_relaxed);
  while (used > peak && !g_peak.compare_exchange_weak(peak, used, std::memory_order_relaxed)) {
  }
  return used > peak ? used : peak;
}

uint64_t PeakMemory() { return g_peak.load(std::memory_order_relaxed); }

void ResetPeakMemory() { g_peak.store(0, std::memory_order_relaxed); }

}  // namespace redoubt::util
