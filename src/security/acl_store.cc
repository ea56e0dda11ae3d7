#include "security/acl_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/crypto.h"
#include "util/safe_file.h"
#include "util/split_args.h"

namespace redoubt::security {

namespace {

constexpr int64_t kLogGroupingMs = 60000;
constexpr int kLogScan = 10;

std::string_view Trim(std::string_view s, std::string_view chars) {
  size_t b = s.find_first_not_of(chars);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(chars);
  return s.substr(b, e - b + 1);
}

std::vector<std::string> SplitSpaces(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t sp = s.find(' ', start);
    out.emplace_back(s.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  return out;
}

}  // namespace

std::string_view AclDenialName(AclDenial d) {
  switch (d) {
    case AclDenial::kCommand:
      return "command";
    case AclDenial::kKey:
      return "key";
    case AclDenial::kChannel:
      return "channel";
    case AclDenial::kAuth:
      return "auth";
    case AclDenial::kNone:
      break;
  }
  return "unknown";
}

std::string_view AclContextName(AclLogContext c) {
  switch (c) {
    case AclLogContext::kToplevel:
      return "toplevel";
    case AclLogContext::kMulti:
      return "multi";
    case AclLogContext::kLua:
      return "lua";
    case AclLogContext::kModule:
      return "module";
  }
  return "unknown";
}

void AclLog::Add(AclLogEntry e, int64_t max_len) {
  int scanned = 0;
  for (auto it = entries_.begin(); it != entries_.end() && scanned < kLogScan; ++it, ++scanned) {
    AclLogEntry& old = *it;
    if (old.reason == e.reason && old.context == e.context && old.object == e.object &&
        old.username == e.username && e.created_ms - old.updated_ms <= kLogGroupingMs) {
      AclLogEntry moved = std::move(old);
      entries_.erase(it);
      moved.client_info = std::move(e.client_info);
      moved.updated_ms = e.created_ms;
      ++moved.count;
      entries_.push_front(std::move(moved));
      return;
    }
  }
  e.count = 1;
  e.updated_ms = e.created_ms;
  e.entry_id = next_id_++;
  entries_.push_front(std::move(e));
  while (static_cast<int64_t>(entries_.size()) > max_len && !entries_.empty()) {
    entries_.pop_back();
  }
}

std::unique_ptr<AclUser> MakeDefaultUser(const AclContext& ctx) {
  auto u = std::make_unique<AclUser>("default", ctx);
  for (std::string_view op : {"+@all", "~*", "&*", "on", "nopass"}) (void)u->Apply(ctx, op);
  return u;
}

AclStore::AclStore(const CommandCatalog& catalog)
    : catalog_(&catalog), nobody_("(deleted)", AclContext{&catalog, false}) {
  auto d = MakeDefaultUser(context());
  default_ = d.get();
  users_.emplace("default", std::move(d));
}

const AclUser* AclStore::Find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second.get();
}

util::Status AclStore::SetUser(std::string_view name, std::span<const std::string> ops,
                               Revoked* revoked) {
  std::vector<std::string> merged;
  size_t bad = 0;
  if (!MergeSelectorArgs(ops, &merged, &bad)) {
    return util::Status::Error("ERR Unmatched parenthesis in acl selector starting at '" +
                               ops[bad] + "'.");
  }
  auto it = users_.find(name);
  AclContext ctx = context();
  AclUser temp = it != users_.end() ? *it->second : AclUser(std::string(name), ctx);
  for (const std::string& op : merged) {
    AclError e = temp.Apply(ctx, op);
    if (e != AclError::kNone) {
      return util::Status::Error("ERR Error in ACL SETUSER modifier '" + op +
                                 "': " + std::string(AclErrorText(e)));
    }
  }
  if (it == users_.end()) {
    users_.emplace(std::string(name), std::make_unique<AclUser>(std::move(temp)));
    return util::Status::Ok();
  }
  bool was_enabled = it->second->enabled();
  *it->second = std::move(temp);
  if (was_enabled && !it->second->enabled() && revoked) revoked->users.push_back(it->second.get());
  return util::Status::Ok();
}

bool AclStore::DelUser(std::string_view name, Revoked* revoked) {
  if (name == "default") return false;
  auto it = users_.find(name);
  if (it == users_.end()) return false;
  revoked->users.push_back(it->second.get());
  revoked->deleted.push_back(std::move(it->second));
  users_.erase(it);
  return true;
}

void AclStore::SetDefaultPassword(std::string_view password) {
  AclContext ctx = context();
  (void)default_->Apply(ctx, "resetpass");
  if (password.empty()) {
    (void)default_->Apply(ctx, "nopass");
  } else {
    std::string op(1, '>');
    op.append(password);
    (void)default_->Apply(ctx, op);
  }
}

util::Status AclStore::LoadUserLines(std::span<const std::vector<std::string>> lines) {
  AclContext ctx = context();
  std::map<std::string, std::unique_ptr<AclUser>, std::less<>> seen;
  for (const std::vector<std::string>& argv : lines) {
    if (argv.size() < 2 || argv[0] != "user") {
      return util::Status::Error("Error in user declaration '" +
                                 (argv.empty() ? std::string() : argv[0]) +
                                 "': " + std::string(AclErrorText(AclError::kSyntax)));
    }
    const std::string& name = argv[1];
    if (seen.count(name)) {
      return util::Status::Error("Error in user declaration '" + name +
                                 "': " + std::string(AclErrorText(AclError::kDuplicateUser)));
    }
    if (HasSpaces(name)) {
      return util::Status::Error("Error in user declaration '" + name +
                                 "': Usernames can't contain spaces or null characters");
    }
    std::vector<std::string> merged;
    size_t bad = 0;
    std::span<const std::string> rules(argv.data() + 2, argv.size() - 2);
    if (!MergeSelectorArgs(rules, &merged, &bad)) {
      return util::Status::Error("Error in user declaration '" + rules[bad] +
                                 "': Unmatched parenthesis in acl selector");
    }
    // "user default ..." starts from a reset default user, as in Redis.
    auto u = std::make_unique<AclUser>(name, ctx);
    if (name == "default") {
      *u = *default_;
      (void)u->Apply(ctx, "reset");
    }
    for (size_t j = 0; j < merged.size(); ++j) {
      const std::string& op = merged[j];
      AclError e = u->Apply(ctx, op);
      if (e == AclError::kUnknownCommand) {
        return util::Status::Error("Error loading ACL rule '" + op + "' for the user named '" +
                                   name + "': " + std::string(AclErrorText(e)));
      }
      if (e != AclError::kNone) {
        // Redis names argv[j] of the whole line here (the index of the rule among the rules),
        // so its message shows "user", the user name or an earlier rule; kept for fidelity.
        const std::string& shown = j < argv.size() ? argv[j] : op;
        return util::Status::Error("Error in user declaration '" + shown +
                                   "': " + std::string(AclErrorText(e)));
      }
    }
    seen.emplace(name, std::move(u));
  }
  for (auto& [name, u] : seen) {
    auto it = users_.find(name);
    if (it != users_.end()) {
      *it->second = std::move(*u);
    } else {
      users_.emplace(name, std::move(u));
    }
  }
  return util::Status::Ok();
}

util::Status AclStore::LoadFile(const std::string& path, Revoked* revoked) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return util::Status::Error("Error loading ACLs, opening file '" + path +
                               "': " + std::strerror(errno));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadText(ss.str(), path, revoked);
}

util::Status AclStore::LoadText(std::string_view text, const std::string& path, Revoked* revoked) {
  AclContext ctx = context();
  std::map<std::string, std::unique_ptr<AclUser>, std::less<>> fresh;
  std::string errors;
  size_t pos = 0;
  for (int linenum = 1; pos <= text.size(); ++linenum) {
    size_t nl = text.find('\n', pos);
    std::string_view raw = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    std::string_view line = Trim(raw, " \t\r\n");
    if (line.empty()) continue;
    std::string where = path + ":" + std::to_string(linenum);
    std::vector<std::string> argv = SplitSpaces(line);
    if (argv[0] != "user" || argv.size() < 2) {
      errors += where + " should start with user keyword followed by the username. ";
      continue;
    }
    if (HasSpaces(argv[1])) {
      errors += "'" + where + ": username '" + argv[1] + "' contains invalid characters. ";
      continue;
    }
    if (fresh.count(argv[1])) {
      errors += "WARNING: Duplicate user '" + argv[1] + "' found on line " +
                std::to_string(linenum) + ". ";
      continue;
    }
    auto u = std::make_unique<AclUser>(argv[1], ctx);
    std::vector<std::string> merged;
    size_t bad = 0;
    if (!MergeSelectorArgs(std::span<const std::string>(argv.data() + 2, argv.size() - 2), &merged,
                           &bad)) {
      errors += where + ": Unmatched parenthesis in selector definition.";
      continue;
    }
    bool syntax_error = false;
    for (std::string& op : merged) {
      op = std::string(Trim(op, "\t\r\n"));
      AclError e = u->Apply(ctx, op);
      if (e == AclError::kUnknownCommand) {
        errors += where + ": Error in applying operation '" + op +
                  "': " + std::string(AclErrorText(e)) + ". ";
      } else if (e != AclError::kNone && !syntax_error) {
        errors += where + ": " + std::string(AclErrorText(e)) + ". ";
        syntax_error = true;
      }
    }
    fresh.emplace(argv[1], std::move(u));
  }
  if (!errors.empty()) {
    return util::Status::Error(
        errors +
        "WARNING: ACL errors detected, no change to the previously active ACL rules was "
        "performed");
  }
  if (!fresh.count("default")) fresh.emplace("default", MakeDefaultUser(ctx));
  Commit(std::move(fresh), revoked);
  return util::Status::Ok();
}

void AclStore::Commit(std::map<std::string, std::unique_ptr<AclUser>, std::less<>> fresh,
                      Revoked* revoked) {
  for (auto it = users_.begin(); it != users_.end();) {
    if (fresh.count(it->first)) {
      ++it;
      continue;
    }
    if (revoked) {
      revoked->users.push_back(it->second.get());
      revoked->deleted.push_back(std::move(it->second));
    }
    it = users_.erase(it);
  }
  for (auto& [name, u] : fresh) {
    auto it = users_.find(name);
    if (it == users_.end()) {
      users_.emplace(name, std::move(u));
      continue;
    }
    AclUser& live = *it->second;
    // Clients of a user whose rules changed are disconnected (the default user's only when it
    // is turned off, as its clients include every not-yet-authenticated connection).
    bool changed = live.Describe() != u->Describe();
    bool disabled = live.enabled() && !u->enabled();
    live = std::move(*u);
    if (revoked && ((changed && name != "default") || disabled)) revoked->users.push_back(&live);
  }
  default_ = users_.find("default")->second.get();
}

std::string AclStore::SaveText() const {
  std::string out;
  for (const auto& [name, u] : users_) {
    out += "user " + name + " " + u->DescribeForFile() + "\n";
  }
  return out;
}

util::Status AclStore::SaveFile(const std::string& path) const {
  util::Status st = util::WriteFileAtomically(path, SaveText());
  if (!st.ok()) return util::Status::Error("Writing ACL file: " + st.message());
  return util::Status::Ok();
}

const AclUser* AclStore::Authenticate(std::string_view name, std::string_view password) const {
  const AclUser* u = Find(name);
  if (u == nullptr) {
    // Hash anyway, so that an unknown user name costs the same time as a wrong password.
    [[maybe_unused]] volatile size_t n = util::Sha256Hex(password).size();
    return nullptr;
  }
  if (!u->CheckPassword(password)) return nullptr;
  return u;
}

}  // namespace redoubt::security
