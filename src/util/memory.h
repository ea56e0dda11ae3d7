// Process memory figures for INFO and maxmemory: bytes the allocator has handed out (jemalloc's
// stats when it is linked, glibc's mallinfo2 otherwise), resident set size, peak tracking.
#pragma once

#include <cstdint>
#include <string>

namespace redoubt::util {

// Bytes currently allocated by the program (Redis's used_memory).
uint64_t UsedMemory();

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

// "jemalloc-5.3.0" when jemalloc is linked, "libc" otherwise (INFO mem_allocator).
std::string AllocatorName();

// Peak of used memory. The cron (and INFO) feed samples; CONFIG RESETSTAT resets it.
// Process-wide, like the allocator it describes.
uint64_t UpdatePeakMemory(uint64_t used);  // returns the peak after the update
uint64_t PeakMemory();
void ResetPeakMemory();

}  // namespace redoubt::util
