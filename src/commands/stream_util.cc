#include "commands/stream_util.h"

#include <vector>

#include "protocol/errors.h"
#include "runtime/notify.h"
#include "util/numbers.h"

namespace redoubt::commands::stream {

namespace {

// Redis's string2ull: a non-negative integer over the whole uint64 range.
bool ParseU64(std::string_view s, uint64_t* out) {
  int64_t v;
  if (util::ParseInt64(s, &v)) {
    if (v < 0) return false;
    *out = static_cast<uint64_t>(v);
    return true;
  }
  return util::ParseUint64(s, out);
}

}  // namespace

bool ParseId(std::string_view s, uint64_t missing_seq, bool strict, StreamId* id, bool* seq_given) {
  if (s.size() > 127) return false;
  if (strict && (s == "-" || s == "+")) return false;
  if (seq_given != nullptr) *seq_given = true;
  if (s == "-") {
    *id = {};
    return true;
  }
  if (s == "+") {
    *id = StreamId::Max();
    return true;
  }
  size_t dash = s.find('-');
  uint64_t ms, seq = missing_seq;
  if (!ParseU64(s.substr(0, dash), &ms)) return false;
  if (dash != std::string_view::npos) {
    std::string_view rest = s.substr(dash + 1);
    if (seq_given != nullptr && rest == "*") {
      seq = 0;
      *seq_given = false;
    } else if (!ParseU64(rest, &seq)) {
      return false;
    }
  }
  *id = {ms, seq};
  return true;
}

bool ParseIdOrReply(CommandContext& cx, std::string_view s, uint64_t missing_seq, bool strict,
                    StreamId* id, bool* seq_given) {
  if (ParseId(s, missing_seq, strict, id, seq_given)) return true;
  cx.reply.Error(kInvalidId);
  return false;
}

bool ParseIntervalIdOrReply(CommandContext& cx, std::string_view s, uint64_t missing_seq,
                            StreamId* id, bool* exclusive) {
  *exclusive = !s.empty() && s[0] == '(';
  if (*exclusive) s.remove_prefix(1);
  return ParseIdOrReply(cx, s, missing_seq, *exclusive, id);
}

bool ParseLongLongOrReply(CommandContext& cx, std::string_view s, int64_t* out,
                          std::string_view err) {
  if (util::ParseInt64(s, out)) return true;
  if (err.empty()) {
    cx.reply.Error(errors::kNotInteger);
  } else {
    cx.reply.Error(std::string("ERR ") + std::string(err));
  }
  return false;
}

StreamObject* StreamOf(store::Entry* e) { return static_cast<StreamObject*>(e->object()); }

bool LookupStream(CommandContext& cx, std::string_view key, bool read, StreamObject** out) {
  store::Entry* e;
  if (!cx.LookupTyped(key, store::ValueType::kStream, read, &e)) return false;
  *out = e == nullptr ? nullptr : StreamOf(e);
  return true;
}

void ReplyId(protocol::ReplyBuilder& r, StreamId id) { r.Bulk(id.ToString()); }

void ReplyEntry(protocol::ReplyBuilder& r, const store::StreamEntryView& e) {
  r.Array(2);
  ReplyId(r, e.id);
  r.Array(static_cast<int64_t>(e.fields.size()));
  for (std::string_view f : e.fields) r.Bulk(f);
}

bool ReplyEntryById(protocol::ReplyBuilder& r, const StreamObject& s, StreamId id) {
  return s.Range(id, id, false, 1, [&](const store::StreamEntryView& e) {
    ReplyEntry(r, e);
    return false;
  }) == 1;
}

void ReplyNoGroup(CommandContext& cx, std::string_view key, std::string_view group,
                  std::string_view suffix) {
  std::string msg = "NOGROUP No such key '";
  msg.append(key).append("' or consumer group '").append(group).append("'");
  msg.append(suffix);
  cx.reply.Error(msg);
}

void PropagateClaim(CommandContext& cx, std::string_view key, std::string_view group_name,
                    const StreamGroup& g, StreamId id, const store::StreamNack& nack) {
  if (!cx.feeding()) return;
  cx.PropagateAs({"XCLAIM", std::string(key), std::string(group_name),
                  nack.consumer ? nack.consumer->name : std::string(), "0", id.ToString(), "TIME",
                  std::to_string(nack.delivery_time), "RETRYCOUNT",
                  std::to_string(nack.delivery_count), "FORCE", "JUSTID", "LASTID",
                  g.last_id.ToString()});
}

void PropagateGroupId(CommandContext& cx, std::string_view key, std::string_view group_name,
                      const StreamGroup& g) {
  if (!cx.feeding()) return;
  cx.PropagateAs({"XGROUP", "SETID", std::string(key), std::string(group_name),
                  g.last_id.ToString(), "ENTRIESREAD", std::to_string(g.entries_read)});
}

store::StreamConsumer* TouchConsumer(CommandContext& cx, std::string_view key,
                                     std::string_view group_name, StreamGroup& g,
                                     std::string_view consumer, bool* created) {
  bool made;
  store::StreamConsumer* c = g.GetConsumer(consumer, cx.now_ms(), &made);
  c->seen_time = cx.now_ms();
  if (made) {
    ++cx.server.persistence.dirty;
    Notify(cx, config::notify::kStream, "xgroup-createconsumer", key);
    if (cx.feeding()) {
      cx.PropagateAs({"XGROUP", "CREATECONSUMER", std::string(key), std::string(group_name),
                      std::string(consumer)});
    }
  }
  if (created != nullptr) *created = made;
  return c;
}

}  // namespace redoubt::commands::stream
