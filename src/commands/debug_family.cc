// DEBUG: the subset of Redis 7.0's debugging subcommands that tests and operators use
// (DIGEST, RELOAD, OBJECT, SLEEP, ...), with Redis's replies and errors. Subcommands that
// would crash or corrupt the server on purpose are refused. The dispatch step refuses DEBUG
// itself unless enable-debug-command allows it.
#include <time.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>

#include "commands/families.h"
#include "protocol/errors.h"
#include "replication/primary.h"
#include "runtime/aof_persistence.h"
#include "runtime/command_table.h"
#include "runtime/rdb_persistence.h"
#include "runtime/server_state.h"
#include "store/digest.h"
#include "store/evict.h"
#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/listpack.h"
#include "store/zset_object.h"
#include "util/crypto.h"
#include "util/glob.h"
#include "util/log.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

void ReplyUnknownSubcommand(CommandContext& cx) {
  cx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" +
                 std::string(cx.args[1].substr(0, 128)) + "'. Try DEBUG HELP.");
}

// --- Dataset digests -------------------------------------------------------------------------

// DEBUG DIGEST: every database's keys and values, as Redis computes it.
void DebugDigest(CommandContext& cx) {
  store::Digest d{};
  for (int i = 0; i < cx.server.db_count(); ++i) {
    store::AddDatabaseDigest(d, i, cx.server.db(i).table());
  }
  cx.reply.SimpleString(store::DigestHex(d));
}

// DEBUG DIGEST-VALUE key...: one digest per key, zeros for a missing key. Logically expired
// keys still count (no lookup that would delete them), as in Redis.
void DebugDigestValue(CommandContext& cx) {
  cx.reply.Array(static_cast<int64_t>(cx.argc() - 2));
  for (size_t j = 2; j < cx.argc(); ++j) {
    store::Entry* e = cx.db().table().Find(cx.args[j]);
    store::Digest d{};
    if (e != nullptr) d = store::ValueDigest(*e);
    cx.reply.SimpleString(store::DigestHex(d));
  }
}

// --- Persistence -----------------------------------------------------------------------------

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the dataset, load the RDB again.
void DebugReload(CommandContext& cx) {
  bool save = true, flush = true, merge = false;
  for (size_t j = 2; j < cx.argc(); ++j) {
    if (util::EqualsIgnoreCase(cx.args[j], "NOSAVE")) {
      save = false;
    } else if (util::EqualsIgnoreCase(cx.args[j], "NOFLUSH")) {
      flush = false;
    } else if (util::EqualsIgnoreCase(cx.args[j], "MERGE")) {
      merge = true;
    } else {
      return cx.reply.Error(
          "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
    }
  }
  // Reloading is not a change to the dataset: nothing reaches the AOF or a save point.
  uint64_t dirty = cx.server.persistence.dirty;
  util::Status st = RdbDebugReload(cx.server, save, flush, merge);
  cx.server.persistence.dirty = dirty;
  if (!st.ok()) return cx.reply.Error(st.message());
  cx.reply.Ok();
}

// DEBUG LOADAOF: empty the dataset and replay the AOF files; nothing replayed is propagated.
void DebugLoadAof(CommandContext& cx) {
  uint64_t dirty = cx.server.persistence.dirty;
  util::Status st = cx.server.persistence.aof != nullptr
                        ? cx.server.persistence.aof->LoadForDebug()
                        : util::Status::Error("the append only file engine is not running");
  cx.server.persistence.dirty =
      dirty;  // as Redis: the replay is neither propagated nor saved again
  if (!st.ok()) {
    LOG_WARNING("DEBUG LOADAOF: %s", st.message().c_str());
    return cx.reply.Error("ERR Error trying to load the AOF files, check server logs.");
  }
  LOG_NOTICE("Append Only File loaded by DEBUG LOADAOF");
  cx.reply.Ok();
}

// --- Objects ---------------------------------------------------------------------------------

// Length of a string as an RDB file stores it (without LZF compression): small integers use
// the integer encodings, other strings a length prefix.
size_t RdbStringLength(std::string_view s) {
  int64_t v;
  if (s.size() <= 11 && util::ParseInt64(s, &v)) {
    if (v >= -128 && v <= 127) return 2;
    if (v >= -32768 && v <= 32767) return 3;
    if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  }
  size_t n = s.size();
  size_t prefix = n < (1 << 6) ? 1 : n < (1 << 14) ? 2 : n <= UINT32_MAX ? 5 : 9;
  return prefix + n;
}

const char* EncodingName(const store::Entry& e) {
  switch (e.encoding) {
    case store::Encoding::kInt:
      return "int";
    case store::Encoding::kEmbStr:
      return "embstr";
    case store::Encoding::kRaw:
      return "raw";
    case store::Encoding::kObject:
      return e.object()->EncodingName();
  }
  return "unknown";
}

// The ql_* fields Redis adds for a quicklist (Redoubt never compresses list nodes).
std::string QuicklistFields(const store::ListObject& l) {
  size_t bytes = 0;
  for (uint32_t i = 0; i < l.node_count(); ++i) bytes += store::listpack::Bytes(l.node_listpack(i));
  double avg = l.node_count() ? static_cast<double>(l.size()) / l.node_count() : 0;
  char buf[160];
  std::snprintf(buf, sizeof(buf),
                " ql_nodes:%u ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d "
                "ql_uncompressed_size:%zu",
                l.node_count(), avg, l.fill(), 0, bytes);
  return buf;
}

// DEBUG OBJECT <key>, in Redis's format. serializedlength ignores compression.
void DebugObject(CommandContext& cx) {
  store::Entry* e = cx.db().table().Find(cx.args[2]);
  if (e == nullptr) return cx.reply.Error(errors::kNoSuchKey);
  size_t serialized = 0;
  if (e->type == store::ValueType::kString) {
    char scratch[24];
    serialized = RdbStringLength(e->string_value(scratch));
  }
  std::string extra;
  if (e->type == store::ValueType::kList) {
    extra = QuicklistFields(*static_cast<const store::ListObject*>(e->object()));
  }
  uint32_t idle = store::LruIdle(e->lru, cx.server.clock.lru_clock);
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u "
                "lru_seconds_idle:%u",
                static_cast<void*>(e), EncodingName(*e), serialized, e->lru, idle);
  cx.reply.SimpleString(std::string(buf) + extra);
}

// DEBUG LISTPACK <key>: the listpack's elements on stdout (Redis prints lpRepr there).
void DebugListpack(CommandContext& cx) {
  store::Entry* e = cx.db().table().Find(cx.args[2]);
  if (e == nullptr) return cx.reply.Error(errors::kNoSuchKey);
  if (e->encoding != store::Encoding::kObject ||
      std::string_view(e->object()->EncodingName()) != "listpack") {
    return cx.reply.Error("ERR Not a listpack encoded object.");
  }
  std::string out = "{listpack of key " + std::string(e->key()) + "}\n";
  auto line = [&out](std::string_view a, std::string_view b) {
    out.append("  ").append(a).append(" ").append(b).append("\n");
  };
  if (e->type == store::ValueType::kHash) {
    static_cast<const store::HashObject*>(e->object())->ForEach(line);
  } else if (e->type == store::ValueType::kZSet) {
    static_cast<const store::ZSetObject*>(e->object())->ForEach([&](std::string_view m, double s) {
      line(m, std::to_string(s));
      return true;
    });
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  cx.reply.SimpleString("Listpack structure printed on stdout");
}

// DEBUG POPULATE <count> [prefix] [size]: creates prefix:N = value:N keys that do not exist.
void DebugPopulate(CommandContext& cx) {
  int64_t count = 0, size = 0;
  if (!util::ParseInt64(cx.args[2], &count) || count < 0) {
    return cx.reply.Error(errors::kMustBePositive);
  }
  if (cx.argc() == 5 && (!util::ParseInt64(cx.args[4], &size) || size < 0)) {
    return cx.reply.Error(errors::kMustBePositive);
  }
  if (size > cx.server.cfg->proto_max_bulk_len) return cx.reply.Error(errors::kStringTooLong);
  std::string prefix = cx.argc() >= 4 ? std::string(cx.args[3]) : "key";
  for (int64_t j = 0; j < count; ++j) {
    std::string key = prefix + ":" + std::to_string(j);
    if (key.size() > 127) key.resize(127);  // Redis formats into a 128-byte buffer
    if (cx.db().Lookup(key) != nullptr) continue;
    std::string value = "value:" + std::to_string(j);
    if (size > 0) value.resize(static_cast<size_t>(size), '\0');
    cx.db().SetString(key, value);
  }
  cx.reply.Ok();
}

// --- Protocol --------------------------------------------------------------------------------

// DEBUG PROTOCOL <type>: one reply of each RESP type, Redis's test values.
void DebugProtocol(CommandContext& cx) {
  std::string_view name = cx.args[2];
  auto is = [&](std::string_view n) { return util::EqualsIgnoreCase(name, n); };
  protocol::ReplyBuilder& r = cx.reply;
  if (is("string")) {
    r.Bulk("Hello World");
  } else if (is("integer")) {
    r.Integer(12345);
  } else if (is("double")) {
    r.Double(3.141);
  } else if (is("bignum")) {
    r.BigNum("1234567999999999999999999999999999999");
  } else if (is("null")) {
    r.Null();
  } else if (is("array") || is("set")) {
    is("array") ? r.Array(3) : r.Set(3);
    for (int j = 0; j < 3; ++j) r.Integer(j);
  } else if (is("map")) {
    r.Map(3);
    for (int j = 0; j < 3; ++j) {
      r.Integer(j);
      r.Bool(j == 1);
    }
  } else if (is("attrib")) {
    r.Attribute(1);
    if (r.resp() >= 3) {
      r.Bulk("key-popularity");
      r.Array(2);
      r.Bulk("key:123");
      r.Integer(90);
    }
    r.Bulk("Some real reply following the attribute");
  } else if (is("push")) {
    if (r.resp() < 3) return r.Error("ERR RESP2 is not supported by this command");
    r.Push(2);
    r.Bulk("server-cpu-usage");
    r.Integer(42);
    r.Bulk("Some real reply following the push reply");
  } else if (is("true") || is("false")) {
    r.Bool(is("true"));
  } else if (is("verbatim")) {
    r.Verbatim("This is a verbatim\nstring");
  } else {
    r.Error(
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

// --- Server switches -------------------------------------------------------------------------

// DEBUG SLEEP <seconds>: blocks the server, decimals allowed (strtod, like Redis).
void DebugSleep(CommandContext& cx) {
  std::string arg(cx.args[2]);
  double seconds = std::strtod(arg.c_str(), nullptr);
  if (seconds > 0) {
    seconds = std::min(seconds, 1e9);  // keeps the conversion below defined
    int64_t us = static_cast<int64_t>(seconds * 1000000);
    timespec ts{static_cast<time_t>(us / 1000000), static_cast<long>((us % 1000000) * 1000)};
    nanosleep(&ts, nullptr);
  }
  cx.reply.Ok();
}

void DebugSetActiveExpire(CommandContext& cx) {
  std::string arg(cx.args[2]);
  bool on = std::atoi(arg.c_str()) != 0;  // atoi, as Redis
  util::Status st = cx.server.config->Set({{"active-expire-enabled", on ? "yes" : "no"}});
  if (!st.ok()) return cx.reply.Error(st.message());
  cx.reply.Ok();
}

void DebugPauseCron(CommandContext& cx) {
  cx.server.debug.pause_cron = std::atoi(std::string(cx.args[2]).c_str()) != 0;
  cx.reply.Ok();
}

// DEBUG QUICKLIST-PACKED-THRESHOLD <size>: Redis's bounds (0 restores the 1 GB default).
// Redoubt's lists keep every element in listpack nodes, so the value is only recorded.
void DebugQuicklistPackedThreshold(CommandContext& cx) {
  int64_t size = 0;
  constexpr int64_t kMax = (1LL << 32) - (1LL << 20);
  if (!util::ParseMemory(cx.args[2], &size) || size < 0 || size > kMax) {
    return cx.reply.Error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
  }
  cx.server.debug.quicklist_packed_threshold = size == 0 ? 1ULL << 30 : static_cast<uint64_t>(size);
  cx.reply.Ok();
}

// DEBUG REPLYBUFFER PEAK-RESET-TIME <NEVER|RESET|ms> | RESIZING <0|1>.
void DebugReplyBuffer(CommandContext& cx) {
  ServerState::DebugSwitches& d = cx.server.debug;
  std::string_view value = cx.args[3];
  if (util::EqualsIgnoreCase(cx.args[2], "peak-reset-time")) {
    if (util::EqualsIgnoreCase(value, "never")) {
      d.reply_buffer_peak_reset_ms = -1;
    } else if (util::EqualsIgnoreCase(value, "reset")) {
      d.reply_buffer_peak_reset_ms = 5000;
    } else if (!util::ParseInt64(value, &d.reply_buffer_peak_reset_ms)) {
      return cx.reply.Error(errors::kNotInteger);
    }
  } else if (util::EqualsIgnoreCase(cx.args[2], "resizing")) {
    d.reply_buffer_resizing = std::atoi(std::string(value).c_str()) != 0;
  } else {
    return ReplyUnknownSubcommand(cx);
  }
  cx.reply.Ok();
}

// DEBUG CHANGE-REPL-ID: a new replication id (INFO master_replid), the second one cleared.
void DebugChangeReplId(CommandContext& cx) {
  LOG_NOTICE("Changing replication IDs after receiving DEBUG change-repl-id");
  cx.server.debug.replid = util::RandomHex(20);
  if (replication::Primary* p = replication::Primary::For(cx.server)) p->ChangeReplId();
  cx.reply.Ok();
}

// DEBUG STRINGMATCH-TEST: Redis fuzzes its glob matcher; this runs random patterns and
// subjects through Redoubt's, which must return without crashing.
void DebugStringmatchTest(CommandContext& cx) {
  static const char kAlphabet[] = "ab*?[]^-\\";
  char pattern[50], subject[50];
  for (int i = 0; i < 100000; ++i) {
    size_t plen = ServerState::Random() % sizeof(pattern);
    size_t slen = ServerState::Random() % sizeof(subject);
    for (size_t j = 0; j < plen; ++j) {
      pattern[j] = kAlphabet[ServerState::Random() % (sizeof(kAlphabet) - 1)];
    }
    for (size_t j = 0; j < slen; ++j) subject[j] = static_cast<char>(ServerState::Random() % 256);
    (void)util::GlobMatch({pattern, plen}, {subject, slen});
  }
  cx.reply.SimpleString("Apparently Redis did not crash: test passed");
}

// Subcommands that exist to crash, leak or stall the process: a server that never crashes
// on client input cannot offer them.
void DebugRefused(CommandContext& cx) {
  std::string name(cx.args[1].substr(0, 64));
  for (char& ch : name) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
  cx.reply.Error("ERR DEBUG " + name +
                 " is not supported: Redoubt does not crash or leak memory on request");
}

void DebugHelp(CommandContext& cx);

struct Subcommand {
  const char* name;
  int min_argc;
  int max_argc;  // -1: no limit
  void (*handler)(CommandContext&);
};

constexpr Subcommand kSubcommands[] = {
    {"HELP", 2, 2, DebugHelp},
    {"DIGEST", 2, 2, DebugDigest},
    {"DIGEST-VALUE", 2, -1, DebugDigestValue},
    {"RELOAD", 2, -1, DebugReload},
    {"LOADAOF", 2, -1, DebugLoadAof},
    {"OBJECT", 3, 3, DebugObject},
    {"LISTPACK", 3, 3, DebugListpack},
    {"POPULATE", 3, 5, DebugPopulate},
    {"PROTOCOL", 3, 3, DebugProtocol},
    {"SLEEP", 3, 3, DebugSleep},
    {"SET-ACTIVE-EXPIRE", 3, 3, DebugSetActiveExpire},
    {"PAUSE-CRON", 3, 3, DebugPauseCron},
    {"QUICKLIST-PACKED-THRESHOLD", 3, 3, DebugQuicklistPackedThreshold},
    {"REPLYBUFFER", 4, 4, DebugReplyBuffer},
    {"CHANGE-REPL-ID", 2, 2, DebugChangeReplId},
    {"STRINGMATCH-TEST", 2, 2, DebugStringmatchTest},
    {"LOG", 3, 3,
     [](CommandContext& cx) {
       LOG_WARNING("DEBUG LOG: %s", std::string(cx.args[2]).c_str());
       cx.reply.Ok();
     }},
    {"ERROR", 3, 3, [](CommandContext& cx) { cx.reply.Error(cx.args[2]); }},
    {"SEGFAULT", 2, -1, DebugRefused},
    {"PANIC", 2, -1, DebugRefused},
    {"ASSERT", 2, -1, DebugRefused},
    {"OOM", 2, -1, DebugRefused},
    {"LEAK", 2, -1, DebugRefused},
    {"RESTART", 2, -1, DebugRefused},
    {"CRASH-AND-RECOVER", 2, -1, DebugRefused},
};

constexpr const char* kDebugHelp[] = {
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANGE-REPL-ID",
    "    Change the replication IDs of the instance.",
    "    Dangerous: should be used only for testing the replication subsystem.",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "ERROR <string>",
    "    Return a Redis protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate Redis errors.",
    "LOG <message>",
    "    Write <message> to the server log.",
    "LOADAOF",
    "    Flush the AOF buffers on disk and reload the AOF in memory.",
    "OBJECT <key>",
    "    Show low level info about `key` and associated value.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named key:<num>. If <prefix> is specified then",
    "    it is used instead of the 'key' prefix. These are not propagated to",
    "    replicas. Cluster slots are not respected so keys not belonging to the",
    "    current node can be created in cluster mode.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, but",
    "      conflicting keys are an error (without MERGE).",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Sets the threshold for elements to be inserted as plain vs packed nodes",
    "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "STRINGMATCH-TEST",
    "    Run a fuzz tester against the stringmatchlen() function.",
    "LISTPACK <key>",
    "    Show low level info about the listpack encoding of <key>.",
    "PAUSE-CRON <0|1>",
    "    Stop periodic cron job processing.",
    "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
    "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
    "    In case NEVER is provided the last observed peak will never be reset",
    "    In case RESET is provided the peak reset time will be restored to the default value",
    "REPLYBUFFER RESIZING <0|1>",
    "    Enable or disable the reply buffer resize cron job",
    "HELP",
    "    Prints this help.",
};

void DebugHelp(CommandContext& cx) {
  cx.reply.Array(std::size(kDebugHelp));
  for (const char* line : kDebugHelp) cx.reply.SimpleString(line);
}

// DEBUG is one command in Redis 7.0 (no subcommand rows); it parses its own subcommands.
void Debug(CommandContext& cx) {
  int argc = static_cast<int>(cx.argc());
  for (const Subcommand& s : kSubcommands) {
    if (!util::EqualsIgnoreCase(cx.args[1], s.name)) continue;
    if (argc < s.min_argc || (s.max_argc >= 0 && argc > s.max_argc)) break;
    return s.handler(cx);
  }
  ReplyUnknownSubcommand(cx);
}

}  // namespace

void RegisterDebugFamily(CommandTable& t) {
  constexpr uint64_t kAdmin = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale;
  t.Register({
      {.name = "debug",
       .arity = -2,
       .flags = kAdmin | flag::kProtected,
       .handler = Debug,
       .group = "server",
       .summary = "A container for debugging commands"},
  });
}

}  // namespace redoubt::commands
