// Process memory figures for INFO and maxmemory: bytes the allocator has handed out (jemalloc's
// stats when it is linked, glibc's mallinfo2 otherwise), resident set size, peak tracking.
#pragma once

#include <cstdint>
#include <string>

namespace redoubt::util {

// Bytes currently allocated by the program (Redis's used_memory).
uint64_t UsedMemory();

// Used memory cheap enough to read before every command (the maxmemory check): the calling
// thread's jemalloc allocated-minus-freed counters plus what other threads reported through
// AddForeignAllocated, offset by a base that CalibrateUsedMemory sets from UsedMemory().
// Without jemalloc this is UsedMemory(). Call from the main thread only.
uint64_t UsedMemoryFast();
// Re-reads the allocator's global figure and resets the offset (the cron, ~10 times a second).
void CalibrateUsedMemory();
// Net bytes the calling thread allocated minus freed since it started (0 without jemalloc).
int64_t ThreadNetAllocated();
// A background thread (lazy free) reports its net allocation change, usually negative.
void AddForeignAllocated(int64_t delta);

// Resident set size of the process, from /proc/self/statm; 0 when unavailable.
uint64_t ResidentSetSize();

// Physical memory of the machine; 0 when unknown.
uint64_t TotalSystemMemory();

// Allocator-level figures (INFO's allocator_allocated / active / resident). Only jemalloc
// reports them; `available` is false otherwise and the other fields are 0.
struct AllocatorStats {
  bool available = false;
  uint64_t allocated = 0;
  uint64_t active = 0;
  uint64_t resident = 0;
};
AllocatorStats GetAllocatorStats();

// The allocator's own statistics report (MEMORY MALLOC-STATS); empty when it has none.
std::string AllocatorStatsText();
// Asks the allocator to return dirty pages to the system (MEMORY PURGE). False: unsupported.
bool PurgeAllocator();

// "jemalloc-5.3.0" when jemalloc is linked, "libc" otherwise (INFO mem_allocator).
std::string AllocatorName();

// Peak of used memory. The cron (and INFO) feed samples; CONFIG RESETSTAT resets it.
// Process-wide, like the allocator it describes.
uint64_t UpdatePeakMemory(uint64_t used);  // returns the peak after the update
uint64_t PeakMemory();
void ResetPeakMemory();

}  // namespace redoubt::util
