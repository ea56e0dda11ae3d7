// The set of ACL users (the "default" user always exists), staged all-or-nothing changes
// (ACL SETUSER, ACL LOAD, start-up loading of `user` lines and the aclfile), ACL SAVE, and the
// ACL LOG of denials. Knows nothing of clients: callers disconnect the clients of the users a
// change reports as revoked.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "security/acl_user.h"
#include "util/status.h"

namespace redoubt::security {

enum class AclLogContext : uint8_t { kToplevel, kMulti, kLua, kModule };

struct AclLogEntry {
  uint64_t count = 1;
  AclDenial reason = AclDenial::kCommand;
  AclLogContext context = AclLogContext::kToplevel;
  std::string object;
  std::string username;
  std::string client_info;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  uint64_t entry_id = 0;
};

std::string_view AclDenialName(AclDenial d);  // "command", "key", "channel", "auth"
std::string_view AclContextName(AclLogContext c);

// Redis's ACL LOG: newest first; an event equal to one of the 10 newest entries (reason,
// context, object, user) within 60 s bumps its count instead of adding an entry.
class AclLog {
 public:
  void Add(AclLogEntry entry, int64_t max_len);
  void Reset() { entries_.clear(); }
  const std::deque<AclLogEntry>& entries() const { return entries_; }

 private:
  std::deque<AclLogEntry> entries_;
  uint64_t next_id_ = 0;
};

class AclStore {
 public:
  explicit AclStore(const CommandCatalog& catalog);

  AclContext context() const { return {catalog_, pubsub_default_allchannels}; }
  const CommandCatalog& catalog() const { return *catalog_; }

  // nullptr when unknown. User names are case-sensitive.
  const AclUser* Find(std::string_view name) const;
  const AclUser& default_user() const { return *default_; }
  // A user with no rights, for clients whose user was deleted until they are closed.
  const AclUser& nobody() const { return nobody_; }
  // Sorted by name, as ACL LIST and USERS print them.
  const std::map<std::string, std::unique_ptr<AclUser>, std::less<>>& users() const {
    return users_;
  }

  // What a change took away: users whose clients must be disconnected. Deleted users stay
  // alive in `deleted` until the caller has moved their clients off them.
  struct Revoked {
    std::vector<const AclUser*> users;
    std::vector<std::unique_ptr<AclUser>> deleted;
  };

  // ACL SETUSER: all rules or none. The error is the full reply text ("ERR Error in ACL
  // SETUSER modifier '<op>': <reason>"). A user turned off is reported as revoked.
  util::Status SetUser(std::string_view name, std::span<const std::string> ops, Revoked* revoked);
  // ACL DELUSER of one user (not "default"): true when it existed.
  bool DelUser(std::string_view name, Revoked* revoked);

  // `requirepass`: resetpass, then ">pass" or "nopass" on the default user.
  void SetDefaultPassword(std::string_view password);

  // Start-up `user` lines from the config file (each already split, "user" first). Error
  // text names the failing rule, as Redis's "Error in user declaration ..." does.
  util::Status LoadUserLines(std::span<const std::vector<std::string>> lines);
  // ACL LOAD / start-up aclfile: the whole file or nothing. Errors as Redis lists them,
  // "<file>:<line>: <reason>. " ..., ending with the WARNING sentence.
  util::Status LoadFile(const std::string& path, Revoked* revoked);
  util::Status LoadText(std::string_view text, const std::string& path, Revoked* revoked);
  // ACL SAVE: "user <name> <rules>" lines with passwords as #<sha256>, to a temporary file
  // (mode 0600), fsync'ed and renamed into place.
  util::Status SaveFile(const std::string& path) const;
  std::string SaveText() const;

  // AUTH: the user when the credentials are right (and the user enabled), else nullptr.
  const AclUser* Authenticate(std::string_view name, std::string_view password) const;

  bool pubsub_default_allchannels = false;  // acl-pubsub-default
  AclLog log;

 private:
  // Moves `fresh` into the live set, keeping AclUser addresses of users that still exist.
  void Commit(std::map<std::string, std::unique_ptr<AclUser>, std::less<>> fresh, Revoked* revoked);

  const CommandCatalog* catalog_;
  std::map<std::string, std::unique_ptr<AclUser>, std::less<>> users_;
  AclUser* default_ = nullptr;
  AclUser nobody_;
};

// The default user Redis creates: "on nopass ~* &* +@all".
std::unique_ptr<AclUser> MakeDefaultUser(const AclContext& ctx);

}  // namespace redoubt::security
