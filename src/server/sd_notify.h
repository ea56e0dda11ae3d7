// systemd's readiness protocol (Type=notify), without linking libsystemd: one datagram to
// $NOTIFY_SOCKET.
#pragma once

#include <string_view>

namespace redoubt::server {

// Sends `state` ("READY=1", "STOPPING=1", ...) when systemd supervises the process (supervised
// systemd, or auto with NOTIFY_SOCKET set). Returns whether a message was sent.
bool SdNotify(int supervised_mode, std::string_view state);

}  // namespace redoubt::server
