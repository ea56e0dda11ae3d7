#include "server/banner.h"

#include <unistd.h>

#include <cstdio>

#include "runtime/server_state.h"
#include "util/log.h"

namespace redoubt::server {

namespace {

// A redoubt: a small square earthwork fort, seen from the front.
constexpr const char* kArt[] = {
    "    _   _   _   _   _   ",  "   | |_| |_| |_| |_| |  ", "   |                 |  ",
    "   |    _________    |  ",  "   |   |         |   |  ", "  /|___|  .   .  |___|\\ ",
    " /_____|_________|_____\\",
};

}  // namespace

std::string BannerText(const std::string& version, int port, int pid) {
  char lines[4][160];
  std::snprintf(lines[0], sizeof(lines[0]), "Redoubt %s (Redis %s compatible) 64 bit",
                version.c_str(), std::string(commands::kCompatVersion).c_str());
  std::snprintf(lines[1], sizeof(lines[1]), "Running in standalone mode");
  std::snprintf(lines[2], sizeof(lines[2]), "Port: %d", port);
  std::snprintf(lines[3], sizeof(lines[3]), "PID: %d", pid);
  std::string out = "\n";
  size_t n = sizeof(kArt) / sizeof(kArt[0]);
  for (size_t i = 0; i < n; ++i) {
    out += kArt[i];
    // The text sits beside rows 1..4 of the art.
    if (i >= 1 && i <= 4) out += std::string("       ") + lines[i - 1];
    out += "\n";
  }
  out += "\n";
  return out;
}

void ShowStartupBanner(const config::ServerConfig& cfg, const std::string& version, int port) {
  bool show = cfg.always_show_logo || (cfg.logfile.empty() && isatty(STDOUT_FILENO));
  if (!show) {
    LOG_NOTICE("Running mode=standalone, port=%d.", port);
    return;
  }
  if (!util::LogEnabled(util::LogLevel::kNotice)) return;
  std::string text = BannerText(version, port, static_cast<int>(getpid()));
  util::LogRaw("%s", text.c_str());
}

}  // namespace redoubt::server
