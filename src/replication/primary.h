// The primary side of replication: the replication stream (every write the engine feeds, in the
// same canonical form as the AOF), the backlog partial resyncs are served from, full syncs by
// an RDB written in a forked child, replicas' REPLCONF state and ACKed offsets, and the
// replication lines of INFO and ROLE.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/server_state.h"

namespace redoubt::replication {

using commands::Client;
using commands::CommandSpec;
using commands::ServerState;

struct Replica {
  enum class State { kHandshake, kWaitBgsave, kOnline };
  State state = State::kHandshake;
  int listening_port = 0;
  std::string ip;  // REPLCONF ip-address, "" = the connection's address
  bool capa_eof = false;
  bool capa_psync2 = false;
  int64_t ack_offset = 0;
  int64_t ack_time_ms = 0;
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
  // the current offset or the timeout passed.
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
  // Cron: reaps the snapshot child, pings replicas, forgets closed clients.
  void Cron();

  // WriteFeed.
  void Command(int db, const CommandSpec& cmd, std::span<const std::string_view> args) override;
  void Deleted(int db, std::string_view key) override;
  void Propagate(int db, std::span<const std::string_view> args) override;
  void BeginTransaction() override;
  void EndTransaction() override;

 private:
  void Feed(std::string_view bytes);
  void FeedCommand(int db, std::span<const std::string_view> args);
  void BeforeWrite(int db);
  void CreateBacklog();
  bool TryPartial(Client& c, Replica& r, std::span<const std::string_view> args,
                  protocol::ReplyBuilder& reply);
  void StartSnapshot();
  void SnapshotDone(bool ok);
  void Prune();
  void RequestAcks();
  // Answers the WAITing clients that are done (enough ACKs, or timed out when `now_ms`).
  void ServeWaiters(int64_t now_ms);
  Client* ClientOf(uint64_t id) const;

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
  int selected_db_ = -1;
  bool tx_open_ = false;
  bool tx_written_ = false;
  std::map<uint64_t, Replica> replicas_;  // by client id
  struct Waiter {
    uint64_t client_id;
    int64_t target;  // the offset the replicas must have ACKed
    int64_t numreplicas;
    int64_t deadline_ms;  // 0 = none
  };
  std::vector<Waiter> waiters_;
  pid_t child_pid_ = -1;
  int child_fd_ = -1;  // the unlinked file the child writes the RDB to
  int64_t last_ping_ms_ = 0;
  uint64_t sync_full_ = 0;
  uint64_t sync_partial_ok_ = 0;
  uint64_t sync_partial_err_ = 0;
};

}  // namespace redoubt::replication
