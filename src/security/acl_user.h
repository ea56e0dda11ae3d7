// ACL users and selectors: Redis 7.0's rule grammar (AclUser::Apply), the permission checks
// run on every command (AclUser::Check), and the descriptions ACL LIST / GETUSER print.
// Passwords are held only as SHA-256 digests and compared in constant time.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "security/acl_catalog.h"

namespace redoubt::security {

// Why a check failed; the order is Redis's (a higher value is the more relevant error).
enum class AclDenial : uint8_t { kNone = 0, kCommand = 1, kKey = 2, kAuth = 3, kChannel = 4 };

// Why a rule could not be applied; AclErrorText gives Redis's wording.
enum class AclError : uint8_t {
  kNone,
  kSyntax,              // EINVAL
  kUnknownCommand,      // ENOENT
  kKeyAfterAll,         // EEXIST
  kChannelAfterAll,     // EISDIR
  kNoSuchPassword,      // ENODEV
  kBadHash,             // EBADMSG
  kDuplicateUser,       // EALREADY
  kSubcommandFirstArg,  // ECHILD
};
std::string_view AclErrorText(AclError e);

// Whether s holds a space or a control byte (anything up to ' ', and DEL): user names and
// rules may not, as an ACL file line splits at them (such a rule could be saved as other words,
// or other lines, than it was).
bool HasSpaces(std::string_view s);

// What Apply needs besides the rule: the command catalog and acl-pubsub-default.
struct AclContext {
  const CommandCatalog* catalog = nullptr;
  bool pubsub_default_allchannels = false;
};

inline constexpr uint8_t kPermRead = 1;
inline constexpr uint8_t kPermWrite = 2;
inline constexpr uint8_t kPermAll = kPermRead | kPermWrite;

struct KeyPattern {
  std::string pattern;
  uint8_t perm = kPermAll;
};

// One set of permissions (commands, keys, channels). A user has a root selector and any number
// of extra "(...)" selectors; a command is allowed when one selector allows all of it.
class AclSelector {
 public:
  AclSelector(const AclContext& ctx, bool root);

  AclError Apply(const AclContext& ctx, std::string_view op);
  // Checks the command and, if it passes, its keys and channels. On a key or channel denial
  // *err_index is the argument index at fault.
  AclDenial Check(uint32_t id, std::span<const std::string_view> args, AclKeySource* keys,
                  AclChannelSource* channels, int* err_index) const;
  bool CheckKey(std::string_view key, uint32_t keyspec_flags) const;
  bool CheckChannel(std::string_view channel, bool is_pattern) const;
  bool CommandAllowed(uint32_t id) const {
    return allcommands_ || (id / 64 < bits_.size() && (bits_[id / 64] >> (id % 64)) & 1);
  }

  // "-@all +get", as Redis prints the command rules.
  std::string DescribeCommands() const;
  // "%R~a* ~b*" ("" when none), "&x &y", as GETUSER shows them.
  std::string DescribeKeys() const;
  std::string DescribeChannels() const;
  // The whole selector as ACL LIST prints it: keys, channels, commands.
  std::string Describe() const;

  bool root() const { return root_; }
  bool allkeys() const { return allkeys_; }
  bool allchannels() const { return allchannels_; }
  bool allcommands() const { return allcommands_; }

 private:
  void SetBit(uint32_t id, bool allow);
  void ChangePerm(const CommandCatalog& cat, uint32_t id, bool allow);
  void SetCategory(const CommandCatalog& cat, int category, bool allow);
  void UpdateRules(std::string rule, bool allow);
  AclError ApplyKeyPattern(std::string_view op);
  AclError ApplyAllow(const AclContext& ctx, std::string_view name);

  const CommandCatalog* catalog_;
  bool root_;
  bool allkeys_ = false;
  bool allchannels_ = false;
  bool allcommands_ = false;  // every command, for the fast path; cleared by any removal
  bool future_ = false;       // "+@all" rather than "-@all" is the base of the description
  std::vector<uint64_t> bits_;
  std::unordered_map<uint32_t, std::vector<std::string>> firstargs_;  // "+select|0"
  std::vector<KeyPattern> keys_;
  std::vector<std::string> channels_;
  // Rules naming Redis commands Redoubt lacks ("-replicaof"), kept to be printed and saved.
  std::vector<std::string> rules_;
};

class AclUser {
 public:
  // A new user: "off", no passwords, no keys, no commands, channels per acl-pubsub-default.
  AclUser(std::string name, const AclContext& ctx);

  // Applies one rule ("on", ">pass", "~k*", "+@read", "(~x +get)", "reset" ...).
  AclError Apply(const AclContext& ctx, std::string_view op);

  // The permission check of one invocation. AUTH-like commands (CommandCatalog::NoAuth) are
  // always allowed. On denial, *err_index is the argument at fault (0 for the command).
  AclDenial Check(uint32_t id, std::span<const std::string_view> args, AclKeySource* keys,
                  AclChannelSource* channels, int* err_index) const;
  bool CheckChannel(std::string_view channel, bool is_pattern) const;

  // Whether `password` is one of the user's (or the user is nopass). Disabled users never pass.
  bool CheckPassword(std::string_view password) const;

  // ACL LIST's text after "user <name> ".
  std::string Describe() const;
  // Describe() as ACL SAVE writes it: selector words that would not split back the same are
  // quoted, so that every saved user loads back unchanged.
  std::string DescribeForFile() const;
  std::vector<std::string_view> Flags() const;  // "on"/"off", "nopass", sanitize flags

  const std::string& name() const { return name_; }
  bool enabled() const { return enabled_; }
  bool nopass() const { return nopass_; }
  const std::vector<std::string>& password_hashes() const { return passwords_; }  // hex
  const std::vector<AclSelector>& selectors() const { return selectors_; }
  const AclSelector& root() const { return selectors_.front(); }
  // Whether the user may run every command (allcommands on the root selector, or every
  // @admin command): such users may see secrets in CONFIG GET.
  bool IsAdmin(const CommandCatalog& catalog) const;

 private:
  std::string name_;
  bool enabled_ = false;
  bool nopass_ = false;
  uint8_t sanitize_ = 0;                // 0 unset, 1 sanitize-payload, 2 skip-sanitize-payload
  std::vector<std::string> passwords_;  // SHA-256, lowercase hex
  std::vector<AclSelector> selectors_;  // [0] is the root selector
};

// Joins "(" ... ")" arguments split by spaces back into one selector argument, as Redis does.
// On an unmatched parenthesis returns false and sets *bad_index.
bool MergeSelectorArgs(std::span<const std::string> args, std::vector<std::string>* out,
                       size_t* bad_index);

}  // namespace redoubt::security
