#include "store/lazyfree.h"

#include <cstring>

#include "util/memory.h"

namespace redoubt::store {

size_t FreeEffort(const Entry* e) {
  if (e->encoding != Encoding::kObject) return 1;
  // Compact encodings are one allocation whatever their length; the others (hash tables,
  // skiplists, quicklists) only appear beyond the *-max-listpack-entries limits, which are above
  // the threshold by default, so they count as one allocation per element.
  const char* enc = e->object()->EncodingName();
  if (std::strcmp(enc, "listpack") == 0 || std::strcmp(enc, "intset") == 0) return 1;
  return kLazyFreeThreshold + 1;
}

LazyFree::~LazyFree() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool LazyFree::Free(Entry* e) {
  if (FreeEffort(e) <= kLazyFreeThreshold) {
    FreeEntry(e);
    return false;
  }
  e->next = nullptr;
  Enqueue({e, 1});
  return true;
}

void LazyFree::FreeChain(Entry* chain, size_t count) {
  if (chain == nullptr) return;
  Enqueue({chain, count});
}

void LazyFree::Enqueue(Job job) {
  pending_.fetch_add(job.count, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(job);
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  cv_.notify_one();
}

void LazyFree::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stop_ and nothing left
    Job job = jobs_.front();
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();
    int64_t before = util::ThreadNetAllocated();
    size_t n = 0;
    for (Entry* e = job.chain; e != nullptr;) {
      Entry* next = e->next;
      FreeEntry(e);
      e = next;
      // Report progress in steps so INFO and the eviction loop see memory come back.
      if ((++n & 1023) == 0) {
        int64_t now = util::ThreadNetAllocated();
        util::AddForeignAllocated(now - before);
        before = now;
        pending_.fetch_sub(1024, std::memory_order_relaxed);
        freed_.fetch_add(1024, std::memory_order_relaxed);
      }
    }
    util::AddForeignAllocated(util::ThreadNetAllocated() - before);
    size_t rest = job.count > (n & ~size_t{1023}) ? job.count - (n & ~size_t{1023}) : 0;
    pending_.fetch_sub(rest, std::memory_order_relaxed);
    freed_.fetch_add(rest, std::memory_order_relaxed);
    lock.lock();
    busy_ = false;
    if (jobs_.empty()) idle_cv_.notify_all();
  }
}

void LazyFree::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return jobs_.empty() && !busy_; });
}

}  // namespace redoubt::store
