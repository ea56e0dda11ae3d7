#include "net/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace redoubt::net {

ssize_t PlainConnection::Read(char* buf, size_t len) {
  ssize_t n;
  do {
    n = ::read(fd_, buf, len);
  } while (n < 0 && errno == EINTR);
  return n;
}

ssize_t PlainConnection::Write(const char* buf, size_t len) {
  ssize_t n;
  do {
    n = ::write(fd_, buf, len);
  } while (n < 0 && errno == EINTR);
  return n;
}

void PlainConnection::Close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

void SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void SetNoDelay(int fd) {
  int yes = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
}

void SetKeepAlive(int fd, int interval_s) {
  int yes = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof(yes)) != 0) return;
  int idle = interval_s;
  int intvl = std::max(1, interval_s / 3);
  int cnt = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

util::StatusOr<int> ListenTcp(const std::string& addr_in, int port, int backlog) {
  std::string addr = addr_in;
  if (addr == "*") addr = "0.0.0.0";
  if (addr == "::*") addr = "::";
  sockaddr_storage ss{};
  socklen_t len;
  int family;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, addr.c_str(), &v4->sin_addr) == 1) {
    family = AF_INET;
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof(*v4);
  } else if (inet_pton(AF_INET6, addr.c_str(), &v6->sin6_addr) == 1) {
    family = AF_INET6;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof(*v6);
  } else {
    return util::Status::Error("Invalid bind address '" + addr_in + "'");
  }
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return util::Status::Error(std::strerror(errno));
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes));
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(fd, backlog) != 0) {
    int err = errno;
    close(fd);
    errno = err;
    return util::Status::Error(std::strerror(err));
  }
  return fd;
}

bool AddressUnavailable(int err) {
  return err == EADDRNOTAVAIL || err == EAFNOSUPPORT || err == EPROTONOSUPPORT ||
         err == ESOCKTNOSUPPORT || err == EINVAL;
}

util::Status ListenTcpAll(const std::vector<std::string>& bind, int port, int backlog,
                          std::vector<int>* fds) {
  for (const std::string& a : bind) {
    bool optional = !a.empty() && a[0] == '-';
    std::string spec = optional ? a.substr(1) : a;
    auto fd = ListenTcp(spec, port, backlog);
    if (fd.ok()) {
      fds->push_back(*fd);
      continue;
    }
    if (optional && AddressUnavailable(errno)) continue;
    for (int f : *fds) ::close(f);
    fds->clear();
    return util::Status::Error(spec + ":" + std::to_string(port) + ": " + fd.status().message());
  }
  return util::Status::Ok();
}

util::StatusOr<int> ListenUnix(const std::string& path, int perm, int backlog, int owner_uid,
                               int owner_gid) {
  sockaddr_un sa{};
  if (path.size() >= sizeof(sa.sun_path)) return util::Status::Error("Unix socket path too long");
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return util::Status::Error(std::strerror(errno));
  unlink(path.c_str());
  // The socket file takes its mode from the umask at bind(): set it so the file is born with
  // `perm` (default: owner only), instead of binding wide open and chmod-ing afterwards.
  mode_t want = perm != 0 ? static_cast<mode_t>(perm) : 0700;
  mode_t old = umask(~want & 0777);
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  int err = errno;
  umask(old);
  // Not through a symlink: if the path was swapped since bind(), this fails instead of giving
  // away another file.
  if (rc == 0 && owner_uid >= 0 &&
      fchownat(AT_FDCWD, path.c_str(), static_cast<uid_t>(owner_uid), static_cast<gid_t>(owner_gid),
               AT_SYMLINK_NOFOLLOW) != 0) {
    rc = -1;
    err = errno;
    unlink(path.c_str());
  }
  if (rc != 0 || listen(fd, backlog) != 0) {
    if (rc == 0) err = errno;
    close(fd);
    return util::Status::Error(std::strerror(err));
  }
  return fd;
}

int BoundPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return 0;
}

namespace {

std::string FormatAddr(const sockaddr_storage& ss, bool* loopback) {
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  *loopback = false;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
    port = ntohs(a->sin_port);
    *loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
    port = ntohs(a->sin6_port);
    *loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
    if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) *loopback = a->sin6_addr.s6_addr[12] == 127;
  }
  return std::string(ip) + ":" + std::to_string(port);
}

Accepted Describe(int fd, bool unix_socket, const sockaddr_storage& ss) {
  Accepted a;
  a.fd = fd;
  a.unix_socket = unix_socket;
  if (unix_socket) {
    a.addr = "/unix:0";
    a.laddr = "/unix:0";
    a.loopback = true;
    return a;
  }
  bool ignored;
  a.addr = FormatAddr(ss, &a.loopback);
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0) {
    a.laddr = FormatAddr(local, &ignored);
  }
  return a;
}

}  // namespace

Accepted Accept(int listen_fd, bool unix_socket, int* error) {
  Accepted a;
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) {
    *error = errno;
    return a;
  }
  *error = 0;
  return Describe(fd, unix_socket, ss);
}

Accepted DescribeAccepted(int fd, bool unix_socket) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (!unix_socket) getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  return Describe(fd, unix_socket, ss);
}

}  // namespace redoubt::net
