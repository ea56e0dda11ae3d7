// The start-up banner: printed once the listeners are bound and before any data is loaded,
// where Redis prints its logo. Test harnesses (Redis's own among them) wait for its
// " PID: <pid>" line.
#pragma once

#include <string>

#include "config/server_config.h"

namespace redoubt::server {

// The banner text: Redoubt's art with the version, mode, port and PID beside it.
std::string BannerText(const std::string& version, int port, int pid);

// Logs the banner when always-show-logo is yes (or the log goes to a terminal), otherwise
// Redis's one-line "Running mode=standalone, port=N." notice.
void ShowStartupBanner(const config::ServerConfig& cfg, const std::string& version, int port);

}  // namespace redoubt::server
