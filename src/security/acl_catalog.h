// What the ACL engine knows about commands: a small catalog interface over the command table
// (implemented by the commands layer), the 21 ACL category names, and the key-spec flag bits
// that decide whether a key is read or written. The engine never includes commands/ headers.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace redoubt::security {

inline constexpr int kCategoryCount = 21;

// Redis 7.0's category names in bit order (the bits of CommandCatalog::Categories).
std::span<const std::string_view> CategoryNames();
// The bit index of a category name (case-insensitive), or -1.
int CategoryIndex(std::string_view name);

// Whether `name` ("cmd" or "cmd|sub", any case) is a Redis 7.0 command. Rules naming one that
// the catalog lacks are kept without effect, so Redis ACL files load unchanged.
bool IsRedisCommandName(std::string_view name);

// Key-spec flags that matter to ACL checks; the same bit values as commands::keyflag (the
// commands layer static_asserts it). As in Redis, ACCESS needs read permission and
// INSERT/DELETE/UPDATE need write permission; a key with neither (EXISTS, TYPE...) needs any
// matching pattern.
namespace aclkey {
inline constexpr uint32_t kAccess = 1 << 4;
inline constexpr uint32_t kUpdate = 1 << 5;
inline constexpr uint32_t kInsert = 1 << 6;
inline constexpr uint32_t kDelete = 1 << 7;
}  // namespace aclkey

// Commands by dense id (commands::CommandSpec::id), parents before their subcommands.
class CommandCatalog {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  virtual ~CommandCatalog() = default;

  virtual uint32_t size() const = 0;
  // "get", or "config|get" for a subcommand; lower case.
  virtual std::string_view FullName(uint32_t id) const = 0;
  // Category bits in CategoryNames() order.
  virtual uint64_t Categories(uint32_t id) const = 0;
  virtual uint32_t Parent(uint32_t id) const = 0;  // kNone for a top-level command
  virtual bool HasSubcommands(uint32_t id) const = 0;
  // Commands anyone may run (AUTH, HELLO, QUIT...): ACL rules never deny them.
  virtual bool NoAuth(uint32_t id) const = 0;
  // By canonical name (renames ignored), case-insensitive: a top-level command, or "cmd|sub"
  // for a subcommand of a container command. kNone when unknown.
  virtual uint32_t Find(std::string_view name) const = 0;
};

// A key of one command invocation: its argument index and the key-spec flags that found it.
struct AclKeyArg {
  int index;
  uint32_t flags;
};

// Where a check finds the keys (or channels) of an invocation, computed only when a selector
// needs them (users with allkeys never pay for key extraction).
class AclKeySource {
 public:
  virtual std::span<const AclKeyArg> Keys() = 0;

 protected:
  ~AclKeySource() = default;
};

// A channel argument of an invocation; patterns (PSUBSCRIBE) must equal an allowed pattern.
struct AclChannelArg {
  int index;
  bool is_pattern;
};

class AclChannelSource {
 public:
  virtual std::span<const AclChannelArg> Channels() = 0;

 protected:
  ~AclChannelSource() = default;
};

}  // namespace redoubt::security
