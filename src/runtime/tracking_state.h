// The data of client-side caching (CLIENT TRACKING): what each client asked for, and the
// server-wide tables of which clients may cache which keys and which prefixes are broadcast.
// Plain data; runtime/tracking.h holds the operations.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace redoubt::commands {

struct Client;
class TrackingScope;

namespace tracking_flag {
inline constexpr uint32_t kOn = 1 << 0;
inline constexpr uint32_t kBcast = 1 << 1;
inline constexpr uint32_t kOptin = 1 << 2;
inline constexpr uint32_t kOptout = 1 << 3;
inline constexpr uint32_t kNoloop = 1 << 4;
// CLIENT CACHING yes (OPTIN) / no (OPTOUT) given for the next command.
inline constexpr uint32_t kCaching = 1 << 5;
inline constexpr uint32_t kBrokenRedirect = 1 << 6;  // the redirect client went away
}  // namespace tracking_flag

// One client's tracking settings.
struct ClientTracking {
  uint32_t flags = 0;
  uint64_t redirect = 0;  // client id receiving the invalidations, 0 = this client
  std::set<std::string, std::less<>> prefixes;  // BCAST prefixes
};

// Server-wide tracking tables. Keys are tracked by name across databases, as Redis does.
struct TrackingState {
  uint64_t clients = 0;  // clients with tracking on (INFO tracking_clients)
  // Key -> ids of the clients that read it since it last changed. Ids, not pointers: a client
  // that goes away is dropped lazily, when the key changes.
  std::unordered_map<std::string, std::vector<uint64_t>> keys;
  uint64_t items = 0;  // sum of the id lists' sizes (INFO tracking_total_items)
  struct Prefix {
    // Keys changed since the last broadcast -> id of the client that changed it last (0: the
    // server itself, expiry), so that NOLOOP clients skip their own changes.
    std::map<std::string, uint64_t, std::less<>> changed;
    std::vector<Client*> clients;
  };
  std::map<std::string, Prefix, std::less<>> prefixes;
  bool broadcast_pending = false;
  unsigned evict_rounds = 0;       // consecutive limit passes that ended still over the limit
  TrackingScope* scope = nullptr;  // the command running now (runtime/tracking.h)

  // Whether a key change has anything to do here (the key hook's one test).
  bool active() const { return !keys.empty() || !prefixes.empty(); }
};

}  // namespace redoubt::commands
