// Persistence commands: SAVE, BGSAVE, DUMP, RESTORE. The file formats live in persistence/,
// the snapshot machinery in rdb_persistence.cc.
#include <string>

#include "persistence/rdb_loader.h"
#include "persistence/rdb_writer.h"
#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "runtime/rdb_persistence.h"
#include "runtime/server_state.h"
#include "store/evict.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {
namespace {

void Save(CommandContext& cx) {
  util::Status st = RdbSaveNow(cx.server);
  if (!st.ok() && RdbChildActive(cx.server)) return cx.reply.Error("ERR " + st.message());
  if (!st.ok()) return cx.reply.Error("ERR");  // Redis's bare error; the log says why
  cx.reply.Ok();
}

// BGSAVE [SCHEDULE]
void Bgsave(CommandContext& cx) {
  bool schedule = false;
  if (cx.argc() > 1) {
    if (cx.argc() == 2 && util::EqualsIgnoreCase(cx.args[1], "SCHEDULE")) {
      schedule = true;
    } else {
      return cx.reply.Error(errors::kSyntax);
    }
  }
  if (RdbChildActive(cx.server)) return cx.reply.Error("ERR Background save already in progress");
  if (AofChildActive(cx.server) || cx.client.in_exec) {
    // As Redis: one child at a time, and no fork in the middle of a transaction; a scheduled
    // BGSAVE starts from the cron as soon as it can.
    if (!schedule && !cx.client.in_exec) {
      return cx.reply.Error(
          "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
          "SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }
    cx.server.persistence.rdb.bgsave_scheduled = true;
    return cx.reply.SimpleString("Background saving scheduled");
  }
  util::Status st = RdbStartBgsave(cx.server);
  if (!st.ok()) return cx.reply.Error("ERR");  // Redis's bare error; the log says why
  cx.reply.SimpleString("Background saving started");
}

void Dump(CommandContext& cx) {
  store::Entry* e = cx.db().LookupRead(cx.args[1]);
  if (e == nullptr) return cx.reply.Null();
  cx.reply.Bulk(persistence::DumpPayload(*e, cx.server.cfg->rdbcompression));
}

struct RestoreOptions {
  int64_t ttl = 0;
  bool replace = false;
  bool absttl = false;
  int64_t idle = -1;
  int64_t freq = -1;
};

bool ParseRestore(CommandContext& cx, RestoreOptions* o) {
  for (size_t j = 4; j < cx.argc(); ++j) {
    std::string_view a = cx.args[j];
    bool more = j + 1 < cx.argc();
    if (util::EqualsIgnoreCase(a, "REPLACE")) {
      o->replace = true;
    } else if (util::EqualsIgnoreCase(a, "ABSTTL")) {
      o->absttl = true;
    } else if (util::EqualsIgnoreCase(a, "IDLETIME") && more && o->freq == -1) {
      if (!util::ParseInt64(cx.args[++j], &o->idle))
        return cx.reply.Error(errors::kNotInteger), false;
      if (o->idle < 0) return cx.reply.Error("ERR Invalid IDLETIME value, must be >= 0"), false;
    } else if (util::EqualsIgnoreCase(a, "FREQ") && more && o->idle == -1) {
      if (!util::ParseInt64(cx.args[++j], &o->freq))
        return cx.reply.Error(errors::kNotInteger), false;
      if (o->freq < 0 || o->freq > 255) {
        return cx.reply.Error("ERR Invalid FREQ value, must be >= 0 and <= 255"), false;
      }
    } else {
      return cx.reply.Error(errors::kSyntax), false;
    }
  }
  return true;
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
void Restore(CommandContext& cx) {
  RestoreOptions o;
  if (!ParseRestore(cx, &o)) return;
  std::string_view key = cx.args[1];
  store::Db& db = cx.db();
  if (!o.replace && db.Lookup(key) != nullptr) {
    return cx.reply.Error("BUSYKEY Target key name already exists.");
  }
  if (!util::ParseInt64(cx.args[2], &o.ttl)) return cx.reply.Error(errors::kNotInteger);
  if (o.ttl < 0) return cx.reply.Error("ERR Invalid TTL value, must be >= 0");
  if (o.ttl > 0 && !o.absttl) {
    if (o.ttl > INT64_MAX - cx.now_ms()) return cx.reply.Error(errors::kNotInteger);
    o.ttl += cx.now_ms();
  }
  persistence::RdbLoadOptions lo = RdbLoadOptionsFor(cx.server);
  auto decoded = persistence::DecodeDumpPayload(key, cx.args[3], o.ttl > 0, lo);
  if (!decoded.ok()) return cx.reply.Error(decoded.status().message());
  store::Entry* e = *decoded;
  if (o.ttl > 0 && o.ttl <= cx.now_ms()) {
    // Already expired: the key is (only) deleted, as Redis does.
    store::FreeEntry(e);
    if (o.replace && db.Delete(key)) Notify(cx, config::notify::kGeneric, "del", key);
    return cx.reply.Ok();
  }
  if (o.ttl > 0) e->set_expire_ms(o.ttl);
  db.Overwrite(e);
  // IDLETIME under an LRU-clock policy, FREQ under LFU (Redis ignores the other one); set
  // after the entry is in, as Redis does, so that an lru of 0 stays 0.
  uint32_t lru;
  const store::Clock& clock = cx.server.clock;
  e->lru = store::LruFromAccessInfo(clock, o.idle, o.freq, &lru) ? lru : store::NewEntryLru(clock);
  Notify(cx, config::notify::kGeneric, "restore", key);
  // The AOF gets the TTL as an absolute time, so that a replay later expires at the same time.
  if (o.ttl > 0 && !o.absttl && cx.feeding()) {
    std::vector<std::string> args(cx.args.begin(), cx.args.end());
    args[0] = "RESTORE";
    args[2] = std::to_string(o.ttl);
    args.emplace_back("ABSTTL");
    cx.PropagateAs(std::move(args));
  }
  cx.reply.Ok();
}

}  // namespace

void RegisterPersistenceFamily(CommandTable& t) {
  const char* g = "server";
  KeySpec ro{.flags = keyflag::kRO | keyflag::kAccess, .index = 1};
  KeySpec ow{.flags = keyflag::kOW | keyflag::kUpdate, .index = 1};
  t.Register({
      {.name = "save",
       .arity = 1,
       .flags = flag::kAdmin | flag::kNoscript | flag::kNoAsyncLoading | flag::kNoMulti,
       .handler = Save,
       .group = g,
       .summary = "Synchronously save the dataset to disk"},
      {.name = "bgsave",
       .arity = -1,
       .flags = flag::kAdmin | flag::kNoscript | flag::kNoAsyncLoading,
       .handler = Bgsave,
       .group = g,
       .summary = "Asynchronously save the dataset to disk"},
      {.name = "dump",
       .arity = 2,
       .flags = flag::kReadonly,
       .categories = cat::kKeyspace,
       .keys = {ro},
       .handler = Dump,
       .group = "generic",
       .summary = "Return a serialized version of the value stored at the specified key.",
       .since = "2.6.0"},
      {.name = "restore",
       .arity = -4,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = cat::kKeyspace | cat::kDangerous,
       .keys = {ow},
       .handler = Restore,
       .group = "generic",
       .summary = "Create a key using the provided serialized value, previously obtained using "
                  "DUMP.",
       .since = "2.6.0"},
  });
}

}  // namespace redoubt::commands
