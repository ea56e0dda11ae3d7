// The RDB of a full sync: received ("$<len>" or "$EOF:<mark>" framing) into a temp file,
// loaded into databases of its own with every check RESTORE applies, and only then swapped in
// for the dataset. A truncated, corrupt or oversized transfer leaves the data as it was.
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "replication/replica.h"
#include "runtime/aof_persistence.h"
#include "runtime/rdb_persistence.h"
#include "util/log.h"

namespace redoubt::replication {

namespace {

constexpr size_t kEofMarkLen = 40;

}  // namespace

void ReplicaLink::BeginTransfer(std::string_view replid, int64_t offset) {
  sync_replid_ = std::string(replid);
  sync_offset_ = offset;
  have_header_ = false;
  eof_mode_ = false;
  eof_tail_.clear();
  transfer_size_ = 0;
  transfer_read_ = 0;
  transfer_start_ms_ = server_->clock.now_ms;
  auto tmp = util::TempFile::Create(commands::RdbPath(*server_), "temp-repl-", ".rdb");
  if (!tmp.ok()) {
    LOG_WARNING("Opening the temp file needed for MASTER <-> REPLICA synchronization: %s",
                tmp.status().message().c_str());
    DropLink(nullptr);
    return;
  }
  temp_ = std::make_unique<util::TempFile>(std::move(*tmp));
  state_ = State::kTransfer;
}

bool ReplicaLink::ParseBulkHeader(const std::string& line) {
  if (line.size() == 5 + kEofMarkLen && line.rfind("$EOF:", 0) == 0) {
    eof_mode_ = true;
    eof_mark_ = line.substr(5);
    LOG_NOTICE("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk");
    return true;
  }
  // $<len>: at most 18 digits (no overflow), and no more than the disk can hold.
  if (line.size() < 2 || line.size() > 19 || line[0] != '$') return false;
  uint64_t len = 0;
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] < '0' || line[i] > '9') return false;
    len = len * 10 + static_cast<uint64_t>(line[i] - '0');
  }
  struct statvfs vfs {};
  if (fstatvfs(temp_->fd(), &vfs) == 0) {
    uint64_t avail = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    if (len > avail) {
      LOG_WARNING(
          "MASTER <-> REPLICA sync: the primary announced %llu bytes, more than the "
          "%llu free on the disk",
          static_cast<unsigned long long>(len), static_cast<unsigned long long>(avail));
      return false;
    }
  }
  transfer_size_ = len;
  LOG_NOTICE("MASTER <-> REPLICA sync: receiving %llu bytes from master to disk",
             static_cast<unsigned long long>(len));
  return true;
}

bool ReplicaLink::WritePayload(const char* data, size_t n) {
  if (!temp_->WriteAll(std::string_view(data, n))) {
    AbortTransfer(std::string("Write error saving the DB to disk: ") + std::strerror(errno));
    return false;
  }
  transfer_read_ += n;
  return true;
}

void ReplicaLink::ReadTransfer() {
  while (!have_header_) {
    std::string line;
    bool failed = false;
    if (!ReadLine(&line, &failed)) {
      if (failed) AbortTransfer("the primary sent a header line that is too long");
      return;
    }
    if (line.empty()) continue;  // the primary's keep-alive newlines while it prepares the RDB
    if (line[0] == '-') {
      AbortTransfer("MASTER aborted replication with an error: " + line.substr(1, 200));
      return;
    }
    if (!ParseBulkHeader(line)) {
      AbortTransfer(
          "Bad protocol from MASTER, the first byte is not a valid bulk header (we "
          "received '" +
          line.substr(0, 64) + "')");
      return;
    }
    have_header_ = true;
  }
  if (eof_mode_) {
    if (!WritePayload(in_.data(), in_.size())) return;
    eof_tail_.append(in_);
    if (eof_tail_.size() > kEofMarkLen) eof_tail_.erase(0, eof_tail_.size() - kEofMarkLen);
    in_.clear();
    if (eof_tail_ == eof_mark_) FinishTransfer();
    return;
  }
  size_t n = static_cast<size_t>(std::min<uint64_t>(in_.size(), transfer_size_ - transfer_read_));
  if (!WritePayload(in_.data(), n)) return;
  in_.erase(0, n);
  if (transfer_read_ == transfer_size_) FinishTransfer();
}

void ReplicaLink::AbortTransfer(const std::string& why) { DropLink(why.c_str()); }

void ReplicaLink::FinishTransfer() {
  if (eof_mode_ && ftruncate(temp_->fd(), static_cast<off_t>(transfer_read_ - kEofMarkLen)) != 0) {
    AbortTransfer(std::string("Failed trying to truncate the received file: ") +
                  std::strerror(errno));
    return;
  }
  LOG_NOTICE("MASTER <-> REPLICA sync: Loading DB in memory");
  int stream_db = -1;
  util::Status st = LoadReceived(&stream_db);
  temp_.reset();
  if (!st.ok()) {
    AbortTransfer("the RDB received from the primary is invalid: " + st.message());
    return;
  }
  primary_->Adopt(sync_replid_, sync_offset_);
  have_cached_ = true;
  stream_db_ = std::max(stream_db, 0);
  // The AOF must describe the new dataset: rewrite it (Redis restarts the AOF likewise).
  if (server_->persistence.aof != nullptr && server_->persistence.aof->enabled())
    server_->persistence.aof->ScheduleRewrite();
  BecomeConnected();
  LOG_NOTICE("MASTER <-> REPLICA sync: Finished with success");
}

util::Status ReplicaLink::LoadReceived(int* stream_db) {
  std::vector<std::unique_ptr<store::Db>> fresh;
  std::vector<store::Db*> dbs;
  for (int i = 0; i < server_->db_count(); ++i) {
    fresh.push_back(std::make_unique<store::Db>(i, &server_->clock, &server_->stats.db));
    dbs.push_back(fresh.back().get());
  }
  persistence::RdbLoadOptions opts = commands::RdbLoadOptionsFor(*server_);
  opts.skip_expired = false;  // the primary expires them and sends the DELs
  opts.progress = nullptr;
  opts.replace_existing = false;
  std::vector<std::string> functions;
  opts.load_function = [&functions](std::string_view code, std::string*) {
    functions.emplace_back(code);
    return true;
  };
  persistence::RdbLoadStats stats;
  if (fsync(temp_->fd()) != 0) return util::Status::Error(std::strerror(errno));
  util::Status st = persistence::LoadRdbFile(temp_->path(), dbs, opts, &stats);
  if (!st.ok()) return st;  // the databases loaded so far go away with `fresh`
  for (int i = 0; i < server_->db_count(); ++i) server_->db(i).SwapWith(*fresh[i]);
  for (const std::string& code : functions) {
    std::string err;
    if (server_->persistence.load_function_library &&
        !server_->persistence.load_function_library(code, &err)) {
      LOG_WARNING("MASTER <-> REPLICA sync: a function library was not loaded: %s", err.c_str());
    }
  }
  *stream_db = stats.repl_stream_db;
  LOG_NOTICE("MASTER <-> REPLICA sync: %llu keys loaded",
             static_cast<unsigned long long>(stats.keys_loaded));
  return util::Status::Ok();  // the old dataset is freed with `fresh`
}

}  // namespace redoubt::replication
