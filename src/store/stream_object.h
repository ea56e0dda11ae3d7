// The stream value type: entries keyed by 128-bit IDs (ms-seq) in an ordered map of nodes, each
// node a listpack laid out exactly as a Redis 7.0 stream node (a master entry holding the
// node's first field names, then entries that reuse them when they can), so that RDB and DUMP
// carry nodes as they are. Consumer groups keep their last-delivered ID, entries-read counter,
// pending entries list (PEL) and consumers. Knows nothing of RESP.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/entry.h"

namespace redoubt::store {

struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;

  auto operator<=>(const StreamId&) const = default;
  bool operator==(const StreamId&) const = default;
  bool IsZero() const { return ms == 0 && seq == 0; }
  static constexpr StreamId Max() { return {UINT64_MAX, UINT64_MAX}; }
  // The next ID after this one; false when this is the maximum.
  bool Incr(StreamId* out) const;
  // The ID before this one; false when this is 0-0.
  bool Decr(StreamId* out) const;
  std::string ToString() const;
  // 16 bytes big endian, as Redis's rax keys and RDB store IDs.
  void Encode(char out[16]) const;
  static StreamId Decode(const char in[16]);
};

// Redis's SCG_INVALID_ENTRIES_READ: a group's read counter that cannot be known.
inline constexpr int64_t kInvalidEntriesRead = -1;

struct StreamConsumer;

// One pending entry: delivered to a consumer, not yet acknowledged.
struct StreamNack {
  int64_t delivery_time = 0;  // unix ms
  uint64_t delivery_count = 0;
  StreamConsumer* consumer = nullptr;
};

struct StreamConsumer {
  std::string name;
  int64_t seen_time = 0;  // unix ms of the last command that named it
  std::set<StreamId> pel;
};

struct StreamGroup {
  StreamId last_id;
  int64_t entries_read = kInvalidEntriesRead;
  std::map<StreamId, StreamNack> pel;
  std::map<std::string, std::unique_ptr<StreamConsumer>> consumers;

  StreamConsumer* FindConsumer(std::string_view name) const;
  // Creates the consumer when missing; *created says whether it did.
  StreamConsumer* GetConsumer(std::string_view name, int64_t now_ms, bool* created);
  // Deletes a consumer and its pending entries; returns how many entries it had pending.
  size_t DeleteConsumer(std::string_view name);
  // Removes id from the PEL (and its consumer's); false when it was not pending.
  bool Ack(StreamId id);
};

// The node size limits (stream-node-max-bytes / -entries), read from the config at each write.
struct StreamLimits {
  int64_t node_max_bytes = 4096;
  int64_t node_max_entries = 100;
};

// One entry as iteration yields it: fields and values alternate; views are valid only during
// the callback.
struct StreamEntryView {
  StreamId id;
  std::span<const std::string_view> fields;  // f1 v1 f2 v2 ...
};

class StreamObject final : public Object {
 public:
  // Return false to stop the iteration.
  using EntryFn = std::function<bool(const StreamEntryView&)>;

  StreamObject() = default;
  ~StreamObject() override;
  StreamObject(const StreamObject&) = delete;
  StreamObject& operator=(const StreamObject&) = delete;

  Object* Clone() const override;
  size_t MemoryUsage(size_t samples) const override;
  const char* EncodingName() const override { return "stream"; }

  uint64_t length() const { return length_; }
  StreamId last_id() const { return last_id_; }
  StreamId first_id() const { return first_id_; }
  StreamId max_deleted_id() const { return max_deleted_id_; }
  uint64_t entries_added() const { return entries_added_; }
  void set_last_id(StreamId id) { last_id_ = id; }
  void set_max_deleted_id(StreamId id) { max_deleted_id_ = id; }
  void set_entries_added(uint64_t n) { entries_added_ = n; }

  // Appends an entry whose ID is above last_id() (the caller checks). fields: f1 v1 f2 v2...
  void Append(StreamId id, std::span<const std::string_view> fields, const StreamLimits& limits);
  // Calls fn on the entries with start <= id <= end, in order (reverse: from end down), at
  // most `count` of them when count > 0. Returns how many fn saw.
  size_t Range(StreamId start, StreamId end, bool reverse, size_t count, const EntryFn& fn) const;
  bool Contains(StreamId id) const;
  // Deletes one entry; false when absent. Updates max_deleted_id.
  bool Delete(StreamId id);
  // Trims from the oldest end as XTRIM does; limit 0 = no limit. Returns entries removed.
  int64_t TrimMaxLen(uint64_t maxlen, bool approx, int64_t limit);
  int64_t TrimMinId(StreamId minid, bool approx, int64_t limit);

  // Consumer groups, by name in byte order.
  const std::map<std::string, std::unique_ptr<StreamGroup>>& groups() const { return groups_; }
  StreamGroup* FindGroup(std::string_view name) const;
  // nullptr when a group of that name exists.
  StreamGroup* CreateGroup(std::string_view name, StreamId last_id, int64_t entries_read);
  bool DestroyGroup(std::string_view name);

  // Redis 7.0's logical read counters (lag and entries-read).
  bool RangeHasTombstones(StreamId start, StreamId end) const;
  int64_t EstimateDistanceFromFirstEverEntry(StreamId id) const;
  // The group's lag; false when it cannot be known (fragmentation).
  bool Lag(const StreamGroup& g, int64_t* lag) const;
  // What a group's read counter becomes when it delivers `id` (above its last_id).
  void AdvanceGroup(StreamGroup& g, StreamId id) const;

  // Node access for persistence: master ID -> listpack in Redis's stream node layout.
  const std::map<StreamId, uint8_t*>& nodes() const { return nodes_; }
  // Adds a loaded node (takes ownership); the caller has validated its layout. Returns false
  // when the master ID is already present.
  bool AddLoadedNode(StreamId master, uint8_t* lp, uint64_t live_entries);
  void set_first_id(StreamId id) { first_id_ = id; }
  // Re-reads first_id from the entries (after loading or trimming).
  void RefreshFirstId();

 private:
  void NewNode(StreamId id, std::span<const std::string_view> fields);
  // Marks the entry at byte offset `flags_at` of the node deleted and fixes the master counts.
  // Returns the node (possibly moved) or frees and erases it when no live entry is left.
  void MarkDeleted(std::map<StreamId, uint8_t*>::iterator node, size_t flags_at);
  // Marks live entries deleted from the node's start, at most `max`, stopping at the first ID
  // not below `below`, in one pass. Frees the node when none is left. Returns how many.
  uint64_t MarkFront(std::map<StreamId, uint8_t*>::iterator node, StreamId below, uint64_t max);
  void FreeNodes();

  std::map<StreamId, uint8_t*> nodes_;
  uint64_t length_ = 0;
  StreamId last_id_;
  StreamId first_id_;
  StreamId max_deleted_id_;
  uint64_t entries_added_ = 0;
  std::map<std::string, std::unique_ptr<StreamGroup>> groups_;
};

}  // namespace redoubt::store
