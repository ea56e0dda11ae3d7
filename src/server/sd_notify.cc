#include "server/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "config/server_config.h"

namespace redoubt::server {

bool SdNotify(int supervised_mode, std::string_view state) {
  if (supervised_mode != config::kSupervisedSystemd && supervised_mode != config::kSupervisedAuto) {
    return false;
  }
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || path[0] == '\0') return false;
  sockaddr_un sa{};
  size_t len = std::strlen(path);
  if (len >= sizeof(sa.sun_path)) return false;
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path, len);
  if (sa.sun_path[0] == '@') sa.sun_path[0] = '\0';  // abstract namespace
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  socklen_t sa_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
  ssize_t n = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&sa),
                     sa_len);
  close(fd);
  return n == static_cast<ssize_t>(state.size());
}

}  // namespace redoubt::server
