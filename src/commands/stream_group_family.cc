// Stream consumer-group commands: XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER,
// XACK, XPENDING, XCLAIM, XAUTOCLAIM and XINFO STREAM|GROUPS|CONSUMERS, as Redis 7.0.
#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>
#include <vector>

#include "commands/families.h"
#include "commands/stream_util.h"
#include "protocol/errors.h"
#include "runtime/blocking.h"
#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

using namespace stream;  // NOLINT: the family's own helpers
using store::StreamConsumer;
using store::StreamEntryView;
using store::StreamNack;
using util::EqualsIgnoreCase;

constexpr int kNotifyStream = config::notify::kStream;
constexpr std::string_view kEntriesReadRange = "ERR value for ENTRIESREAD must be positive or -1";

void ReplySubcommandSyntax(CommandContext& cx) {
  std::string head(cx.args[0]);
  for (char& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  cx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" +
                 std::string(cx.args[1].substr(0, 128)) + "'. Try " + head + " HELP.");
}

void ReplyHelp(CommandContext& cx, std::span<const std::string_view> lines) {
  std::string head(cx.args[0]);
  for (char& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  cx.reply.Array(static_cast<int64_t>(1 + lines.size()));
  cx.reply.SimpleString(head + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) cx.reply.SimpleString(line);
}

void Container(CommandContext& cx) { cx.reply.Error(errors::kSyntax); }

// ---- XGROUP ----

bool ParseEntriesRead(CommandContext& cx, std::string_view arg, int64_t* out) {
  if (!ParseLongLongOrReply(cx, arg, out)) return false;
  if (*out < 0 && *out != store::kInvalidEntriesRead) {
    cx.reply.Error(kEntriesReadRange);
    return false;
  }
  return true;
}

// The stream of an XGROUP subcommand: it must exist unless mkstream.
bool GroupStream(CommandContext& cx, bool mkstream, StreamObject** s) {
  if (!LookupStream(cx, cx.args[2], false, s)) return false;
  if (*s == nullptr && !mkstream) {
    cx.reply.Error(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want "
        "to use the MKSTREAM option to create an empty stream automatically.");
    return false;
  }
  return true;
}

// The stream and the named group (args[3]), which must both exist.
bool ExistingGroup(CommandContext& cx, StreamObject** s, StreamGroup** g) {
  if (!GroupStream(cx, false, s)) return false;
  *g = (*s)->FindGroup(cx.args[3]);
  if (*g == nullptr) {
    cx.reply.Error("NOGROUP No such consumer group '" + std::string(cx.args[3]) +
                   "' for key name '" + std::string(cx.args[2]) + "'");
    return false;
  }
  return true;
}

void XGroupCreate(CommandContext& cx) {
  bool mkstream = false;
  int64_t entries_read = store::kInvalidEntriesRead;
  for (size_t i = 5; i < cx.argc();) {
    if (EqualsIgnoreCase(cx.args[i], "mkstream")) {
      mkstream = true;
      ++i;
    } else if (EqualsIgnoreCase(cx.args[i], "entriesread") && i + 1 < cx.argc()) {
      if (!ParseEntriesRead(cx, cx.args[i + 1], &entries_read)) return;
      i += 2;
    } else {
      return ReplySubcommandSyntax(cx);
    }
  }
  StreamObject* s;
  if (!GroupStream(cx, mkstream, &s)) return;
  if (cx.argc() > 8) return ReplySubcommandSyntax(cx);
  StreamId id;
  if (cx.args[4] == "$") {
    id = s != nullptr ? s->last_id() : StreamId{};
  } else if (!ParseIdOrReply(cx, cx.args[4], 0, true, &id)) {
    return;
  }
  if (s == nullptr) {
    s = new StreamObject();
    cx.db().Add(store::NewObjectEntry(cx.args[2], store::ValueType::kStream, s, false));
  }
  if (s->CreateGroup(cx.args[3], id, entries_read) == nullptr) {
    return cx.reply.Error("BUSYGROUP Consumer Group name already exists");
  }
  cx.reply.Ok();
  ++cx.server.persistence.dirty;
  Notify(cx, kNotifyStream, "xgroup-create", cx.args[2]);
}

void XGroupSetId(CommandContext& cx) {
  StreamObject* s;
  StreamGroup* g;
  if (!ExistingGroup(cx, &s, &g)) return;
  if (cx.argc() != 5 && cx.argc() != 7) return ReplySubcommandSyntax(cx);
  StreamId id;
  if (cx.args[4] == "$") {
    id = s->last_id();
  } else if (!ParseIdOrReply(cx, cx.args[4], 0, false, &id)) {
    return;
  }
  int64_t entries_read = store::kInvalidEntriesRead;
  if (cx.argc() == 7) {
    if (!EqualsIgnoreCase(cx.args[5], "entriesread")) return ReplySubcommandSyntax(cx);
    if (!ParseEntriesRead(cx, cx.args[6], &entries_read)) return;
  }
  g->last_id = id;
  g->entries_read = entries_read;
  cx.reply.Ok();
  ++cx.server.persistence.dirty;
  Notify(cx, kNotifyStream, "xgroup-setid", cx.args[2]);
}

void XGroupDestroy(CommandContext& cx) {
  StreamObject* s;
  if (!GroupStream(cx, false, &s)) return;
  if (!s->DestroyGroup(cx.args[3])) return cx.reply.Integer(0);
  cx.reply.Integer(1);
  ++cx.server.persistence.dirty;
  Notify(cx, kNotifyStream, "xgroup-destroy", cx.args[2]);
  // Readers blocked on the group wake up to -NOGROUP.
  SignalKeyChanged(cx.server, cx.client.db_index, cx.args[2]);
}

void XGroupCreateConsumer(CommandContext& cx) {
  StreamObject* s;
  StreamGroup* g;
  if (!ExistingGroup(cx, &s, &g)) return;
  bool created;
  TouchConsumer(cx, cx.args[2], cx.args[3], *g, cx.args[4], &created);
  cx.server.persistence.propagate_as.clear();  // the command itself is what the AOF needs
  cx.reply.Integer(created ? 1 : 0);
}

void XGroupDelConsumer(CommandContext& cx) {
  StreamObject* s;
  StreamGroup* g;
  if (!ExistingGroup(cx, &s, &g)) return;
  if (g->FindConsumer(cx.args[4]) == nullptr) return cx.reply.Integer(0);
  int64_t pending = static_cast<int64_t>(g->DeleteConsumer(cx.args[4]));
  ++cx.server.persistence.dirty;
  Notify(cx, kNotifyStream, "xgroup-delconsumer", cx.args[2]);
  cx.reply.Integer(pending);
}

void XGroupHelp(CommandContext& cx) {
  static constexpr std::string_view kLines[] = {
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(cx, kLines);
}

// ---- XACK, XPENDING ----

// The stream and group of XACK/XPENDING/XCLAIM/XAUTOCLAIM (key args[1], group args[2]);
// *g stays nullptr when either is missing.
bool FindKeyGroup(CommandContext& cx, StreamObject** s, StreamGroup** g) {
  *g = nullptr;
  if (!LookupStream(cx, cx.args[1], true, s)) return false;
  if (*s != nullptr) *g = (*s)->FindGroup(cx.args[2]);
  return true;
}

void XAck(CommandContext& cx) {
  StreamObject* s;
  StreamGroup* g;
  if (!FindKeyGroup(cx, &s, &g)) return;
  if (g == nullptr) return cx.reply.Integer(0);
  std::vector<StreamId> ids(cx.argc() - 3);
  for (size_t j = 3; j < cx.argc(); ++j) {
    if (!ParseIdOrReply(cx, cx.args[j], 0, true, &ids[j - 3])) return;
  }
  int64_t acked = 0;
  for (StreamId id : ids) acked += g->Ack(id);
  cx.server.persistence.dirty += static_cast<uint64_t>(acked);
  cx.reply.Integer(acked);
}

void PendingSummary(CommandContext& cx, const StreamGroup& g) {
  cx.reply.Array(4);
  cx.reply.Integer(static_cast<int64_t>(g.pel.size()));
  if (g.pel.empty()) {
    cx.reply.Null();
    cx.reply.Null();
    return cx.reply.NullArray();
  }
  ReplyId(cx.reply, g.pel.begin()->first);
  ReplyId(cx.reply, g.pel.rbegin()->first);
  int64_t n = std::count_if(g.consumers.begin(), g.consumers.end(),
                            [](const auto& c) { return !c.second->pel.empty(); });
  cx.reply.Array(n);
  for (const auto& [name, c] : g.consumers) {
    if (c->pel.empty()) continue;
    cx.reply.Array(2);
    cx.reply.Bulk(name);
    cx.reply.Bulk(std::to_string(c->pel.size()));
  }
}

struct PendingRange {
  StreamId start, end;
  int64_t count = 0;
  int64_t min_idle = 0;
  std::string_view consumer;
  bool has_consumer = false;
};

bool ParsePendingRange(CommandContext& cx, PendingRange* p) {
  size_t at = 3;
  if (EqualsIgnoreCase(cx.args[3], "idle")) {
    if (!ParseLongLongOrReply(cx, cx.args[4], &p->min_idle)) return false;
    if (cx.argc() < 8) {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
    at += 2;
  }
  if (!ParseLongLongOrReply(cx, cx.args[at + 2], &p->count)) return false;
  if (p->count < 0) p->count = 0;
  bool ex;
  if (!ParseIntervalIdOrReply(cx, cx.args[at], 0, &p->start, &ex)) return false;
  if (ex && !p->start.Incr(&p->start)) {
    cx.reply.Error(kInvalidStart);
    return false;
  }
  if (!ParseIntervalIdOrReply(cx, cx.args[at + 1], UINT64_MAX, &p->end, &ex)) return false;
  if (ex && !p->end.Decr(&p->end)) {
    cx.reply.Error(kInvalidEnd);
    return false;
  }
  if (at + 3 < cx.argc()) {
    p->consumer = cx.args[at + 3];
    p->has_consumer = true;
  }
  return true;
}

void XPending(CommandContext& cx) {
  bool summary = cx.argc() == 3;
  if (!summary && (cx.argc() < 6 || cx.argc() > 9)) return cx.reply.Error(errors::kSyntax);
  PendingRange p;
  if (!summary && !ParsePendingRange(cx, &p)) return;
  StreamObject* s;
  StreamGroup* g;
  if (!FindKeyGroup(cx, &s, &g)) return;
  if (g == nullptr) return ReplyNoGroup(cx, cx.args[1], cx.args[2]);
  if (summary) return PendingSummary(cx, *g);
  const StreamConsumer* consumer = nullptr;
  if (p.has_consumer && (consumer = g->FindConsumer(p.consumer)) == nullptr) {
    return cx.reply.EmptyArray();
  }
  DeferredArray out(cx);
  int64_t n = 0;
  int64_t now = cx.now_ms();
  auto emit = [&](StreamId id, const StreamNack& nack) {
    if (p.min_idle > 0 && now - nack.delivery_time < p.min_idle) return;
    ++n;
    --p.count;
    protocol::ReplyBuilder& r = out.rb();
    r.Array(4);
    ReplyId(r, id);
    r.Bulk(nack.consumer->name);
    r.Integer(std::max<int64_t>(0, now - nack.delivery_time));
    r.Integer(static_cast<int64_t>(nack.delivery_count));
  };
  if (consumer != nullptr) {
    for (auto it = consumer->pel.lower_bound(p.start);
         p.count > 0 && it != consumer->pel.end() && *it <= p.end; ++it) {
      emit(*it, g->pel.at(*it));
    }
  } else {
    for (auto it = g->pel.lower_bound(p.start);
         p.count > 0 && it != g->pel.end() && it->first <= p.end; ++it) {
      emit(it->first, it->second);
    }
  }
  out.Flush(n);
}

// ---- XCLAIM, XAUTOCLAIM ----

struct ClaimOptions {
  int64_t min_idle = 0;
  int64_t retry_count = -1;
  int64_t delivery_time = -1;
  bool force = false;
  bool justid = false;
  StreamId last_id;
};

bool ParseClaimOptions(CommandContext& cx, size_t j, ClaimOptions* o) {
  int64_t now = cx.now_ms();
  for (; j < cx.argc(); ++j) {
    bool more = j + 1 < cx.argc();
    std::string_view opt = cx.args[j];
    if (EqualsIgnoreCase(opt, "force")) {
      o->force = true;
    } else if (EqualsIgnoreCase(opt, "justid")) {
      o->justid = true;
    } else if (EqualsIgnoreCase(opt, "idle") && more) {
      if (!ParseLongLongOrReply(cx, cx.args[++j], &o->delivery_time,
                                "Invalid IDLE option argument for XCLAIM")) {
        return false;
      }
      // Negative idle times would overflow; they end up as "now" like Redis's bogus values.
      o->delivery_time = o->delivery_time < 0 ? now : now - o->delivery_time;
    } else if (EqualsIgnoreCase(opt, "time") && more) {
      if (!ParseLongLongOrReply(cx, cx.args[++j], &o->delivery_time,
                                "Invalid TIME option argument for XCLAIM")) {
        return false;
      }
    } else if (EqualsIgnoreCase(opt, "retrycount") && more) {
      if (!ParseLongLongOrReply(cx, cx.args[++j], &o->retry_count,
                                "Invalid RETRYCOUNT option argument for XCLAIM")) {
        return false;
      }
    } else if (EqualsIgnoreCase(opt, "lastid") && more) {
      if (!ParseIdOrReply(cx, cx.args[++j], 0, true, &o->last_id)) return false;
    } else {
      cx.reply.Error("ERR Unrecognized XCLAIM option '" + std::string(opt) + "'");
      return false;
    }
  }
  if (o->delivery_time < 0 || o->delivery_time > now) o->delivery_time = now;
  return true;
}

// Drops a PEL entry whose stream entry is gone, feeding the change as Redis does.
void DropDeletedNack(CommandContext& cx, StreamGroup& g, StreamId id) {
  PropagateClaim(cx, cx.args[1], cx.args[2], g, id, g.pel.at(id));
  ++cx.server.persistence.dirty;
  g.Ack(id);
}

// Moves the pending entry to `consumer` and replies it (or its ID with JUSTID).
void ClaimOne(CommandContext& cx, StreamObject& s, StreamGroup& g, StreamId id,
              StreamConsumer* consumer, int64_t delivery_time, int64_t retry_count, bool justid,
              protocol::ReplyBuilder& r) {
  StreamNack& nack = g.pel.at(id);
  if (nack.consumer != consumer && nack.consumer != nullptr) nack.consumer->pel.erase(id);
  nack.delivery_time = delivery_time;
  if (retry_count >= 0) {
    nack.delivery_count = static_cast<uint64_t>(retry_count);
  } else if (!justid) {
    ++nack.delivery_count;
  }
  nack.consumer = consumer;
  consumer->pel.insert(id);
  if (justid) {
    ReplyId(r, id);
  } else {
    ReplyEntryById(r, s, id);
  }
  PropagateClaim(cx, cx.args[1], cx.args[2], g, id, nack);
  ++cx.server.persistence.dirty;
}

void XClaim(CommandContext& cx) {
  StreamObject* s;
  StreamGroup* g;
  if (!FindKeyGroup(cx, &s, &g)) return;
  if (g == nullptr) return ReplyNoGroup(cx, cx.args[1], cx.args[2]);
  ClaimOptions o;
  if (!ParseLongLongOrReply(cx, cx.args[4], &o.min_idle,
                            "Invalid min-idle-time argument for XCLAIM")) {
    return;
  }
  if (o.min_idle < 0) o.min_idle = 0;
  std::vector<StreamId> ids;
  size_t j = 5;
  for (StreamId id; j < cx.argc() && ParseId(cx.args[j], 0, true, &id); ++j) ids.push_back(id);
  if (!ParseClaimOptions(cx, j, &o)) return;
  bool propagate_last_id = false;
  if (o.last_id > g->last_id) {
    g->last_id = o.last_id;
    propagate_last_id = true;
  }
  int64_t now = cx.now_ms();
  StreamConsumer* consumer = nullptr;
  DeferredArray out(cx);
  int64_t n = 0;
  for (StreamId id : ids) {
    auto it = g->pel.find(id);
    if (!s->Contains(id)) {
      if (it != g->pel.end()) {
        DropDeletedNack(cx, *g, id);
        propagate_last_id = false;
      }
      continue;
    }
    if (o.force && it == g->pel.end()) it = g->pel.emplace(id, StreamNack{now, 1, nullptr}).first;
    if (it == g->pel.end()) continue;
    if (it->second.consumer != nullptr && o.min_idle > 0 &&
        now - it->second.delivery_time < o.min_idle) {
      continue;
    }
    if (consumer == nullptr) consumer = TouchConsumer(cx, cx.args[1], cx.args[2], *g, cx.args[3]);
    ClaimOne(cx, *s, *g, id, consumer, o.delivery_time, o.retry_count, o.justid, out.rb());
    ++n;
    propagate_last_id = false;
  }
  if (propagate_last_id) {
    PropagateGroupId(cx, cx.args[1], cx.args[2], *g);
    ++cx.server.persistence.dirty;
  }
  out.Flush(n);
}

void XAutoClaim(CommandContext& cx) {
  constexpr int64_t kAttemptsFactor = 10;
  int64_t min_idle, count = 100;
  bool justid = false;
  if (!ParseLongLongOrReply(cx, cx.args[4], &min_idle,
                            "Invalid min-idle-time argument for XAUTOCLAIM")) {
    return;
  }
  if (min_idle < 0) min_idle = 0;
  StreamId start;
  bool ex;
  if (!ParseIntervalIdOrReply(cx, cx.args[5], 0, &start, &ex)) return;
  if (ex && !start.Incr(&start)) return cx.reply.Error(kInvalidStart);
  for (size_t j = 6; j < cx.argc(); ++j) {
    if (EqualsIgnoreCase(cx.args[j], "count") && j + 1 < cx.argc()) {
      if (!util::ParseInt64(cx.args[j + 1], &count) || count < 1 || count > INT64_MAX / 16) {
        return cx.reply.Error("ERR COUNT must be > 0");
      }
      ++j;
    } else if (EqualsIgnoreCase(cx.args[j], "justid")) {
      justid = true;
    } else {
      return cx.reply.Error(errors::kSyntax);
    }
  }
  StreamObject* s;
  StreamGroup* g;
  if (!FindKeyGroup(cx, &s, &g)) return;
  if (g == nullptr) return ReplyNoGroup(cx, cx.args[1], cx.args[2]);
  int64_t attempts = count * kAttemptsFactor;
  int64_t now = cx.now_ms();
  StreamConsumer* consumer = nullptr;
  std::vector<StreamId> deleted;
  DeferredArray claimed(cx);
  int64_t n = 0;
  auto it = g->pel.lower_bound(start);
  while (attempts-- > 0 && count > 0 && it != g->pel.end()) {
    StreamId id = it->first;
    ++it;
    if (!s->Contains(id)) {
      DropDeletedNack(cx, *g, id);
      deleted.push_back(id);
      --count;
      continue;
    }
    if (min_idle > 0 && now - g->pel.at(id).delivery_time < min_idle) continue;
    if (consumer == nullptr) consumer = TouchConsumer(cx, cx.args[1], cx.args[2], *g, cx.args[3]);
    ClaimOne(cx, *s, *g, id, consumer, now, -1, justid, claimed.rb());
    ++n;
    --count;
  }
  cx.reply.Array(3);
  ReplyId(cx.reply, it == g->pel.end() ? StreamId{} : it->first);
  claimed.Flush(n);
  cx.reply.Array(static_cast<int64_t>(deleted.size()));
  for (StreamId id : deleted) ReplyId(cx.reply, id);
}

// ---- XINFO ----

void ReplyEntriesRead(protocol::ReplyBuilder& r, const StreamGroup& g) {
  if (g.entries_read != store::kInvalidEntriesRead) {
    r.Integer(g.entries_read);
  } else {
    r.Null();
  }
}

void ReplyLag(protocol::ReplyBuilder& r, const StreamObject& s, const StreamGroup& g) {
  int64_t lag;
  if (s.Lag(g, &lag)) {
    r.Integer(lag);
  } else {
    r.Null();
  }
}

// The fields XINFO STREAM starts with in both forms.
void ReplyStreamHeader(protocol::ReplyBuilder& r, const StreamObject& s) {
  auto nodes = static_cast<int64_t>(s.nodes().size());
  r.Bulk("length");
  r.Integer(static_cast<int64_t>(s.length()));
  r.Bulk("radix-tree-keys");
  r.Integer(nodes);
  r.Bulk("radix-tree-nodes");
  r.Integer(nodes + 1);
  r.Bulk("last-generated-id");
  ReplyId(r, s.last_id());
  r.Bulk("max-deleted-entry-id");
  ReplyId(r, s.max_deleted_id());
  r.Bulk("entries-added");
  r.Integer(static_cast<int64_t>(s.entries_added()));
  r.Bulk("recorded-first-entry-id");
  ReplyId(r, s.first_id());
}

void ReplyEdgeEntry(protocol::ReplyBuilder& r, const StreamObject& s, bool last) {
  size_t n = s.Range({}, StreamId::Max(), last, 1, [&](const StreamEntryView& e) {
    ReplyEntry(r, e);
    return false;
  });
  if (n == 0) r.Null();
}

void ReplyFullGroup(CommandContext& cx, const StreamObject& s, const std::string& name,
                    const StreamGroup& g, size_t count) {
  protocol::ReplyBuilder& r = cx.reply;
  r.Map(7);
  r.Bulk("name");
  r.Bulk(name);
  r.Bulk("last-delivered-id");
  ReplyId(r, g.last_id);
  r.Bulk("entries-read");
  ReplyEntriesRead(r, g);
  r.Bulk("lag");
  ReplyLag(r, s, g);
  r.Bulk("pel-count");
  r.Integer(static_cast<int64_t>(g.pel.size()));
  r.Bulk("pending");
  size_t pn = count == 0 ? g.pel.size() : std::min(count, g.pel.size());
  r.Array(static_cast<int64_t>(pn));
  auto it = g.pel.begin();
  for (size_t k = 0; k < pn; ++k, ++it) {
    r.Array(4);
    ReplyId(r, it->first);
    r.Bulk(it->second.consumer->name);
    r.Integer(it->second.delivery_time);
    r.Integer(static_cast<int64_t>(it->second.delivery_count));
  }
  r.Bulk("consumers");
  r.Array(static_cast<int64_t>(g.consumers.size()));
  for (const auto& [cname, c] : g.consumers) {
    r.Map(4);
    r.Bulk("name");
    r.Bulk(cname);
    r.Bulk("seen-time");
    r.Integer(c->seen_time);
    r.Bulk("pel-count");
    r.Integer(static_cast<int64_t>(c->pel.size()));
    r.Bulk("pending");
    size_t cn = count == 0 ? c->pel.size() : std::min(count, c->pel.size());
    r.Array(static_cast<int64_t>(cn));
    auto ci = c->pel.begin();
    for (size_t k = 0; k < cn; ++k, ++ci) {
      const StreamNack& nack = g.pel.at(*ci);
      r.Array(3);
      ReplyId(r, *ci);
      r.Integer(nack.delivery_time);
      r.Integer(static_cast<int64_t>(nack.delivery_count));
    }
  }
}

void XInfoStream(CommandContext& cx) {
  bool full = false;
  int64_t count = 10;
  if (cx.argc() > 3) {
    if (!EqualsIgnoreCase(cx.args[3], "full")) return ReplySubcommandSyntax(cx);
    full = true;
    if (cx.argc() > 4) {
      if (cx.argc() != 6 || !EqualsIgnoreCase(cx.args[4], "count")) {
        return ReplySubcommandSyntax(cx);
      }
      if (!ParseLongLongOrReply(cx, cx.args[5], &count)) return;
      if (count < 0) count = 0;
    }
  }
  StreamObject* s;
  if (!LookupStream(cx, cx.args[2], true, &s)) return;
  if (s == nullptr) return cx.reply.Error(errors::kNoSuchKey);
  protocol::ReplyBuilder& r = cx.reply;
  r.Map(full ? 9 : 10);
  ReplyStreamHeader(r, *s);
  if (!full) {
    r.Bulk("groups");
    r.Integer(static_cast<int64_t>(s->groups().size()));
    r.Bulk("first-entry");
    ReplyEdgeEntry(r, *s, false);
    r.Bulk("last-entry");
    return ReplyEdgeEntry(r, *s, true);
  }
  r.Bulk("entries");
  DeferredArray entries(cx);
  size_t n = s->Range({}, StreamId::Max(), false, static_cast<size_t>(count),
                      [&](const StreamEntryView& e) {
                        ReplyEntry(entries.rb(), e);
                        return true;
                      });
  entries.Flush(static_cast<int64_t>(n));
  r.Bulk("groups");
  r.Array(static_cast<int64_t>(s->groups().size()));
  for (const auto& [name, g] : s->groups()) {
    ReplyFullGroup(cx, *s, name, *g, static_cast<size_t>(count));
  }
}

void XInfoGroups(CommandContext& cx) {
  StreamObject* s;
  if (!LookupStream(cx, cx.args[2], true, &s)) return;
  if (s == nullptr) return cx.reply.Error(errors::kNoSuchKey);
  protocol::ReplyBuilder& r = cx.reply;
  r.Array(static_cast<int64_t>(s->groups().size()));
  for (const auto& [name, g] : s->groups()) {
    r.Map(6);
    r.Bulk("name");
    r.Bulk(name);
    r.Bulk("consumers");
    r.Integer(static_cast<int64_t>(g->consumers.size()));
    r.Bulk("pending");
    r.Integer(static_cast<int64_t>(g->pel.size()));
    r.Bulk("last-delivered-id");
    ReplyId(r, g->last_id);
    r.Bulk("entries-read");
    ReplyEntriesRead(r, *g);
    r.Bulk("lag");
    ReplyLag(r, *s, *g);
  }
}

void XInfoConsumers(CommandContext& cx) {
  StreamObject* s;
  if (!LookupStream(cx, cx.args[2], true, &s)) return;
  if (s == nullptr) return cx.reply.Error(errors::kNoSuchKey);
  StreamGroup* g = s->FindGroup(cx.args[3]);
  if (g == nullptr) {
    return cx.reply.Error("NOGROUP No such consumer group '" + std::string(cx.args[3]) +
                          "' for key name '" + std::string(cx.args[2]) + "'");
  }
  protocol::ReplyBuilder& r = cx.reply;
  r.Array(static_cast<int64_t>(g->consumers.size()));
  for (const auto& [name, c] : g->consumers) {
    r.Map(3);
    r.Bulk("name");
    r.Bulk(name);
    r.Bulk("pending");
    r.Integer(static_cast<int64_t>(c->pel.size()));
    r.Bulk("idle");
    r.Integer(std::max<int64_t>(0, cx.now_ms() - c->seen_time));
  }
}

void XInfoHelp(CommandContext& cx) {
  static constexpr std::string_view kLines[] = {
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(cx, kLines);
}

constexpr uint32_t kRwUpdate = keyflag::kRW | keyflag::kUpdate;
constexpr uint32_t kRwDelete = keyflag::kRW | keyflag::kDelete;
constexpr uint32_t kRwInsert = keyflag::kRW | keyflag::kInsert;
constexpr uint32_t kRoAccess = keyflag::kRO | keyflag::kAccess;

CommandSpec Row(const char* name, int arity, uint64_t flags, uint32_t key_flags, int key_index,
                Handler h, const char* summary, const char* since) {
  return {.name = name,
          .arity = arity,
          .flags = flags,
          .categories = cat::kStream,
          .keys = {{.flags = key_flags, .index = key_index}},
          .handler = h,
          .group = "stream",
          .summary = summary,
          .since = since};
}

CommandSpec HelpRow(Handler h) {
  return {.name = "help",
          .arity = 2,
          .flags = flag::kLoading | flag::kStale,
          .categories = cat::kStream,
          .handler = h,
          .group = "stream",
          .summary = "Show helpful text about the different subcommands",
          .since = "5.0.0"};
}

std::vector<CommandSpec> XGroupSubcommands() {
  const uint64_t w = flag::kWrite;
  return {
      Row("create", -5, w | flag::kDenyOom, kRwInsert, 2, XGroupCreate, "Create a consumer group.",
          "5.0.0"),
      Row("setid", -5, w, kRwUpdate, 2, XGroupSetId,
          "Set a consumer group to an arbitrary last "
          "delivered ID value.",
          "5.0.0"),
      Row("destroy", 4, w, kRwDelete, 2, XGroupDestroy, "Destroy a consumer group.", "5.0.0"),
      Row("createconsumer", 5, w | flag::kDenyOom, kRwInsert, 2, XGroupCreateConsumer,
          "Create a consumer in a consumer group.", "6.2.0"),
      Row("delconsumer", 5, w, kRwDelete, 2, XGroupDelConsumer,
          "Delete a consumer from a consumer group.", "5.0.0"),
      HelpRow(XGroupHelp),
  };
}

std::vector<CommandSpec> XInfoSubcommands() {
  const uint64_t ro = flag::kReadonly;
  return {
      Row("stream", -3, ro, kRoAccess, 2, XInfoStream, "Get information about a stream", "5.0.0"),
      Row("groups", 3, ro, kRoAccess, 2, XInfoGroups, "List the consumer groups of a stream",
          "5.0.0"),
      Row("consumers", 4, ro, kRoAccess, 2, XInfoConsumers,
          "List the consumers in a consumer group", "5.0.0"),
      HelpRow(XInfoHelp),
  };
}

}  // namespace

void RegisterStreamGroupFamily(CommandTable& t) {
  const uint64_t wf = flag::kWrite | flag::kFast;
  t.Register({
      Row("xack", -4, wf, kRwUpdate, 1, XAck,
          "Marks a pending message as correctly processed, effectively removing it from the "
          "pending entries list of the consumer group. Return value of the command is the "
          "number of messages successfully acknowledged, that is, the IDs we were actually "
          "able to resolve in the PEL.",
          "5.0.0"),
      Row("xpending", -3, flag::kReadonly, kRoAccess, 1, XPending,
          "Return information and entries from a stream consumer group pending entries list, "
          "that are messages fetched but never acknowledged.",
          "5.0.0"),
      Row("xclaim", -6, wf, kRwUpdate, 1, XClaim,
          "Changes (or acquires) ownership of a message in a consumer group, as if the message "
          "was delivered to the specified consumer.",
          "5.0.0"),
      Row("xautoclaim", -6, wf, kRwDelete, 1, XAutoClaim,
          "Changes (or acquires) ownership of messages in a consumer group, as if the messages "
          "were delivered to the specified consumer.",
          "6.2.0"),
      {.name = "xgroup",
       .arity = -2,
       .handler = Container,
       .subcommands = XGroupSubcommands(),
       .group = "stream",
       .summary = "A container for consumer groups commands",
       .since = "5.0.0"},
      {.name = "xinfo",
       .arity = -2,
       .handler = Container,
       .subcommands = XInfoSubcommands(),
       .group = "stream",
       .summary = "A container for stream introspection commands",
       .since = "5.0.0"},
  });
}

}  // namespace redoubt::commands
