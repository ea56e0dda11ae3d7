#include "persistence/rdb_stream.h"

#include "persistence/rdb_writer.h"
#include "store/listpack.h"
#include "util/numbers.h"

namespace redoubt::persistence {

namespace {

using store::StreamId;

void RawId(RdbOutput& out, StreamId id) {
  char buf[16];
  id.Encode(buf);
  out.Raw(buf, 16);
}

void Millis(RdbOutput& out, int64_t ms) {
  char buf[8];
  auto u = static_cast<uint64_t>(ms);
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(u >> (8 * i));
  out.Raw(buf, 8);
}

bool AsInt(const std::string& s, int64_t* v) { return util::ParseInt64(s, v); }

}  // namespace

void WriteStreamValue(RdbOutput& out, const store::StreamObject& s) {
  out.Len(s.nodes().size());
  for (const auto& [master, lp] : s.nodes()) {
    char key[16];
    master.Encode(key);
    out.String(std::string_view(key, 16));
    out.String(std::string_view(reinterpret_cast<const char*>(lp), store::listpack::Bytes(lp)));
  }
  out.Len(s.length());
  out.Len(s.last_id().ms);
  out.Len(s.last_id().seq);
  out.Len(s.first_id().ms);
  out.Len(s.first_id().seq);
  out.Len(s.max_deleted_id().ms);
  out.Len(s.max_deleted_id().seq);
  out.Len(s.entries_added());
  out.Len(s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    out.String(name);
    out.Len(g->last_id.ms);
    out.Len(g->last_id.seq);
    out.Len(static_cast<uint64_t>(g->entries_read));
    out.Len(g->pel.size());
    for (const auto& [id, nack] : g->pel) {
      RawId(out, id);
      Millis(out, nack.delivery_time);
      out.Len(nack.delivery_count);
    }
    out.Len(g->consumers.size());
    for (const auto& [cname, c] : g->consumers) {
      out.String(cname);
      Millis(out, c->seen_time);
      out.Len(c->pel.size());
      for (StreamId id : c->pel) RawId(out, id);
    }
  }
}

std::string CheckStreamNode(StreamId master, const std::vector<std::string>& e,
                            const StreamId* prev, uint64_t* live, StreamId* last) {
  size_t i = 0;
  auto next_int = [&](int64_t* v) { return i < e.size() && AsInt(e[i++], v); };
  int64_t count, deleted, nmaster;
  if (!next_int(&count) || !next_int(&deleted) || !next_int(&nmaster)) {
    return "invalid stream node master entry";
  }
  if (count <= 0 || deleted < 0 || nmaster < 0 || static_cast<uint64_t>(nmaster) > e.size() - i) {
    return "invalid stream node master entry";
  }
  i += static_cast<size_t>(nmaster);
  if (prev != nullptr && !(master > *prev)) return "stream node master ID out of order";
  int64_t zero;
  if (!next_int(&zero) || zero != 0) return "invalid stream node master terminator";
  int64_t seen_live = 0, seen_deleted = 0;
  StreamId last_seen;
  bool any = false;
  while (i < e.size()) {
    int64_t flags, ms_diff, seq_diff, nfields, lp_count;
    if (!next_int(&flags) || flags < 0 || flags > 3) return "invalid stream entry flags";
    if (!next_int(&ms_diff) || !next_int(&seq_diff)) return "invalid stream entry ID";
    StreamId id{master.ms + static_cast<uint64_t>(ms_diff),
                master.seq + static_cast<uint64_t>(seq_diff)};
    bool same = flags & 2;
    if (same) {
      nfields = nmaster;
    } else if (!next_int(&nfields) || nfields < 0) {
      return "invalid stream entry field count";
    }
    uint64_t elems = static_cast<uint64_t>(nfields) * (same ? 1 : 2);
    if (elems > e.size() - i) return "stream entry runs past its node";
    i += static_cast<size_t>(elems);
    if (!next_int(&lp_count) || lp_count != nfields + (same ? 3 : nfields + 4)) {
      return "invalid stream entry lp-count";
    }
    if (id < master) return "stream entry ID below its node's master ID";
    if (any && !(id > last_seen)) return "stream entry IDs out of order";
    if (!any && prev != nullptr && !(id > *prev)) return "stream node IDs out of order";
    any = true;
    last_seen = id;
    (flags & 1) ? ++seen_deleted : ++seen_live;
  }
  if (!any) return "stream node without entries";
  if (seen_live != count || seen_deleted != deleted) return "stream node counts mismatch";
  *live = static_cast<uint64_t>(seen_live);
  *last = last_seen;
  return {};
}

bool StreamRewriteCommands(std::string_view key, const store::StreamObject& s,
                           const std::function<bool(const std::vector<std::string>&)>& emit) {
  std::string k(key);
  bool ok = true;
  s.Range({}, StreamId::Max(), false, 0, [&](const store::StreamEntryView& e) {
    std::vector<std::string> args = {"XADD", k, e.id.ToString()};
    args.insert(args.end(), e.fields.begin(), e.fields.end());
    ok = emit(args);
    return ok;
  });
  if (ok && s.length() == 0) {
    // An empty stream still exists: create it and drop the entry at once.
    ok = emit({"XADD", k, "MAXLEN", "0", "0-1", "x", "y"});
  }
  ok = ok &&
       emit({"XSETID", k, s.last_id().ToString(), "ENTRIESADDED", std::to_string(s.entries_added()),
             "MAXDELETEDID", s.max_deleted_id().ToString()});
  for (const auto& [name, g] : s.groups()) {
    if (!ok) break;
    ok = emit({"XGROUP", "CREATE", k, name, g->last_id.ToString(), "ENTRIESREAD",
               std::to_string(g->entries_read)});
    for (const auto& [id, nack] : g->pel) {
      if (!ok || nack.consumer == nullptr) continue;
      ok = emit({"XCLAIM", k, name, nack.consumer->name, "0", id.ToString(), "TIME",
                 std::to_string(nack.delivery_time), "RETRYCOUNT",
                 std::to_string(nack.delivery_count), "JUSTID", "FORCE"});
    }
    for (const auto& [cname, c] : g->consumers) {
      if (ok && c->pel.empty()) ok = emit({"XGROUP", "CREATECONSUMER", k, name, cname});
    }
  }
  return ok;
}

}  // namespace redoubt::persistence
