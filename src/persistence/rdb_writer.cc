#include "persistence/rdb_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include "persistence/rdb_format.h"
#include "persistence/rdb_stream.h"
#include "store/evict.h"
#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/listpack.h"
#include "store/set_object.h"
#include "store/stream_object.h"
#include "store/zset_object.h"
#include "util/crc64.h"
#include "util/numbers.h"
#include "util/safe_file.h"

extern "C" {
#include <lzf.h>
}

namespace redoubt::persistence {
namespace {

void PutLe(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Builds a listpack from text elements (hash and set encodings, whose in-memory layout is not
// Redis's listpack). The caller frees it with free().
class LpBuilder {
 public:
  LpBuilder() : lp_(store::listpack::New()) {}
  ~LpBuilder() { std::free(lp_); }
  void Add(std::string_view v) { lp_ = store::listpack::Append(lp_, v); }
  std::string_view bytes() const {
    return {reinterpret_cast<const char*>(lp_), store::listpack::Bytes(lp_)};
  }

 private:
  uint8_t* lp_;
};

}  // namespace

void RdbOutput::Raw(const void* p, size_t n) {
  buf_.append(static_cast<const char*>(p), n);
  MaybeFlush();
}

void RdbOutput::Len(uint64_t n) {
  if (n < (1u << 6)) {
    Byte(static_cast<uint8_t>(n));
  } else if (n < (1u << 14)) {
    Byte(static_cast<uint8_t>(0x40 | (n >> 8)));
    Byte(static_cast<uint8_t>(n & 0xff));
  } else if (n <= UINT32_MAX) {
    Byte(rdb::kLen32);
    for (int i = 3; i >= 0; --i) Byte(static_cast<uint8_t>(n >> (8 * i)));
  } else {
    Byte(rdb::kLen64);
    for (int i = 7; i >= 0; --i) Byte(static_cast<uint8_t>(n >> (8 * i)));
  }
}

void RdbOutput::Int(int64_t v) {
  if (v >= INT8_MIN && v <= INT8_MAX) {
    Byte(0xC0 | rdb::kEncInt8);
    PutLe(buf_, static_cast<uint64_t>(v), 1);
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    Byte(0xC0 | rdb::kEncInt16);
    PutLe(buf_, static_cast<uint64_t>(v), 2);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    Byte(0xC0 | rdb::kEncInt32);
    PutLe(buf_, static_cast<uint64_t>(v), 4);
  } else {
    char digits[util::kMaxInt64Chars];
    size_t n = util::FormatInt64(v, digits);
    Len(n);
    Raw(digits, n);
    return;
  }
  MaybeFlush();
}

void RdbOutput::String(std::string_view s) {
  // Redis tries the integer encodings for strings of at most 11 characters that are the
  // canonical text of an integer fitting 32 bits.
  int64_t v;
  if (s.size() <= 11 && !s.empty() && util::ParseInt64(s, &v) && v >= INT32_MIN && v <= INT32_MAX) {
    return Int(v);
  }
  if (compress_ && s.size() > 20) {
    // Only worth it when it saves at least 4 bytes; lzf_compress returns 0 otherwise.
    lzf_scratch_.resize(s.size());
    unsigned int clen = lzf_compress(s.data(), static_cast<unsigned>(s.size()), lzf_scratch_.data(),
                                     static_cast<unsigned>(s.size() - 4));
    if (clen > 0 && s.size() <= UINT32_MAX) {
      Byte(0xC0 | rdb::kEncLzf);
      Len(clen);
      Len(s.size());
      Raw(lzf_scratch_.data(), clen);
      return;
    }
  }
  Len(s.size());
  Raw(s.data(), s.size());
}

uint8_t RdbOutput::TypeOf(const store::Entry& e) {
  switch (e.type) {
    case store::ValueType::kString:
      return rdb::kTypeString;
    case store::ValueType::kList:
      return rdb::kTypeListQuicklist2;
    case store::ValueType::kSet:
      return static_cast<const store::SetObject*>(e.object())->is_intset() ? rdb::kTypeSetIntset
                                                                           : rdb::kTypeSet;
    case store::ValueType::kHash:
      return static_cast<const store::HashObject*>(e.object())->compact() ? rdb::kTypeHashListpack
                                                                          : rdb::kTypeHash;
    case store::ValueType::kZSet:
      return static_cast<const store::ZSetObject*>(e.object())->is_listpack()
                 ? rdb::kTypeZSetListpack
                 : rdb::kTypeZSet2;
    case store::ValueType::kStream:
      return rdb::kTypeStreamListpacks2;
  }
  return rdb::kTypeString;
}

void RdbOutput::Value(const store::Entry& e) {
  switch (e.type) {
    case store::ValueType::kString: {
      if (e.encoding == store::Encoding::kInt) {
        int64_t v = e.int_value();
        if (v >= INT32_MIN && v <= INT32_MAX) return Int(v);
      }
      char scratch[24];
      return String(e.string_value(scratch));
    }
    case store::ValueType::kList:
      return ListValue(e);
    case store::ValueType::kSet:
      return SetValue(e);
    case store::ValueType::kHash:
      return HashValue(e);
    case store::ValueType::kZSet:
      return ZSetValue(e);
    case store::ValueType::kStream:
      return WriteStreamValue(*this, *static_cast<const store::StreamObject*>(e.object()));
  }
}

void RdbOutput::ListValue(const store::Entry& e) {
  // Quicklist 2: the node count, then each node as <container> <listpack string>. Our nodes
  // are Redis's listpacks already.
  const auto* list = static_cast<const store::ListObject*>(e.object());
  Len(list->node_count());
  for (uint32_t i = 0; i < list->node_count(); ++i) {
    const uint8_t* lp = list->node_listpack(i);
    Len(rdb::kContainerPacked);
    String({reinterpret_cast<const char*>(lp), store::listpack::Bytes(lp)});
  }
}

void RdbOutput::SetValue(const store::Entry& e) {
  const auto* set = static_cast<const store::SetObject*>(e.object());
  if (!set->is_intset()) {
    Len(set->size());
    set->ForEach([this](std::string_view m) { String(m); });
    return;
  }
  // Redis's intset: <encoding u32 LE> <length u32 LE> <ascending values, each `encoding` bytes>.
  std::vector<int64_t> values;
  values.reserve(set->size());
  set->ForEach([&values](std::string_view m) {
    int64_t v = 0;
    util::ParseInt64(m, &v);
    values.push_back(v);
  });
  std::sort(values.begin(), values.end());
  uint32_t width = 2;
  for (int64_t v : values) {
    if (v < INT32_MIN || v > INT32_MAX) {
      width = 8;
    } else if ((v < INT16_MIN || v > INT16_MAX) && width < 4) {
      width = 4;
    }
  }
  std::string blob;
  blob.reserve(8 + values.size() * width);
  PutLe(blob, width, 4);
  PutLe(blob, values.size(), 4);
  for (int64_t v : values) PutLe(blob, static_cast<uint64_t>(v), static_cast<int>(width));
  String(blob);
}

void RdbOutput::HashValue(const store::Entry& e) {
  const auto* hash = static_cast<const store::HashObject*>(e.object());
  if (hash->compact()) {
    LpBuilder lp;
    hash->ForEach([&lp](std::string_view f, std::string_view v) {
      lp.Add(f);
      lp.Add(v);
    });
    return String(lp.bytes());
  }
  Len(hash->size());
  hash->ForEach([this](std::string_view f, std::string_view v) {
    String(f);
    String(v);
  });
}

void RdbOutput::ZSetValue(const store::Entry& e) {
  const auto* zset = static_cast<const store::ZSetObject*>(e.object());
  if (zset->is_listpack()) {
    const uint8_t* lp = zset->listpack_bytes();
    return String({reinterpret_cast<const char*>(lp), store::listpack::Bytes(lp)});
  }
  // ZSET_2: members from the highest score down, as Redis writes them (loading then inserts
  // each at the head of the skiplist), each with its score as a binary double.
  Len(zset->size());
  zset->Iterate(zset->size() - 1, true, [this](std::string_view m, double score) {
    String(m);
    uint64_t bits;
    std::memcpy(&bits, &score, 8);
    PutLe(buf_, bits, 8);
    return true;
  });
}

bool RdbOutput::Flush() {
  if (fd_ < 0 || buf_.empty() || failed_) return !failed_;
  crc_ = util::Crc64(crc_, buf_.data(), buf_.size());
  size_t off = 0;
  while (off < buf_.size()) {
    ssize_t n = ::write(fd_, buf_.data() + off, buf_.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      failed_ = true;
      error_ = errno;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  written_ += buf_.size();
  buf_.clear();
  return true;
}

uint64_t RdbOutput::crc() const { return util::Crc64(crc_, buf_.data(), buf_.size()); }

namespace {

void Aux(RdbOutput& out, std::string_view key, std::string_view value) {
  out.Byte(rdb::kOpAux);
  out.String(key);
  out.String(value);
}

void AuxInt(RdbOutput& out, std::string_view key, int64_t value) {
  out.Byte(rdb::kOpAux);
  out.String(key);
  out.Int(value);
}

}  // namespace

util::Status WriteRdb(int fd, std::span<store::Db* const> dbs, const RdbSaveOptions& opts,
                      int64_t now_ms, uint64_t* keys) {
  RdbOutput out(fd, opts.compress);
  char magic[16];
  std::snprintf(magic, sizeof(magic), "REDIS%04d", rdb::kVersion);
  out.Raw(magic, 9);
  Aux(out, "redis-ver", opts.version);
  AuxInt(out, "redis-bits", 64);
  AuxInt(out, "ctime", now_ms / 1000);
  AuxInt(out, "used-mem", static_cast<int64_t>(opts.used_mem));
  if (!opts.repl_id.empty()) {
    AuxInt(out, "repl-stream-db", opts.repl_stream_db);
    Aux(out, "repl-id", opts.repl_id);
    AuxInt(out, "repl-offset", opts.repl_offset);
  }
  AuxInt(out, "aof-base", opts.aof_base ? 1 : 0);
  for (const std::string& code : opts.functions) {
    out.Byte(rdb::kOpFunction2);
    out.String(code);
  }
  uint64_t count = 0;
  for (store::Db* db : dbs) {
    if (db->size() == 0) continue;
    out.Byte(rdb::kOpSelectDb);
    out.Len(static_cast<uint64_t>(db->id()));
    out.Byte(rdb::kOpResizeDb);
    out.Len(db->size());
    out.Len(db->expires());
    db->table().ForEach([&](store::Entry* e) {
      if (e->has_expire()) {
        out.Byte(rdb::kOpExpireTimeMs);
        uint64_t when = static_cast<uint64_t>(e->expire_ms());
        char le[8];
        for (int i = 0; i < 8; ++i) le[i] = static_cast<char>((when >> (8 * i)) & 0xff);
        out.Raw(le, 8);
      }
      if (opts.access == RdbSaveOptions::AccessInfo::kIdle) {
        out.Byte(rdb::kOpIdle);
        out.Len(store::LruIdle(e->lru, opts.lru_clock));
      } else if (opts.access == RdbSaveOptions::AccessInfo::kFreq) {
        out.Byte(rdb::kOpFreq);
        out.Byte(store::LfuDecay(e->lru, store::LfuMinutes(now_ms), opts.lfu_decay_time));
      }
      out.Byte(RdbOutput::TypeOf(*e));
      out.String(e->key());
      out.Value(*e);
      ++count;
      if (opts.key_save_delay_us > 0) usleep(static_cast<useconds_t>(opts.key_save_delay_us));
    });
    if (out.failed()) break;
  }
  out.Byte(rdb::kOpEof);
  uint64_t crc = opts.checksum ? out.crc() : 0;
  char le[8];
  for (int i = 0; i < 8; ++i) le[i] = static_cast<char>((crc >> (8 * i)) & 0xff);
  out.Raw(le, 8);
  if (!out.Flush()) {
    return util::Status::Error(std::string("Write error saving DB on disk: ") +
                               std::strerror(out.error()));
  }
  if (keys != nullptr) *keys = count;
  return util::Status::Ok();
}

util::Status SaveRdbFile(const std::string& path, std::span<store::Db* const> dbs,
                         const RdbSaveOptions& opts, int64_t now_ms, uint64_t* keys) {
  util::StatusOr<util::TempFile> tmp = util::TempFile::Create(path, "temp-", ".rdb");
  if (!tmp.ok()) {
    return util::Status::Error("Failed opening the temp RDB file for saving: " +
                               tmp.status().message());
  }
  return SaveRdbFile(std::move(*tmp), path, dbs, opts, now_ms, keys);
}

util::Status SaveRdbFile(util::TempFile tmp, const std::string& path,
                         std::span<store::Db* const> dbs, const RdbSaveOptions& opts,
                         int64_t now_ms, uint64_t* keys) {
  util::Status st = WriteRdb(tmp.fd(), dbs, opts, now_ms, keys);
  if (!st.ok()) return st;  // the TempFile removes itself
  const std::string tmp_path = tmp.path();
  st = tmp.Commit(path, opts.fsync);
  if (!st.ok()) {
    return util::Status::Error("Error moving temp DB file " + tmp_path +
                               " on the final destination " + path + ": " + st.message());
  }
  return util::Status::Ok();
}

std::string FunctionsDumpPayload(const std::vector<std::string>& codes, bool compress) {
  RdbOutput out(-1, compress);
  for (const std::string& code : codes) {
    out.Byte(rdb::kOpFunction2);
    out.String(code);
  }
  out.Byte(static_cast<uint8_t>(rdb::kVersion & 0xff));
  out.Byte(static_cast<uint8_t>((rdb::kVersion >> 8) & 0xff));
  uint64_t crc = out.crc();
  std::string& b = out.buffer();
  PutLe(b, crc, 8);
  return std::move(b);
}

std::string DumpPayload(const store::Entry& e, bool compress) {
  RdbOutput out(-1, compress);
  out.Byte(RdbOutput::TypeOf(e));
  out.Value(e);
  out.Byte(static_cast<uint8_t>(rdb::kVersion & 0xff));
  out.Byte(static_cast<uint8_t>((rdb::kVersion >> 8) & 0xff));
  uint64_t crc = out.crc();
  std::string& b = out.buffer();
  PutLe(b, crc, 8);
  return std::move(b);
}

}  // namespace redoubt::persistence
