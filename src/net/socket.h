// Sockets: TCP and Unix listeners and the connection interface. A TLS connection will be one
// more implementation of Connection; nothing above this layer can tell them apart.
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <memory>
#include <string>
#include <vector>

#include "util/status.h"

namespace redoubt::net {

class Connection {
 public:
  virtual ~Connection() = default;
  virtual int fd() const = 0;
  // As read(2)/writev(2): >0 bytes, 0 = peer closed (read), -1 with errno (EAGAIN = try later).
  virtual ssize_t Read(char* buf, size_t len) = 0;
  virtual ssize_t Write(const char* buf, size_t len) = 0;
  virtual bool IsTls() const { return false; }
  // TLS: the last Read/Write could not go on until the socket is writable (handshake, or a
  // read that must first send), so the loop must watch for writability.
  virtual bool WantsWrite() const { return false; }
  // TLS: decrypted bytes already buffered, which no fd readiness will announce.
  virtual bool HasPendingInput() const { return false; }
  virtual void Close() = 0;
};

class PlainConnection : public Connection {
 public:
  explicit PlainConnection(int fd) : fd_(fd) {}
  ~PlainConnection() override { Close(); }
  int fd() const override { return fd_; }
  ssize_t Read(char* buf, size_t len) override;
  ssize_t Write(const char* buf, size_t len) override;
  void Close() override;
  // Gives the descriptor up without closing it (the io_uring loop closes it after the last
  // send has left).
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Opens a listening TCP socket on addr:port (IPv4 or IPv6 literal, or "*" / "::*").
util::StatusOr<int> ListenTcp(const std::string& addr, int port, int backlog);
// Whether a failed listen's errno says the address does not exist on this host (an optional
// '-' bind address is then skipped, as Redis).
bool AddressUnavailable(int err);
// Opens a listening TCP socket on `port` at every address of a bind list, in order; a leading
// '-' marks an address this host may lack (skipped when unavailable, as Redis). On a failure
// closes what it opened and returns "<addr>:<port>: <reason>".
util::Status ListenTcpAll(const std::vector<std::string>& bind, int port, int backlog,
                          std::vector<int>* fds);
// Opens a listening Unix socket created with `perm` from the start (no chmod window).
// The socket file is born with mode `perm` (0 = 0700) and, when owner_uid >= 0, is given to
// owner_uid:owner_gid before listen(): until then a connect() is refused, so there is no moment
// in which it is open to anyone else (run-as-user clients need it to be theirs).
util::StatusOr<int> ListenUnix(const std::string& path, int perm, int backlog, int owner_uid = -1,
                               int owner_gid = -1);
// The port a listening socket is bound to.
int BoundPort(int fd);

struct Accepted {
  int fd = -1;
  std::string addr;   // "ip:port"
  std::string laddr;  // local "ip:port"
  bool loopback = false;
  bool unix_socket = false;
};
// Accepts one connection; fd -1 when none is pending (or on a per-connection error).
Accepted Accept(int listen_fd, bool unix_socket, int* error);
// Describes a connection accepted elsewhere (through io_uring): its peer and local addresses.
Accepted DescribeAccepted(int fd, bool unix_socket);

void SetNonBlocking(int fd);
void SetNoDelay(int fd);
void SetKeepAlive(int fd, int interval_s);

}  // namespace redoubt::net
