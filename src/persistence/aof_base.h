// The command-form AOF base (what Redis writes with aof-use-rdb-preamble no): a FUNCTION LOAD
// per function library, then per db a SELECT and per key the commands that rebuild it, with
// PEXPIREAT for its TTL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "store/db.h"

namespace redoubt::persistence {

// Writes `function_codes` as FUNCTION LOAD commands (as Redis 7.0 does, before the keys), then
// every live key of the dbs (in index order) to fd; false (errno set) on a write error. Keys
// already expired at now_ms are left out.
bool WriteCommandBase(std::span<store::Db* const> dbs, int fd, int64_t now_ms,
                      std::span<const std::string> function_codes = {});

// Writes all of `data` to fd, retrying short writes and EINTR; false on error.
bool WriteAll(int fd, const char* data, size_t len);

}  // namespace redoubt::persistence
