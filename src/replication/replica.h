// The replica side of replication: REPLICAOF, the link to the primary on the event loop (the
// handshake, PSYNC, the RDB of a full sync received into a temp file and validated in full
// before it replaces the dataset, then the command stream applied through the normal dispatch),
// the cached primary for partial resyncs, ACKs, and the replica's lines of ROLE and INFO.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/event_loop.h"
#include "replication/primary.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"
#include "security/cidr.h"
#include "util/safe_file.h"
#include "util/status.h"

namespace redoubt::replication {

class ReplicaLink : public net::FdHandler {
 public:
  // The states of the link, as Redis's repl_state.
  enum class State {
    kNone,        // not a replica
    kConnect,     // must connect (next cron tick)
    kConnecting,  // non-blocking connect in flight
    kHandshake,   // PING, AUTH, REPLCONF, PSYNC and their replies
    kTransfer,    // receiving the RDB of a full sync
    kConnected,   // streaming
  };

  ReplicaLink(ServerState* state, net::EventLoop* loop, Primary* primary);
  ~ReplicaLink() override;
  ReplicaLink(const ReplicaLink&) = delete;
  ReplicaLink& operator=(const ReplicaLink&) = delete;
  static ReplicaLink* For(const ServerState& state);

  // After the dataset is loaded: follows the configured replicaof, resuming the history the
  // loaded file recorded (repl-id / repl-offset) when it has one.
  void Start();
  void Cron();
  void OnEvent(uint32_t events) override;

  // REPLICAOF host port | NO ONE.
  void ReplicaOf(commands::CommandContext& cx);
  // Whether REPLICAOF may point at host (replicaof-allow); the refusal's reason otherwise.
  // `addrs`: the addresses about to be connected to (Connect checks exactly those, so a name
  // whose answer changes after REPLICAOF cannot lead elsewhere); null: host's current ones.
  util::Status CheckAllowed(const std::string& host,
                            const std::vector<security::IpAddress>* addrs = nullptr) const;

  State state() const { return state_; }

 private:
  // replica.cc: the link and the stream.
  void SetPrimary(const std::string& host, int port);
  void Unset();
  void Connect();
  void OnConnected();
  void OnReadable();
  void DropLink(const char* why);
  void Send(std::string_view bytes);
  void FlushOut();
  void WatchWrite(bool on);
  bool ReadLine(std::string* line, bool* failed);
  void Handshake();
  void SendHandshake();
  void SendPsync();
  void HandlePsyncReply(const std::string& line);
  void BecomeConnected();
  void ProcessStream();
  void SendAck();
  void CreateMasterClient();
  void FreeMasterClient();
  bool InfoLines(std::string* out) const;
  bool RoleReply(protocol::ReplyBuilder& reply) const;
  const char* RoleState() const;

  // replica_sync.cc: the RDB of a full sync.
  void BeginTransfer(std::string_view replid, int64_t offset);
  void ReadTransfer();
  bool ParseBulkHeader(const std::string& line);
  bool WritePayload(const char* data, size_t n);
  void FinishTransfer();
  util::Status LoadReceived(int* stream_db);
  void AbortTransfer(const std::string& why);

  ServerState* server_;
  net::EventLoop* loop_;
  Primary* primary_;
  State state_ = State::kNone;
  std::string host_;
  int port_ = 0;
  std::string configured_host_;  // the replicaof of the config file (allowed by default)
  int fd_ = -1;
  std::string in_;   // bytes read and not yet used
  std::string out_;  // bytes not yet written
  bool watching_write_ = false;
  int handshake_step_ = 0;
  std::string expect_;  // the handshake replies still to read: 'a' AUTH, 'r' REPLCONF
  std::string proxy_;   // stream bytes applied inside an unfinished transaction
  int64_t last_io_ms_ = 0;
  int64_t last_connect_ms_ = 0;
  int64_t last_ack_ms_ = 0;
  int64_t link_down_since_ms_ = 0;
  // The cached primary: the history the dataset matches, for PSYNC replid offset+1.
  bool have_cached_ = false;
  int stream_db_ = 0;  // the db the stream continues in
  // The master client: the stream runs as this session (no socket; replies dropped).
  std::unique_ptr<commands::Client> master_;
  // The full sync in progress.
  std::string sync_replid_;
  int64_t sync_offset_ = 0;
  bool have_header_ = false;
  bool eof_mode_ = false;
  std::string eof_mark_;
  std::string eof_tail_;  // the last 40 bytes received (diskless framing)
  uint64_t transfer_size_ = 0;
  uint64_t transfer_read_ = 0;
  int64_t transfer_start_ms_ = 0;
  std::unique_ptr<util::TempFile> temp_;
  uint64_t failed_syncs_ = 0;
};

// Registers REPLICAOF and SLAVEOF.
void RegisterReplicaFamily(commands::CommandTable& t);

}  // namespace redoubt::replication
