// Pub/Sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB, and the sharded
// SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH (one node: every shard channel is local). Messages are
// pushes in RESP3 and arrays in RESP2; a slow subscriber is cut off by the pubsub class of
// client-output-buffer-limit instead of growing the server's memory without bound.
#include <algorithm>
#include <string>

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/pubsub.h"
#include "util/glob.h"
#include "util/log.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

// ["subscribe"|..., name-or-nil, count]
void ReplySubscription(protocol::ReplyBuilder& r, std::string_view kind,
                       const std::string_view* name, size_t count) {
  r.Push(3);
  r.Bulk(kind);
  r.BulkOrNull(name);
  r.Integer(static_cast<int64_t>(count));
}

// The three kinds of subscription: each has its own sets, its own reply words, and its own
// count in the replies (Redis 7.0 counts sharded subscriptions apart from the others).
enum class SubKind { kChannel, kPattern, kShard };

struct SubTarget {
  std::set<std::string, std::less<>>& mine;
  PubSubRegistry& reg;
  std::string_view subscribe_word;
  std::string_view unsubscribe_word;
};

SubTarget TargetOf(CommandContext& cx, SubKind kind) {
  Client& c = cx.client;
  ServerState& s = cx.server;
  switch (kind) {
    case SubKind::kPattern:
      return {c.patterns, s.indexes.pubsub_patterns, "psubscribe", "punsubscribe"};
    case SubKind::kShard:
      return {c.shard_channels, s.indexes.pubsub_shard_channels, "ssubscribe", "sunsubscribe"};
    case SubKind::kChannel:
      break;
  }
  return {c.channels, s.indexes.pubsub_channels, "subscribe", "unsubscribe"};
}

size_t CountOf(const Client& c, SubKind kind) {
  return kind == SubKind::kShard ? c.shard_channels.size() : c.subscriptions();
}

void SubscribeGeneric(CommandContext& cx, SubKind kind) {
  Client& c = cx.client;
  SubTarget t = TargetOf(cx, kind);
  for (size_t i = 1; i < cx.argc(); ++i) {
    std::string_view name = cx.args[i];
    if (t.mine.find(name) == t.mine.end()) {
      t.mine.emplace(name);
      t.reg[std::string(name)].push_back(&c);
    }
    ReplySubscription(cx.reply, t.subscribe_word, &name, CountOf(c, kind));
  }
}

void UnsubscribeGeneric(CommandContext& cx, SubKind kind) {
  Client& c = cx.client;
  SubTarget t = TargetOf(cx, kind);
  if (cx.argc() == 1) {
    if (t.mine.empty()) {
      return ReplySubscription(cx.reply, t.unsubscribe_word, nullptr, CountOf(c, kind));
    }
    std::vector<std::string> all(t.mine.begin(), t.mine.end());
    for (const std::string& name : all) {
      t.mine.erase(name);
      PubSubRemoveFrom(t.reg, name, &c);
      std::string_view v = name;
      ReplySubscription(cx.reply, t.unsubscribe_word, &v, CountOf(c, kind));
    }
    return;
  }
  for (size_t i = 1; i < cx.argc(); ++i) {
    std::string_view name = cx.args[i];
    auto it = t.mine.find(name);
    if (it != t.mine.end()) {
      t.mine.erase(it);
      PubSubRemoveFrom(t.reg, name, &c);
    }
    ReplySubscription(cx.reply, t.unsubscribe_word, &name, CountOf(c, kind));
  }
}

void Subscribe(CommandContext& cx) { SubscribeGeneric(cx, SubKind::kChannel); }
void PSubscribe(CommandContext& cx) { SubscribeGeneric(cx, SubKind::kPattern); }
void Unsubscribe(CommandContext& cx) { UnsubscribeGeneric(cx, SubKind::kChannel); }
void PUnsubscribe(CommandContext& cx) { UnsubscribeGeneric(cx, SubKind::kPattern); }
void SUnsubscribe(CommandContext& cx) { UnsubscribeGeneric(cx, SubKind::kShard); }

void SSubscribe(CommandContext& cx) {
  // As Redis 7.0: a client that expects one reply per command (inside EXEC) may not enter
  // sharded Pub/Sub mode.
  if (cx.client.in_exec) {
    return cx.reply.Error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  }
  SubscribeGeneric(cx, SubKind::kShard);
}

void SPublish(CommandContext& cx) {
  cx.reply.Integer(PublishShard(cx.server, cx.args[1], cx.args[2]));
}

void PublishCmd(CommandContext& cx) {
  cx.reply.Integer(Publish(cx.server, cx.args[1], cx.args[2]));
}

void ReplyChannels(CommandContext& cx, const PubSubRegistry& reg) {
  std::vector<std::string_view> names;
  for (const auto& [name, subs] : reg) {
    if (cx.argc() == 2 || util::GlobMatch(cx.args[2], name)) names.push_back(name);
  }
  cx.reply.Array(static_cast<int64_t>(names.size()));
  for (std::string_view n : names) cx.reply.Bulk(n);
}

void ReplyNumSub(CommandContext& cx, const PubSubRegistry& reg) {
  cx.reply.Map(static_cast<int64_t>(cx.argc() - 2));
  for (size_t i = 2; i < cx.argc(); ++i) {
    auto it = reg.find(std::string(cx.args[i]));
    cx.reply.Bulk(cx.args[i]);
    cx.reply.Integer(it == reg.end() ? 0 : static_cast<int64_t>(it->second.size()));
  }
}

void PubSubChannels(CommandContext& cx) { ReplyChannels(cx, cx.server.indexes.pubsub_channels); }
void PubSubNumSub(CommandContext& cx) { ReplyNumSub(cx, cx.server.indexes.pubsub_channels); }
void PubSubShardChannels(CommandContext& cx) {
  ReplyChannels(cx, cx.server.indexes.pubsub_shard_channels);
}
void PubSubShardNumSub(CommandContext& cx) {
  ReplyNumSub(cx, cx.server.indexes.pubsub_shard_channels);
}

void PubSubNumPat(CommandContext& cx) {
  cx.reply.Integer(static_cast<int64_t>(cx.server.indexes.pubsub_patterns.size()));
}

void PubSubHelp(CommandContext& cx) {
  static const char* kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.",
  };
  cx.reply.Array(sizeof(kLines) / sizeof(kLines[0]));
  for (const char* l : kLines) cx.reply.SimpleString(l);
}

constexpr uint64_t kSubFlags = flag::kPubsub | flag::kNoscript | flag::kLoading | flag::kStale;
constexpr uint64_t kInfoFlags = flag::kPubsub | flag::kLoading | flag::kStale;

// Shard channels are key specs marked NOT_KEY (clients route them like keys; ACL key rules and
// tracking ignore them): from argument 1 to `last` (-1: every argument).
std::vector<KeySpec> ShardChannelSpec(int last) {
  return {{.flags = keyflag::kNotKey, .index = 1, .last_key = last}};
}

}  // namespace

void RegisterPubSubFamily(CommandTable& t) {
  const char* g = "pubsub";
  const uint32_t ctx = internal::kSubscribedContext;
  t.Register({
      {.name = "subscribe",
       .arity = -2,
       .flags = kSubFlags,
       .handler = Subscribe,
       .group = g,
       .summary = "Listen for messages published to the given channels",
       .since = "2.0.0",
       .internal_flags = ctx,
       .channels = {.first = 1, .last = -1}},
      {.name = "unsubscribe",
       .arity = -1,
       .flags = kSubFlags,
       .handler = Unsubscribe,
       .group = g,
       .summary = "Stop listening for messages posted to the given channels",
       .since = "2.0.0",
       .internal_flags = ctx},
      {.name = "psubscribe",
       .arity = -2,
       .flags = kSubFlags,
       .handler = PSubscribe,
       .group = g,
       .summary = "Listen for messages published to channels matching the given patterns",
       .since = "2.0.0",
       .internal_flags = ctx,
       .channels = {.first = 1, .last = -1, .pattern = true}},
      {.name = "punsubscribe",
       .arity = -1,
       .flags = kSubFlags,
       .handler = PUnsubscribe,
       .group = g,
       .summary = "Stop listening for messages posted to channels matching the given patterns",
       .since = "2.0.0",
       .internal_flags = ctx},
      {.name = "ssubscribe",
       .arity = -2,
       .flags = kSubFlags,
       .keys = ShardChannelSpec(-1),
       .handler = SSubscribe,
       .group = g,
       .summary = "Listen for messages published to the given shard channels",
       .since = "7.0.0",
       .internal_flags = ctx,
       .channels = {.first = 1, .last = -1}},
      {.name = "sunsubscribe",
       .arity = -1,
       .flags = kSubFlags,
       .keys = ShardChannelSpec(-1),
       .handler = SUnsubscribe,
       .group = g,
       .summary = "Stop listening for messages posted to the given shard channels",
       .since = "7.0.0",
       .internal_flags = ctx},
      {.name = "spublish",
       .arity = 3,
       .flags = kInfoFlags | flag::kFast,
       .keys = ShardChannelSpec(0),
       .handler = SPublish,
       .group = g,
       .summary = "Post a message to a shard channel",
       .since = "7.0.0",
       .channels = {.first = 1, .last = 1}},
      {.name = "publish",
       .arity = 3,
       .flags = kInfoFlags | flag::kFast,
       .handler = PublishCmd,
       .group = g,
       .summary = "Post a message to a channel",
       .since = "2.0.0",
       .channels = {.first = 1, .last = 1}},
      {.name = "pubsub",
       .arity = -2,
       .subcommands =
           {
               {.name = "channels",
                .arity = -2,
                .flags = kInfoFlags,
                .handler = PubSubChannels,
                .group = g,
                .summary = "List active channels",
                .since = "2.8.0"},
               {.name = "numsub",
                .arity = -2,
                .flags = kInfoFlags,
                .handler = PubSubNumSub,
                .group = g,
                .summary = "Get the count of subscribers for channels",
                .since = "2.8.0"},
               {.name = "shardchannels",
                .arity = -2,
                .flags = kInfoFlags,
                .handler = PubSubShardChannels,
                .group = g,
                .summary = "List active shard channels",
                .since = "7.0.0"},
               {.name = "shardnumsub",
                .arity = -2,
                .flags = kInfoFlags,
                .handler = PubSubShardNumSub,
                .group = g,
                .summary = "Get the count of subscribers for shard channels",
                .since = "7.0.0"},
               {.name = "numpat",
                .arity = 2,
                .flags = kInfoFlags,
                .handler = PubSubNumPat,
                .group = g,
                .summary = "Get the count of unique patterns pattern subscriptions",
                .since = "2.8.0"},
               {.name = "help",
                .arity = 2,
                .flags = flag::kLoading | flag::kStale,
                .handler = PubSubHelp,
                .group = g,
                .summary = "Show helpful text about the "
                           "different subcommands",
                .since = "6.2.0"},
           },
       .group = g,
       .summary = "A container for Pub/Sub commands",
       .since = "2.8.0"},
  });
}

}  // namespace redoubt::commands
