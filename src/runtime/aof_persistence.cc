#include "runtime/aof_persistence.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "persistence/aof_base.h"
#include "persistence/rdb_writer.h"
#include "runtime/acl.h"
#include "runtime/aof_loader.h"
#include "runtime/latency_hook.h"
#include "runtime/rdb_persistence.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/safe_file.h"

namespace redoubt::commands {

using namespace persistence;  // NOLINT(build/namespaces): the AOF file formats

namespace {

bool Exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

bool IsDir(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Makes a rename or a new file in `dir` durable.
void FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  ::close(fd);
}

util::Status Errno(const std::string& what) {
  return util::Status::Error(what + ": " + std::strerror(errno));
}

}  // namespace

Aof::Aof(ServerState* state) : state_(state) {
  fsync_thread_ = std::thread([this] { FsyncThread(); });
}

Aof::~Aof() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  fsync_thread_.join();
  if (child_pid_ > 0) {
    kill(child_pid_, SIGKILL);
    waitpid(child_pid_, nullptr, 0);
    unlink(Path(rewrite_temp_).c_str());  // a half-written base is never used
  }
  if (fd_ >= 0) ::close(fd_);
}

std::vector<store::Db*> Aof::Dbs() const {
  std::vector<store::Db*> dbs;
  for (int i = 0; i < state_->db_count(); ++i) dbs.push_back(&state_->db(i));
  return dbs;
}

// aof-use-rdb-preamble: the base as an RDB (Redis 7.0's default) or as commands.
bool Aof::UseRdbBase() const { return state_->cfg->aof_use_rdb_preamble; }

bool Aof::WriteBase(int fd, int64_t now_ms, bool rdb) {
  std::vector<store::Db*> dbs = Dbs();
  if (!rdb) {
    std::vector<std::string> functions;
    if (state_->persistence.function_library_codes) {
      functions = state_->persistence.function_library_codes();
    }
    return WriteCommandBase(dbs, fd, now_ms, functions);
  }
  persistence::RdbSaveOptions o = RdbSaveOptionsFor(*state_);
  o.aof_base = true;
  util::Status st = persistence::WriteRdb(fd, dbs, o, now_ms);
  if (!st.ok()) LOG_WARNING("Writing the RDB base of the AOF: %s", st.message().c_str());
  return st.ok();
}

std::string Aof::Path(const std::string& name) const {
  return state_->cfg->appenddirname + "/" + name;
}

uint64_t Aof::FileSize(const std::string& name) const {
  struct stat st {};
  return stat(Path(name).c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// --- Start-up -------------------------------------------------------------------------------

util::Status Aof::StartUp(const std::function<void(size_t, size_t)>& progress) {
  const config::ServerConfig& cfg = *state_->cfg;
  const std::string& dir = cfg.appenddirname;
  std::string manifest_path = Path(ManifestFileName(cfg.appendfilename));
  int64_t start = util::UnixMs();
  uint64_t commands = 0;
  if (IsDir(dir) && Exists(manifest_path)) {
    int fd = ::open(manifest_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno("Can't open the AOF manifest " + manifest_path);
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof(buf))) > 0) text.append(buf, static_cast<size_t>(n));
    ::close(fd);
    auto m = ParseManifest(text);
    if (!m.ok()) return util::Status::Error(m.status().message() + " (" + manifest_path + ")");
    manifest_ = std::move(*m);
    // The files to replay in order; only the last one may have a torn tail.
    std::vector<std::string> files;
    if (manifest_.has_base) files.push_back(manifest_.base.name);
    for (const AofFileInfo& f : manifest_.incrs) files.push_back(f.name);
    for (size_t i = 0; i < files.size(); ++i) {
      std::string path = Path(files[i]);
      if (!Exists(path)) {
        return util::Status::Error("The AOF file " + path + " named by " + manifest_path +
                                   " doesn't exist");
      }
      bool last = i + 1 == files.size();
      auto r = ReplayAofFile(*state_, path, last && cfg.aof_load_truncated, progress);
      if (!r.ok()) return r.status();
      commands += r->commands;
    }
    for (const AofFileInfo& h : manifest_.history) unlink(Path(h.name).c_str());
    manifest_.history.clear();
  } else if (Exists(cfg.appendfilename)) {
    // An AOF from before Redis 7.0: load it, then move it into the directory as the base.
    auto r = ReplayAofFile(*state_, cfg.appendfilename, cfg.aof_load_truncated, progress);
    if (!r.ok()) return r.status();
    commands = r->commands;
    if (!IsDir(dir) && mkdir(dir.c_str(), 0700) != 0) {
      return Errno("Can't create the AOF directory " + dir);
    }
    // A second name first, the manifest, then the old name goes: a crash at any point leaves
    // either the old layout or the new one complete.
    std::string moved = Path(cfg.appendfilename);
    unlink(moved.c_str());
    if (link(cfg.appendfilename.c_str(), moved.c_str()) != 0) {
      return Errno("Can't move " + cfg.appendfilename + " into " + dir);
    }
    manifest_ = AofManifest{};
    manifest_.has_base = true;
    manifest_.base = {cfg.appendfilename, 1, 'b'};
    manifest_.cur_base_seq = 1;
    if (auto st = PersistManifest(manifest_); !st.ok()) return st;
    unlink(cfg.appendfilename.c_str());
    FsyncDir(".");
    LOG_NOTICE("Successfully migrated an old-style AOF into the AOF directory %s", dir.c_str());
  } else {
    if (!IsDir(dir) && mkdir(dir.c_str(), 0700) != 0) {
      return Errno("Can't create the AOF directory " + dir);
    }
    manifest_ = AofManifest{};
    if (auto st = CreateBaseNow(); !st.ok()) return st;
  }
  if (commands > 0 || manifest_.has_base) {
    LOG_NOTICE("DB loaded from append only file: %.3f seconds (%llu commands)",
               static_cast<double>(util::UnixMs() - start) / 1000,
               static_cast<unsigned long long>(commands));
  }
  // Appends go to the last incremental file, or a new one when there is none.
  if (!manifest_.incrs.empty()) {
    std::string path = Path(manifest_.incrs.back().name);
    util::StatusOr<int> fd = util::OpenForAppend(path);
    if (!fd.ok())
      return util::Status::Error("Can't open the append-only file: " + fd.status().message());
    fd_ = *fd;
  } else if (auto st = OpenNewIncr(true); !st.ok()) {
    return st;
  }
  base_size_ = manifest_.has_base ? FileSize(manifest_.base.name) : 0;
  current_size_ = base_size_;
  for (const AofFileInfo& f : manifest_.incrs) current_size_ += FileSize(f.name);
  enabled_ = true;
  selected_db_ = -1;
  state_->persistence.aof_feed = this;
  state_->persistence.UpdateWriteFeed();
  return util::Status::Ok();
}

util::Status Aof::CreateBaseNow() {
  const config::ServerConfig& cfg = *state_->cfg;
  int64_t seq = manifest_.cur_base_seq + 1;
  bool rdb = UseRdbBase();
  std::string name = BaseFileName(cfg.appendfilename, seq, rdb);
  util::StatusOr<util::TempFile> tmp = util::TempFile::Create(Path(name), "temp-", ".aof");
  if (!tmp.ok())
    return util::Status::Error("Can't create the AOF base file: " + tmp.status().message());
  if (!WriteBase(tmp->fd(), util::UnixMs(), rdb)) {
    return util::Status::Error("Can't write the AOF base file " + name);
  }
  if (auto st = tmp->Commit(Path(name)); !st.ok()) {
    return util::Status::Error("Can't write the AOF base file " + name + ": " + st.message());
  }
  LOG_NOTICE("Creating AOF base file %s on server start", name.c_str());
  manifest_.has_base = true;
  manifest_.base = {name, seq, 'b'};
  manifest_.cur_base_seq = seq;
  return util::Status::Ok();
}

util::Status Aof::OpenNewIncr(bool persist_manifest) {
  const config::ServerConfig& cfg = *state_->cfg;
  if (fd_ >= 0) {
    WriteBuffer();
    std::lock_guard<std::mutex> lk(mu_);
    fdatasync(fd_);
    ::close(fd_);
    fd_ = -1;
  }
  int64_t seq = manifest_.cur_incr_seq + 1;
  std::string name = IncrFileName(cfg.appendfilename, seq);
  // An empty file renamed into place replaces whatever was planted under the name; the append
  // descriptor then refuses anything but the server's own regular file.
  util::Status st = util::WriteFileAtomically(Path(name), "");
  util::StatusOr<int> fd = st.ok() ? util::OpenForAppend(Path(name)) : util::StatusOr<int>(st);
  if (!fd.ok())
    return util::Status::Error("Can't open the append-only file: " + fd.status().message());
  {
    std::lock_guard<std::mutex> lk(mu_);
    fd_ = *fd;
  }
  manifest_.incrs.push_back({name, seq, 'i'});
  manifest_.cur_incr_seq = seq;
  selected_db_ = -1;
  LOG_NOTICE("Creating AOF incr file %s", name.c_str());
  if (persist_manifest) return PersistManifest(manifest_);
  return util::Status::Ok();
}

util::Status Aof::PersistManifest(const AofManifest& m) {
  const config::ServerConfig& cfg = *state_->cfg;
  const std::string path = Path(ManifestFileName(cfg.appendfilename));
  if (auto st = util::WriteFileAtomically(path, m.Serialize()); !st.ok()) {
    return util::Status::Error("Can't write the AOF manifest " + path + ": " + st.message());
  }
  return util::Status::Ok();
}

// --- CONFIG SET appendonly ------------------------------------------------------------------

// While the AOF is off, the manifest on disk (if any) still decides the next sequence numbers
// and which files a new base replaces.
void Aof::ReadManifestFromDisk() {
  manifest_ = AofManifest{};
  std::string manifest_path = Path(ManifestFileName(state_->cfg->appendfilename));
  int fd = ::open(manifest_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) text.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (auto m = ParseManifest(text); m.ok()) manifest_ = std::move(*m);
}

util::Status Aof::Enable() {
  if (enabled_) return util::Status::Ok();
  if (child_pid_ > 0) {
    return util::Status::Error("Background append only file rewriting already in progress");
  }
  const config::ServerConfig& cfg = *state_->cfg;
  const std::string& dir = cfg.appenddirname;
  if (!IsDir(dir) && mkdir(dir.c_str(), 0700) != 0) {
    return Errno("Can't create the AOF directory " + dir);
  }
  // Sequence numbers continue from any manifest already there; its files are replaced when
  // the new base is done.
  ReadManifestFromDisk();
  if (auto st = OpenNewIncr(false); !st.ok()) return st;
  enabled_ = true;
  enabling_ = true;
  state_->persistence.aof_feed = this;
  state_->persistence.UpdateWriteFeed();
  if (RdbChildActive(*state_)) {
    // One child at a time, as Redis: the cron starts the base once the snapshot is done.
    LOG_NOTICE(
        "AOF was enabled but there is already another background operation. An AOF background "
        "was scheduled to start when possible.");
    rewrite_scheduled_ = true;
    return util::Status::Ok();
  }
  if (auto st = StartRewrite(); !st.ok()) {
    Disable();
    return st;
  }
  return util::Status::Ok();
}

void Aof::Disable() {
  if (!enabled_) return;
  if (child_pid_ > 0) {
    kill(child_pid_, SIGUSR1);
    waitpid(child_pid_, nullptr, 0);
    child_pid_ = -1;
    unlink(Path(rewrite_temp_).c_str());
  }
  WriteBuffer();
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (fd_ >= 0) {
      fdatasync(fd_);
      ::close(fd_);
    }
    fd_ = -1;
  }
  buf_.clear();
  enabled_ = false;
  enabling_ = false;
  write_ok_ = true;
  state_->persistence.aof_write_error.clear();
  if (state_->persistence.aof_feed == this) state_->persistence.aof_feed = nullptr;
  state_->persistence.UpdateWriteFeed();
}

// --- The feed -------------------------------------------------------------------------------

void Aof::AppendSelect(int db) {
  if (db == selected_db_) return;
  char num[16];
  int n = std::snprintf(num, sizeof(num), "%d", db);
  AppendCommand(&buf_, {"SELECT", std::string_view(num, static_cast<size_t>(n))});
  selected_db_ = db;
}

void Aof::Append(int db, std::span<const std::string_view> args) {
  if (tx_open_ && !tx_written_) {
    AppendSelect(db);
    AppendCommand(&buf_, {"MULTI"});
    tx_written_ = true;
  }
  AppendSelect(db);
  AppendCommand(&buf_, args);
}

void Aof::Command(int db, const CommandSpec& cmd, std::span<const std::string_view> args) {
  // Under the canonical name, whatever alias rename-command gave it here.
  std::string_view name = CanonicalCommandName(cmd);
  if (tx_open_ && !tx_written_) {
    AppendSelect(db);
    AppendCommand(&buf_, {"MULTI"});
    tx_written_ = true;
  }
  AppendSelect(db);
  char header[32];
  int n = std::snprintf(header, sizeof(header), "*%zu\r\n$%zu\r\n", args.size(), name.size());
  buf_.append(header, static_cast<size_t>(n));
  buf_.append(name);
  buf_.append("\r\n");
  for (size_t i = 1; i < args.size(); ++i) {
    n = std::snprintf(header, sizeof(header), "$%zu\r\n", args[i].size());
    buf_.append(header, static_cast<size_t>(n));
    buf_.append(args[i]);
    buf_.append("\r\n");
  }
}

void Aof::Deleted(int db, std::string_view key) {
  std::array<std::string_view, 2> args{"DEL", key};
  Append(db, args);
}

void Aof::Propagate(int db, std::span<const std::string_view> args) { Append(db, args); }

void Aof::BeginTransaction() {
  tx_open_ = true;
  tx_written_ = false;
}

void Aof::EndTransaction() {
  if (tx_written_) AppendCommand(&buf_, {"EXEC"});
  tx_open_ = false;
  tx_written_ = false;
}

// --- Writing and fsync ----------------------------------------------------------------------

bool Aof::WriteBuffer() {
  if (buf_.empty() || fd_ < 0) return true;
  const uint64_t start = LatencyStart(*state_);
  const bool written = WriteAll(fd_, buf_.data(), buf_.size());
  if (start != 0) {
    // As Redis: the write is also filed by what it competed with (a background fsync, a child
    // writing a snapshot or rewrite, or nothing).
    const char* why = fsync_running_                                ? "aof-write-pending-fsync"
                      : (child_pid_ > 0 || RdbChildActive(*state_)) ? "aof-write-active-child"
                                                                    : "aof-write-alone";
    LatencyEnd(*state_, why, start);
    LatencyEnd(*state_, "aof-write", start);
  }
  if (!written) {
    last_write_errno_ = errno;
    if (write_ok_) {
      LOG_WARNING("Error writing to the AOF file: %s", std::strerror(last_write_errno_));
    }
    write_ok_ = false;
    state_->persistence.aof_write_error = std::strerror(last_write_errno_);
    // A partial write is not undone here: a retry appends the whole buffer again only after
    // the file was truncated back (Redis does the same with ftruncate).
    return false;
  }
  current_size_ += buf_.size();
  buf_.clear();
  if (buf_.capacity() > 4 * 1024 * 1024) buf_.shrink_to_fit();
  if (!write_ok_) {
    LOG_WARNING("AOF write error looks solved, Redoubt can write again.");
    write_ok_ = true;
    state_->persistence.aof_write_error.clear();
  }
  return true;
}

void Aof::FlushBeforeSleep() {
  if (!enabled_ || buf_.empty()) return;
  const config::ServerConfig& cfg = *state_->cfg;
  off_t before = lseek(fd_, 0, SEEK_END);
  if (!WriteBuffer()) {
    // Drop a partial write so that the file holds whole commands only, then retry later.
    if (before >= 0 && ftruncate(fd_, before) != 0) {
      LOG_WARNING("Could not remove a partial AOF write: %s", std::strerror(errno));
    }
    if (cfg.appendfsync == config::kFsyncAlways) {
      // Writes were acknowledged to nobody yet, but the policy promises durability first.
      LOG_WARNING(
          "Can't recover from AOF write error when the AOF fsync policy is 'always'. "
          "Exiting...");
      _exit(1);
    }
    return;
  }
  bool skip = cfg.no_appendfsync_on_rewrite && child_pid_ > 0;
  if (cfg.appendfsync == config::kFsyncAlways && !skip) {
    const uint64_t start = LatencyStart(*state_);
    if (fdatasync(fd_) != 0) {
      LOG_WARNING("Can't persist the AOF (fsync: %s) with appendfsync always. Exiting...",
                  std::strerror(errno));
      _exit(1);
    }
    LatencyEnd(*state_, "aof-fsync-always", start);
    last_fsync_ms_ = util::UnixMs();
  } else if (cfg.appendfsync == config::kFsyncEverysec && !skip) {
    FsyncNow();
  }
}

// everysec: asks the background thread for an fsync at most once a second; one already
// running delays the next (aof_delayed_fsync).
void Aof::FsyncNow() {
  int64_t now = util::UnixMs();
  if (now - last_fsync_ms_ < 1000) return;
  if (fsync_running_) {
    ++delayed_fsync_;
    return;
  }
  {
    std::lock_guard<std::mutex> lk(mu_);
    fsync_requested_ = true;
  }
  last_fsync_ms_ = now;
  cv_.notify_one();
}

void Aof::FsyncThread() {
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    cv_.wait(lk, [this] { return stop_ || fsync_requested_; });
    if (stop_) return;
    fsync_requested_ = false;
    fsync_running_ = true;
    if (fd_ >= 0) fdatasync(fd_);
    fsync_running_ = false;
  }
}

void Aof::Shutdown() {
  if (!enabled_) return;
  WriteBuffer();
  std::lock_guard<std::mutex> lk(mu_);
  if (fd_ >= 0) {
    LOG_NOTICE("Calling fsync() on the AOF file.");
    fdatasync(fd_);
  }
}

util::Status Aof::LoadForDebug() {
  // A DEBUG LOADAOF inside the file being replayed must not recurse.
  if (debug_loading_) return util::Status::Error("DEBUG LOADAOF while replaying the AOF");
  if (enabled_) WriteBuffer();
  for (int i = 0; i < state_->db_count(); ++i) state_->db(i).Flush();
  AofManifest on_disk = manifest_;
  if (!enabled_) ReadManifestFromDisk();
  std::vector<std::string> files;
  if (manifest_.has_base) files.push_back(manifest_.base.name);
  for (const AofFileInfo& f : manifest_.incrs) files.push_back(f.name);
  if (!enabled_) manifest_ = std::move(on_disk);
  if (files.empty()) return util::Status::Error("no append only file to load");
  WriteFeed* feed = state_->persistence.write_feed;
  state_->persistence.write_feed = nullptr;
  debug_loading_ = true;
  util::Status result = util::Status::Ok();
  for (size_t i = 0; i < files.size() && result.ok(); ++i) {
    bool last = i + 1 == files.size();
    auto r = ReplayAofFile(*state_, Path(files[i]), last && state_->cfg->aof_load_truncated, {});
    if (!r.ok()) result = r.status();
  }
  debug_loading_ = false;
  state_->persistence.write_feed = feed;
  return result;
}

// --- Rewrite --------------------------------------------------------------------------------

util::Status Aof::StartRewrite() {
  if (child_pid_ > 0) {
    return util::Status::Error("Background append only file rewriting already in progress");
  }
  const config::ServerConfig& cfg = *state_->cfg;
  if (!IsDir(cfg.appenddirname) && mkdir(cfg.appenddirname.c_str(), 0700) != 0) {
    return Errno("Can't create the AOF directory " + cfg.appenddirname);
  }
  // Writes from now on go to a new incremental file, listed at once beside the old ones, so
  // that the old base + incrs + new incr stay a complete AOF until the new base is done.
  if (enabled_ && !enabling_) {
    if (auto st = OpenNewIncr(true); !st.ok()) return st;
  } else if (!enabled_) {
    ReadManifestFromDisk();
  }
  WriteBuffer();
  int64_t now = util::UnixMs();
  rewrite_rdb_ = UseRdbBase();
  // Made by the parent, so that it knows the unpredictable name to rename or clean up.
  util::StatusOr<util::TempFile> tmp =
      util::TempFile::Create(Path("base"), "temp-rewriteaof-bg-", ".aof");
  if (!tmp.ok())
    return util::Status::Error("Can't rewrite append only file: " + tmp.status().message());
  const uint64_t fork_start = LatencyNowUs();
  pid_t pid = fork();
  if (pid < 0) return Errno("Can't rewrite append only file in background: fork");
  if (pid > 0) LatencyForked(*state_, fork_start);
  if (pid == 0) {
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    bool ok = WriteBase(tmp->fd(), now, rewrite_rdb_) && fsync(tmp->fd()) == 0;
    _exit(ok ? 0 : 1);
  }
  child_pid_ = pid;
  rewrite_start_ms_ = now;
  const std::string tmp_path = tmp->Detach();
  rewrite_temp_ = tmp_path.substr(tmp_path.rfind('/') + 1);
  LOG_NOTICE("Background append only file rewriting started by pid %d", static_cast<int>(pid));
  return util::Status::Ok();
}

void Aof::RewriteDone(int status) {
  const config::ServerConfig& cfg = *state_->cfg;
  child_pid_ = -1;
  last_rewrite_time_sec_ = (util::UnixMs() - rewrite_start_ms_) / 1000;
  bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (ok) {
    AofManifest m;
    m.has_base = true;
    m.cur_base_seq = manifest_.cur_base_seq + 1;
    m.base = {BaseFileName(cfg.appendfilename, m.cur_base_seq, rewrite_rdb_), m.cur_base_seq, 'b'};
    m.cur_incr_seq = manifest_.cur_incr_seq;
    if (enabled_ && !manifest_.incrs.empty()) m.incrs.push_back(manifest_.incrs.back());
    const uint64_t rename_start = LatencyStart(*state_);
    const int renamed = rename(Path(rewrite_temp_).c_str(), Path(m.base.name).c_str());
    LatencyEnd(*state_, "aof-rename", rename_start);
    if (renamed != 0) {
      LOG_WARNING("Error trying to rename the temporary AOF base file %s into %s: %s",
                  rewrite_temp_.c_str(), m.base.name.c_str(), std::strerror(errno));
      ok = false;
    } else if (auto st = PersistManifest(m); !st.ok()) {
      LOG_WARNING("%s", st.message().c_str());
      ok = false;
    } else {
      // The old base and incrs are history now.
      std::vector<std::string> old;
      if (manifest_.has_base && manifest_.base.name != m.base.name) {
        old.push_back(manifest_.base.name);
      }
      for (const AofFileInfo& f : manifest_.incrs) {
        if (m.incrs.empty() || f.name != m.incrs.back().name) old.push_back(f.name);
      }
      for (const std::string& name : old) {
        LOG_NOTICE("Removing the history file %s", name.c_str());
        unlink(Path(name).c_str());
      }
      manifest_ = std::move(m);
      base_size_ = FileSize(manifest_.base.name);
      current_size_ = base_size_;
      for (const AofFileInfo& f : manifest_.incrs) current_size_ += FileSize(f.name);
      ++rewrites_;
      rewrite_failures_ = 0;
      last_rewrite_ok_ = true;
      enabling_ = false;
      LOG_NOTICE("Background AOF rewrite finished successfully");
      return;
    }
  }
  unlink(Path(rewrite_temp_).c_str());
  last_rewrite_ok_ = false;
  ++rewrite_failures_;
  LOG_WARNING("Background AOF rewrite terminated with error");
}

void Aof::Cron() {
  if (child_pid_ > 0) {
    int status = 0;
    pid_t r = waitpid(child_pid_, &status, WNOHANG);
    if (r == child_pid_) RewriteDone(status);
  }
  if (rewrite_scheduled_ && child_pid_ < 0 && !RdbChildActive(*state_)) {
    rewrite_scheduled_ = false;
    if (auto st = StartRewrite(); !st.ok()) LOG_WARNING("%s", st.message().c_str());
  }
  if (!enabled_) return;
  const config::ServerConfig& cfg = *state_->cfg;
  // A base for CONFIG SET appendonly yes that failed is tried again.
  if (enabling_ && child_pid_ < 0 && !RdbChildActive(*state_) &&
      util::UnixMs() - rewrite_start_ms_ > 5000) {
    if (auto st = StartRewrite(); !st.ok()) LOG_WARNING("%s", st.message().c_str());
  }
  if (!write_ok_) FlushBeforeSleep();
  // Data written but not yet fsynced (a quiet second after a burst) still gets its fsync.
  if (cfg.appendfsync == config::kFsyncEverysec) FsyncNow();
  if (child_pid_ < 0 && !RdbChildActive(*state_) && cfg.auto_aof_rewrite_percentage > 0 &&
      static_cast<int64_t>(current_size_) > cfg.auto_aof_rewrite_min_size) {
    uint64_t base = base_size_ > 0 ? base_size_ : 1;
    uint64_t growth = (current_size_ - std::min(current_size_, base)) * 100 / base;
    if (growth >= static_cast<uint64_t>(cfg.auto_aof_rewrite_percentage)) {
      LOG_NOTICE("Starting automatic rewriting of AOF on %llu%% growth",
                 static_cast<unsigned long long>(growth));
      if (auto st = StartRewrite(); !st.ok()) LOG_WARNING("%s", st.message().c_str());
    }
  }
}

// --- INFO -----------------------------------------------------------------------------------

void Aof::Info(std::string* out) const {
  auto line = [out](const char* key, const std::string& value) {
    out->append(key);
    out->push_back(':');
    out->append(value);
    out->append("\r\n");
  };
  int64_t now = util::UnixMs();
  line("aof_enabled", enabled_ ? "1" : "0");
  line("aof_rewrite_in_progress", child_pid_ > 0 ? "1" : "0");
  line("aof_rewrite_scheduled", rewrite_scheduled_ ? "1" : "0");
  line("aof_last_rewrite_time_sec", std::to_string(last_rewrite_time_sec_));
  line("aof_current_rewrite_time_sec",
       std::to_string(child_pid_ > 0 ? (now - rewrite_start_ms_) / 1000 : -1));
  line("aof_last_bgrewrite_status", last_rewrite_ok_ ? "ok" : "err");
  line("aof_rewrites", std::to_string(rewrites_));
  line("aof_rewrites_consecutive_failures", std::to_string(rewrite_failures_));
  line("aof_last_write_status", write_ok_ ? "ok" : "err");
  line("aof_last_cow_size", "0");
  line("module_fork_in_progress", "0");
  line("module_fork_last_cow_size", "0");
  if (!enabled_) return;
  line("aof_current_size", std::to_string(current_size_));
  line("aof_base_size", std::to_string(base_size_));
  line("aof_pending_rewrite", "0");
  line("aof_buffer_length", std::to_string(buf_.size()));
  line("aof_pending_bio_fsync", fsync_running_ || fsync_requested_ ? "1" : "0");
  line("aof_delayed_fsync", std::to_string(delayed_fsync_));
}

void BgRewriteAof(ServerState& server, protocol::ReplyBuilder& reply) {
  Aof* aof = server.persistence.aof;
  if (aof == nullptr) return reply.Error("ERR Background AOF rewrite is not available");
  if (aof->rewrite_in_progress()) {
    return reply.Error("ERR Background append only file rewriting already in progress");
  }
  if (RdbChildActive(server)) {
    aof->ScheduleRewrite();
    return reply.SimpleString("Background append only file rewriting scheduled");
  }
  if (auto st = aof->StartRewrite(); !st.ok()) return reply.Error("ERR " + st.message());
  reply.SimpleString("Background append only file rewriting started");
}

}  // namespace redoubt::commands
