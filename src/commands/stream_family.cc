// Stream commands on entries: XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID, and the
// readers XREAD / XREADGROUP (blocking through blocking.h, the family's one coupling to the
// engine's blocking machinery). Groups and the PEL are in stream_group_family.cc.
#include <algorithm>
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
using store::StreamEntryView;
using util::EqualsIgnoreCase;

constexpr int kNotifyStream = config::notify::kStream;
// Redis's XREAD_BLOCKED_DEFAULT_COUNT: a woken reader without COUNT gets at most this many.
constexpr int64_t kBlockedDefaultCount = 1000;

store::StreamLimits Limits(const CommandContext& cx) {
  return {.node_max_bytes = cx.server.cfg->stream_node_max_bytes,
          .node_max_entries = cx.server.cfg->stream_node_max_entries};
}

// The last live entry's ID (0-0 when empty): what XSETID and XREAD compare with.
StreamId LastEntryId(const StreamObject& s) {
  StreamId id;
  s.Range({}, StreamId::Max(), true, 1, [&](const StreamEntryView& e) {
    id = e.id;
    return false;
  });
  return id;
}

// XADD / XTRIM options (Redis's streamAddTrimArgs).
struct AddTrimArgs {
  enum class Trim { kNone, kMaxLen, kMinId } trim = Trim::kNone;
  bool approx = false;
  int64_t maxlen = 0;
  StreamId minid;
  int64_t limit = 0;
  bool nomkstream = false;
  bool id_given = false;
  bool seq_given = true;
  StreamId id;
};

// Parses the trim threshold after MAXLEN/MINID at args[*i + 1] (with an optional = or ~).
bool ParseTrimThreshold(CommandContext& cx, size_t* i, bool maxlen, AddTrimArgs* a) {
  size_t more = cx.argc() - 1 - *i;
  std::string_view next = cx.args[*i + 1];
  if (next == "~" && more >= 2) {
    a->approx = true;
    ++*i;
  } else if (next == "=" && more >= 2) {
    ++*i;
  }
  std::string_view v = cx.args[*i + 1];
  if (maxlen) {
    if (!ParseLongLongOrReply(cx, v, &a->maxlen)) return false;
    if (a->maxlen < 0) {
      cx.reply.Error("ERR The MAXLEN argument must be >= 0.");
      return false;
    }
    a->trim = AddTrimArgs::Trim::kMaxLen;
  } else {
    if (!ParseIdOrReply(cx, v, 0, true, &a->minid)) return false;
    a->trim = AddTrimArgs::Trim::kMinId;
  }
  ++*i;
  return true;
}

// Returns the index of XADD's ID argument (argc for XTRIM), or 0 after replying an error.
size_t ParseAddTrim(CommandContext& cx, bool xadd, AddTrimArgs* a) {
  bool limit_given = false;
  size_t i = 2;
  for (; i < cx.argc(); ++i) {
    size_t more = cx.argc() - 1 - i;
    std::string_view opt = cx.args[i];
    if (xadd && opt == "*") {
      break;
    } else if (EqualsIgnoreCase(opt, "maxlen") && more > 0) {
      if (!ParseTrimThreshold(cx, &i, true, a)) return 0;
    } else if (EqualsIgnoreCase(opt, "minid") && more > 0) {
      if (!ParseTrimThreshold(cx, &i, false, a)) return 0;
    } else if (EqualsIgnoreCase(opt, "limit") && more > 0) {
      if (!ParseLongLongOrReply(cx, cx.args[i + 1], &a->limit)) return 0;
      if (a->limit < 0) {
        cx.reply.Error("ERR The LIMIT argument must be >= 0.");
        return 0;
      }
      limit_given = true;
      ++i;
    } else if (xadd && EqualsIgnoreCase(opt, "nomkstream")) {
      a->nomkstream = true;
    } else if (xadd) {
      if (!ParseIdOrReply(cx, opt, 0, true, &a->id, &a->seq_given)) return 0;
      a->id_given = true;
      break;
    } else {
      cx.reply.Error(errors::kSyntax);
      return 0;
    }
  }
  if (a->limit > 0 && a->trim == AddTrimArgs::Trim::kNone) {
    cx.reply.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return 0;
  }
  if (!xadd && a->trim == AddTrimArgs::Trim::kNone) {
    cx.reply.Error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return 0;
  }
  if (limit_given && !a->approx) {
    cx.reply.Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
    return 0;
  }
  if (a->approx && !limit_given) {
    a->limit = 100 * cx.server.cfg->stream_node_max_entries;
    if (a->limit <= 0) a->limit = 10000;
    if (a->limit > 1000000) a->limit = 1000000;
  } else if (!a->approx) {
    a->limit = 0;
  }
  return i;
}

int64_t Trim(StreamObject* s, const AddTrimArgs& a) {
  if (a.trim == AddTrimArgs::Trim::kMaxLen) {
    return s->TrimMaxLen(static_cast<uint64_t>(a.maxlen), a.approx, a.limit);
  }
  return s->TrimMinId(a.minid, a.approx, a.limit);
}

// The exact trim that an approximate one came to, for the AOF: "MAXLEN = <length>" or
// "MINID = <first id>".
void AppendExactTrim(const StreamObject& s, const AddTrimArgs& a, std::vector<std::string>* out) {
  if (a.trim == AddTrimArgs::Trim::kMaxLen) {
    out->insert(out->end(), {"MAXLEN", "=", std::to_string(a.approx ? s.length() : a.maxlen)});
  } else {
    out->insert(out->end(), {"MINID", "=", (a.approx ? s.first_id() : a.minid).ToString()});
  }
}

// The ID XADD gives the entry, or false when it is not above the stream's last ID.
bool NextAddId(CommandContext& cx, const StreamObject& s, const AddTrimArgs& a, StreamId* id) {
  StreamId last = s.last_id();
  if (a.id_given && a.seq_given) {
    *id = a.id;
  } else if (a.id_given) {
    if (last.ms == a.id.ms) {
      if (last.seq == UINT64_MAX) return false;
      *id = {last.ms, last.seq + 1};
    } else {
      *id = a.id;
    }
  } else {
    auto now = static_cast<uint64_t>(cx.now_ms());
    if (now > last.ms) {
      *id = {now, 0};
    } else if (!last.Incr(id)) {
      return false;
    }
  }
  return *id > last;
}

void XAdd(CommandContext& cx) {
  AddTrimArgs a;
  size_t idpos = ParseAddTrim(cx, true, &a);
  if (idpos == 0) return;
  size_t field_pos = idpos + 1;
  if (cx.argc() < field_pos + 2 || (cx.argc() - field_pos) % 2 == 1) {
    return ReplyWrongArity(cx.reply, cx.cmd);
  }
  if (a.id_given && a.seq_given && a.id.IsZero()) {
    return cx.reply.Error("ERR The ID specified in XADD must be greater than 0-0");
  }
  std::string_view key = cx.args[1];
  store::Entry* e;
  if (!cx.LookupTyped(key, store::ValueType::kStream, false, &e)) return;
  if (e == nullptr && a.nomkstream) return cx.reply.Null();
  StreamObject* s = e == nullptr ? nullptr : StreamOf(e);
  if (s != nullptr && s->last_id() == StreamId::Max()) {
    return cx.reply.Error(
        "ERR The stream has exhausted the last possible ID, unable to add more items");
  }
  StreamObject empty;
  StreamId id;
  if (!NextAddId(cx, s != nullptr ? *s : empty, a, &id)) {
    return cx.reply.Error(
        "ERR The ID specified in XADD is equal or smaller than the target stream top item");
  }
  if (s == nullptr) {
    s = new StreamObject();
    cx.db().Add(store::NewObjectEntry(key, store::ValueType::kStream, s, false));
  }
  s->Append(id, cx.args.subspan(field_pos), Limits(cx));
  ReplyId(cx.reply, id);
  cx.db().Touched(key);
  Notify(cx, kNotifyStream, "xadd", key);
  if (a.trim != AddTrimArgs::Trim::kNone && Trim(s, a) > 0) {
    Notify(cx, kNotifyStream, "xtrim", key);
  }
  if (cx.feeding()) {
    std::vector<std::string> out = {"XADD", std::string(key)};
    if (a.nomkstream) out.emplace_back("NOMKSTREAM");
    if (a.trim != AddTrimArgs::Trim::kNone) AppendExactTrim(*s, a, &out);
    out.push_back(id.ToString());
    for (size_t i = field_pos; i < cx.argc(); ++i) out.emplace_back(cx.args[i]);
    cx.PropagateAs(std::move(out));
  }
}

void XTrim(CommandContext& cx) {
  StreamObject* s;
  if (!LookupStream(cx, cx.args[1], false, &s)) return;
  if (s == nullptr) return cx.reply.Integer(0);
  AddTrimArgs a;
  size_t i = ParseAddTrim(cx, false, &a);
  if (i == 0) return;
  if (i < cx.argc()) return cx.reply.Error(errors::kSyntax);
  int64_t deleted = Trim(s, a);
  if (deleted > 0) {
    Notify(cx, kNotifyStream, "xtrim", cx.args[1]);
    cx.db().Touched(cx.args[1]);
    if (cx.feeding()) {
      std::vector<std::string> out = {"XTRIM", std::string(cx.args[1])};
      AppendExactTrim(*s, a, &out);
      cx.PropagateAs(std::move(out));
    }
  }
  cx.reply.Integer(deleted);
}

void RangeGeneric(CommandContext& cx, bool rev) {
  std::string_view start_arg = rev ? cx.args[3] : cx.args[2];
  std::string_view end_arg = rev ? cx.args[2] : cx.args[3];
  StreamId start, end;
  bool start_ex, end_ex;
  if (!ParseIntervalIdOrReply(cx, start_arg, 0, &start, &start_ex)) return;
  if (start_ex && !start.Incr(&start)) return cx.reply.Error(kInvalidStart);
  if (!ParseIntervalIdOrReply(cx, end_arg, UINT64_MAX, &end, &end_ex)) return;
  if (end_ex && !end.Decr(&end)) return cx.reply.Error(kInvalidEnd);
  int64_t count = -1;
  for (size_t j = 4; j < cx.argc(); ++j) {
    if (EqualsIgnoreCase(cx.args[j], "count") && j + 1 < cx.argc()) {
      if (!ParseLongLongOrReply(cx, cx.args[j + 1], &count)) return;
      if (count < 0) count = 0;
      ++j;
    } else {
      return cx.reply.Error(errors::kSyntax);
    }
  }
  StreamObject* s;
  if (!LookupStream(cx, cx.args[1], true, &s)) return;
  if (s == nullptr) return cx.reply.EmptyArray();
  if (count == 0) return cx.reply.NullArray();
  DeferredArray out(cx);
  size_t n = s->Range(start, end, rev, count < 0 ? 0 : static_cast<size_t>(count),
                      [&](const StreamEntryView& e) {
                        ReplyEntry(out.rb(), e);
                        return true;
                      });
  out.Flush(static_cast<int64_t>(n));
}

void XRange(CommandContext& cx) { RangeGeneric(cx, false); }
void XRevRange(CommandContext& cx) { RangeGeneric(cx, true); }

void XLen(CommandContext& cx) {
  StreamObject* s;
  if (!LookupStream(cx, cx.args[1], true, &s)) return;
  cx.reply.Integer(s == nullptr ? 0 : static_cast<int64_t>(s->length()));
}

void XDel(CommandContext& cx) {
  std::vector<StreamId> ids(cx.argc() - 2);
  for (size_t j = 2; j < cx.argc(); ++j) {
    if (!ParseIdOrReply(cx, cx.args[j], 0, true, &ids[j - 2])) return;
  }
  StreamObject* s;
  if (!LookupStream(cx, cx.args[1], false, &s)) return;
  if (s == nullptr) return cx.reply.Integer(0);
  int64_t deleted = 0;
  for (StreamId id : ids) deleted += s->Delete(id);
  if (deleted > 0) {
    cx.db().Touched(cx.args[1]);
    Notify(cx, kNotifyStream, "xdel", cx.args[1]);
  }
  cx.reply.Integer(deleted);
}

bool ParseSetIdOptions(CommandContext& cx, StreamId id, int64_t* entries_added,
                       StreamId* max_deleted) {
  for (size_t i = 3; i < cx.argc(); i += 2) {
    bool more = i + 1 < cx.argc();
    std::string_view opt = cx.args[i];
    if (EqualsIgnoreCase(opt, "entriesadded") && more) {
      if (!ParseLongLongOrReply(cx, cx.args[i + 1], entries_added)) return false;
      if (*entries_added < 0) {
        cx.reply.Error("ERR entries_added must be positive");
        return false;
      }
    } else if (EqualsIgnoreCase(opt, "maxdeletedid") && more) {
      if (!ParseIdOrReply(cx, cx.args[i + 1], 0, true, max_deleted)) return false;
      if (id < *max_deleted) {
        cx.reply.Error(
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
        return false;
      }
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

void XSetId(CommandContext& cx) {
  StreamId id, max_deleted;
  int64_t entries_added = -1;
  if (!ParseIdOrReply(cx, cx.args[2], 0, true, &id)) return;
  if (!ParseSetIdOptions(cx, id, &entries_added, &max_deleted)) return;
  StreamObject* s;
  if (!LookupStream(cx, cx.args[1], false, &s)) return;
  if (s == nullptr) return cx.reply.Error(errors::kNoSuchKey);
  if (s->length() > 0) {
    if (id < LastEntryId(*s)) {
      return cx.reply.Error(
          "ERR The ID specified in XSETID is smaller than the target stream top item");
    }
    if (entries_added != -1 && s->length() > static_cast<uint64_t>(entries_added)) {
      return cx.reply.Error(
          "ERR The entries_added specified in XSETID is smaller than the target stream length");
    }
  }
  s->set_last_id(id);
  if (entries_added != -1) s->set_entries_added(static_cast<uint64_t>(entries_added));
  if (!max_deleted.IsZero()) s->set_max_deleted_id(max_deleted);
  cx.reply.Ok();
  cx.db().Touched(cx.args[1]);
  Notify(cx, kNotifyStream, "xsetid", cx.args[1]);
}

// ---- XREAD / XREADGROUP ----

struct ReadArgs {
  int64_t count = 0;
  int64_t timeout_ms = -1;  // -1: no BLOCK
  size_t streams_arg = 0;
  size_t nstreams = 0;
  std::string_view group;
  std::string_view consumer;
  bool has_group = false;
  bool noack = false;
};

bool ParseReadOptions(CommandContext& cx, bool xreadgroup, ReadArgs* a) {
  for (size_t i = 1; i < cx.argc(); ++i) {
    size_t more = cx.argc() - i - 1;
    std::string_view o = cx.args[i];
    if (EqualsIgnoreCase(o, "block") && more > 0) {
      ++i;
      if (!util::ParseInt64(cx.args[i], &a->timeout_ms)) {
        cx.reply.Error("ERR timeout is not an integer or out of range");
        return false;
      }
      if (a->timeout_ms < 0) {
        cx.reply.Error(errors::kNegativeTimeout);
        return false;
      }
    } else if (EqualsIgnoreCase(o, "count") && more > 0) {
      ++i;
      if (!ParseLongLongOrReply(cx, cx.args[i], &a->count)) return false;
      if (a->count < 0) a->count = 0;
    } else if (EqualsIgnoreCase(o, "streams") && more > 0) {
      a->streams_arg = i + 1;
      size_t n = cx.argc() - a->streams_arg;
      if (n % 2 != 0) {
        cx.reply.Error(std::string("ERR Unbalanced '") + (xreadgroup ? "xreadgroup" : "xread") +
                       "' list of streams: for each stream key an ID or '" +
                       (xreadgroup ? ">" : "$") + "' must be specified.");
        return false;
      }
      a->nstreams = n / 2;
      break;
    } else if (EqualsIgnoreCase(o, "group") && more >= 2) {
      if (!xreadgroup) {
        cx.reply.Error(
            "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      a->group = cx.args[i + 1];
      a->consumer = cx.args[i + 2];
      a->has_group = true;
      i += 2;
    } else if (EqualsIgnoreCase(o, "noack")) {
      if (!xreadgroup) {
        cx.reply.Error(
            "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      a->noack = true;
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  if (a->streams_arg == 0) {
    cx.reply.Error(errors::kSyntax);
    return false;
  }
  if (xreadgroup && !a->has_group) {
    cx.reply.Error("ERR Missing GROUP option for XREADGROUP");
    return false;
  }
  return true;
}

// One stream of the read: its key, the ID to read after, and for XREADGROUP its group.
struct ReadTarget {
  std::string_view key;
  StreamId after;
  bool new_only = false;  // ">"
  bool dollar = false;    // "$" (XREAD)
  StreamObject* s = nullptr;
  StreamGroup* g = nullptr;
};

// The ID a reader gave for one stream: "$" (XREAD), ">" (XREADGROUP) or an explicit one.
bool ParseReadId(CommandContext& cx, const ReadArgs& a, std::string_view id, ReadTarget* t) {
  if (id == "$") {
    if (a.has_group) {
      cx.reply.Error(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
          "history of this consumer by specifying a proper ID, or use the > ID to get new "
          "messages. The $ ID would just return an empty result set.");
      return false;
    }
    t->after = t->s != nullptr ? t->s->last_id() : StreamId{};
    t->dollar = true;
    return true;
  }
  if (id == ">") {
    if (!a.has_group) {
      cx.reply.Error(
          "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
          "<consumer> option.");
      return false;
    }
    t->new_only = true;
    return true;
  }
  return ParseIdOrReply(cx, id, 0, true, &t->after);
}

// Finds the stream (and group) of one target. Replies the error and returns false.
bool LookupTarget(CommandContext& cx, const ReadArgs& a, ReadTarget* t) {
  if (IsRetry(cx)) {
    // Woken up: a key that is gone or changed type ends an XREADGROUP wait with an error
    // and leaves an XREAD waiting, as Redis 7.0.
    store::Entry* e = cx.db().Lookup(t->key);
    t->s = e != nullptr && e->type == store::ValueType::kStream ? StreamOf(e) : nullptr;
    if (t->s == nullptr && a.has_group) {
      cx.reply.Error("UNBLOCKED the stream key no longer exists");
      return false;
    }
  } else if (!LookupStream(cx, t->key, true, &t->s)) {
    return false;
  }
  if (!a.has_group) return true;
  if (t->s == nullptr || (t->g = t->s->FindGroup(a.group)) == nullptr) {
    if (IsRetry(cx)) {
      cx.reply.Error("NOGROUP the consumer group this client was blocked on no longer exists");
    } else {
      ReplyNoGroup(cx, t->key, a.group, " in XREADGROUP with GROUP option");
    }
    return false;
  }
  return true;
}

bool ResolveTargets(CommandContext& cx, const ReadArgs& a, std::vector<ReadTarget>* out) {
  out->resize(a.nstreams);
  for (size_t k = 0; k < a.nstreams; ++k) {
    ReadTarget& t = (*out)[k];
    t.key = cx.args[a.streams_arg + k];
    if (!LookupTarget(cx, a, &t)) return false;
    if (!ParseReadId(cx, a, cx.args[a.streams_arg + a.nstreams + k], &t)) return false;
  }
  return true;
}

// Delivers new entries to a group's consumer: the group's last ID moves on, the PEL gains
// them (unless NOACK), and the AOF gets XCLAIMs (or XGROUP SETID for NOACK), as Redis.
size_t ServeGroupNew(CommandContext& cx, const ReadArgs& a, ReadTarget& t,
                     store::StreamConsumer* consumer, size_t count, protocol::ReplyBuilder& r) {
  StreamObject& s = *t.s;
  StreamGroup& g = *t.g;
  StreamId start;
  if (!g.last_id.Incr(&start)) return 0;
  bool moved = false;
  size_t n = s.Range(start, StreamId::Max(), false, count, [&](const StreamEntryView& e) {
    if (e.id > g.last_id) {
      s.AdvanceGroup(g, e.id);
      moved = true;
    }
    ReplyEntry(r, e);
    if (!a.noack) {
      auto [it, inserted] = g.pel.try_emplace(e.id);
      store::StreamNack& nack = it->second;
      if (!inserted && nack.consumer != nullptr) nack.consumer->pel.erase(e.id);
      nack = {cx.now_ms(), 1, consumer};
      consumer->pel.insert(e.id);
      PropagateClaim(cx, t.key, a.group, g, e.id, nack);
    }
    return true;
  });
  if (moved && a.noack) PropagateGroupId(cx, t.key, a.group, g);
  return n;
}

// Replays a consumer's own pending entries after t.after (history reads): deleted entries
// come back as [id, nil]; each existing one counts a delivery.
size_t ServeGroupHistory(CommandContext& cx, ReadTarget& t, store::StreamConsumer* consumer,
                         size_t count, protocol::ReplyBuilder& r) {
  StreamId start;
  if (!t.after.Incr(&start)) return 0;
  size_t n = 0;
  for (auto it = consumer->pel.lower_bound(start);
       it != consumer->pel.end() && (count == 0 || n < count); ++it, ++n) {
    if (ReplyEntryById(r, *t.s, *it)) {
      store::StreamNack& nack = t.g->pel.at(*it);
      nack.delivery_time = cx.now_ms();
      ++nack.delivery_count;
    } else {
      r.Array(2);
      ReplyId(r, *it);
      r.NullArray();
    }
  }
  return n;
}

// Serves one stream if it has something for the reader; false when it has nothing.
bool ServeTarget(CommandContext& cx, const ReadArgs& a, ReadTarget& t, size_t count,
                 protocol::ReplyBuilder& r) {
  if (t.s == nullptr) return false;
  bool history = false;
  store::StreamConsumer* consumer = nullptr;
  if (t.g != nullptr) {
    if (!t.new_only) {
      history = true;
    } else if (t.s->length() > 0 && LastEntryId(*t.s) > t.g->last_id) {
      t.after = t.g->last_id;
    } else {
      return false;  // Redis 7.0 creates the consumer only when it serves it
    }
    consumer = TouchConsumer(cx, t.key, a.group, *t.g, a.consumer);
  } else if (t.s->length() == 0 || !(LastEntryId(*t.s) > t.after)) {
    return false;
  }
  if (r.resp() == 2) r.Array(2);
  r.Bulk(t.key);
  DeferredArray entries(cx);
  size_t n;
  if (history) {
    n = ServeGroupHistory(cx, t, consumer, count, entries.rb());
  } else if (t.g != nullptr) {
    n = ServeGroupNew(cx, a, t, consumer, count, entries.rb());
  } else {
    StreamId start;
    if (!t.after.Incr(&start)) return false;
    n = t.s->Range(start, StreamId::Max(), false, count, [&](const StreamEntryView& e) {
      ReplyEntry(entries.rb(), e);
      return true;
    });
  }
  r.Array(static_cast<int64_t>(n));
  r.buffer()->append(*entries.rb().buffer());
  if (t.g != nullptr) ++cx.server.persistence.dirty;
  return true;
}

// Parks the reader; "$" becomes the ID it stood for, so that the retry after a wake-up reads
// what arrived meanwhile.
void BlockReader(CommandContext& cx, const ReadArgs& a, const std::vector<ReadTarget>& targets) {
  std::vector<std::string_view> keys;
  for (const ReadTarget& t : targets) keys.push_back(t.key);
  int64_t deadline = a.timeout_ms == 0 ? 0 : cx.now_ms() + a.timeout_ms;
  BlockOnKeys(cx, keys, deadline, store::ValueType::kStream);
  for (size_t k = 0; k < targets.size(); ++k) {
    if (targets[k].dollar) {
      cx.client.block_args[a.streams_arg + a.nstreams + k] = targets[k].after.ToString();
    }
  }
}

void ReadGeneric(CommandContext& cx, bool xreadgroup) {
  ReadArgs a;
  std::vector<ReadTarget> targets;
  if (!ParseReadOptions(cx, xreadgroup, &a) || !ResolveTargets(cx, a, &targets)) {
    if (IsRetry(cx)) Unblock(cx.server, cx.client);
    return;
  }
  size_t count = static_cast<size_t>(a.count);
  if (IsRetry(cx) && count == 0) count = kBlockedDefaultCount;
  DeferredArray out(cx);
  size_t served = 0;
  for (ReadTarget& t : targets) served += ServeTarget(cx, a, t, count, out.rb());
  if (served > 0) {
    if (IsRetry(cx)) Unblock(cx.server, cx.client);
    if (cx.reply.resp() == 2) {
      cx.reply.Array(static_cast<int64_t>(served));
    } else {
      cx.reply.Map(static_cast<int64_t>(served));
    }
    cx.reply.buffer()->append(*out.rb().buffer());
    return;
  }
  if (IsRetry(cx)) return;  // still nothing: stay parked
  if (a.timeout_ms < 0 || cx.client.in_exec) return cx.reply.NullArray();
  BlockReader(cx, a, targets);
}

void XRead(CommandContext& cx) { ReadGeneric(cx, false); }
void XReadGroup(CommandContext& cx) { ReadGeneric(cx, true); }

constexpr uint32_t kRwUpdate = keyflag::kRW | keyflag::kUpdate;
constexpr uint32_t kRwDelete = keyflag::kRW | keyflag::kDelete;
constexpr uint32_t kRoAccess = keyflag::kRO | keyflag::kAccess;

CommandSpec Row(const char* name, int arity, uint64_t flags, uint32_t key_flags, Handler h,
                const char* summary, const char* since) {
  return {.name = name,
          .arity = arity,
          .flags = flags,
          .categories = cat::kStream,
          .keys = {{.flags = key_flags, .index = 1}},
          .handler = h,
          .group = "stream",
          .summary = summary,
          .since = since};
}

}  // namespace

void RegisterStreamFamily(CommandTable& t) {
  const uint64_t wf = flag::kWrite | flag::kFast;
  std::vector<CommandSpec> rows = {
      Row("xadd", -5, wf | flag::kDenyOom, kRwUpdate, XAdd, "Appends a new entry to a stream",
          "5.0.0"),
      Row("xrange", -4, flag::kReadonly, kRoAccess, XRange,
          "Return a range of elements in a stream, with IDs matching the specified IDs "
          "interval",
          "5.0.0"),
      Row("xrevrange", -4, flag::kReadonly, kRoAccess, XRevRange,
          "Return a range of elements in a stream, with IDs matching the specified IDs interval, "
          "in reverse order (from greater to smaller IDs) compared to XRANGE",
          "5.0.0"),
      Row("xlen", 2, flag::kReadonly | flag::kFast, keyflag::kRO, XLen,
          "Return the number of entries in a stream", "5.0.0"),
      Row("xdel", -3, wf, kRwDelete, XDel,
          "Removes the specified entries from the stream. Returns the number of items actually "
          "deleted, that may be different from the number of IDs passed in case certain IDs do "
          "not exist.",
          "5.0.0"),
      Row("xtrim", -4, flag::kWrite, kRwDelete, XTrim,
          "Trims the stream to (approximately if '~' is passed) a certain size", "5.0.0"),
      Row("xsetid", -3, wf | flag::kDenyOom, kRwUpdate, XSetId,
          "An internal command for replicating stream values", "5.0.0"),
  };
  CommandSpec xread = Row("xread", -4, flag::kReadonly | flag::kBlocking, kRoAccess, XRead,
                          "Return never seen elements in multiple streams, with IDs greater "
                          "than the ones reported by the caller for each stream. Can block.",
                          "5.0.0");
  xread.keys = {{.flags = kRoAccess,
                 .keyword = "STREAMS",
                 .start_from = 1,
                 .last_key = -1,
                 .key_step = 1,
                 .limit = 2}};
  CommandSpec xreadgroup =
      Row("xreadgroup", -7, flag::kWrite | flag::kBlocking, kRoAccess, XReadGroup,
          "Return new entries from a stream using a consumer group, or access the history of "
          "the pending entries for a given consumer. Can block.",
          "5.0.0");
  xreadgroup.keys = xread.keys;
  xreadgroup.keys[0].start_from = 4;
  rows.push_back(std::move(xread));
  rows.push_back(std::move(xreadgroup));
  t.Register(std::move(rows));
}

}  // namespace redoubt::commands
