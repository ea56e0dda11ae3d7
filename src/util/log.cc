#include "util/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "util/safe_file.h"

namespace redoubt::util {

namespace {

LogLevel g_level = LogLevel::kNotice;
std::string g_file;
std::mutex g_mu;  // background threads log too

void Write(const char* line, size_t len) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_file.empty()) {
    std::fwrite(line, 1, len, stdout);
    std::fflush(stdout);
    return;
  }
  // Reopened per line (as Redis, so log rotation needs no signal), never through a symlink and
  // never into a file another user owns.
  StatusOr<int> fd = OpenForAppend(g_file);
  if (!fd.ok()) return;
  ssize_t n;
  do {
    n = ::write(*fd, line, len);
  } while (n < 0 && errno == EINTR);
  ::close(*fd);
}

}  // namespace

void LogInit(LogLevel level, const std::string& file) {
  g_level = level;
  g_file = file;
}

void LogSetLevel(LogLevel level) { g_level = level; }

bool LogEnabled(LogLevel level) { return level >= g_level; }

void Log(LogLevel level, const char* fmt, ...) {
  if (level < g_level) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm tm_buf;
  localtime_r(&tv.tv_sec, &tm_buf);
  char ts[64];
  size_t off = std::strftime(ts, sizeof(ts), "%d %b %Y %H:%M:%S.", &tm_buf);
  std::snprintf(ts + off, sizeof(ts) - off, "%03d", static_cast<int>(tv.tv_usec / 1000));
  static const char kMarks[] = ".-*#";
  char line[1200];
  int n = std::snprintf(line, sizeof(line), "%d:M %s %c %s\n", static_cast<int>(getpid()), ts,
                        kMarks[static_cast<int>(level)], msg);
  if (n > 0) Write(line, std::min<size_t>(n, sizeof(line) - 1));
}

void LogRaw(const char* fmt, ...) {
  char msg[4096];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (n > 0) Write(msg, std::min<size_t>(n, sizeof(msg) - 1));
}

}  // namespace redoubt::util
