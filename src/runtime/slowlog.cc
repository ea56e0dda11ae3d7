#include "runtime/slowlog.h"

namespace redoubt::commands {

std::string SlowLog::Truncate(std::string_view arg) {
  if (arg.size() <= kMaxArgBytes) return std::string(arg);
  std::string out(arg.substr(0, kMaxArgBytes));
  out.append("... (").append(std::to_string(arg.size() - kMaxArgBytes)).append(" more bytes)");
  return out;
}

std::string SlowLog::MoreArguments(size_t n) {
  std::string out = "... (";
  out.append(std::to_string(n)).append(" more arguments)");
  return out;
}

}  // namespace redoubt::commands
