#include "store/hash_object.h"

#include <malloc.h>

namespace redoubt::store {

namespace {
constexpr size_t kNpos = static_cast<size_t>(-1);
// Past this size the packed list converts whatever the limits say (Redis's
// LISTPACK_MAX_SAFETY_SIZE), which also keeps its 32-bit byte count from overflowing.
constexpr size_t kMaxPackedBytes = size_t{1} << 30;
}  // namespace

HashObject::~HashObject() { delete table_; }

Object* HashObject::Clone() const {
  auto* c = new HashObject();
  if (compact()) {
    c->packed_.CopyFrom(packed_);
    return c;
  }
  c->table_ = new Table();
  table_->ForEach([c](Entry* e) { c->table_->Insert(CloneEntry(e, e->key())); });
  return c;
}

size_t HashObject::MemoryUsage(size_t samples) const {
  size_t n = malloc_usable_size(const_cast<HashObject*>(this));
  if (compact()) return n + packed_.AllocatedBytes();
  n += sizeof(Table) + table_->OverheadBytes();
  return n + table_->EntriesMemory(samples);
}

const char* HashObject::EncodingName() const { return compact() ? "listpack" : "hashtable"; }

std::string_view HashObject::ValueOf(const Entry* e) {
  return e->encoding == Encoding::kRaw ? e->raw()->view()
                                       : std::string_view(e->value_ptr(), e->val_len);
}

size_t HashObject::FindPacked(std::string_view field) const {
  size_t pos = 0;
  while (!packed_.AtEnd(pos)) {
    size_t at = pos;
    std::string_view f = packed_.Next(&pos);
    if (f == field) return at;
    packed_.Next(&pos);
  }
  return kNpos;
}

bool HashObject::Get(std::string_view field, std::string_view* value) const {
  if (!compact()) {
    Entry* e = table_->Find(field);
    if (e == nullptr) return false;
    *value = ValueOf(e);
    return true;
  }
  size_t pos = FindPacked(field);
  if (pos == kNpos) return false;
  packed_.Next(&pos);
  *value = packed_.Next(&pos);
  return true;
}

bool HashObject::Set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (compact() && (static_cast<int64_t>(field.size()) > limits.max_value ||
                    static_cast<int64_t>(value.size()) > limits.max_value ||
                    packed_.bytes() + field.size() + value.size() + 20 > kMaxPackedBytes)) {
    ConvertToTable();
  }
  if (compact()) {
    size_t pos = FindPacked(field);
    if (pos != kNpos) {
      packed_.Next(&pos);
      packed_.ReplaceAt(pos, value);
      return false;
    }
    packed_.Append2(field, value);
    if (static_cast<int64_t>(size()) > limits.max_entries) ConvertToTable();
    return true;
  }
  Entry* n = NewStringEntry(field, value, false, /*try_int=*/false);
  Entry** link = table_->FindLink(field);
  if (link != nullptr) {
    Entry* old = *link;
    table_->Replace(link, n);
    FreeEntry(old);
    return false;
  }
  table_->Insert(n);
  return true;
}

bool HashObject::Delete(std::string_view field) {
  if (compact()) {
    size_t pos = FindPacked(field);
    if (pos == kNpos) return false;
    packed_.EraseAt(pos, 2);
    return true;
  }
  Entry* e = table_->Unlink(field);
  if (e == nullptr) return false;
  FreeEntry(e);
  table_->MaybeShrink();
  return true;
}

void HashObject::ForEach(const PairFn& fn) const {
  if (!compact()) {
    table_->ForEach([&fn](Entry* e) { fn(e->key(), ValueOf(e)); });
    return;
  }
  size_t pos = 0;
  while (!packed_.AtEnd(pos)) {
    std::string_view f = packed_.Next(&pos);
    std::string_view v = packed_.Next(&pos);
    fn(f, v);
  }
}

void HashObject::Random(uint64_t (*rng)(), std::string_view* field, std::string_view* value) const {
  if (!compact()) {
    Entry* e = table_->FairRandom(rng);
    *field = e->key();
    *value = ValueOf(e);
    return;
  }
  uint64_t skip = rng() % size();
  size_t pos = 0;
  for (uint64_t i = 0; i < skip; ++i) {
    packed_.Next(&pos);
    packed_.Next(&pos);
  }
  *field = packed_.Next(&pos);
  *value = packed_.Next(&pos);
}

uint64_t HashObject::Scan(uint64_t cursor, const PairFn& fn) const {
  if (compact()) {
    ForEach(fn);
    return 0;
  }
  return table_->Scan(cursor, [&fn](Entry* e) { fn(e->key(), ValueOf(e)); });
}

void HashObject::ConvertToTable() {
  auto* t = new Table();
  size_t pos = 0;
  while (!packed_.AtEnd(pos)) {
    std::string_view f = packed_.Next(&pos);
    std::string_view v = packed_.Next(&pos);
    t->Insert(NewStringEntry(f, v, false, /*try_int=*/false));
  }
  packed_.Clear();
  table_ = t;
}

}  // namespace redoubt::store
