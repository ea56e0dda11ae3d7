#include "store/stream_object.h"

#include <cstdlib>
#include <string>

#include "store/listpack.h"
#include "util/numbers.h"

namespace redoubt::store {

namespace {

// Entry flags, as Redis's STREAM_ITEM_FLAG_*.
constexpr int64_t kFlagDeleted = 1;
constexpr int64_t kFlagSameFields = 2;
// Redis's STREAM_LISTPACK_MAX_SIZE: the cap on stream-node-max-bytes.
constexpr int64_t kListpackMaxSize = int64_t{1} << 30;
// Map node overhead per stream node (red-black node header plus key and value).
constexpr size_t kMapNodeOverhead = 48;

bool LpInt(const uint8_t* p, int64_t* out) {
  char scratch[listpack::kScratchSize];
  return util::ParseInt64(listpack::Get(p, scratch), out);
}
int64_t LpIntOr0(const uint8_t* p) {
  int64_t v = 0;
  LpInt(p, &v);
  return v;
}
std::string LpString(const uint8_t* p) {
  char scratch[listpack::kScratchSize];
  return std::string(listpack::Get(p, scratch));
}
uint8_t* AppendInt(uint8_t* lp, int64_t v) {
  char buf[24];
  return listpack::Append(lp, std::string_view(buf, util::FormatInt64(v, buf)));
}

// Walks a node written by this file or validated by ValidateNode: the master entry, then one
// entry per Next().
class NodeReader {
 public:
  NodeReader(StreamId master, const uint8_t* lp) : lp_(lp), master_(master) {
    const uint8_t* p = listpack::First(lp);  // count
    p = listpack::Next(lp, p);               // deleted
    p = listpack::Next(lp, p);               // num master fields
    int64_t n = LpIntOr0(p);
    master_fields_.reserve(n);
    for (int64_t i = 0; i < n; ++i) {
      p = listpack::Next(lp, p);
      master_fields_.push_back(LpString(p));
    }
    p = listpack::Next(lp, p);  // the master terminator (0)
    next_ = listpack::Next(lp, p);
  }

  // Moves to the next entry, deleted ones included; false at the end of the node.
  bool Next() {
    if (next_ == nullptr) return false;
    const uint8_t* p = next_;
    flags_at_ = static_cast<size_t>(p - lp_);
    flags_ = LpIntOr0(p);
    p = listpack::Next(lp_, p);
    id_.ms = master_.ms + static_cast<uint64_t>(LpIntOr0(p));
    p = listpack::Next(lp_, p);
    id_.seq = master_.seq + static_cast<uint64_t>(LpIntOr0(p));
    p = listpack::Next(lp_, p);
    if (flags_ & kFlagSameFields) {
      num_fields_ = static_cast<int64_t>(master_fields_.size());
    } else {
      num_fields_ = LpIntOr0(p);
      p = listpack::Next(lp_, p);
    }
    fields_ = p;
    int64_t elems = (flags_ & kFlagSameFields) ? num_fields_ : num_fields_ * 2;
    for (int64_t i = 0; i < elems; ++i) p = listpack::Next(lp_, p);
    next_ = listpack::Next(lp_, p);  // past lp-count
    return true;
  }

  // Makes the next Next() read the entry whose flags start at byte offset `at`.
  void SeekTo(size_t at) { next_ = lp_ + at; }

  StreamId id() const { return id_; }
  bool deleted() const { return flags_ & kFlagDeleted; }
  int64_t flags() const { return flags_; }
  size_t flags_at() const { return flags_at_; }

  // The current entry's fields and values into storage, and views of them into views.
  void Fields(std::vector<std::string>* storage, std::vector<std::string_view>* views) const {
    storage->clear();
    views->clear();
    const uint8_t* p = fields_;
    bool same = flags_ & kFlagSameFields;
    for (int64_t i = 0; i < num_fields_; ++i) {
      if (same) {
        storage->push_back(master_fields_[i]);
      } else {
        storage->push_back(LpString(p));
        p = listpack::Next(lp_, p);
      }
      storage->push_back(LpString(p));
      p = listpack::Next(lp_, p);
    }
    for (const std::string& s : *storage) views->push_back(s);
  }

 private:
  const uint8_t* lp_;
  StreamId master_;
  std::vector<std::string> master_fields_;
  const uint8_t* next_ = nullptr;
  const uint8_t* fields_ = nullptr;
  StreamId id_;
  int64_t flags_ = 0;
  int64_t num_fields_ = 0;
  size_t flags_at_ = 0;
};

// Replaces the integer at the listpack's index-th element.
uint8_t* ReplaceIntAt(uint8_t* lp, uint32_t index, int64_t v) {
  char buf[24];
  const uint8_t* p = listpack::Seek(lp, index);
  return listpack::Replace(lp, static_cast<size_t>(p - lp),
                           std::string_view(buf, util::FormatInt64(v, buf)));
}

}  // namespace

bool StreamId::Incr(StreamId* out) const {
  if (seq != UINT64_MAX) {
    *out = {ms, seq + 1};
    return true;
  }
  if (ms == UINT64_MAX) return false;
  *out = {ms + 1, 0};
  return true;
}

bool StreamId::Decr(StreamId* out) const {
  if (seq != 0) {
    *out = {ms, seq - 1};
    return true;
  }
  if (ms == 0) return false;
  *out = {ms - 1, UINT64_MAX};
  return true;
}

std::string StreamId::ToString() const { return std::to_string(ms) + "-" + std::to_string(seq); }

void StreamId::Encode(char out[16]) const {
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>(ms >> (56 - 8 * i));
    out[8 + i] = static_cast<char>(seq >> (56 - 8 * i));
  }
}

StreamId StreamId::Decode(const char in[16]) {
  StreamId id;
  for (int i = 0; i < 8; ++i) {
    id.ms = (id.ms << 8) | static_cast<uint8_t>(in[i]);
    id.seq = (id.seq << 8) | static_cast<uint8_t>(in[8 + i]);
  }
  return id;
}

StreamConsumer* StreamGroup::FindConsumer(std::string_view name) const {
  auto it = consumers.find(std::string(name));
  return it == consumers.end() ? nullptr : it->second.get();
}

StreamConsumer* StreamGroup::GetConsumer(std::string_view name, int64_t now_ms, bool* created) {
  auto [it, inserted] = consumers.try_emplace(std::string(name));
  *created = inserted;
  if (inserted) {
    it->second = std::make_unique<StreamConsumer>();
    it->second->name = std::string(name);
    it->second->seen_time = now_ms;
  }
  return it->second.get();
}

size_t StreamGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers.find(std::string(name));
  if (it == consumers.end()) return 0;
  size_t pending = it->second->pel.size();
  for (StreamId id : it->second->pel) pel.erase(id);
  consumers.erase(it);
  return pending;
}

bool StreamGroup::Ack(StreamId id) {
  auto it = pel.find(id);
  if (it == pel.end()) return false;
  if (it->second.consumer != nullptr) it->second.consumer->pel.erase(id);
  pel.erase(it);
  return true;
}

StreamObject::~StreamObject() { FreeNodes(); }

void StreamObject::FreeNodes() {
  for (auto& [id, lp] : nodes_) std::free(lp);
  nodes_.clear();
}

Object* StreamObject::Clone() const {
  auto* s = new StreamObject();
  for (const auto& [id, lp] : nodes_) s->nodes_.emplace(id, listpack::Copy(lp));
  s->length_ = length_;
  s->last_id_ = last_id_;
  s->first_id_ = first_id_;
  s->max_deleted_id_ = max_deleted_id_;
  s->entries_added_ = entries_added_;
  for (const auto& [name, g] : groups_) {
    auto ng = std::make_unique<StreamGroup>();
    ng->last_id = g->last_id;
    ng->entries_read = g->entries_read;
    for (const auto& [cname, c] : g->consumers) {
      auto nc = std::make_unique<StreamConsumer>(*c);
      for (StreamId id : nc->pel) {
        const StreamNack& n = g->pel.at(id);
        ng->pel[id] = {n.delivery_time, n.delivery_count, nc.get()};
      }
      ng->consumers.emplace(cname, std::move(nc));
    }
    s->groups_.emplace(name, std::move(ng));
  }
  return s;
}

size_t StreamObject::MemoryUsage(size_t samples) const {
  size_t total = sizeof(*this);
  // Nodes: every one, or `samples` of them scaled to the node count (MEMORY USAGE SAMPLES).
  size_t seen = 0, node_bytes = 0;
  for (const auto& [id, lp] : nodes_) {
    if (samples > 0 && seen == samples) break;
    node_bytes += kMapNodeOverhead + listpack::Bytes(lp);
    ++seen;
  }
  if (seen > 0) {
    total += seen == nodes_.size() ? node_bytes : node_bytes / seen * nodes_.size();
  }
  for (const auto& [name, g] : groups_) {
    total += kMapNodeOverhead + sizeof(StreamGroup) + name.size();
    total += g->pel.size() * (kMapNodeOverhead + sizeof(StreamNack));
    for (const auto& [cname, c] : g->consumers) {
      total += kMapNodeOverhead + sizeof(StreamConsumer) + cname.size();
      total += c->pel.size() * kMapNodeOverhead;
    }
  }
  return total;
}

void StreamObject::NewNode(StreamId id, std::span<const std::string_view> fields) {
  uint8_t* lp = listpack::New();
  size_t n = fields.size() / 2;
  lp = AppendInt(lp, 1);  // count
  lp = AppendInt(lp, 0);  // deleted
  lp = AppendInt(lp, static_cast<int64_t>(n));
  for (size_t i = 0; i < n; ++i) lp = listpack::Append(lp, fields[2 * i]);
  lp = AppendInt(lp, 0);  // master terminator
  lp = AppendInt(lp, kFlagSameFields);
  lp = AppendInt(lp, 0);
  lp = AppendInt(lp, 0);
  for (size_t i = 0; i < n; ++i) lp = listpack::Append(lp, fields[2 * i + 1]);
  lp = AppendInt(lp, static_cast<int64_t>(n) + 3);
  nodes_.emplace(id, lp);
}

void StreamObject::Append(StreamId id, std::span<const std::string_view> fields,
                          const StreamLimits& limits) {
  size_t n = fields.size() / 2;
  size_t total_len = 0;
  for (std::string_view f : fields) total_len += f.size();
  ++length_;
  ++entries_added_;
  last_id_ = id;
  if (length_ == 1) first_id_ = id;

  auto node = nodes_.empty() ? nodes_.end() : std::prev(nodes_.end());
  bool new_node = node == nodes_.end();
  if (!new_node) {
    int64_t max_bytes = limits.node_max_bytes;
    if (max_bytes <= 0 || max_bytes > kListpackMaxSize) max_bytes = kListpackMaxSize;
    const uint8_t* lp = node->second;
    const uint8_t* p = listpack::First(lp);
    if (static_cast<int64_t>(listpack::Bytes(lp) + total_len) >= max_bytes) {
      new_node = true;
    } else if (limits.node_max_entries > 0) {
      int64_t count = LpIntOr0(p) + LpIntOr0(listpack::Next(lp, p));
      if (count >= limits.node_max_entries) new_node = true;
    }
  }
  if (new_node) return NewNode(id, fields);

  uint8_t* lp = node->second;
  StreamId master = node->first;
  // Same fields as the master entry?
  const uint8_t* p = listpack::Next(lp, listpack::Next(lp, listpack::First(lp)));
  bool same = static_cast<size_t>(LpIntOr0(p)) == n;
  for (size_t i = 0; same && i < n; ++i) {
    p = listpack::Next(lp, p);
    same = listpack::Equals(p, fields[2 * i]);
  }
  lp = AppendInt(lp, same ? kFlagSameFields : 0);
  lp = AppendInt(lp, static_cast<int64_t>(id.ms - master.ms));
  lp = AppendInt(lp, static_cast<int64_t>(id.seq - master.seq));
  if (!same) lp = AppendInt(lp, static_cast<int64_t>(n));
  for (size_t i = 0; i < n; ++i) {
    if (!same) lp = listpack::Append(lp, fields[2 * i]);
    lp = listpack::Append(lp, fields[2 * i + 1]);
  }
  lp = AppendInt(lp, static_cast<int64_t>(same ? n + 3 : 2 * n + 4));
  lp = ReplaceIntAt(lp, 0, LpIntOr0(listpack::First(lp)) + 1);
  node->second = lp;
}

size_t StreamObject::Range(StreamId start, StreamId end, bool reverse, size_t count,
                           const EntryFn& fn) const {
  if (nodes_.empty() || start > end) return 0;
  std::vector<std::string> storage;
  std::vector<std::string_view> views;
  size_t seen = 0;
  auto emit = [&](const NodeReader& r) {
    r.Fields(&storage, &views);
    ++seen;
    return fn(StreamEntryView{r.id(), views}) && (count == 0 || seen < count);
  };
  if (!reverse) {
    auto it = nodes_.upper_bound(start);
    if (it != nodes_.begin()) --it;
    for (; it != nodes_.end() && it->first <= end; ++it) {
      NodeReader r(it->first, it->second);
      while (r.Next()) {
        if (r.deleted() || r.id() < start) continue;
        if (r.id() > end) return seen;
        if (!emit(r)) return seen;
      }
    }
    return seen;
  }
  auto it = nodes_.upper_bound(end);
  while (it != nodes_.begin()) {
    --it;
    // Entries of a node are read forwards; remember where the wanted ones start.
    std::vector<size_t> offsets;
    NodeReader r(it->first, it->second);
    while (r.Next()) {
      if (!r.deleted() && r.id() >= start && r.id() <= end) offsets.push_back(r.flags_at());
    }
    for (size_t k = offsets.size(); k-- > 0;) {
      r.SeekTo(offsets[k]);
      r.Next();
      if (!emit(r)) return seen;
    }
    if (it->first < start) break;
  }
  return seen;
}

bool StreamObject::Contains(StreamId id) const {
  bool found = false;
  Range(id, id, false, 1, [&](const StreamEntryView&) {
    found = true;
    return false;
  });
  return found;
}

void StreamObject::MarkDeleted(std::map<StreamId, uint8_t*>::iterator node, size_t flags_at) {
  uint8_t* lp = node->second;
  char buf[24];
  int64_t flags = LpIntOr0(lp + flags_at) | kFlagDeleted;
  lp = listpack::Replace(lp, flags_at, std::string_view(buf, util::FormatInt64(flags, buf)));
  const uint8_t* p = listpack::First(lp);
  int64_t live = LpIntOr0(p) - 1;
  int64_t deleted = LpIntOr0(listpack::Next(lp, p)) + 1;
  --length_;
  if (live == 0) {
    std::free(lp);
    nodes_.erase(node);
    return;
  }
  lp = ReplaceIntAt(lp, 0, live);
  lp = ReplaceIntAt(lp, 1, deleted);
  node->second = lp;
}

bool StreamObject::Delete(StreamId id) {
  auto it = nodes_.upper_bound(id);
  if (it == nodes_.begin()) return false;
  --it;
  NodeReader r(it->first, it->second);
  while (r.Next()) {
    if (r.id() > id) return false;
    if (r.id() != id || r.deleted()) continue;
    MarkDeleted(it, r.flags_at());
    if (id > max_deleted_id_) max_deleted_id_ = id;
    if (length_ == 0) {
      first_id_ = {};
    } else if (id == first_id_) {
      RefreshFirstId();
    }
    return true;
  }
  return false;
}

void StreamObject::RefreshFirstId() {
  first_id_ = {};
  Range({}, StreamId::Max(), false, 1, [&](const StreamEntryView& e) {
    first_id_ = e.id;
    return false;
  });
}

namespace {

StreamId NodeLastId(StreamId master, const uint8_t* lp) {
  NodeReader r(master, lp);
  StreamId last = master;
  while (r.Next()) last = r.id();
  return last;
}

}  // namespace

uint64_t StreamObject::MarkFront(std::map<StreamId, uint8_t*>::iterator node, StreamId below,
                                 uint64_t max) {
  uint8_t* lp = node->second;
  NodeReader r(node->first, lp);
  uint64_t n = 0;
  std::vector<size_t> slow;  // flags not in the one-byte form: rewritten afterwards
  while (n < max && r.Next()) {
    if (r.deleted()) continue;
    if (r.id() >= below) break;
    if ((lp[r.flags_at()] & 0x80) == 0) {
      lp[r.flags_at()] |= kFlagDeleted;  // a 7-bit integer: same size, edited in place
    } else {
      slow.push_back(r.flags_at());
    }
    ++n;
  }
  for (size_t k = slow.size(); k-- > 0;) {  // from the back: earlier offsets stay valid
    char buf[24];
    int64_t flags = LpIntOr0(lp + slow[k]) | kFlagDeleted;
    lp = listpack::Replace(lp, slow[k], std::string_view(buf, util::FormatInt64(flags, buf)));
  }
  node->second = lp;
  if (n == 0) return 0;
  const uint8_t* p = listpack::First(lp);
  int64_t live = LpIntOr0(p) - static_cast<int64_t>(n);
  int64_t deleted = LpIntOr0(listpack::Next(lp, p)) + static_cast<int64_t>(n);
  length_ -= n;
  if (live <= 0) {
    std::free(lp);
    nodes_.erase(node);
    return n;
  }
  lp = ReplaceIntAt(lp, 0, live);
  node->second = ReplaceIntAt(lp, 1, deleted);
  return n;
}

int64_t StreamObject::TrimMaxLen(uint64_t maxlen, bool approx, int64_t limit) {
  int64_t removed = 0;
  while (!nodes_.empty() && length_ > maxlen) {
    auto it = nodes_.begin();
    int64_t entries = LpIntOr0(listpack::First(it->second));
    if (limit > 0 && removed + entries > limit) break;
    if (length_ - static_cast<uint64_t>(entries) >= maxlen) {
      std::free(it->second);
      nodes_.erase(it);
      length_ -= entries;
      removed += entries;
      continue;
    }
    if (approx) break;
    // Mark entries of this node deleted until the length is right.
    removed += static_cast<int64_t>(MarkFront(it, StreamId::Max(), length_ - maxlen));
    break;
  }
  if (removed > 0) RefreshFirstId();
  return removed;
}

int64_t StreamObject::TrimMinId(StreamId minid, bool approx, int64_t limit) {
  int64_t removed = 0;
  while (!nodes_.empty()) {
    auto it = nodes_.begin();
    int64_t entries = LpIntOr0(listpack::First(it->second));
    if (limit > 0 && removed + entries > limit) break;
    if (NodeLastId(it->first, it->second) < minid) {
      std::free(it->second);
      nodes_.erase(it);
      length_ -= entries;
      removed += entries;
      continue;
    }
    if (approx) break;
    removed += static_cast<int64_t>(MarkFront(it, minid, UINT64_MAX));
    break;
  }
  if (removed > 0) RefreshFirstId();
  return removed;
}

StreamGroup* StreamObject::FindGroup(std::string_view name) const {
  auto it = groups_.find(std::string(name));
  return it == groups_.end() ? nullptr : it->second.get();
}

StreamGroup* StreamObject::CreateGroup(std::string_view name, StreamId last_id,
                                       int64_t entries_read) {
  auto [it, inserted] = groups_.try_emplace(std::string(name));
  if (!inserted) return nullptr;
  it->second = std::make_unique<StreamGroup>();
  it->second->last_id = last_id;
  it->second->entries_read = entries_read;
  return it->second.get();
}

bool StreamObject::DestroyGroup(std::string_view name) {
  return groups_.erase(std::string(name)) > 0;
}

bool StreamObject::RangeHasTombstones(StreamId start, StreamId end) const {
  if (length_ == 0 || max_deleted_id_.IsZero()) return false;
  if (first_id_ > max_deleted_id_) return false;
  return start <= max_deleted_id_ && max_deleted_id_ <= end;
}

int64_t StreamObject::EstimateDistanceFromFirstEverEntry(StreamId id) const {
  if (entries_added_ == 0) return 0;
  if (length_ == 0 && id <= last_id_) return static_cast<int64_t>(entries_added_);
  if (id == last_id_) return static_cast<int64_t>(entries_added_);
  if (id > last_id_) return kInvalidEntriesRead;
  if (max_deleted_id_.IsZero() || max_deleted_id_ < first_id_) {
    if (id < first_id_) return static_cast<int64_t>(entries_added_ - length_);
    if (id == first_id_) return static_cast<int64_t>(entries_added_ - length_ + 1);
  }
  return kInvalidEntriesRead;
}

bool StreamObject::Lag(const StreamGroup& g, int64_t* lag) const {
  if (entries_added_ == 0) {
    *lag = 0;
    return true;
  }
  if (g.entries_read != kInvalidEntriesRead && !RangeHasTombstones(g.last_id, StreamId::Max())) {
    *lag = static_cast<int64_t>(entries_added_) - g.entries_read;
    return true;
  }
  int64_t read = EstimateDistanceFromFirstEverEntry(g.last_id);
  if (read == kInvalidEntriesRead) return false;
  *lag = static_cast<int64_t>(entries_added_) - read;
  return true;
}

void StreamObject::AdvanceGroup(StreamGroup& g, StreamId id) const {
  if (g.entries_read != kInvalidEntriesRead && !RangeHasTombstones(id, StreamId::Max())) {
    if (g.entries_read < INT64_MAX) ++g.entries_read;
  } else if (entries_added_ != 0) {
    g.entries_read = EstimateDistanceFromFirstEverEntry(id);
  }
  g.last_id = id;
}

bool StreamObject::AddLoadedNode(StreamId master, uint8_t* lp, uint64_t live_entries) {
  if (!nodes_.emplace(master, lp).second) return false;
  length_ += live_entries;
  return true;
}

}  // namespace redoubt::store
