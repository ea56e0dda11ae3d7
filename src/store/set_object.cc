#include "store/set_object.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "util/numbers.h"

namespace redoubt::store {

namespace {

uint8_t WidthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

std::string_view FormatInt(int64_t v, char (&buf)[util::kMaxInt64Chars]) {
  return {buf, util::FormatInt64(v, buf)};
}

// Integers as Redis's intsets take them (string2ll): canonical decimal int64 text.
bool AsInt(std::string_view s, int64_t* v) { return s.size() <= 20 && util::ParseInt64(s, v); }

int64_t ReadInt(const char* p, uint8_t width) {
  if (width == 2) {
    int16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  if (width == 4) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

SetObject::SetObject(bool intset) {
  if (!intset) rep_ = reinterpret_cast<uintptr_t>(new Table()) | kTableTag;
}

SetObject::~SetObject() {
  if (is_intset()) {
    std::free(ints());
  } else {
    delete table();
  }
}

uint32_t SetObject::count() const {
  if (ints() == nullptr) return 0;
  uint32_t n;
  std::memcpy(&n, ints(), 4);
  return n;
}

Object* SetObject::Clone() const {
  auto* c = new SetObject(is_intset());
  if (is_intset()) {
    if (ints() != nullptr) {
      c->ResizeInts(count(), width());
      std::memcpy(c->int_data(), int_data(), size_t{count()} * width());
    }
    return c;
  }
  Table* t = c->table();
  table()->ForEach([t](Entry* e) { t->Insert(CloneEntry(e, e->key())); });
  return c;
}

size_t SetObject::MemoryUsage(size_t samples) const {
  size_t n = malloc_usable_size(const_cast<SetObject*>(this));
  if (is_intset()) return n + (ints() ? malloc_usable_size(ints()) : 0);
  n += sizeof(Table) + table()->OverheadBytes();
  return n + table()->EntriesMemory(samples);
}

const char* SetObject::EncodingName() const { return is_intset() ? "intset" : "hashtable"; }

int64_t SetObject::IntAt(size_t i) const { return ReadInt(int_data() + i * width(), width()); }

void SetObject::SetIntAt(size_t i, int64_t v) {
  uint8_t w = width();
  char* p = int_data() + i * w;
  if (w == 2) {
    auto x = static_cast<int16_t>(v);
    std::memcpy(p, &x, 2);
  } else if (w == 4) {
    auto x = static_cast<int32_t>(v);
    std::memcpy(p, &x, 4);
  } else {
    std::memcpy(p, &v, 8);
  }
}

size_t SetObject::IntSearch(int64_t v, bool* found) const {
  size_t lo = 0, hi = count();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t m = IntAt(mid);
    if (m == v) {
      *found = true;
      return mid;
    }
    if (m < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *found = false;
  return lo;
}

void SetObject::ResizeInts(size_t count, uint8_t width) {
  if (count == 0) {
    std::free(ints());
    rep_ = 0;
    return;
  }
  void* p = std::realloc(ints(), kIntHeader + count * width);
  if (p == nullptr) throw std::bad_alloc();
  rep_ = reinterpret_cast<uintptr_t>(p);
  auto n = static_cast<uint32_t>(count);
  std::memcpy(ints(), &n, 4);
  ints()[4] = static_cast<char>(width);
}

bool SetObject::IntAdd(int64_t v) {
  uint8_t w = WidthFor(v);
  uint8_t old_width = width();
  size_t n = count();
  if (w > old_width) {
    // Upgrade: v is below or above every member, so it goes first or last. Members move from
    // the end backwards, as their new slots are never below their old ones.
    ResizeInts(n + 1, w);
    for (size_t i = n; i-- > 0;) {
      SetIntAt(v < 0 ? i + 1 : i, ReadInt(int_data() + i * old_width, old_width));
    }
    SetIntAt(v < 0 ? 0 : n, v);
    return true;
  }
  bool found;
  size_t at = IntSearch(v, &found);
  if (found) return false;
  ResizeInts(n + 1, old_width);
  char* d = int_data();
  std::memmove(d + (at + 1) * old_width, d + at * old_width, (n - at) * old_width);
  SetIntAt(at, v);
  return true;
}

void SetObject::IntRemoveAt(size_t i) {
  size_t n = count();
  uint8_t w = width();
  char* d = int_data();
  std::memmove(d + i * w, d + (i + 1) * w, (n - i - 1) * w);
  ResizeInts(n - 1, w);
}

bool SetObject::Contains(std::string_view member) const {
  if (!is_intset()) return table()->Find(member) != nullptr;
  int64_t v;
  if (!AsInt(member, &v)) return false;
  bool found;
  IntSearch(v, &found);
  return found;
}

bool SetObject::Add(std::string_view member, int64_t max_intset_entries) {
  if (is_intset()) {
    int64_t v;
    if (AsInt(member, &v)) {
      if (!IntAdd(v)) return false;
      // The 32-bit count caps an intset whatever set-max-intset-entries says.
      if (static_cast<int64_t>(count()) > max_intset_entries || count() == UINT32_MAX) {
        ConvertToTable();
      }
      return true;
    }
    ConvertToTable();
  }
  if (table()->Find(member) != nullptr) return false;
  table()->Insert(NewStringEntry(member, "", false, /*try_int=*/false));
  return true;
}

bool SetObject::Remove(std::string_view member) {
  if (is_intset()) {
    int64_t v;
    if (!AsInt(member, &v)) return false;
    bool found;
    size_t at = IntSearch(v, &found);
    if (!found) return false;
    IntRemoveAt(at);
    return true;
  }
  Entry* e = table()->Unlink(member);
  if (e == nullptr) return false;
  FreeEntry(e);
  table()->MaybeShrink();
  return true;
}

void SetObject::ForEach(const MemberFn& fn) const {
  if (!is_intset()) {
    table()->ForEach([&fn](Entry* e) { fn(e->key()); });
    return;
  }
  char buf[util::kMaxInt64Chars];
  for (size_t i = 0, n = count(); i < n; ++i) fn(FormatInt(IntAt(i), buf));
}

std::string SetObject::Random(uint64_t (*rng)()) const {
  if (!is_intset()) return std::string(table()->FairRandom(rng)->key());
  char buf[util::kMaxInt64Chars];
  return std::string(FormatInt(IntAt(rng() % count()), buf));
}

std::string SetObject::PopRandom(uint64_t (*rng)()) {
  if (is_intset()) {
    size_t i = rng() % count();
    char buf[util::kMaxInt64Chars];
    std::string m(FormatInt(IntAt(i), buf));
    IntRemoveAt(i);
    return m;
  }
  Entry* e = table()->FairRandom(rng);
  std::string m(e->key());
  Remove(m);
  return m;
}

uint64_t SetObject::Scan(uint64_t cursor, const MemberFn& fn) const {
  if (is_intset()) {
    ForEach(fn);
    return 0;
  }
  return table()->Scan(cursor, [&fn](Entry* e) { fn(e->key()); });
}

void SetObject::ConvertToTable() {
  auto* t = new Table();
  char buf[util::kMaxInt64Chars];
  for (size_t i = 0, n = count(); i < n; ++i) {
    t->Insert(NewStringEntry(FormatInt(IntAt(i), buf), "", false, /*try_int=*/false));
  }
  std::free(ints());
  rep_ = reinterpret_cast<uintptr_t>(t) | kTableTag;
}

}  // namespace redoubt::store
