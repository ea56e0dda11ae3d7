// The command table's row type. Every command is one declarative entry: ACL, COMMAND INFO/DOCS/
// GETKEYS, OOM and write checks all read these facts and never compare command names.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace redoubt::commands {

struct CommandContext;
using Handler = void (*)(CommandContext&);

// Command flags, as Redis 7.0 names them in COMMAND INFO. 64 bits leave room to grow.
namespace flag {
inline constexpr uint64_t kWrite = 1ULL << 0;
inline constexpr uint64_t kReadonly = 1ULL << 1;
inline constexpr uint64_t kDenyOom = 1ULL << 2;
inline constexpr uint64_t kModule = 1ULL << 3;
inline constexpr uint64_t kAdmin = 1ULL << 4;
inline constexpr uint64_t kPubsub = 1ULL << 5;
inline constexpr uint64_t kNoscript = 1ULL << 6;
inline constexpr uint64_t kBlocking = 1ULL << 7;
inline constexpr uint64_t kLoading = 1ULL << 8;
inline constexpr uint64_t kStale = 1ULL << 9;
inline constexpr uint64_t kSkipMonitor = 1ULL << 10;
inline constexpr uint64_t kSkipSlowlog = 1ULL << 11;
inline constexpr uint64_t kAsking = 1ULL << 12;
inline constexpr uint64_t kFast = 1ULL << 13;
inline constexpr uint64_t kNoAuth = 1ULL << 14;
inline constexpr uint64_t kMayReplicate = 1ULL << 15;
inline constexpr uint64_t kSentinel = 1ULL << 16;
inline constexpr uint64_t kOnlySentinel = 1ULL << 17;
inline constexpr uint64_t kNoMandatoryKeys = 1ULL << 18;
inline constexpr uint64_t kProtected = 1ULL << 19;
inline constexpr uint64_t kNoAsyncLoading = 1ULL << 20;
inline constexpr uint64_t kNoMulti = 1ULL << 21;
inline constexpr uint64_t kMovableKeys = 1ULL << 22;  // derived from the key specs
inline constexpr uint64_t kAllowBusy = 1ULL << 23;
inline constexpr int kCount = 24;
}  // namespace flag

// ACL categories (all 21 of Redis 7.0), one bit each, in Redis's order.
namespace cat {
inline constexpr uint64_t kKeyspace = 1ULL << 0;
inline constexpr uint64_t kRead = 1ULL << 1;
inline constexpr uint64_t kWrite = 1ULL << 2;
inline constexpr uint64_t kSet = 1ULL << 3;
inline constexpr uint64_t kSortedSet = 1ULL << 4;
inline constexpr uint64_t kList = 1ULL << 5;
inline constexpr uint64_t kHash = 1ULL << 6;
inline constexpr uint64_t kString = 1ULL << 7;
inline constexpr uint64_t kBitmap = 1ULL << 8;
inline constexpr uint64_t kHyperLogLog = 1ULL << 9;
inline constexpr uint64_t kGeo = 1ULL << 10;
inline constexpr uint64_t kStream = 1ULL << 11;
inline constexpr uint64_t kPubsub = 1ULL << 12;
inline constexpr uint64_t kAdmin = 1ULL << 13;
inline constexpr uint64_t kFast = 1ULL << 14;
inline constexpr uint64_t kSlow = 1ULL << 15;
inline constexpr uint64_t kBlocking = 1ULL << 16;
inline constexpr uint64_t kDangerous = 1ULL << 17;
inline constexpr uint64_t kConnection = 1ULL << 18;
inline constexpr uint64_t kTransaction = 1ULL << 19;
inline constexpr uint64_t kScripting = 1ULL << 20;
inline constexpr int kCount = 21;
}  // namespace cat

// Key-spec flags, as Redis 7.0's.
namespace keyflag {
inline constexpr uint32_t kRO = 1 << 0;
inline constexpr uint32_t kRW = 1 << 1;
inline constexpr uint32_t kOW = 1 << 2;
inline constexpr uint32_t kRM = 1 << 3;
inline constexpr uint32_t kAccess = 1 << 4;
inline constexpr uint32_t kUpdate = 1 << 5;
inline constexpr uint32_t kInsert = 1 << 6;
inline constexpr uint32_t kDelete = 1 << 7;
inline constexpr uint32_t kNotKey = 1 << 8;
inline constexpr uint32_t kIncomplete = 1 << 9;
inline constexpr uint32_t kVariableFlags = 1 << 10;
}  // namespace keyflag

// Where a command's keys are, as a Redis 7.0 key spec: a begin-search step (an argument index,
// or the argument after a keyword) then a find-keys step (a range, or a count argument).
struct KeySpec {
  uint32_t flags = 0;
  // begin_search: index (keyword == nullptr) or keyword search from `start_from`.
  int index = 0;
  const char* keyword = nullptr;
  int start_from = 0;
  // find_keys: range (keynum_index < 0) or keynum.
  int last_key = 0;  // range: relative to the begin index; -1 = last argument
  int key_step = 1;
  int limit = 0;
  int keynum_index = -1;  // keynum: count argument, relative to the begin index
  int first_key = 1;      // keynum: first key, relative to the begin index
  // Redis's "unknown" begin_search and find_keys: keys that no spec can locate (SORT's BY/GET
  // patterns and STORE). GetKeys skips such a spec; the command's getkeys function (below)
  // finds what can be found, and the command is "movablekeys".
  bool unknown = false;
};

struct KeyRef;
// Finds a command's keys where key specs cannot (Redis's getkeys_proc): SORT's STORE key.
using GetKeysFn = void (*)(std::span<const std::string_view> args, std::vector<KeyRef>* out);

// Redoubt-internal command properties that COMMAND INFO does not show.
namespace internal {
// Allowed while a RESP2 client is in Pub/Sub mode ((P)SUBSCRIBE, (P)UNSUBSCRIBE, PING, QUIT,
// RESET): Redis's subscribed-context rule, as data instead of a list of names.
inline constexpr uint32_t kSubscribedContext = 1u << 0;
// Runs at once inside MULTI instead of being queued (MULTI, EXEC, DISCARD, WATCH, QUIT, RESET).
inline constexpr uint32_t kNotQueued = 1u << 1;
// Refused with -MISCONF while snapshots or the AOF cannot be written, like a write (PING, so
// that a health check sees the failure, as in Redis).
inline constexpr uint32_t kDeniedOnDiskError = 1u << 2;
// Runs the MULTI queue (EXEC): the OOM and -MISCONF checks look at the queued commands.
inline constexpr uint32_t kRunsQueue = 1u << 3;
// Runs other commands that feed the AOF themselves (EVAL, FCALL): the command itself is never
// fed, only its effects, under their canonical names.
inline constexpr uint32_t kPropagatesEffects = 1u << 4;
// CLIENT's subcommands leave a CLIENT CACHING hint in place for the next command (Redis keeps
// it across any CLIENT call); set on the container.
inline constexpr uint32_t kKeepsCachingHint = 1u << 5;
}  // namespace internal

// Which arguments are Pub/Sub channels, for ACL channel rules (&pattern). first == 0: none.
struct ChannelSpec {
  int first = 0;
  int last = 0;          // -1 = the last argument
  bool pattern = false;  // PSUBSCRIBE: the user must be allowed this exact pattern
};

struct CommandSpec {
  const char* name;  // lower case, as COMMAND replies it
  int arity;         // as Redis: >0 exact, <0 at least -arity
  uint64_t flags = 0;
  uint64_t categories = 0;  // explicit ones; the flag-implied ones are added at registration
  std::vector<KeySpec> keys = {};
  Handler handler = nullptr;
  std::vector<CommandSpec> subcommands = {};
  // For COMMAND DOCS.
  const char* group = "generic";
  const char* summary = "";
  const char* since = "1.0.0";
  uint32_t internal_flags = 0;  // internal:: bits
  ChannelSpec channels = {};
  GetKeysFn getkeys = nullptr;  // when set, GetKeys calls it instead of reading the key specs

  // Filled in at registration.
  const CommandSpec* parent = nullptr;
  std::string_view full_name = {};  // "config|get" for subcommands
  uint32_t id = 0;                  // dense index, for per-command stats and ACL bitmaps
  int legacy_first = 0, legacy_last = 0, legacy_step = 0;
};

}  // namespace redoubt::commands
