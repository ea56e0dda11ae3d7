// Logging in Redis's format ("pid:role dd Mon yyyy hh:mm:ss.mmm <level> message") to the
// configured log file or stdout. Secrets are never passed here.
#pragma once

#include <cstdarg>
#include <string>

namespace redoubt::util {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

void LogInit(LogLevel level, const std::string& file);
void LogSetLevel(LogLevel level);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Writes the raw line (banner, fatal config errors) without the prefix.
void LogRaw(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace redoubt::util

#define LOG_DEBUG(...) ::redoubt::util::Log(::redoubt::util::LogLevel::kDebug, __VA_ARGS__)
#define LOG_VERBOSE(...) ::redoubt::util::Log(::redoubt::util::LogLevel::kVerbose, __VA_ARGS__)
#define LOG_NOTICE(...) ::redoubt::util::Log(::redoubt::util::LogLevel::kNotice, __VA_ARGS__)
#define LOG_WARNING(...) ::redoubt::util::Log(::redoubt::util::LogLevel::kWarning, __VA_ARGS__)
