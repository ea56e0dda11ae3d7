// What the stream command files share: Redis 7.0's stream ID grammar and error texts, typed
// lookups, the entry reply shape, and the commands fed to the AOF in place of XREADGROUP /
// XCLAIM / XAUTOCLAIM (XCLAIM ... FORCE JUSTID LASTID and XGROUP SETID, as Redis propagates).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/server_state.h"
#include "store/stream_object.h"

namespace redoubt::commands::stream {

using store::StreamGroup;
using store::StreamId;
using store::StreamObject;

inline constexpr std::string_view kInvalidId =
    "ERR Invalid stream ID specified as stream command argument";
inline constexpr std::string_view kInvalidStart = "ERR invalid start ID for the interval";
inline constexpr std::string_view kInvalidEnd = "ERR invalid end ID for the interval";

// Parses "-", "+", "ms" (seq = missing_seq) or "ms-seq". strict refuses "-" and "+".
// With seq_given != nullptr, "ms-*" is accepted and sets *seq_given = false (XADD).
bool ParseId(std::string_view s, uint64_t missing_seq, bool strict, StreamId* id,
             bool* seq_given = nullptr);
// As ParseId, replying Redis's error on failure.
bool ParseIdOrReply(CommandContext& cx, std::string_view s, uint64_t missing_seq, bool strict,
                    StreamId* id, bool* seq_given = nullptr);
// A range bound: "(id" is exclusive (*exclusive = true); "(-" / "(+" are invalid.
bool ParseIntervalIdOrReply(CommandContext& cx, std::string_view s, uint64_t missing_seq,
                            StreamId* id, bool* exclusive);
// An integer argument as Redis's getLongLongFromObjectOrReply (error text `err` or the default).
bool ParseLongLongOrReply(CommandContext& cx, std::string_view s, int64_t* out,
                          std::string_view err = {});

// The stream at key for reading or writing; *out = nullptr when missing. Replies WRONGTYPE.
// Replies whose element count is known only once they are written (Redis's deferred length).
class DeferredArray {
 public:
  explicit DeferredArray(CommandContext& cx) : cx_(cx), rb_(&buf_, cx.reply.resp()) {}
  protocol::ReplyBuilder& rb() { return rb_; }
  void Flush(int64_t n) {
    cx_.reply.Array(n);
    cx_.reply.buffer()->append(buf_);
  }

 private:
  CommandContext& cx_;
  std::string buf_;
  protocol::ReplyBuilder rb_;
};

bool LookupStream(CommandContext& cx, std::string_view key, bool read, StreamObject** out);
StreamObject* StreamOf(store::Entry* e);

void ReplyId(protocol::ReplyBuilder& r, StreamId id);
// [id, [f1, v1, ...]]
void ReplyEntry(protocol::ReplyBuilder& r, const store::StreamEntryView& e);
// Replies the one entry `id` as ReplyEntry; false (no reply) when absent.
bool ReplyEntryById(protocol::ReplyBuilder& r, const StreamObject& s, StreamId id);

// The "-NOGROUP No such key 'k' or consumer group 'g'" reply, with Redis's optional suffix.
void ReplyNoGroup(CommandContext& cx, std::string_view key, std::string_view group,
                  std::string_view suffix = {});

// Feeds "XCLAIM key group id 0 TIME t RETRYCOUNT n FORCE JUSTID LASTID last" for a PEL change.
void PropagateClaim(CommandContext& cx, std::string_view key, std::string_view group_name,
                    const StreamGroup& g, StreamId id, const store::StreamNack& nack);
// Feeds "XGROUP SETID key group last ENTRIESREAD n".
void PropagateGroupId(CommandContext& cx, std::string_view key, std::string_view group_name,
                      const StreamGroup& g);
// Creates the consumer if needed: notifies xgroup-createconsumer and feeds XGROUP
// CREATECONSUMER when it did, as Redis 7.0. Updates its seen-time.
store::StreamConsumer* TouchConsumer(CommandContext& cx, std::string_view key,
                                     std::string_view group_name, StreamGroup& g,
                                     std::string_view consumer, bool* created = nullptr);

}  // namespace redoubt::commands::stream
