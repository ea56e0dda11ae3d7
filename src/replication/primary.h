// The primary side of replication: the replication stream (every write the engine feeds, in the
// same canonical form as the AOF), the backlog partial resyncs are served from, full syncs by
// an RDB written in a forked child (to the replicas' sockets, or to a file streamed after),
// replicas' REPLCONF state and ACKed offsets, and the replication lines of INFO and ROLE.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/server_state.h"

namespace redoubt::replication {

using commands::Client;
using commands::CommandSpec;
using commands::ServerState;

// 40 random hex digits: replication ids and the diskless transfer's EOF mark.
std::string RandomHex40();

// An RDB file written by a disk-target snapshot (unlinked: only the descriptor holds it), shared
// by the replicas it is being sent to.
struct BulkFile {
  int fd = -1;
  uint64_t size = 0;
  ~BulkFile();
};

struct Replica {
  // Redis's replstate: waiting for a snapshot to start, for the running one to end, receiving
  // the RDB file (disk target), streaming.
  enum class State { kHandshake, kWaitBgsaveStart, kWaitBgsaveEnd, kSendBulk, kOnline };
  State state = State::kHandshake;
  int listening_port = 0;
  std::string ip;  // REPLCONF ip-address, "" = the connection's address
  bool capa_eof = false;
  bool capa_psync2 = false;
  bool psync = false;  // PSYNC (gets +FULLRESYNC) rather than the old SYNC
  int64_t ack_offset = 0;
  int64_t ack_time_ms = 0;
  int64_t sync_request_ms = 0;     // when it asked for the full sync (repl-diskless-sync-delay)
  std::shared_ptr<BulkFile> bulk;  // kSendBulk: the file, and the bytes of it already queued
  uint64_t bulk_sent = 0;
  std::string pending;  // the stream since the snapshot, sent after the RDB
};

class Primary : public commands::WriteFeed {
 public:
  explicit Primary(ServerState* state);
  ~Primary() override;
  Primary(const Primary&) = delete;
  Primary& operator=(const Primary&) = delete;
  // The primary of this server state, nullptr when none was created (in-process tests).
  static Primary* For(const ServerState& state);

  // REPLCONF <option> <value> ...: the reply, or nothing (ACK, GETACK).
  void Replconf(Client& c, std::span<const std::string_view> args, protocol::ReplyBuilder& reply);
  // PSYNC replid offset / SYNC (psync == false).
  void Sync(Client& c, std::span<const std::string_view> args, bool psync,
            protocol::ReplyBuilder& reply);
  void Role(protocol::ReplyBuilder& reply) const;
  // INFO replication.
  void Info(std::string* out) const;
  // Replicas whose ACKed offset reached `offset`.
  int CountAcked(int64_t offset) const;
  // WAIT numreplicas timeout: replies now, or blocks the client until enough replicas ACKed
  // the client's last write or the timeout passed.
  void Wait(commands::CommandContext& cx);
  int64_t offset() const { return offset_; }
  // DEBUG CHANGE-REPL-ID: a new replication id; replicas of the old one resync in full.
  void ChangeReplId();
  const std::string& replid() const { return replid_; }

  // The replica side (replication/replica.h) drives these while this server replicates:
  // Upstream mode: the server's own writes are not fed (they come from the primary, whose
  // stream is proxied byte for byte by FeedUpstream, so sub-replicas share its offsets).
  void SetUpstream(bool on) { upstream_ = on; }
  bool upstream() const { return upstream_; }
  void FeedUpstream(std::string_view bytes);
  // After a full sync: the primary's id and offset become ours, with an empty backlog; the
  // sub-replicas are dropped (they resync against the new history).
  void Adopt(std::string_view replid, int64_t offset);
  // The history goes on under a new id (a promotion, or a primary that changed its id in
  // +CONTINUE): the old id stays valid up to the current offset (replid2 /
  // second_repl_offset), so replicas of the old history can resync partially. An empty
  // `new_id` draws a random one. Sub-replicas are dropped to learn the new id.
  void ShiftReplId(std::string_view new_id = {});
  // The replication fields after the role lines (INFO replication) for a replica; and the
  // replica's role lines / ROLE reply, when it is one (installed by the replica side).
  std::function<bool(std::string* out)> replica_info;
  std::function<bool(protocol::ReplyBuilder& reply)> replica_role;
  // The repl-stream-db aux field of the snapshots sent to replicas (a replica's stream db).
  std::function<int()> stream_db;
  // INFO stats sync_full, sync_partial_ok, sync_partial_err.
  uint64_t sync_full() const { return sync_full_; }
  uint64_t sync_partial_ok() const { return sync_partial_ok_; }
  uint64_t sync_partial_err() const { return sync_partial_err_; }
  // Cron: reaps the snapshot child, starts the next one, pings replicas, drops the silent,
  // frees an unused backlog.
  void Cron();
  // Before the event loop sleeps: queues the next chunks of the RDB files being sent.
  void BeforeSleep();

  // WriteFeed.
  void Command(int db, const CommandSpec& cmd, std::span<const std::string_view> args) override;
  void Deleted(int db, std::string_view key, bool lazy) override;
  void Propagate(int db, std::span<const std::string_view> args) override;
  void BeginTransaction() override;
  void EndTransaction() override;

 private:
  void Feed(std::string_view bytes);
  void FeedCommand(int db, std::span<const std::string_view> args);
  void BeforeWrite(int db);
  void CreateBacklog();
  void FreeBacklog();
  int64_t BacklogLimit() const;
  bool TryPartial(Client& c, Replica& r, std::span<const std::string_view> args,
                  protocol::ReplyBuilder& reply);
  // Appends to a replica's output and closes it when that passes its output buffer limits.
  void SendTo(Client& c, std::string_view bytes);
  // client-output-buffer-limit replica: closes the link when `used` passes the hard limit or
  // stayed over the soft one too long.
  bool OverLimit(Client& c, size_t used);
  void CloseReplica(Client& c, const char* why);
  void Prune();
  void RequestAcks();
  void RefreshGoodReplicas();
  void DropTimedOut();
  // Answers the WAITing clients that are done (enough ACKs, or timed out when `now_ms`).
  void ServeWaiters(int64_t now_ms);
  Client* ClientOf(uint64_t id) const;

  // Full syncs (primary_sync.cc).
  // Starts a snapshot for the replicas waiting for one, now (`now`: a SYNC that should not
  // wait) or when repl-diskless-sync-delay / -max-replicas say so.
  void MaybeStartSnapshot(bool now);
  // A snapshot child already runs: attaches the replica to it when it can (disk target);
  // false when none runs.
  bool AttachToRunningSnapshot(Client& c, Replica& r);
  bool StartSnapshot(bool socket_target);
  void ReapSnapshot();
  void SnapshotDone(bool ok, const std::string& results);
  void FinishBulk(Client& c, Replica& r);
  void PutOnline(Client& c, Replica& r);
  void KeepAlive();
  void DropReplicas();

  ServerState* state_;
  std::string replid_;
  std::string replid2_ = std::string(40, '0');
  int64_t second_replid_offset_ = -1;
  bool upstream_ = false;
  int64_t offset_ = 0;  // master_repl_offset
  bool backlog_active_ = false;
  std::string backlog_;      // the last bytes of the stream, at least repl-backlog-size
  int64_t backlog_off_ = 0;  // the offset of backlog_[0]
  int64_t no_replicas_since_ms_ = 0;
  int selected_db_ = -1;
  bool tx_open_ = false;
  bool tx_written_ = false;
  std::map<uint64_t, Replica> replicas_;  // by client id
  std::vector<std::string_view> argv_;    // scratch for Command()
  std::string encoded_;                   // scratch for FeedCommand()
  struct Waiter {
    uint64_t client_id;
    int64_t target;  // the offset the replicas must have ACKed
    int64_t numreplicas;
    int64_t deadline_ms;  // 0 = none
  };
  std::vector<Waiter> waiters_;
  // The snapshot child: its target, the file it writes (disk target) and the pipe it reports
  // each socket's outcome on (socket target).
  pid_t child_pid_ = -1;
  bool child_socket_target_ = false;
  int child_result_fd_ = -1;
  std::vector<uint64_t> child_replicas_;  // the replicas the running child serves
  std::shared_ptr<BulkFile> child_file_;  // disk target: the file the child writes
  int64_t child_offset_ = 0;              // master_repl_offset when the child forked
  bool getack_pending_ = false;           // WAIT asked: REPLCONF GETACK * before the loop sleeps
  int64_t last_ping_ms_ = 0;
  int64_t last_keepalive_ms_ = 0;
  uint64_t sync_full_ = 0;
  uint64_t sync_partial_ok_ = 0;
  uint64_t sync_partial_err_ = 0;
};

}  // namespace redoubt::replication
