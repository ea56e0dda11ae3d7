// The slow log: the most recent commands that ran longer than slowlog-log-slower-than, newest
// first, with their arguments cut as Redis 7.0 cuts them and secrets already redacted.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace redoubt::commands {

class SlowLog {
 public:
  // Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING.
  static constexpr size_t kMaxArgs = 32;
  static constexpr size_t kMaxArgBytes = 128;

  struct Entry {
    uint64_t id = 0;
    int64_t time_s = 0;       // unix seconds when the command ended
    int64_t duration_us = 0;  // execution time
    std::vector<std::string> args;
    std::string peer;  // "ip:port" of the client
    std::string name;  // the client's name, "" when unset
  };

  // Records a command. `redacted(i)` says whether argument i is a secret: it is stored as
  // "(redacted)" and its bytes are never copied. Keeps at most max_len entries.
  template <typename Redacted>
  void Push(std::span<const std::string_view> args, Redacted redacted, int64_t time_s,
            int64_t duration_us, std::string_view peer, std::string_view name, size_t max_len) {
    if (max_len == 0) return;
    Entry e;
    e.id = next_id_++;
    e.time_s = time_s;
    e.duration_us = duration_us;
    size_t n = std::min(args.size(), kMaxArgs);
    e.args.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      if (n != args.size() && i == n - 1) {
        e.args.push_back(MoreArguments(args.size() - n + 1));
      } else {
        e.args.push_back(redacted(i) ? std::string("(redacted)") : Truncate(args[i]));
      }
    }
    e.peer = std::string(peer);
    e.name = std::string(name);  // not assign(): g++ 12 warns falsely (-Wrestrict) once inlined
    entries_.push_front(std::move(e));
    Trim(max_len);
  }

  // Drops the oldest entries beyond max_len (also when slowlog-max-len shrinks).
  void Trim(size_t max_len) {
    while (entries_.size() > max_len) entries_.pop_back();
  }
  void Reset() { entries_.clear(); }
  size_t size() const { return entries_.size(); }
  const std::deque<Entry>& entries() const { return entries_; }

  // An argument as the slow log keeps it: at most 128 bytes and a note of how many were cut.
  static std::string Truncate(std::string_view arg);
  static std::string MoreArguments(size_t n);

 private:
  std::deque<Entry> entries_;  // newest first
  uint64_t next_id_ = 0;       // as Redis, ids keep counting across SLOWLOG RESET
};

}  // namespace redoubt::commands
