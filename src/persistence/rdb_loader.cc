#include "persistence/rdb_loader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "persistence/packed_blobs.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_stream.h"
#include "store/evict.h"
#include "store/list_object.h"
#include "store/set_object.h"
#include "store/stream_object.h"
#include "util/crc64.h"
#include "util/log.h"
#include "util/numbers.h"

extern "C" {
#include <lzf.h>
}

namespace redoubt::persistence {
namespace {

// Biggest string the loader accepts (Redis's proto-max-bulk-len ceiling is 512 MB by default;
// an RDB string beyond 4 GB is certainly corrupt here).
constexpr uint64_t kMaxString = uint64_t{4} << 30;

uint64_t Le(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

struct ObjectDeleter {
  void operator()(store::Object* o) const { delete o; }
};

// A cursor over the input with bounds checks; the first error sticks.
class Parser {
 public:
  Parser(std::span<const uint8_t> data, const RdbLoadOptions& opts) : data_(data), opts_(opts) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  const std::string& error() const { return error_; }
  size_t error_pos() const { return error_pos_; }
  bool empty_value() const { return empty_value_; }

  bool Fail(std::string why) {
    if (error_.empty()) {
      error_ = std::move(why);
      error_pos_ = pos_;
    }
    return false;
  }
  bool Need(uint64_t n) {
    if (n > remaining()) return Fail("unexpected end of input");
    return true;
  }
  bool Byte(uint8_t* b) {
    if (!Need(1)) return false;
    *b = data_[pos_++];
    return true;
  }
  bool Bytes(size_t n, const uint8_t** p) {
    if (!Need(n)) return false;
    *p = data_.data() + pos_;
    pos_ += n;
    return true;
  }
  // A length, or (when *encoded is set) a special string encoding in *len.
  bool Len(uint64_t* len, bool* encoded = nullptr) {
    uint8_t b;
    if (!Byte(&b)) return false;
    if (encoded) *encoded = false;
    switch (b >> 6) {
      case rdb::kLen6:
        *len = b & 0x3f;
        return true;
      case rdb::kLen14: {
        uint8_t c;
        if (!Byte(&c)) return false;
        *len = (uint64_t{b & 0x3fu} << 8) | c;
        return true;
      }
      case rdb::kEncVal:
        if (encoded == nullptr) return Fail("unexpected string encoding where a length belongs");
        *encoded = true;
        *len = b & 0x3f;
        return true;
      default:
        break;
    }
    const uint8_t* p;
    if (b == rdb::kLen32) {
      if (!Bytes(4, &p)) return false;
      *len = (uint64_t{p[0]} << 24) | (uint64_t{p[1]} << 16) | (uint64_t{p[2]} << 8) | p[3];
      return true;
    }
    if (b == rdb::kLen64) {
      if (!Bytes(8, &p)) return false;
      *len = 0;
      for (int i = 0; i < 8; ++i) *len = (*len << 8) | p[i];
      return true;
    }
    return Fail("unknown length encoding");
  }
  // A count of items each taking at least min_bytes: checked against the input left.
  bool Count(uint64_t* n, uint64_t min_bytes) {
    if (!Len(n)) return false;
    if (*n > remaining() / min_bytes) return Fail("collection length larger than the input");
    return true;
  }
  bool String(std::string* out) {
    uint64_t len;
    bool encoded;
    if (!Len(&len, &encoded)) return false;
    if (encoded) {
      const uint8_t* p;
      switch (len) {
        case rdb::kEncInt8:
        case rdb::kEncInt16:
        case rdb::kEncInt32: {
          int nb = 1 << len;
          if (!Bytes(static_cast<size_t>(nb), &p)) return false;
          uint64_t u = Le(p, nb);
          uint64_t sign = uint64_t{1} << (nb * 8 - 1);
          int64_t v = static_cast<int64_t>((u ^ sign) - sign);
          char buf[util::kMaxInt64Chars];
          out->assign(buf, util::FormatInt64(v, buf));
          return true;
        }
        case rdb::kEncLzf: {
          uint64_t clen, ulen;
          if (!Len(&clen) || !Len(&ulen)) return false;
          if (!Need(clen)) return false;
          // LZF expands at most ~100x; anything claiming more is corrupt.
          if (ulen == 0 || ulen > kMaxString || ulen > clen * 128 + 64) {
            return Fail("invalid LZF lengths");
          }
          if (!Bytes(clen, &p)) return false;
          out->resize(ulen);
          unsigned int got = lzf_decompress(p, static_cast<unsigned>(clen), out->data(),
                                            static_cast<unsigned>(ulen));
          if (got != ulen) return Fail("invalid LZF compressed string");
          return true;
        }
        default:
          return Fail("unknown string encoding");
      }
    }
    if (len > kMaxString) return Fail("string too long");
    const uint8_t* p;
    if (!Bytes(len, &p)) return false;
    out->assign(reinterpret_cast<const char*>(p), len);
    return true;
  }
  bool StringDouble(double* out) {
    uint8_t len;
    if (!Byte(&len)) return false;
    if (len == 253) return Fail("sorted set with a NaN score");
    if (len == 254) {
      *out = INFINITY;
      return true;
    }
    if (len == 255) {
      *out = -INFINITY;
      return true;
    }
    const uint8_t* p;
    if (!Bytes(len, &p)) return false;
    char buf[256];
    std::memcpy(buf, p, len);
    buf[len] = '\0';
    char* end;
    *out = std::strtod(buf, &end);
    if (len == 0 || end != buf + len) return Fail("invalid sorted set score");
    return true;
  }
  bool BinaryDouble(double* out) {
    const uint8_t* p;
    if (!Bytes(8, &p)) return false;
    uint64_t bits = Le(p, 8);
    std::memcpy(out, &bits, 8);
    return true;
  }

  // The value of type `type` under key, as a new entry; nullptr with no error for an empty
  // collection (skipped as Redis does).
  store::Entry* Value(uint8_t type, std::string_view key, bool with_expire);

 private:
  using ObjPtr = std::unique_ptr<store::Object, ObjectDeleter>;
  store::Entry* Finish(std::string_view key, store::ValueType type, ObjPtr obj, size_t n,
                       bool with_expire) {
    if (n == 0) {
      empty_value_ = true;
      return nullptr;
    }
    return store::NewObjectEntry(key, type, obj.release(), with_expire);
  }
  bool Blob(std::string* s, const char* what) {
    if (!String(s)) return false;
    if (s->empty()) return Fail(std::string("empty ") + what);
    return true;
  }
  store::Entry* List(uint8_t type, std::string_view key, bool with_expire);
  store::Entry* Set(uint8_t type, std::string_view key, bool with_expire);
  store::Entry* Hash(uint8_t type, std::string_view key, bool with_expire);
  store::Entry* ZSet(uint8_t type, std::string_view key, bool with_expire);
  store::Entry* Stream(uint8_t type, std::string_view key, bool with_expire);
  bool StreamNodes(store::StreamObject* s);
  bool StreamGroups(uint8_t type, store::StreamObject* s);
  bool Id(store::StreamId* id) { return Len(&id->ms) && Len(&id->seq); }
  bool RawId(store::StreamId* id) {
    const uint8_t* p;
    if (!Bytes(16, &p)) return false;
    *id = store::StreamId::Decode(reinterpret_cast<const char*>(p));
    return true;
  }
  bool Millis(int64_t* ms) {
    const uint8_t* p;
    if (!Bytes(8, &p)) return false;
    *ms = static_cast<int64_t>(Le(p, 8));
    return true;
  }

  std::span<const uint8_t> data_;
  const RdbLoadOptions& opts_;
  size_t pos_ = 0;
  std::string error_;
  size_t error_pos_ = 0;
  bool empty_value_ = false;
};

store::Entry* Parser::List(uint8_t type, std::string_view key, bool with_expire) {
  auto* list = new store::ListObject(opts_.list_fill);
  ObjPtr own(list);
  auto push = [list](std::string_view v) {
    list->PushBack(v);
    return true;
  };
  std::string s;
  uint64_t n;
  if (type == rdb::kTypeList) {
    if (!Count(&n, 1)) return nullptr;
    for (uint64_t i = 0; i < n; ++i) {
      if (!String(&s)) return nullptr;
      list->PushBack(s);
    }
  } else if (type == rdb::kTypeListZiplist) {
    if (!Blob(&s, "ziplist")) return nullptr;
    if (!ZiplistForEach(s, push)) return Fail("List ziplist integrity check failed"), nullptr;
  } else {
    if (!Count(&n, 2)) return nullptr;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t container = rdb::kContainerPacked;
      if (type == rdb::kTypeListQuicklist2) {
        if (!Len(&container)) return nullptr;
        if (container != rdb::kContainerPacked && container != rdb::kContainerPlain) {
          return Fail("Quicklist integrity check failed"), nullptr;
        }
      }
      if (!String(&s)) return nullptr;
      if (container == rdb::kContainerPlain) {
        list->PushBack(s);
        continue;
      }
      bool ok =
          type == rdb::kTypeListQuicklist2 ? ListpackForEach(s, push) : ZiplistForEach(s, push);
      if (!ok) return Fail("Quicklist integrity check failed"), nullptr;
    }
  }
  size_t size = list->size();
  return Finish(key, store::ValueType::kList, std::move(own), size, with_expire);
}

store::Entry* Parser::Set(uint8_t type, std::string_view key, bool with_expire) {
  auto* set = new store::SetObject(true);
  ObjPtr own(set);
  bool dup = false;
  auto add = [&](std::string_view m) {
    if (!set->Add(m, opts_.set_max_intset_entries)) dup = true;
    return !dup;
  };
  std::string s;
  if (type == rdb::kTypeSet) {
    uint64_t n;
    if (!Count(&n, 1)) return nullptr;
    for (uint64_t i = 0; i < n; ++i) {
      if (!String(&s)) return nullptr;
      if (!add(s)) return Fail("Duplicate set members detected"), nullptr;
    }
  } else {
    if (!Blob(&s, "intset")) return nullptr;
    bool ok = type == rdb::kTypeSetIntset ? IntsetForEach(s, add) : ListpackForEach(s, add);
    if (!ok) return Fail("Intset integrity check failed"), nullptr;
  }
  size_t size = set->size();
  return Finish(key, store::ValueType::kSet, std::move(own), size, with_expire);
}

store::Entry* Parser::Hash(uint8_t type, std::string_view key, bool with_expire) {
  auto* hash = new store::HashObject();
  ObjPtr own(hash);
  std::string field, value;
  if (type == rdb::kTypeHash) {
    uint64_t n;
    if (!Count(&n, 2)) return nullptr;
    for (uint64_t i = 0; i < n; ++i) {
      if (!String(&field) || !String(&value)) return nullptr;
      if (!hash->Set(field, value, opts_.hash))
        return Fail("Duplicate hash fields detected"), nullptr;
    }
  } else {
    std::string blob;
    if (!Blob(&blob, "hash blob")) return nullptr;
    bool have_field = false, dup = false;
    auto pair = [&](std::string_view v) {
      if (!have_field) {
        field.assign(v);
        have_field = true;
        return true;
      }
      have_field = false;
      if (!hash->Set(field, v, opts_.hash)) dup = true;
      return !dup;
    };
    bool ok = type == rdb::kTypeHashZipmap    ? ZipmapForEach(blob, pair)
              : type == rdb::kTypeHashZiplist ? ZiplistForEach(blob, pair)
                                              : ListpackForEach(blob, pair);
    if (!ok || have_field) {
      return Fail(type == rdb::kTypeHashZipmap    ? "Zipmap integrity check failed"
                  : type == rdb::kTypeHashZiplist ? "Hash ziplist integrity check failed"
                                                  : "Hash listpack integrity check failed"),
             nullptr;
    }
  }
  size_t size = hash->size();
  return Finish(key, store::ValueType::kHash, std::move(own), size, with_expire);
}

store::Entry* Parser::ZSet(uint8_t type, std::string_view key, bool with_expire) {
  std::string member, blob;
  uint64_t n = 0;
  if (type == rdb::kTypeZSet || type == rdb::kTypeZSet2) {
    if (!Count(&n, 2)) return nullptr;
  } else if (!Blob(&blob, "sorted set blob")) {
    return nullptr;
  }
  bool packed = type == rdb::kTypeZSetListpack || type == rdb::kTypeZSetZiplist ||
                n <= static_cast<uint64_t>(opts_.zset.max_entries);
  auto* zset = new store::ZSetObject(packed);
  ObjPtr own(zset);
  const char* bad = nullptr;
  auto add = [&](std::string_view m, double score) {
    if (std::isnan(score)) {
      bad = "sorted set with a NaN score";
      return false;
    }
    int out = 0;
    double ns;
    zset->Add(m, score, 0, opts_.zset, &out, &ns);
    if (!(out & store::zadd::kOutAdded)) {
      bad = "Duplicate zset fields detected";
      return false;
    }
    return true;
  };
  if (type == rdb::kTypeZSet || type == rdb::kTypeZSet2) {
    for (uint64_t i = 0; i < n; ++i) {
      double score;
      if (!String(&member)) return nullptr;
      if (!(type == rdb::kTypeZSet2 ? BinaryDouble(&score) : StringDouble(&score))) {
        return nullptr;
      }
      if (!add(member, score)) return Fail(bad), nullptr;
    }
  } else {
    bool have_member = false;
    auto pair = [&](std::string_view v) {
      if (!have_member) {
        member.assign(v);
        have_member = true;
        return true;
      }
      have_member = false;
      double score;
      if (!util::ParseDouble(v, &score)) {
        bad = "invalid sorted set score";
        return false;
      }
      return add(member, score);
    };
    bool ok =
        type == rdb::kTypeZSetZiplist ? ZiplistForEach(blob, pair) : ListpackForEach(blob, pair);
    if (!ok || have_member) {
      return Fail(type == rdb::kTypeZSetZiplist ? "Zset ziplist integrity check failed"
                                                : "Zset listpack integrity check failed"),
             nullptr;
    }
  }
  size_t size = zset->size();
  return Finish(key, store::ValueType::kZSet, std::move(own), size, with_expire);
}

// Every node is checked before it is trusted: the listpack's structure, then the stream node
// layout entry by entry (stream payloads are a known crash class in Redis).
bool Parser::StreamNodes(store::StreamObject* s) {
  uint64_t nodes;
  if (!Count(&nodes, 2)) return false;
  store::StreamId prev;
  bool have_prev = false;
  std::string key, blob;
  std::vector<std::string> elems;
  for (uint64_t i = 0; i < nodes; ++i) {
    if (!String(&key)) return false;
    if (key.size() != 16) return Fail("stream node key is not the size of a stream ID");
    if (!String(&blob)) return false;
    elems.clear();
    bool ok = ListpackForEach(blob, [&elems](std::string_view v) {
      elems.emplace_back(v);
      return true;
    });
    if (!ok) return Fail("invalid stream node listpack");
    if (elems.empty()) return Fail("empty listpack inside stream");
    store::StreamId master = store::StreamId::Decode(key.data());
    uint64_t live;
    store::StreamId last;
    std::string why = CheckStreamNode(master, elems, have_prev ? &prev : nullptr, &live, &last);
    if (!why.empty()) return Fail(why);
    auto* lp = static_cast<uint8_t*>(std::malloc(blob.size()));
    if (lp == nullptr) throw std::bad_alloc();
    std::memcpy(lp, blob.data(), blob.size());
    if (!s->AddLoadedNode(master, lp, live)) {
      std::free(lp);
      return Fail("duplicate stream node");
    }
    prev = last;
    have_prev = true;
  }
  return true;
}

bool Parser::StreamGroups(uint8_t type, store::StreamObject* s) {
  uint64_t ngroups;
  if (!Count(&ngroups, 4)) return false;
  std::string name;
  for (uint64_t i = 0; i < ngroups; ++i) {
    store::StreamId last;
    uint64_t entries_read;
    if (!String(&name) || !Id(&last)) return false;
    if (type == rdb::kTypeStreamListpacks2) {
      if (!Len(&entries_read)) return false;
    } else {
      entries_read = static_cast<uint64_t>(s->EstimateDistanceFromFirstEverEntry(last));
    }
    if (static_cast<int64_t>(entries_read) < store::kInvalidEntriesRead) {
      return Fail("invalid stream group entries-read");
    }
    store::StreamGroup* g = s->CreateGroup(name, last, static_cast<int64_t>(entries_read));
    if (g == nullptr) return Fail("duplicate stream consumer group name");
    uint64_t npel;
    if (!Count(&npel, 17)) return false;
    for (uint64_t k = 0; k < npel; ++k) {
      store::StreamId id;
      store::StreamNack nack;
      if (!RawId(&id) || !Millis(&nack.delivery_time) || !Len(&nack.delivery_count)) return false;
      if (nack.delivery_time < 0) return Fail("negative stream delivery time");
      if (!g->pel.emplace(id, nack).second) return Fail("duplicate stream PEL entry");
    }
    uint64_t nconsumers;
    if (!Count(&nconsumers, 10)) return false;
    for (uint64_t k = 0; k < nconsumers; ++k) {
      int64_t seen;
      uint64_t ncpel;
      if (!String(&name) || !Millis(&seen) || !Count(&ncpel, 16)) return false;
      if (seen < 0) return Fail("negative stream consumer seen-time");
      bool created;
      store::StreamConsumer* c = g->GetConsumer(name, seen, &created);
      if (!created) return Fail("duplicate stream consumer name");
      for (uint64_t m = 0; m < ncpel; ++m) {
        store::StreamId id;
        if (!RawId(&id)) return false;
        auto it = g->pel.find(id);
        if (it == g->pel.end()) return Fail("stream consumer PEL entry not in the group PEL");
        if (it->second.consumer != nullptr) return Fail("stream PEL entry owned twice");
        it->second.consumer = c;
        c->pel.insert(id);
      }
    }
    for (const auto& [id, nack] : g->pel) {
      if (nack.consumer == nullptr) return Fail("stream group PEL entry without a consumer");
    }
  }
  return true;
}

store::Entry* Parser::Stream(uint8_t type, std::string_view key, bool with_expire) {
  auto* s = new store::StreamObject();
  ObjPtr own(s);
  if (!StreamNodes(s)) return nullptr;
  uint64_t length;
  store::StreamId last_id, first_id, max_deleted;
  if (!Len(&length) || !Id(&last_id)) return nullptr;
  if (length != s->length()) return Fail("stream length inconsistent with its nodes"), nullptr;
  store::StreamId last_entry;
  s->Range({}, store::StreamId::Max(), true, 1, [&](const store::StreamEntryView& e) {
    last_entry = e.id;
    return false;
  });
  if (last_id < last_entry) return Fail("stream last ID below its last entry"), nullptr;
  s->set_last_id(last_id);
  if (type == rdb::kTypeStreamListpacks2) {
    uint64_t added;
    if (!Id(&first_id) || !Id(&max_deleted) || !Len(&added)) return nullptr;
    if (added < length || added > INT64_MAX) {
      return Fail("invalid stream entries-added"), nullptr;
    }
    s->set_first_id(first_id);
    s->set_max_deleted_id(max_deleted);
    s->set_entries_added(added);
  } else {
    s->RefreshFirstId();
    s->set_entries_added(length);
  }
  if (!StreamGroups(type, s)) return nullptr;
  return store::NewObjectEntry(key, store::ValueType::kStream, own.release(), with_expire);
}

store::Entry* Parser::Value(uint8_t type, std::string_view key, bool with_expire) {
  empty_value_ = false;
  switch (type) {
    case rdb::kTypeString: {
      std::string s;
      if (!String(&s)) return nullptr;
      return store::NewStringEntry(key, s, with_expire, true);
    }
    case rdb::kTypeList:
    case rdb::kTypeListZiplist:
    case rdb::kTypeListQuicklist:
    case rdb::kTypeListQuicklist2:
      return List(type, key, with_expire);
    case rdb::kTypeSet:
    case rdb::kTypeSetIntset:
      return Set(type, key, with_expire);
    case rdb::kTypeHash:
    case rdb::kTypeHashZipmap:
    case rdb::kTypeHashZiplist:
    case rdb::kTypeHashListpack:
      return Hash(type, key, with_expire);
    case rdb::kTypeZSet:
    case rdb::kTypeZSet2:
    case rdb::kTypeZSetZiplist:
    case rdb::kTypeZSetListpack:
      return ZSet(type, key, with_expire);
    case rdb::kTypeStreamListpacks:
    case rdb::kTypeStreamListpacks2:
      return Stream(type, key, with_expire);
    case rdb::kTypeModulePreGa:
    case rdb::kTypeModule2:
      return Fail("key '" + std::string(key.substr(0, 128)) +
                  "' holds a module type, which Redoubt does not support"),
             nullptr;
    default:
      return Fail("unknown value type " + std::to_string(type)), nullptr;
  }
}

std::string ErrorAt(const Parser& p) {
  return p.error() + " at offset " + std::to_string(p.error_pos());
}

}  // namespace

util::Status LoadRdb(std::span<const uint8_t> data, std::span<store::Db* const> dbs,
                     const RdbLoadOptions& opts, RdbLoadStats* stats) {
  Parser p(data, opts);
  const uint8_t* magic;
  if (!p.Bytes(9, &magic) || std::memcmp(magic, "REDIS", 5) != 0) {
    return util::Status::Error("Wrong signature trying to load DB from file");
  }
  int version = 0;
  for (int i = 5; i < 9; ++i) {
    if (magic[i] < '0' || magic[i] > '9') {
      return util::Status::Error("Wrong signature trying to load DB from file");
    }
    version = version * 10 + (magic[i] - '0');
  }
  if (version < 1 || version > rdb::kVersion) {
    return util::Status::Error("Can't handle RDB format version " + std::to_string(version));
  }
  stats->version = version;
  if (dbs.empty()) return util::Status::Error("no database to load into");
  store::Db* db = dbs[0];
  int64_t expire = -1;
  int64_t idle = -1;  // RDB_OPCODE_IDLE / RDB_OPCODE_FREQ of the next key, -1 when absent
  int64_t freq = -1;
  size_t last_progress = 0;
  std::string key;
  while (true) {
    uint8_t type;
    if (!p.Byte(&type)) return util::Status::Error(ErrorAt(p));
    const uint8_t* b;
    uint64_t n, m;
    switch (type) {
      case rdb::kOpExpireTime:
        if (!p.Bytes(4, &b)) return util::Status::Error(ErrorAt(p));
        expire = static_cast<int64_t>(Le(b, 4)) * 1000;
        continue;
      case rdb::kOpExpireTimeMs:
        if (!p.Bytes(8, &b)) return util::Status::Error(ErrorAt(p));
        expire = static_cast<int64_t>(Le(b, 8));
        continue;
      case rdb::kOpFreq:
        if (!p.Bytes(1, &b)) return util::Status::Error(ErrorAt(p));
        freq = b[0];
        continue;
      case rdb::kOpIdle:
        if (!p.Len(&n)) return util::Status::Error(ErrorAt(p));
        idle = static_cast<int64_t>(std::min<uint64_t>(n, INT64_MAX));
        continue;
      case rdb::kOpEof:
        break;
      case rdb::kOpSelectDb:
        if (!p.Len(&n)) return util::Status::Error(ErrorAt(p));
        if (n >= dbs.size()) {
          return util::Status::Error(
              "FATAL: Data file was created with a Redis server configured to handle more than " +
              std::to_string(dbs.size()) + " databases at offset " + std::to_string(p.pos()));
        }
        db = dbs[n];
        continue;
      case rdb::kOpResizeDb:
        if (!p.Len(&n) || !p.Len(&m)) return util::Status::Error(ErrorAt(p));
        continue;
      case rdb::kOpAux: {
        std::string k, v;
        if (!p.String(&k) || !p.String(&v)) return util::Status::Error(ErrorAt(p));
        if (k == "redis-ver") stats->redis_ver = v;
        if (k == "repl-id" && v.size() == 40) stats->repl_id = v;
        if (k == "repl-offset") stats->repl_offset = std::strtoll(v.c_str(), nullptr, 10);
        if (k == "repl-stream-db") {
          stats->repl_stream_db = static_cast<int>(std::strtol(v.c_str(), nullptr, 10));
        }
        continue;
      }
      case rdb::kOpModuleAux:
        p.Fail("the file holds module data (MODULE_AUX), which Redoubt does not support");
        return util::Status::Error(ErrorAt(p));
      case rdb::kOpFunction2: {
        std::string code, err;
        if (!p.String(&code)) return util::Status::Error(ErrorAt(p));
        if (opts.load_function) {
          if (!opts.load_function(code, &err)) {
            p.Fail("function library: " + err);
            return util::Status::Error(ErrorAt(p));
          }
          continue;
        }
        p.Fail("the file holds Redis functions, which this reader does not load");
        return util::Status::Error(ErrorAt(p));
      }
      case rdb::kOpFunctionPreGa:
        p.Fail("the file holds Redis functions, which Redoubt does not support");
        return util::Status::Error(ErrorAt(p));
      default: {
        if (!p.String(&key)) return util::Status::Error(ErrorAt(p));
        bool with_expire = expire != -1;
        store::Entry* e = p.Value(type, key, with_expire);
        if (e == nullptr) {
          if (!p.error().empty()) return util::Status::Error(ErrorAt(p));
          ++stats->empty_keys_skipped;  // an empty collection: skipped, as Redis does
          expire = idle = freq = -1;
          continue;
        }
        if (with_expire) e->set_expire_ms(expire);
        expire = -1;
        uint32_t lru = 0;
        bool has_lru = opts.access_clock != nullptr &&
                       store::LruFromAccessInfo(*opts.access_clock, idle, freq, &lru);
        idle = freq = -1;
        if (with_expire && opts.skip_expired && e->expire_ms() < opts.now_ms) {
          store::FreeEntry(e);
          ++stats->keys_expired;
          continue;
        }
        if (opts.replace_existing && db->table().Find(e->key()) != nullptr) {
          db->Delete(e->key());
        }
        if (db->table().Find(e->key()) != nullptr) {
          std::string k(e->key().substr(0, 128));
          store::FreeEntry(e);
          return util::Status::Error("duplicated key '" + k + "' at offset " +
                                     std::to_string(p.pos()));
        }
        db->AddLoaded(e);
        if (has_lru) e->lru = lru;  // after Add, which gives an entry with lru 0 a fresh one
        ++stats->keys_loaded;
        if (opts.key_load_delay_us > 0) usleep(static_cast<useconds_t>(opts.key_load_delay_us));
        if (opts.progress && p.pos() - last_progress >= opts.progress_interval_bytes) {
          last_progress = p.pos();
          opts.progress(p.pos(), data.size());
        }
        continue;
      }
    }
    break;  // EOF
  }
  if (version >= 5) {
    size_t covered = p.pos();
    const uint8_t* b;
    if (!p.Bytes(8, &b)) return util::Status::Error(ErrorAt(p));
    uint64_t stored = Le(b, 8);
    if (opts.verify_checksum) {
      if (stored == 0) {
        return util::Status::Error(
            "RDB file has no checksum (zero trailer): refusing an unverifiable file (set "
            "rdbchecksum no to load it)");
      }
      uint64_t crc = util::Crc64(0, data.data(), covered);
      if (crc != stored) {
        return util::Status::Error("Wrong RDB checksum: the file is corrupt (trailer at offset " +
                                   std::to_string(covered) + ")");
      }
    }
  }
  stats->bytes = p.pos();
  return util::Status::Ok();
}

util::Status LoadRdbFile(const std::string& path, std::span<store::Db* const> dbs,
                         const RdbLoadOptions& opts, RdbLoadStats* stats) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return util::Status::Error(path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return util::Status::Error(path + ": " + std::strerror(err));
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return util::Status::Error(path + ": empty file (Wrong signature trying to load DB from file)");
  }
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return util::Status::Error(path + ": mmap: " + std::strerror(errno));
  ::madvise(map, size, MADV_SEQUENTIAL);
  util::Status s = LoadRdb({static_cast<const uint8_t*>(map), size}, dbs, opts, stats);
  ::munmap(map, size);
  if (!s.ok()) return util::Status::Error(path + ": " + s.message());
  return s;
}

util::StatusOr<std::vector<std::string>> DecodeFunctionsPayload(std::string_view payload) {
  const util::Status kBadVersion =
      util::Status::Error("ERR DUMP payload version or checksum are wrong");
  if (payload.size() < 10) return kBadVersion;
  const auto* p = reinterpret_cast<const uint8_t*>(payload.data());
  size_t body = payload.size() - 10;
  uint64_t version = Le(p + body, 2);
  if (version > static_cast<uint64_t>(rdb::kVersion)) return kBadVersion;
  if (util::Crc64(0, p, body + 2) != Le(p + body + 2, 8)) return kBadVersion;
  RdbLoadOptions opts;
  Parser parser({p, body}, opts);
  std::vector<std::string> codes;
  while (parser.remaining() != 0) {
    uint8_t type = 0;
    std::string code;
    if (!parser.Byte(&type) || type != rdb::kOpFunction2 || !parser.String(&code)) {
      return util::Status::Error("ERR given type is not a function");
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

util::StatusOr<store::Entry*> DecodeDumpPayload(std::string_view key, std::string_view payload,
                                                bool with_expire, const RdbLoadOptions& opts) {
  const util::Status kBadVersion =
      util::Status::Error("ERR DUMP payload version or checksum are wrong");
  if (payload.size() < 10) return kBadVersion;
  const auto* p = reinterpret_cast<const uint8_t*>(payload.data());
  size_t body = payload.size() - 10;
  uint64_t version = Le(p + body, 2);
  if (version > static_cast<uint64_t>(rdb::kVersion)) return kBadVersion;
  if (util::Crc64(0, p, body + 2) != Le(p + body + 2, 8)) return kBadVersion;
  Parser parser({p, body}, opts);
  uint8_t type;
  store::Entry* e = nullptr;
  if (parser.Byte(&type)) e = parser.Value(type, key, with_expire);
  if (e == nullptr || parser.remaining() != 0) {
    if (e != nullptr) store::FreeEntry(e);
    // Redis logs the reason at verbose level in a RESTORE context ("... integrity check
    // failed"); the client only sees "Bad data format".
    LOG_VERBOSE("RESTORE payload refused: %s", e == nullptr && !parser.error().empty()
                                                   ? ErrorAt(parser).c_str()
                                                   : "an empty or incomplete value");
    return util::Status::Error("ERR Bad data format");
  }
  return e;
}

}  // namespace redoubt::persistence
