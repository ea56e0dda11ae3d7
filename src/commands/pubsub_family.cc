// Pub/Sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB. Messages are
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

void SubscribeGeneric(CommandContext& cx, bool pattern) {
  Client& c = cx.client;
  auto& mine = pattern ? c.patterns : c.channels;
  PubSubRegistry& reg =
      pattern ? cx.server.indexes.pubsub_patterns : cx.server.indexes.pubsub_channels;
  for (size_t i = 1; i < cx.argc(); ++i) {
    std::string_view name = cx.args[i];
    if (mine.find(name) == mine.end()) {
      mine.emplace(name);
      reg[std::string(name)].push_back(&c);
    }
    ReplySubscription(cx.reply, pattern ? "psubscribe" : "subscribe", &name, c.subscriptions());
  }
}

void UnsubscribeGeneric(CommandContext& cx, bool pattern) {
  Client& c = cx.client;
  auto& mine = pattern ? c.patterns : c.channels;
  PubSubRegistry& reg =
      pattern ? cx.server.indexes.pubsub_patterns : cx.server.indexes.pubsub_channels;
  std::string_view kind = pattern ? "punsubscribe" : "unsubscribe";
  if (cx.argc() == 1) {
    if (mine.empty()) return ReplySubscription(cx.reply, kind, nullptr, c.subscriptions());
    std::vector<std::string> all(mine.begin(), mine.end());
    for (const std::string& name : all) {
      mine.erase(name);
      PubSubRemoveFrom(reg, name, &c);
      std::string_view v = name;
      ReplySubscription(cx.reply, kind, &v, c.subscriptions());
    }
    return;
  }
  for (size_t i = 1; i < cx.argc(); ++i) {
    std::string_view name = cx.args[i];
    auto it = mine.find(name);
    if (it != mine.end()) {
      mine.erase(it);
      PubSubRemoveFrom(reg, name, &c);
    }
    ReplySubscription(cx.reply, kind, &name, c.subscriptions());
  }
}

void Subscribe(CommandContext& cx) { SubscribeGeneric(cx, false); }
void PSubscribe(CommandContext& cx) { SubscribeGeneric(cx, true); }
void Unsubscribe(CommandContext& cx) { UnsubscribeGeneric(cx, false); }
void PUnsubscribe(CommandContext& cx) { UnsubscribeGeneric(cx, true); }

void PublishCmd(CommandContext& cx) {
  cx.reply.Integer(Publish(cx.server, cx.args[1], cx.args[2]));
}

void PubSubChannels(CommandContext& cx) {
  std::vector<std::string_view> names;
  for (const auto& [name, subs] : cx.server.indexes.pubsub_channels) {
    if (cx.argc() == 2 || util::GlobMatch(cx.args[2], name)) names.push_back(name);
  }
  cx.reply.Array(static_cast<int64_t>(names.size()));
  for (std::string_view n : names) cx.reply.Bulk(n);
}

void PubSubNumSub(CommandContext& cx) {
  cx.reply.Map(static_cast<int64_t>(cx.argc() - 2));
  for (size_t i = 2; i < cx.argc(); ++i) {
    auto it = cx.server.indexes.pubsub_channels.find(std::string(cx.args[i]));
    cx.reply.Bulk(cx.args[i]);
    cx.reply.Integer(it == cx.server.indexes.pubsub_channels.end()
                         ? 0
                         : static_cast<int64_t>(it->second.size()));
  }
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
      "HELP",
      "    Prints this help.",
  };
  cx.reply.Array(sizeof(kLines) / sizeof(kLines[0]));
  for (const char* l : kLines) cx.reply.SimpleString(l);
}

constexpr uint64_t kSubFlags = flag::kPubsub | flag::kNoscript | flag::kLoading | flag::kStale;
constexpr uint64_t kInfoFlags = flag::kPubsub | flag::kLoading | flag::kStale;

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
