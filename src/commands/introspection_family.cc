// COMMAND and its subcommands: the command table as clients see it (INFO, DOCS, LIST, COUNT,
// GETKEYS). Everything here is read from the table rows; no command is special-cased.
#include "commands/introspection_family.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"
#include "util/glob.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

using protocol::ReplyBuilder;

// Flag names by bit, in Redis's COMMAND INFO order. Null entries are flags Redis keeps out of
// COMMAND INFO on purpose (may_replicate, sentinel, only_sentinel, protected).
constexpr const char* kFlagNames[flag::kCount] = {
    "write",
    "readonly",
    "denyoom",
    "module",
    "admin",
    "pubsub",
    "noscript",
    "blocking",
    "loading",
    "stale",
    "skip_monitor",
    "skip_slowlog",
    "asking",
    "fast",
    "no_auth",
    nullptr,  // may_replicate
    nullptr,  // sentinel
    nullptr,  // only_sentinel
    "no_mandatory_keys",
    nullptr,  // protected
    "no_async_loading",
    "no_multi",
    "movablekeys",
    "allow_busy",
};

// ACL category names by bit, in Redis's order.
constexpr const char* kCategoryNames[cat::kCount] = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"};

// Key-spec flag names by bit, in Redis's order.
constexpr const char* kKeyFlagNames[] = {
    "RO",     "RW",     "OW",      "RM",         "access",        "update",
    "insert", "delete", "not_key", "incomplete", "variable_flags"};

template <size_t N>
void ReplyFlagSet(ReplyBuilder& r, uint64_t bits, const char* const (&names)[N],
                  const char* prefix = "") {
  int n = 0;
  for (size_t i = 0; i < N; ++i) n += (bits >> i & 1) && names[i] != nullptr;
  r.Set(n);
  for (size_t i = 0; i < N; ++i) {
    if ((bits >> i & 1) && names[i] != nullptr) r.SimpleString(std::string(prefix) + names[i]);
  }
}

void ReplyKeySpec(ReplyBuilder& r, const KeySpec& k) {
  r.Map(3);
  r.Bulk("flags");
  ReplyFlagSet(r, k.flags, kKeyFlagNames);
  r.Bulk("begin_search");
  r.Map(2);
  r.Bulk("type");
  if (k.unknown) {
    r.Bulk("unknown");
    r.Bulk("spec");
    r.Map(0);
    r.Bulk("find_keys");
    r.Map(2);
    r.Bulk("type");
    r.Bulk("unknown");
    r.Bulk("spec");
    r.Map(0);
    return;
  }
  if (k.keyword == nullptr) {
    r.Bulk("index");
    r.Bulk("spec");
    r.Map(1);
    r.Bulk("index");
    r.Integer(k.index);
  } else {
    r.Bulk("keyword");
    r.Bulk("spec");
    r.Map(2);
    r.Bulk("keyword");
    r.Bulk(k.keyword);
    r.Bulk("startfrom");
    r.Integer(k.start_from);
  }
  r.Bulk("find_keys");
  r.Map(2);
  r.Bulk("type");
  if (k.keynum_index < 0) {
    r.Bulk("range");
    r.Bulk("spec");
    r.Map(3);
    r.Bulk("lastkey");
    r.Integer(k.last_key);
    r.Bulk("keystep");
    r.Integer(k.key_step);
    r.Bulk("limit");
    r.Integer(k.limit);
  } else {
    r.Bulk("keynum");
    r.Bulk("spec");
    r.Map(3);
    r.Bulk("keynumidx");
    r.Integer(k.keynum_index);
    r.Bulk("firstkey");
    r.Integer(k.first_key);
    r.Bulk("keystep");
    r.Integer(k.key_step);
  }
}

// COMMAND DOCS entry (the value; the caller writes the name).
void ReplyCommandDocs(ReplyBuilder& r, const CommandSpec& c) {
  r.Map(c.subcommands.empty() ? 3 : 4);
  r.Bulk("summary");
  r.Bulk(c.summary);
  r.Bulk("since");
  r.Bulk(c.since);
  r.Bulk("group");
  r.Bulk(c.group);
  if (c.subcommands.empty()) return;
  r.Bulk("subcommands");
  r.Map(static_cast<int64_t>(c.subcommands.size()));
  for (const CommandSpec& sub : c.subcommands) {
    r.Bulk(sub.full_name);
    ReplyCommandDocs(r, sub);
  }
}

// A command by its canonical full name, "get" or "config|get" (COMMAND INFO/DOCS arguments).
const CommandSpec* LookupByFullName(std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return CommandTable::Get().LookupListed(name);
  std::string_view sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  const CommandSpec* parent = CommandTable::Get().LookupListed(name.substr(0, bar));
  if (parent == nullptr) return nullptr;
  return CommandTable::LookupSub(*parent, sub);
}

void Command(CommandContext& cx) {
  const auto& all = CommandTable::Get().all();
  cx.reply.Array(static_cast<int64_t>(all.size()));
  for (const CommandSpec* c : all) ReplyCommandInfo(cx.reply, *c);
}

void CommandCount(CommandContext& cx) {
  cx.reply.Integer(static_cast<int64_t>(CommandTable::Get().size()));
}

void CommandInfo(CommandContext& cx) {
  if (cx.argc() == 2) return Command(cx);
  cx.reply.Array(static_cast<int64_t>(cx.argc() - 2));
  for (size_t i = 2; i < cx.argc(); ++i) {
    const CommandSpec* c = LookupByFullName(cx.args[i]);
    if (c == nullptr) {
      cx.reply.Null();
    } else {
      ReplyCommandInfo(cx.reply, *c);
    }
  }
}

void CommandDocs(CommandContext& cx) {
  std::vector<const CommandSpec*> found;
  if (cx.argc() == 2) {
    found = CommandTable::Get().all();
  } else {
    for (size_t i = 2; i < cx.argc(); ++i) {
      if (const CommandSpec* c = LookupByFullName(cx.args[i])) found.push_back(c);
    }
  }
  cx.reply.Map(static_cast<int64_t>(found.size()));
  for (const CommandSpec* c : found) {
    cx.reply.Bulk(c->full_name);
    ReplyCommandDocs(cx.reply, *c);
  }
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]
struct ListFilter {
  enum class Kind { kNone, kModule, kAclCat, kPattern } kind = Kind::kNone;
  std::string_view arg;
  uint64_t category = 0;  // kAclCat: the category bit, 0 when the name is unknown
};

bool ParseListFilter(CommandContext& cx, ListFilter* f) {
  if (cx.argc() == 2) return true;
  if (cx.argc() != 5 || !util::EqualsIgnoreCase(cx.args[2], "FILTERBY")) {
    cx.reply.Error(errors::kSyntax);
    return false;
  }
  std::string_view kind = cx.args[3];
  f->arg = cx.args[4];
  if (util::EqualsIgnoreCase(kind, "MODULE")) {
    f->kind = ListFilter::Kind::kModule;
  } else if (util::EqualsIgnoreCase(kind, "ACLCAT")) {
    f->kind = ListFilter::Kind::kAclCat;
    for (int i = 0; i < cat::kCount; ++i) {
      if (util::EqualsIgnoreCase(f->arg, kCategoryNames[i])) f->category = 1ULL << i;
    }
  } else if (util::EqualsIgnoreCase(kind, "PATTERN")) {
    f->kind = ListFilter::Kind::kPattern;
  } else {
    cx.reply.Error(errors::kSyntax);
    return false;
  }
  return true;
}

bool MatchesFilter(const CommandSpec& c, const ListFilter& f) {
  switch (f.kind) {
    case ListFilter::Kind::kNone:
      return true;
    case ListFilter::Kind::kModule:
      return false;  // no modules
    case ListFilter::Kind::kAclCat:
      return (c.categories & f.category) != 0;
    case ListFilter::Kind::kPattern:
      return util::GlobMatch(f.arg, c.full_name, true);
  }
  return false;
}

void CollectMatching(const CommandSpec& c, const ListFilter& f,
                     std::vector<std::string_view>* out) {
  if (MatchesFilter(c, f)) out->push_back(c.full_name);
  for (const CommandSpec& sub : c.subcommands) CollectMatching(sub, f, out);
}

void CommandList(CommandContext& cx) {
  ListFilter filter;
  if (!ParseListFilter(cx, &filter)) return;
  std::vector<std::string_view> names;
  for (const CommandSpec* c : CommandTable::Get().all()) CollectMatching(*c, filter, &names);
  cx.reply.Array(static_cast<int64_t>(names.size()));
  for (std::string_view n : names) cx.reply.Bulk(n);
}

// COMMAND GETKEYS / GETKEYSANDFLAGS <full command>: the keys our key specs find, with Redis's
// checks in Redis's order.
void GetKeysGeneric(CommandContext& cx, bool with_flags) {
  std::span<const std::string_view> args = cx.args.subspan(2);
  const CommandSpec* c = CommandTable::Get().Lookup(args[0]);
  if (c != nullptr && !c->subcommands.empty() && args.size() >= 2) {
    c = CommandTable::LookupSub(*c, args[1]);
  }
  if (c == nullptr) return cx.reply.Error("ERR Invalid command specified");
  bool has_keys = c->getkeys != nullptr ||
                  std::any_of(c->keys.begin(), c->keys.end(),
                              [](const KeySpec& k) { return !(k.flags & keyflag::kNotKey); });
  if (!has_keys) return cx.reply.Error("ERR The command has no key arguments");
  int argc = static_cast<int>(args.size());
  if ((c->arity > 0 && c->arity != argc) || argc < -c->arity) {
    return cx.reply.Error("ERR Invalid number of arguments specified for command");
  }
  std::vector<KeyRef> keys;
  if (!GetKeys(*c, args, &keys)) keys.clear();
  if (keys.empty()) {
    if (c->flags & flag::kNoMandatoryKeys) return cx.reply.Array(0);
    return cx.reply.Error("ERR Invalid arguments specified for command");
  }
  cx.reply.Array(static_cast<int64_t>(keys.size()));
  for (const KeyRef& k : keys) {
    if (!with_flags) {
      cx.reply.Bulk(args[k.index]);
      continue;
    }
    cx.reply.Array(2);
    cx.reply.Bulk(args[k.index]);
    ReplyFlagSet(cx.reply, k.flags, kKeyFlagNames);
  }
}

void CommandGetKeys(CommandContext& cx) { GetKeysGeneric(cx, false); }
void CommandGetKeysAndFlags(CommandContext& cx) { GetKeysGeneric(cx, true); }

constexpr const char* kCommandHelp[] = {
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    "HELP",
    "    Prints this help.",
};

void CommandHelp(CommandContext& cx) {
  cx.reply.Array(std::size(kCommandHelp));
  for (const char* line : kCommandHelp) cx.reply.SimpleString(line);
}

}  // namespace

void ReplyCommandInfo(ReplyBuilder& r, const CommandSpec& c) {
  r.Array(10);
  r.Bulk(c.full_name);
  r.Integer(c.arity);
  ReplyFlagSet(r, c.flags, kFlagNames);
  r.Integer(c.legacy_first);
  r.Integer(c.legacy_last);
  r.Integer(c.legacy_step);
  ReplyFlagSet(r, c.categories, kCategoryNames, "@");
  r.Set(0);  // tips: the table has no field for them yet
  r.Set(static_cast<int64_t>(c.keys.size()));
  for (const KeySpec& k : c.keys) ReplyKeySpec(r, k);
  if (c.subcommands.empty()) {
    r.Set(0);  // Redis's quirk: an empty set here, an array when there are subcommands
    return;
  }
  r.Array(static_cast<int64_t>(c.subcommands.size()));
  for (const CommandSpec& sub : c.subcommands) ReplyCommandInfo(r, sub);
}

void RegisterIntrospectionFamily(CommandTable& t) {
  const char* g = "server";
  constexpr uint64_t f = flag::kLoading | flag::kStale;
  constexpr uint64_t c = cat::kConnection;
  t.Register({
      {.name = "command",
       .arity = -1,
       .flags = f,
       .categories = c,
       .handler = Command,
       .subcommands =
           {
               {.name = "count",
                .arity = 2,
                .flags = f,
                .categories = c,
                .handler = CommandCount,
                .group = g,
                .summary = "Get total number of Redis commands",
                .since = "2.8.13"},
               {.name = "docs",
                .arity = -2,
                .flags = f,
                .categories = c,
                .handler = CommandDocs,
                .group = g,
                .summary = "Get array of specific Redis command documentation",
                .since = "7.0.0"},
               {.name = "info",
                .arity = -2,
                .flags = f,
                .categories = c,
                .handler = CommandInfo,
                .group = g,
                .summary = "Get array of specific Redis command details, or all when no "
                           "argument is given.",
                .since = "2.8.13"},
               {.name = "list",
                .arity = -2,
                .flags = f,
                .categories = c,
                .handler = CommandList,
                .group = g,
                .summary = "Get an array of Redis command names",
                .since = "7.0.0"},
               {.name = "getkeys",
                .arity = -4,
                .flags = f,
                .categories = c,
                .handler = CommandGetKeys,
                .group = g,
                .summary = "Extract keys given a full Redis command",
                .since = "2.8.13"},
               {.name = "getkeysandflags",
                .arity = -4,
                .flags = f,
                .categories = c,
                .handler = CommandGetKeysAndFlags,
                .group = g,
                .summary = "Extract keys and access flags given a full Redis command",
                .since = "7.0.0"},
               {.name = "help",
                .arity = 2,
                .flags = f,
                .categories = c,
                .handler = CommandHelp,
                .group = g,
                .summary = "Show helpful text about the different subcommands",
                .since = "5.0.0"},
           },
       .group = g,
       .summary = "Get array of Redis command details",
       .since = "2.8.13"},
  });
}

}  // namespace redoubt::commands
