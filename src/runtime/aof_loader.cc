#include "runtime/aof_loader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "persistence/aof_format.h"
#include "runtime/command_table.h"
#include "runtime/dispatch.h"
#include "runtime/rdb_persistence.h"
#include "util/log.h"

namespace redoubt::commands {

using persistence::AofReader;
using persistence::LooksLikeRdb;

namespace {

constexpr size_t kProgressEvery = 1024 * 1024;

struct Replayer {
  ServerState& state;
  Client client;
  std::string reply_buf;
  const CommandSpec* multi = CommandTable::Get().LookupCanonical("multi");
  const CommandSpec* exec = CommandTable::Get().LookupCanonical("exec");

  explicit Replayer(ServerState& s) : state(s) {
    client.authenticated = true;  // acl_user stays nullptr: an internal session runs anything
    client.name = "aof-loader";
    client.in_exec = true;  // a blocking command answers at once instead of blocking
  }
  // A file may hold WATCH, SUBSCRIBE or MONITOR: nothing may point at this session after
  // the replay (Redis frees its fake client the same way).
  ~Replayer() { DetachClient(state, client); }
  Replayer(const Replayer&) = delete;
  Replayer& operator=(const Replayer&) = delete;

  // Resolves the command by its canonical name; an error text when the file names something
  // that is not a command this server knows.
  const CommandSpec* Resolve(std::span<const std::string_view> args, std::string* error) {
    const CommandSpec* cmd = CommandTable::Get().LookupCanonical(args[0]);
    if (cmd == nullptr) {
      *error = "Unknown command '" + std::string(args[0].substr(0, 128)) +
               "' reading the append only file";
      return nullptr;
    }
    if (!cmd->subcommands.empty() && args.size() >= 2) {
      const CommandSpec* sub = CommandTable::LookupSub(*cmd, args[1]);
      if (sub != nullptr) cmd = sub;
    }
    int n = static_cast<int>(args.size());
    if ((cmd->arity > 0 && cmd->arity != n) || n < -cmd->arity) {
      *error = "Wrong number of arguments for '" + std::string(cmd->full_name) +
               "' reading the append only file";
      return nullptr;
    }
    return cmd;
  }

  void Run(const CommandSpec& cmd, std::span<const std::string_view> args) {
    protocol::ReplyBuilder reply(&reply_buf, 2);
    ExecuteResolved(state, client, cmd, args, reply);
    reply_buf.clear();
    client.reply_buf.clear();
    client.reply_pos = 0;
  }
};

}  // namespace

util::StatusOr<ReplayResult> ReplayAofBytes(ServerState& state, std::string_view data,
                                            const std::string& name, bool allow_truncated,
                                            const LoadProgress& progress) {
  Replayer rp(state);
  AofReader reader(data);
  ReplayResult res;
  // Commands of an open MULTI: applied at its EXEC, dropped if the file ends first.
  bool in_tx = false;
  size_t tx_start = 0;
  std::vector<std::pair<const CommandSpec*, std::vector<std::string>>> tx;
  std::vector<std::string_view> views;
  size_t next_progress = kProgressEvery;
  for (;;) {
    AofReader::Result r = reader.Next();
    if (r == AofReader::Result::kCommand) {
      std::string error;
      const CommandSpec* cmd = rp.Resolve(reader.args(), &error);
      if (cmd == nullptr) {
        return util::Status::Error(error + " " + name + " at offset " +
                                   std::to_string(reader.offset()));
      }
      if (cmd == rp.multi) {
        in_tx = true;
        tx_start = reader.offset();
        tx.clear();
      } else if (cmd == rp.exec) {
        for (auto& [c, args] : tx) {
          views.assign(args.begin(), args.end());
          rp.Run(*c, views);
        }
        tx.clear();
        in_tx = false;
      } else if (in_tx) {
        tx.emplace_back(cmd, std::vector<std::string>(reader.args().begin(), reader.args().end()));
      } else {
        rp.Run(*cmd, reader.args());
      }
      ++res.commands;
      if (progress && reader.position() >= next_progress) {
        progress(reader.position(), data.size());
        next_progress = reader.position() + kProgressEvery;
      }
      continue;
    }
    if (r == AofReader::Result::kEnd && !in_tx) {
      res.valid_len = data.size();
      return res;
    }
    if (r == AofReader::Result::kCorrupt) {
      return util::Status::Error("Bad file format reading the append only file " + name +
                                 " at offset " + std::to_string(reader.offset()) + " (" +
                                 reader.error() +
                                 "): make a backup of your AOF file, then use "
                                 "redoubt-check-aof --fix <filename.manifest>");
    }
    // The file ends inside a command, or inside a MULTI block without its EXEC.
    size_t valid = in_tx ? tx_start : reader.offset();
    if (!allow_truncated) {
      return util::Status::Error(
          "Unexpected end of file reading the append only file " + name + " at offset " +
          std::to_string(valid) +
          ". You can: 1) Make a backup of your AOF file, then use redoubt-check-aof --fix "
          "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' "
          "configuration option to yes and restart the server.");
    }
    res.truncated = true;
    res.valid_len = valid;
    return res;
  }
}

util::StatusOr<ReplayResult> ReplayAofFile(ServerState& state, const std::string& path,
                                           bool allow_truncated, const LoadProgress& progress) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return util::Status::Error("Can't open the append-only file " + path + ": " +
                               std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return util::Status::Error("Can't stat the append-only file " + path + ": " +
                               std::strerror(err));
  }
  auto size = static_cast<size_t>(st.st_size);
  void* map = nullptr;
  if (size > 0) {
    map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      int err = errno;
      ::close(fd);
      return util::Status::Error("Can't map the append-only file " + path + ": " +
                                 std::strerror(err));
    }
  }
  ::close(fd);
  std::string_view data(static_cast<const char*>(map), size);
  // An RDB base (aof-use-rdb-preamble), or an old single file that starts with one: the RDB
  // image, then commands after it.
  size_t rdb_len = 0;
  if (LooksLikeRdb(data)) {
    persistence::RdbLoadOptions o = RdbLoadOptionsFor(state);
    o.skip_expired = false;  // as Redis for a preamble: later commands may still name them
    if (progress)
      o.progress = [&progress](uint64_t done, uint64_t total) { progress(done, total); };
    persistence::RdbLoadStats stats;
    std::vector<store::Db*> dbs = AllDbs(state);
    util::Status st = persistence::LoadRdb(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()), dbs,
        o, &stats);
    if (!st.ok()) {
      munmap(map, size);
      return util::Status::Error("Bad file format reading the RDB part of the append only file " +
                                 path + ": " + st.message());
    }
    LOG_NOTICE("Reading RDB base file on AOF loading... (%llu keys)",
               static_cast<unsigned long long>(stats.keys_loaded));
    rdb_len = static_cast<size_t>(stats.bytes);
  }
  auto res = ReplayAofBytes(state, data.substr(rdb_len), path, allow_truncated, progress);
  if (res.ok()) res->valid_len += rdb_len;
  if (map != nullptr) munmap(map, size);
  if (res.ok() && res->truncated) {
    LOG_WARNING("!!! Warning: short read while loading the AOF file %s!!!", path.c_str());
    LOG_WARNING("!!! Truncating the AOF %s at offset %zu !!!", path.c_str(), res->valid_len);
    if (truncate(path.c_str(), static_cast<off_t>(res->valid_len)) != 0) {
      return util::Status::Error("Error truncating the AOF file " + path + ": " +
                                 std::strerror(errno));
    }
    LOG_WARNING("AOF %s loaded anyway because aof-load-truncated is enabled", path.c_str());
  }
  return res;
}

}  // namespace redoubt::commands
