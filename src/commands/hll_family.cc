// HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST over store/hll.h. An HLL
// is a plain string a client may have rewritten byte by byte, so every command validates the
// whole value (header and sparse opcodes) before using it, and answers Redis's errors.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "runtime/server_state.h"
#include "store/hll.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

namespace hll = store::hll;
using store::Db;
using store::Entry;
using store::ValueType;

constexpr std::string_view kNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kCorrupt = "INVALIDOBJ Corrupted HLL object detected";

// Loads the HLL at key into *out (false after replying an error). *found is false when the
// key does not exist (*out untouched).
bool LoadHll(CommandContext& cx, std::string_view key, bool read, std::string* out, bool* found) {
  Entry* e;
  if (!cx.LookupTyped(key, ValueType::kString, read, &e)) return false;
  *found = e != nullptr;
  if (e == nullptr) return true;
  char scratch[24];
  out->assign(e->string_value(scratch));
  switch (hll::Validate(*out)) {
    case hll::Check::kValid:
      return true;
    case hll::Check::kNotHll:
      cx.reply.Error(kNotHll);
      return false;
    case hll::Check::kCorrupt:
      break;
  }
  cx.reply.Error(kCorrupt);
  return false;
}

void StoreHll(CommandContext& cx, std::string_view key, const std::string& value) {
  cx.db().SetString(key, value, Db::kKeepTtl, /*try_int=*/false);
}

size_t SparseMax(const CommandContext& cx) {
  return static_cast<size_t>(cx.server.cfg->hll_sparse_max_bytes);
}

void PfAdd(CommandContext& cx) {
  std::string v;
  bool found;
  if (!LoadHll(cx, cx.args[1], false, &v, &found)) return;
  bool updated = !found;
  if (!found) v = hll::CreateEmpty();
  for (size_t j = 2; j < cx.argc(); ++j) updated |= hll::Add(&v, cx.args[j], SparseMax(cx));
  if (updated) {
    hll::InvalidateCache(v.data());
    StoreHll(cx, cx.args[1], v);
    Notify(cx, config::notify::kString, "pfadd", cx.args[1]);
  }
  cx.reply.Integer(updated ? 1 : 0);
}

void PfCount(CommandContext& cx) {
  if (cx.argc() == 2) {
    std::string v;
    bool found;
    if (!LoadHll(cx, cx.args[1], true, &v, &found)) return;
    if (!found) return cx.reply.Integer(0);
    uint64_t card;
    if (!hll::CachedCardinality(v, &card)) {
      card = hll::Count(v);
      hll::SetCachedCardinality(v.data(), card);
      StoreHll(cx, cx.args[1], v);  // as Redis: the cache write is a change (dirty, WATCH)
    }
    return cx.reply.Integer(static_cast<int64_t>(card));
  }
  std::vector<uint8_t> max(hll::kRegisters, 0);
  for (size_t j = 1; j < cx.argc(); ++j) {
    std::string v;
    bool found;
    if (!LoadHll(cx, cx.args[j], true, &v, &found)) return;
    if (found) hll::MergeInto(v, max.data());
  }
  cx.reply.Integer(static_cast<int64_t>(hll::CountRaw(max.data())));
}

void PfMerge(CommandContext& cx) {
  std::vector<uint8_t> max(hll::kRegisters, 0);
  bool use_dense = false;
  std::string dest;
  bool dest_found = false;
  for (size_t j = 1; j < cx.argc(); ++j) {
    std::string v;
    bool found;
    if (!LoadHll(cx, cx.args[j], true, &v, &found)) return;
    if (!found) continue;
    use_dense |= hll::Encoding(v) == hll::kDense;
    hll::MergeInto(v, max.data());
    if (j == 1) {
      dest = std::move(v);
      dest_found = true;
    }
  }
  if (!dest_found) dest = hll::CreateEmpty();
  if (use_dense) hll::ToDense(&dest);
  for (uint32_t i = 0; i < hll::kRegisters; ++i) {
    if (max[i] != 0) hll::Set(&dest, i, max[i], SparseMax(cx));
  }
  hll::InvalidateCache(dest.data());
  StoreHll(cx, cx.args[1], dest);
  Notify(cx, config::notify::kString, "pfadd", cx.args[1]);
  cx.reply.Ok();
}

void PfDebug(CommandContext& cx) {
  std::string_view key = cx.args[2];
  std::string v;
  bool found;
  if (!LoadHll(cx, key, false, &v, &found)) return;
  if (!found) return cx.reply.Error("ERR The specified key does not exist");
  std::string_view sub = cx.args[1];
  const bool sparse = hll::Encoding(v) == hll::kSparse;
  if (util::EqualsIgnoreCase(sub, "getreg")) {
    if (sparse) {
      hll::ToDense(&v);
      StoreHll(cx, key, v);
    }
    const auto* regs = reinterpret_cast<const uint8_t*>(v.data()) + hll::kHeaderSize;
    cx.reply.Array(hll::kRegisters);
    for (uint32_t i = 0; i < hll::kRegisters; ++i) cx.reply.Integer(hll::DenseGet(regs, i));
  } else if (util::EqualsIgnoreCase(sub, "decode")) {
    if (!sparse) return cx.reply.Error("ERR HLL encoding is not sparse");
    cx.reply.Bulk(hll::DecodeSparse(v));
  } else if (util::EqualsIgnoreCase(sub, "encoding")) {
    cx.reply.SimpleString(sparse ? "sparse" : "dense");
  } else if (util::EqualsIgnoreCase(sub, "todense")) {
    if (sparse) {
      hll::ToDense(&v);
      StoreHll(cx, key, v);
    }
    cx.reply.Integer(sparse ? 1 : 0);
  } else {
    std::string msg = "ERR Unknown PFDEBUG subcommand '";
    msg.append(sub).append("'");
    cx.reply.Error(msg);
  }
}

// A shorter self test than Redis's: dense registers round-trip, and sparse and dense updates
// of the same elements agree register for register.
void PfSelfTest(CommandContext& cx) {
  std::vector<uint8_t> regs(hll::kDenseSize - hll::kHeaderSize, 0);
  uint64_t seed = 0x9e3779b97f4a7c15ULL;
  std::vector<uint8_t> expect(hll::kRegisters);
  for (uint32_t i = 0; i < hll::kRegisters; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    expect[i] = static_cast<uint8_t>(seed >> 58);
    hll::DenseSet(regs.data(), i, expect[i]);
  }
  for (uint32_t i = 0; i < hll::kRegisters; ++i) {
    if (hll::DenseGet(regs.data(), i) != expect[i]) {
      return cx.reply.Error("TESTFAILED Register error at index " + std::to_string(i));
    }
  }
  std::string sparse = hll::CreateEmpty(), dense = hll::CreateEmpty();
  hll::ToDense(&dense);
  for (int i = 0; i < 5000; ++i) {
    std::string ele = "ele:" + std::to_string(i);
    hll::Add(&sparse, ele, 1 << 20);
    hll::Add(&dense, ele, 1 << 20);
  }
  hll::ToDense(&sparse);
  if (sparse.compare(hll::kHeaderSize, std::string::npos, dense, hll::kHeaderSize) != 0) {
    return cx.reply.Error("TESTFAILED sparse and dense representations differ");
  }
  cx.reply.Ok();
}

}  // namespace

void RegisterHllFamily(CommandTable& t) {
  const char* g = "hyperloglog";
  const uint64_t c = cat::kHyperLogLog;
  t.Register({
      {.name = "pfadd",
       .arity = -2,
       .flags = flag::kWrite | flag::kDenyOom | flag::kFast,
       .categories = c,
       .keys = {{.flags = keyflag::kRW | keyflag::kInsert, .index = 1}},
       .handler = PfAdd,
       .group = g,
       .summary = "Adds the specified elements to the specified HyperLogLog.",
       .since = "2.8.9"},
      {.name = "pfcount",
       .arity = -2,
       .flags = flag::kReadonly,
       .categories = c,
       .keys = {{.flags = keyflag::kRW | keyflag::kAccess, .index = 1, .last_key = -1}},
       .handler = PfCount,
       .group = g,
       .summary = "Return the approximated cardinality of the set(s) observed by the "
                  "HyperLogLog at key(s).",
       .since = "2.8.9"},
      {.name = "pfmerge",
       .arity = -2,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = c,
       .keys = {{.flags = keyflag::kRW | keyflag::kAccess | keyflag::kInsert, .index = 1},
                {.flags = keyflag::kRO | keyflag::kAccess, .index = 2, .last_key = -1}},
       .handler = PfMerge,
       .group = g,
       .summary = "Merge N different HyperLogLogs into a single one.",
       .since = "2.8.9"},
      {.name = "pfdebug",
       .arity = 3,
       .flags = flag::kWrite | flag::kDenyOom | flag::kAdmin,
       .categories = c,
       .keys = {{.flags = keyflag::kRW | keyflag::kAccess, .index = 2}},
       .handler = PfDebug,
       .group = g,
       .summary = "Internal commands for debugging HyperLogLog values",
       .since = "2.8.9"},
      {.name = "pfselftest",
       .arity = 1,
       .flags = flag::kAdmin,
       .categories = c,
       .handler = PfSelfTest,
       .group = g,
       .summary = "An internal command for testing HyperLogLog values",
       .since = "2.8.9"},
  });
}

}  // namespace redoubt::commands
