// The server process: listeners, client connections on the event loop, the cron, and
// start-up/shutdown. Wires the command layer to the network; owns no command logic.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/server_config.h"
#include "net/event_loop.h"
#include "net/socket.h"
#include "net/tls.h"
#include "replication/primary.h"
#include "replication/replica.h"
#include "runtime/server_state.h"

namespace redoubt::commands {
class Aof;
}

namespace redoubt::server {

class Server;

// One client connection: the session state plus its socket. A plain connection on the
// io_uring loop is a stream (completions); the others are served by readiness.
class ClientConn : public net::FdHandler, public net::StreamHandler {
 public:
  ClientConn(Server* server, std::unique_ptr<net::Connection> conn)
      : conn_(std::move(conn)), server_(server) {}
  void OnEvent(uint32_t events) override;
  void OnData(const char* data, size_t len) override;
  void OnClosed(int err) override;
  void OnSent(int err) override;

  commands::Client client;
  std::unique_ptr<net::Connection> conn_;
  uint64_t stream_ = 0;  // the loop's stream handle (0: readiness)
  // Streams: bytes received beyond this turn's share (a read's worth, as epoll serves it),
  // served one share per turn; what the socket buffer would hold on epoll.
  std::string held_in_;
  size_t held_pos_ = 0;
  bool held_queued_ = false;  // in Server::held_
  bool recv_paused_ = false;  // too much held: the loop stopped receiving
  uint64_t input_turn_ = 0;
  size_t turn_bytes_ = 0;
  bool want_write_ = false;
  bool queued_close_ = false;        // in Server::to_close_
  bool tls_handshake_seen_ = false;  // TLS: the handshake's end was acted on (identity, stats)

 private:
  Server* server_;
  friend class Server;
};

class Listener : public net::FdHandler, public net::AcceptHandler {
 public:
  Listener(Server* server, int fd, bool unix_socket, bool tls = false)
      : server_(server), fd_(fd), unix_(unix_socket), tls_(tls) {}
  void OnEvent(uint32_t events) override;
  void OnAccept(int fd, int err) override;
  int fd() const { return fd_; }
  bool tls() const { return tls_; }
  bool unix_socket() const { return unix_; }

 private:
  Server* server_;
  int fd_;
  bool unix_;
  bool tls_;
};

class Server {
 public:
  explicit Server(config::Config* config);
  ~Server();

  // Binds the listeners; false (after logging why) when start-up must stop.
  bool Start();
  // Loads the dataset from dir/dbfilename (when appendonly is off), serving clients with
  // -LOADING meanwhile; false (after logging why) when the file is unusable.
  bool LoadDataset();
  void Run();
  void RequestShutdown() { shutdown_requested_ = true; }
  // The AOF: loads it at start-up when appendonly is yes and starts appending; false (after
  // logging why) when start-up must stop. Runs after privileges are dropped.
  bool StartAof();

  commands::ServerState& state() { return state_; }

  // Called by the connection and listener handlers.
  void AcceptFrom(int listen_fd, bool unix_socket, bool tls = false);
  // A new connection (accepted here or through the ring): admission, then the loop.
  void AdmitConnection(const net::Accepted& a, bool unix_socket, bool tls);
  void HandleReadable(ClientConn* c);
  // Bytes the io_uring loop received for c.
  void HandleData(ClientConn* c, const char* data, size_t len);
  void HandleSent(ClientConn* c, int err);
  bool FlushOutput(ClientConn* c);
  // Sends c's reply now, or after the before-sleep AOF write when writes are buffered.
  void FlushOrDefer(ClientConn* c);
  void ScheduleClose(ClientConn* c);
  void QueueClose(ClientConn* c);

 private:
  // The input just added to c's query buffer: limits, then the runtime.
  void AfterInput(ClientConn* c, size_t n);
  // Streams: keeps input beyond the turn's share; serves one share per turn of what is kept.
  void HoldInput(ClientConn* c, const char* data, size_t len);
  void ReleaseHeldInput();
  // io_uring streams: hands c's pending reply to the loop (one send in flight at a time).
  bool QueueSend(ClientConn* c);
  // Puts a listener on the loop (through the ring when it accepts there).
  bool WatchListener(Listener* l);
  // Hands c's input to the runtime (commands::ProcessInput) and acts on the outcome.
  void ProcessInput(ClientConn* c);
  // Queues c to be run again when CLIENT PAUSE ends (once, however often it is held).
  void HoldForPause(commands::Client& c);
  void ResumePausedClients();
  void ResumeUnblockedClients();
  void BeforeSleep();
  void Cron();
  void CloseClient(ClientConn* c);
  void Shutdown();
  bool Bind(const std::string& addr, bool optional);
  // CONFIG SET port / bind: listens on c's addresses and port instead (port 0: no TCP). On an
  // error no TCP listener is left: Config::Set's rollback calls it again with the old values.
  util::Status RebindTcp(const config::ServerConfig& c, const char* failure);
  // Closes the TCP (tls == false) or TLS listeners; accepted connections stay.
  void CloseListeners(bool tls);
  // TLS (tls_server.cc): listeners and context at start-up, the connection for an accepted
  // socket, the handshake's end (certificate identity), reloads, buffered plaintext.
  bool StartTls();
  util::Status OpenTls(const config::ServerConfig& cfg);
  std::unique_ptr<net::Connection> NewTlsConnection(int fd);
  void OnTlsProgress(ClientConn* c);
  util::Status ReloadTls(const config::ServerConfig& cfg, const char* why);
  void TlsCron();
  void ProcessTlsPending();

  config::ServerConfig* cfg_;
  commands::ServerState state_;
  std::unique_ptr<net::EventLoop> loop_;
  std::string loop_note_;       // why io_uring is not in use (logged at start-up)
  bool draining_ = false;       // shutting down: received input is ignored
  uint64_t turn_ = 0;           // loop turns (BeforeSleep calls)
  std::vector<uint64_t> held_;  // stream clients with held input
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unordered_map<uint64_t, std::unique_ptr<ClientConn>> conns_;
  std::vector<ClientConn*> to_close_;
  std::vector<uint64_t> paused_clients_;  // clients holding requests back for CLIENT PAUSE
  bool shutdown_requested_ = false;
  int64_t cron_loops_ = 0;
  std::shared_ptr<net::TlsContext> tls_ctx_;  // new TLS connections use this one
  std::string tls_files_signature_;           // of the loaded material (auto reload)
  std::string tls_failed_signature_;          // of material that failed to load (log once)
  int64_t tls_last_check_ms_ = 0;
  int64_t tls_last_sweep_s_ = 0;
  std::vector<uint64_t> tls_pending_;  // clients with decrypted input no poll will announce
  std::unique_ptr<commands::Aof> aof_;
  std::unique_ptr<replication::Primary> primary_;      // the replication stream and replicas
  std::unique_ptr<replication::ReplicaLink> replica_;  // the link to our primary, if any
};

// Process-wide: installs SIGTERM/SIGINT handlers that request a graceful shutdown (and SIGHUP:
// reload the TLS certificates).
void InstallSignalHandlers(Server* server);
void InstallTlsReloadSignal();

}  // namespace redoubt::server
