// Lazy freeing: a background thread that frees values too big to free inline (UNLINK,
// FLUSHALL ASYNC, and the lazyfree-lazy-* directives), as Redis's BIO_LAZY_FREE job. Entries
// handed over are wholly detached from every table, so the thread touches nothing else.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "store/entry.h"

namespace redoubt::store {

// Redis's LAZYFREE_THRESHOLD: values whose free costs more than this many elements' work go to
// the background thread.
inline constexpr size_t kLazyFreeThreshold = 64;

// The work freeing e takes, in Redis's units (roughly one per allocation to free).
size_t FreeEffort(const Entry* e);

class LazyFree {
 public:
  LazyFree() = default;
  ~LazyFree();  // drains the queue, then joins the thread
  LazyFree(const LazyFree&) = delete;
  LazyFree& operator=(const LazyFree&) = delete;

  // Frees e in the background when that is worth it (FreeEffort above the threshold), inline
  // otherwise. Returns true when it went to the background.
  bool Free(Entry* e);
  // Frees a whole chain (Db::ReleaseAll) in the background: FLUSHALL/FLUSHDB ASYNC.
  void FreeChain(Entry* chain, size_t count);

  // INFO lazyfree_pending_objects / lazyfreed_objects.
  uint64_t pending() const { return pending_.load(std::memory_order_relaxed); }
  uint64_t freed() const { return freed_.load(std::memory_order_relaxed); }
  void ResetStats() { freed_.store(0, std::memory_order_relaxed); }
  // Blocks until the queue is empty (tests, shutdown).
  void Drain();

  // Which deletions free lazily (lazyfree-lazy-server-del, lazyfree-lazy-expire); the server
  // layer copies them from the config.
  bool server_del = false;
  bool expire = false;

 private:
  struct Job {
    Entry* chain;
    size_t count;
  };
  void Enqueue(Job job);
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Job> jobs_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread thread_;
  std::atomic<uint64_t> pending_{0};
  std::atomic<uint64_t> freed_{0};
};

}  // namespace redoubt::store
