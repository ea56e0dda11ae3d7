#include "store/zset_object.h"

#include <malloc.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "store/listpack.h"
#include "util/numbers.h"
#include "util/siphash.h"

namespace redoubt::store {

namespace {

constexpr int kMaxLevel = 32;  // Redis's ZSKIPLIST_MAXLEVEL

// Binary member order (Redis's sdscmp): memcmp, then the shorter first.
int CompareMembers(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// Element order: by score, then by member.
bool Less(double s1, std::string_view m1, double s2, std::string_view m2) {
  return s1 < s2 || (s1 == s2 && CompareMembers(m1, m2) < 0);
}

double LpScore(const uint8_t* p) {
  char scratch[listpack::kScratchSize];
  std::string_view s = listpack::Get(p, scratch);
  double v = 0;
  util::ParseDouble(s, &v);
  return v;
}

std::string_view LpMember(const uint8_t* p, char (&scratch)[listpack::kScratchSize]) {
  return listpack::Get(p, scratch);
}

uint64_t Reverse64(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

size_t Allocated(const void* p) {
  return p == nullptr ? 0 : malloc_usable_size(const_cast<void*>(p));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Skiplist with spans (Redis's zskiplist) plus a chained member index through Node::hnext.

struct ZSetObject::Node {
  struct Level {
    Node* forward;
    size_t span;
  };
  double score;
  Node* backward;
  Node* hnext;
  uint32_t len;
  uint32_t level;

  Level* lv() { return reinterpret_cast<Level*>(this + 1); }
  const Level* lv() const { return reinterpret_cast<const Level*>(this + 1); }
  std::string_view member() const { return {reinterpret_cast<const char*>(lv() + level), len}; }

  static Node* New(int level, double score, std::string_view m) {
    void* mem = std::malloc(sizeof(Node) + level * sizeof(Level) + m.size());
    if (mem == nullptr) throw std::bad_alloc();
    auto* n = static_cast<Node*>(mem);
    n->score = score;
    n->backward = nullptr;
    n->hnext = nullptr;
    n->len = static_cast<uint32_t>(m.size());
    n->level = static_cast<uint32_t>(level);
    for (int i = 0; i < level; ++i) n->lv()[i] = {nullptr, 0};
    if (!m.empty()) std::memcpy(reinterpret_cast<char*>(n->lv() + level), m.data(), m.size());
    return n;
  }
};

struct ZSetObject::Skiplist {
  Node* header = Node::New(kMaxLevel, 0, {});
  Node* tail = nullptr;
  size_t length = 0;
  int level = 1;
  Node** buckets = nullptr;
  size_t nbuckets = 0;  // a power of two, or 0
  uint64_t rng = 0x9E3779B97F4A7C15ULL;

  ~Skiplist() {
    Node* x = header->lv()[0].forward;
    while (x != nullptr) {
      Node* next = x->lv()[0].forward;
      std::free(x);
      x = next;
    }
    std::free(header);
    std::free(buckets);
  }

  int RandomLevel() {
    int level = 1;
    for (;;) {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      // Redis's ZSKIPLIST_P = 0.25: two random bits both zero.
      uint64_t r = rng;
      while (level < kMaxLevel && (r & 3) == 0) {
        ++level;
        r >>= 2;
      }
      return level;
    }
  }

  size_t Bucket(std::string_view m) const { return util::HashBytes(m) & (nbuckets - 1); }

  Node* Find(std::string_view m) const {
    if (nbuckets == 0) return nullptr;
    for (Node* n = buckets[Bucket(m)]; n != nullptr; n = n->hnext) {
      if (n->member() == m) return n;
    }
    return nullptr;
  }

  void Rehash(size_t n) {
    auto** nb = static_cast<Node**>(std::calloc(n, sizeof(Node*)));
    if (nb == nullptr) throw std::bad_alloc();
    for (size_t i = 0; i < nbuckets; ++i) {
      Node* x = buckets[i];
      while (x != nullptr) {
        Node* next = x->hnext;
        size_t b = util::HashBytes(x->member()) & (n - 1);
        x->hnext = nb[b];
        nb[b] = x;
        x = next;
      }
    }
    std::free(buckets);
    buckets = nb;
    nbuckets = n;
  }

  void HashAdd(Node* x) {
    if (length + 1 > nbuckets) Rehash(nbuckets == 0 ? 4 : nbuckets * 2);
    size_t b = Bucket(x->member());
    x->hnext = buckets[b];
    buckets[b] = x;
  }

  void HashRemove(Node* x) {
    Node** link = &buckets[Bucket(x->member())];
    while (*link != x) link = &(*link)->hnext;
    *link = x->hnext;
  }

  // Inserts a member known to be absent (zslInsert) and indexes it.
  Node* Insert(double score, std::string_view m) {
    Node* update[kMaxLevel];
    size_t rank[kMaxLevel];
    Node* x = header;
    for (int i = level - 1; i >= 0; --i) {
      rank[i] = i == level - 1 ? 0 : rank[i + 1];
      while (x->lv()[i].forward != nullptr &&
             Less(x->lv()[i].forward->score, x->lv()[i].forward->member(), score, m)) {
        rank[i] += x->lv()[i].span;
        x = x->lv()[i].forward;
      }
      update[i] = x;
    }
    int lvl = RandomLevel();
    if (lvl > level) {
      for (int i = level; i < lvl; ++i) {
        rank[i] = 0;
        update[i] = header;
        update[i]->lv()[i].span = length;
      }
      level = lvl;
    }
    HashAdd(x = Node::New(lvl, score, m));
    for (int i = 0; i < lvl; ++i) {
      x->lv()[i].forward = update[i]->lv()[i].forward;
      update[i]->lv()[i].forward = x;
      x->lv()[i].span = update[i]->lv()[i].span - (rank[0] - rank[i]);
      update[i]->lv()[i].span = (rank[0] - rank[i]) + 1;
    }
    for (int i = lvl; i < level; ++i) update[i]->lv()[i].span++;
    x->backward = update[0] == header ? nullptr : update[0];
    if (x->lv()[0].forward != nullptr) {
      x->lv()[0].forward->backward = x;
    } else {
      tail = x;
    }
    ++length;
    return x;
  }

  // Unlinks x given the rightmost node before it on each level (zslDeleteNode); frees it.
  void DeleteNode(Node* x, Node** update) {
    for (int i = 0; i < level; ++i) {
      if (update[i]->lv()[i].forward == x) {
        update[i]->lv()[i].span += x->lv()[i].span - 1;
        update[i]->lv()[i].forward = x->lv()[i].forward;
      } else {
        update[i]->lv()[i].span -= 1;
      }
    }
    if (x->lv()[0].forward != nullptr) {
      x->lv()[0].forward->backward = x->backward;
    } else {
      tail = x->backward;
    }
    while (level > 1 && header->lv()[level - 1].forward == nullptr) --level;
    --length;
    HashRemove(x);
    std::free(x);
  }

  void Delete(Node* target) {
    Node* update[kMaxLevel];
    Node* x = header;
    for (int i = level - 1; i >= 0; --i) {
      while (x->lv()[i].forward != nullptr && x->lv()[i].forward != target &&
             Less(x->lv()[i].forward->score, x->lv()[i].forward->member(), target->score,
                  target->member())) {
        x = x->lv()[i].forward;
      }
      update[i] = x;
    }
    DeleteNode(target, update);
  }

  // 0-based rank of x.
  size_t RankOf(const Node* target) const {
    size_t rank = 0;
    Node* x = header;
    for (int i = level - 1; i >= 0; --i) {
      while (x->lv()[i].forward != nullptr &&
             (x->lv()[i].forward == target ||
              Less(x->lv()[i].forward->score, x->lv()[i].forward->member(), target->score,
                   target->member()))) {
        rank += x->lv()[i].span;
        x = x->lv()[i].forward;
        if (x == target) return rank - 1;
      }
    }
    return rank;  // not reached for a member of the list
  }

  // The node at 0-based rank r (< length).
  Node* AtRank(size_t r) const {
    size_t traversed = 0;
    Node* x = header;
    for (int i = level - 1; i >= 0; --i) {
      while (x->lv()[i].forward != nullptr && traversed + x->lv()[i].span <= r + 1) {
        traversed += x->lv()[i].span;
        x = x->lv()[i].forward;
      }
      if (traversed == r + 1) return x;
    }
    return nullptr;
  }

  // Number of leading nodes for which before(node) holds (a monotone predicate).
  template <typename Pred>
  size_t CountWhile(Pred before) const {
    size_t rank = 0;
    Node* x = header;
    for (int i = level - 1; i >= 0; --i) {
      while (x->lv()[i].forward != nullptr && before(x->lv()[i].forward)) {
        rank += x->lv()[i].span;
        x = x->lv()[i].forward;
      }
    }
    return rank;
  }

  size_t DeleteRanks(size_t start, size_t end) {
    Node* update[kMaxLevel];
    size_t traversed = 0;
    Node* x = header;
    for (int i = level - 1; i >= 0; --i) {
      while (x->lv()[i].forward != nullptr && traversed + x->lv()[i].span <= start) {
        traversed += x->lv()[i].span;
        x = x->lv()[i].forward;
      }
      update[i] = x;
    }
    size_t removed = 0;
    x = x->lv()[0].forward;
    while (x != nullptr && start + removed < end) {
      Node* next = x->lv()[0].forward;
      DeleteNode(x, update);
      ++removed;
      x = next;
    }
    return removed;
  }
};

// ---------------------------------------------------------------------------------------------

ZSetObject::ZSetObject(bool listpack) {
  if (listpack) {
    set_lp(listpack::New());
  } else {
    rep_ = reinterpret_cast<uintptr_t>(new Skiplist()) | kSkiplistTag;
  }
}

ZSetObject::~ZSetObject() {
  if (is_listpack()) {
    std::free(lp());
  } else {
    delete sl();
  }
}

Object* ZSetObject::Clone() const {
  if (is_listpack()) {
    auto* c = new ZSetObject(true);
    std::free(c->lp());
    c->set_lp(listpack::Copy(lp()));
    return c;
  }
  auto* c = new ZSetObject(false);
  for (Node* x = sl()->header->lv()[0].forward; x != nullptr; x = x->lv()[0].forward) {
    c->sl()->Insert(x->score, x->member());
  }
  return c;
}

size_t ZSetObject::MemoryUsage(size_t samples) const {
  size_t n = Allocated(this);
  if (is_listpack()) return n + Allocated(lp());
  const Skiplist* s = sl();
  n += Allocated(s) + Allocated(s->header) + Allocated(s->buckets);
  size_t nodes = 0, seen = 0;
  for (Node* x = s->header->lv()[0].forward; x != nullptr && (samples == 0 || seen < samples);
       x = x->lv()[0].forward, ++seen) {
    nodes += Allocated(x);
  }
  if (seen > 0 && seen < s->length) {
    nodes = static_cast<size_t>(static_cast<double>(nodes) / static_cast<double>(seen) *
                                static_cast<double>(s->length));
  }
  return n + nodes;
}

const char* ZSetObject::EncodingName() const { return is_listpack() ? "listpack" : "skiplist"; }

size_t ZSetObject::size() const { return is_listpack() ? listpack::Count(lp()) / 2 : sl()->length; }

const uint8_t* ZSetObject::LpFind(std::string_view member, double* score) const {
  const uint8_t* l = lp();
  for (const uint8_t* p = listpack::First(l); p != nullptr;) {
    const uint8_t* s = listpack::Next(l, p);
    if (listpack::Equals(p, member)) {
      if (score != nullptr) *score = LpScore(s);
      return p;
    }
    p = listpack::Next(l, s);
  }
  return nullptr;
}

void ZSetObject::LpInsert(std::string_view member, double score) {
  uint8_t* l = lp();
  size_t at = listpack::Bytes(l) - 1;  // EOF: append unless a greater element is found
  for (const uint8_t* p = listpack::First(l); p != nullptr;) {
    const uint8_t* s = listpack::Next(l, p);
    char scratch[listpack::kScratchSize];
    if (Less(score, member, LpScore(s), LpMember(p, scratch))) {
      at = static_cast<size_t>(p - l);
      break;
    }
    p = listpack::Next(l, s);
  }
  char buf[util::kMaxDoubleChars];
  // Redis's listpack stores "-0" as the integer 0: a listpack never holds a negative zero.
  size_t n = util::FormatDouble(score == 0 ? 0.0 : score, buf, sizeof(buf));
  l = listpack::Insert(l, at, member);
  l = listpack::Insert(l, at + listpack::EntrySize(member), std::string_view(buf, n));
  set_lp(l);
}

void ZSetObject::LpDeleteAt(const uint8_t* p) {
  uint8_t* l = lp();
  size_t at = static_cast<size_t>(p - l);
  size_t len = listpack::EntryLen(p);
  len += listpack::EntryLen(p + len);
  set_lp(listpack::DeleteRange(l, at, len, 2));
}

bool ZSetObject::Score(std::string_view member, double* score) const {
  if (is_listpack()) return LpFind(member, score) != nullptr;
  Node* n = sl()->Find(member);
  if (n == nullptr) return false;
  *score = n->score;
  return true;
}

void ZSetObject::ConvertToSkiplist() {
  if (!is_listpack()) return;
  auto* s = new Skiplist();
  uint8_t* l = lp();
  try {
    for (const uint8_t* p = listpack::First(l); p != nullptr;) {
      const uint8_t* sc = listpack::Next(l, p);
      char scratch[listpack::kScratchSize];
      s->Insert(LpScore(sc), LpMember(p, scratch));
      p = listpack::Next(l, sc);
    }
  } catch (...) {
    delete s;
    throw;
  }
  std::free(l);
  rep_ = reinterpret_cast<uintptr_t>(s) | kSkiplistTag;
}

bool ZSetObject::Add(std::string_view member, double score, int flags, const ZSetLimits& limits,
                     int* out, double* new_score) {
  const bool incr = flags & zadd::kIncr, nx = flags & zadd::kNx, xx = flags & zadd::kXx;
  const bool gt = flags & zadd::kGt, lt = flags & zadd::kLt;
  *out = 0;
  if (std::isnan(score)) {
    *out = zadd::kOutNan;
    return false;
  }
  double cur = 0;
  const uint8_t* lp_pos = nullptr;
  Node* node = nullptr;
  bool found;
  if (is_listpack()) {
    lp_pos = LpFind(member, &cur);
    found = lp_pos != nullptr;
  } else {
    node = sl()->Find(member);
    found = node != nullptr;
    if (found) cur = node->score;
  }
  if (found) {
    if (nx) {
      *out |= zadd::kOutNop;
      return true;
    }
    if (incr) {
      score += cur;
      if (std::isnan(score)) {
        *out |= zadd::kOutNan;
        return false;
      }
    }
    if ((lt && score >= cur) || (gt && score <= cur)) {
      *out |= zadd::kOutNop;
      return true;
    }
    *new_score = score;
    if (score != cur) {
      if (is_listpack()) {
        LpDeleteAt(lp_pos);
        LpInsert(member, score);
      } else {
        Node* prev = node->backward;
        Node* next = node->lv()[0].forward;
        if ((prev == nullptr || Less(prev->score, prev->member(), score, member)) &&
            (next == nullptr || Less(score, member, next->score, next->member()))) {
          node->score = score;  // the order is unchanged: update in place
        } else {
          std::string m(member);  // member may view into the node being freed
          sl()->Delete(node);
          sl()->Insert(score, m);
        }
      }
      *out |= zadd::kOutUpdated;
    }
    return true;
  }
  if (xx) {
    *out |= zadd::kOutNop;
    return true;
  }
  if (is_listpack() && (size() + 1 > static_cast<uint64_t>(limits.max_entries) ||
                        member.size() > static_cast<uint64_t>(limits.max_value))) {
    ConvertToSkiplist();
  }
  if (is_listpack()) {
    LpInsert(member, score);
  } else {
    sl()->Insert(score, member);
  }
  *new_score = score;
  *out |= zadd::kOutAdded;
  return true;
}

bool ZSetObject::Remove(std::string_view member) {
  if (is_listpack()) {
    const uint8_t* p = LpFind(member, nullptr);
    if (p == nullptr) return false;
    LpDeleteAt(p);
    return true;
  }
  Node* n = sl()->Find(member);
  if (n == nullptr) return false;
  sl()->Delete(n);
  return true;
}

bool ZSetObject::Rank(std::string_view member, size_t* rank) const {
  if (is_listpack()) {
    const uint8_t* l = lp();
    size_t r = 0;
    for (const uint8_t* p = listpack::First(l); p != nullptr; ++r) {
      if (listpack::Equals(p, member)) {
        *rank = r;
        return true;
      }
      p = listpack::Next(l, listpack::Next(l, p));
    }
    return false;
  }
  Node* n = sl()->Find(member);
  if (n == nullptr) return false;
  *rank = sl()->RankOf(n);
  return true;
}

size_t ZSetObject::CountScoreBelow(double v, bool or_equal) const {
  auto before = [&](double s) { return s < v || (or_equal && s == v); };
  if (!is_listpack()) return sl()->CountWhile([&](const Node* n) { return before(n->score); });
  const uint8_t* l = lp();
  size_t r = 0;
  for (const uint8_t* p = listpack::First(l); p != nullptr; ++r) {
    const uint8_t* s = listpack::Next(l, p);
    if (!before(LpScore(s))) break;
    p = listpack::Next(l, s);
  }
  return r;
}

size_t ZSetObject::CountLexBelow(std::string_view v, bool or_equal) const {
  auto before = [&](std::string_view m) {
    int c = CompareMembers(m, v);
    return c < 0 || (or_equal && c == 0);
  };
  if (!is_listpack()) return sl()->CountWhile([&](const Node* n) { return before(n->member()); });
  const uint8_t* l = lp();
  size_t r = 0;
  for (const uint8_t* p = listpack::First(l); p != nullptr; ++r) {
    char scratch[listpack::kScratchSize];
    if (!before(LpMember(p, scratch))) break;
    p = listpack::Next(l, listpack::Next(l, p));
  }
  return r;
}

void ZSetObject::Iterate(size_t start, bool reverse, const ElementFn& fn) const {
  if (start >= size()) return;
  if (is_listpack()) {
    const uint8_t* l = lp();
    const uint8_t* p = listpack::Seek(l, static_cast<uint32_t>(start * 2));
    while (p != nullptr) {
      const uint8_t* s = listpack::Next(l, p);
      char scratch[listpack::kScratchSize];
      if (!fn(LpMember(p, scratch), LpScore(s))) return;
      if (reverse) {
        const uint8_t* prev_score = listpack::Prev(l, p);
        p = prev_score == nullptr ? nullptr : listpack::Prev(l, prev_score);
      } else {
        p = listpack::Next(l, s);
      }
    }
    return;
  }
  for (Node* x = sl()->AtRank(start); x != nullptr;
       x = reverse ? x->backward : x->lv()[0].forward) {
    if (!fn(x->member(), x->score)) return;
  }
}

size_t ZSetObject::DeleteRanks(size_t start, size_t end) {
  size_t n = size();
  if (end > n) end = n;
  if (start >= end) return 0;
  if (!is_listpack()) return sl()->DeleteRanks(start, end);
  uint8_t* l = lp();
  const uint8_t* from = listpack::Seek(l, static_cast<uint32_t>(start * 2));
  const uint8_t* to =
      end == n ? l + listpack::Bytes(l) - 1 : listpack::Seek(l, static_cast<uint32_t>(end * 2));
  set_lp(listpack::DeleteRange(l, static_cast<size_t>(from - l), static_cast<size_t>(to - from),
                               static_cast<uint32_t>((end - start) * 2)));
  return end - start;
}

uint64_t ZSetObject::Scan(uint64_t cursor, const ElementFn& fn) const {
  if (is_listpack()) {
    ForEach(fn);
    return 0;
  }
  const Skiplist* s = sl();
  if (s->nbuckets == 0) return 0;
  // Redis's reverse-binary cursor: every element present for the whole scan is returned at
  // least once whatever resizes happen between calls.
  uint64_t mask = s->nbuckets - 1;
  for (Node* x = s->buckets[cursor & mask]; x != nullptr; x = x->hnext) fn(x->member(), x->score);
  cursor |= ~mask;
  cursor = Reverse64(cursor);
  ++cursor;
  return Reverse64(cursor);
}

}  // namespace redoubt::store
