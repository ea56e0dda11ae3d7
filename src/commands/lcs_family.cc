// LCS: the longest common subsequence of two string keys (LEN, IDX, MINMATCHLEN,
// WITHMATCHLEN), computed by store/lcs.h. The string and IDX forms need a table of
// (len(a)+1) * (len(b)+1) cells; it is bounded (kMaxLcsTableBytes) so that two client-written
// strings cannot make the server allocate without limit. LEN alone needs linear memory.
#include <algorithm>
#include <cstdint>
#include <string>

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"
#include "store/lcs.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

using store::Entry;
using store::ValueType;

// 128 MB of table: two strings of ~5,800 bytes each. Redis bounds it by proto-max-bulk-len
// (512 MB by default); Redoubt by the smaller of the two.
constexpr uint64_t kMaxLcsTableBytes = uint64_t{128} << 20;

struct LcsOptions {
  bool len = false;
  bool idx = false;
  bool withmatchlen = false;
  int64_t minmatchlen = 0;
};

bool ParseLcsOptions(CommandContext& cx, LcsOptions* o) {
  for (size_t j = 3; j < cx.argc(); ++j) {
    std::string_view a = cx.args[j];
    if (util::EqualsIgnoreCase(a, "IDX")) {
      o->idx = true;
    } else if (util::EqualsIgnoreCase(a, "LEN")) {
      o->len = true;
    } else if (util::EqualsIgnoreCase(a, "WITHMATCHLEN")) {
      o->withmatchlen = true;
    } else if (util::EqualsIgnoreCase(a, "MINMATCHLEN") && j + 1 < cx.argc()) {
      if (!util::ParseInt64(cx.args[++j], &o->minmatchlen)) {
        cx.reply.Error(errors::kNotInteger);
        return false;
      }
      if (o->minmatchlen < 0) o->minmatchlen = 0;
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  if (o->idx && o->len) {
    cx.reply.Error("ERR If you want both the length and indexes, please just use IDX.");
    return false;
  }
  return true;
}

void ReplyMatches(CommandContext& cx, const store::LcsResult& r, bool withmatchlen) {
  cx.reply.Map(2);
  cx.reply.Bulk("matches");
  cx.reply.Array(static_cast<int64_t>(r.matches.size()));
  for (const store::LcsMatch& m : r.matches) {
    cx.reply.Array(withmatchlen ? 3 : 2);
    cx.reply.Array(2);
    cx.reply.Integer(m.a_start);
    cx.reply.Integer(m.a_end);
    cx.reply.Array(2);
    cx.reply.Integer(m.b_start);
    cx.reply.Integer(m.b_end);
    if (withmatchlen) cx.reply.Integer(m.len);
  }
  cx.reply.Bulk("len");
  cx.reply.Integer(r.len);
}

void Lcs(CommandContext& cx) {
  Entry* ea = cx.db().LookupRead(cx.args[1]);
  Entry* eb = cx.db().LookupRead(cx.args[2]);
  if ((ea != nullptr && ea->type != ValueType::kString) ||
      (eb != nullptr && eb->type != ValueType::kString)) {
    return cx.reply.Error("ERR The specified keys must contain string values");
  }
  LcsOptions o;
  if (!ParseLcsOptions(cx, &o)) return;
  char sa[24], sb[24];
  // Copies: the table walk must not depend on entries staying put.
  std::string a(ea == nullptr ? std::string_view() : ea->string_value(sa));
  std::string b(eb == nullptr ? std::string_view() : eb->string_value(sb));
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
    return cx.reply.Error("ERR String too long for LCS");
  }
  if (o.len) return cx.reply.Integer(store::LcsLength(a, b));
  uint64_t bytes = store::LcsTableBytes(a.size(), b.size());
  uint64_t limit = std::min<uint64_t>(kMaxLcsTableBytes, cx.server.cfg->proto_max_bulk_len);
  if (bytes > limit) {
    return cx.reply.Error(
        "ERR Insufficient memory, transient memory for LCS exceeds its limit (the smaller of "
        "128 MB and proto-max-bulk-len); LCS ... LEN has no such limit");
  }
  store::LcsResult r = store::Lcs(a, b, o.idx, static_cast<uint64_t>(o.minmatchlen));
  if (o.idx) return ReplyMatches(cx, r, o.withmatchlen);
  cx.reply.Bulk(r.lcs);
}

}  // namespace

void RegisterLcsFamily(CommandTable& t) {
  t.Register({
      {.name = "lcs",
       .arity = -3,
       .flags = flag::kReadonly,
       .categories = cat::kString,
       .keys = {{.flags = keyflag::kRO | keyflag::kAccess, .index = 1, .last_key = 1}},
       .handler = Lcs,
       .group = "string",
       .summary = "Find longest common substring",
       .since = "7.0.0"},
  });
}

}  // namespace redoubt::commands
