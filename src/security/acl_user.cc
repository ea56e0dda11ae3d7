#include "security/acl_user.h"

#include <algorithm>
#include <array>

#include "util/crypto.h"
#include "util/glob.h"
#include "util/split_args.h"
#include "util/string_util.h"

namespace redoubt::security {

namespace {

constexpr std::array<std::string_view, kCategoryCount> kCategoryNames = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"};

bool IsLowerHex(std::string_view s) {
  if (s.size() != 2 * util::kSha256Size) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::span<const std::string_view> CategoryNames() { return kCategoryNames; }

int CategoryIndex(std::string_view name) {
  for (int i = 0; i < kCategoryCount; ++i) {
    if (util::EqualsIgnoreCase(kCategoryNames[i], name)) return i;
  }
  return -1;
}

std::string_view AclErrorText(AclError e) {
  switch (e) {
    case AclError::kNone:
      return "";
    case AclError::kSyntax:
      return "Syntax error";
    case AclError::kUnknownCommand:
      return "Unknown command or category name in ACL";
    case AclError::kKeyAfterAll:
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
             "does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    case AclError::kChannelAfterAll:
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and "
             "does not have any effect. Try 'resetchannels' to start with an empty list of "
             "channels";
    case AclError::kNoSuchPassword:
      return "The password you are trying to remove from the user does not exist";
    case AclError::kBadHash:
      return "The password hash must be exactly 64 characters and contain only lowercase "
             "hexadecimal characters";
    case AclError::kDuplicateUser:
      return "Duplicate user found. A user can only be defined once in config files";
    case AclError::kSubcommandFirstArg:
      return "Allowing first-arg of a subcommand is not supported";
  }
  return "Wrong format";
}

// --- AclSelector -------------------------------------------------------------------------------

AclSelector::AclSelector(const AclContext& ctx, bool root)
    : catalog_(ctx.catalog),
      root_(root),
      allchannels_(ctx.pubsub_default_allchannels),
      bits_((ctx.catalog->size() + 63) / 64, 0) {}

void AclSelector::SetBit(uint32_t id, bool allow) {
  if (id / 64 >= bits_.size()) return;
  if (allow) {
    bits_[id / 64] |= 1ULL << (id % 64);
  } else {
    bits_[id / 64] &= ~(1ULL << (id % 64));
    allcommands_ = false;
  }
}

// A command and all its subcommands, as Redis's ACLChangeSelectorPerm.
void AclSelector::ChangePerm(const CommandCatalog& cat, uint32_t id, bool allow) {
  SetBit(id, allow);
  firstargs_.erase(id);
  if (!cat.HasSubcommands(id)) return;
  for (uint32_t i = id + 1; i < cat.size() && cat.Parent(i) == id; ++i) SetBit(i, allow);
}

void AclSelector::SetCategory(const CommandCatalog& cat, int category, bool allow) {
  uint64_t bit = 1ULL << category;
  for (uint32_t id = 0; id < cat.size(); ++id) {
    if (!(cat.Categories(id) & bit)) continue;
    // A container command in the category carries all its subcommands along (as Redis).
    if (cat.Parent(id) == CommandCatalog::kNone) {
      ChangePerm(cat, id, allow);
    } else {
      SetBit(id, allow);
    }
  }
}

// Redis's ACLUpdateCommandRules: a rule replaces earlier ones for the same command or
// category, and for that command's subcommands ("+config" drops "-config|get").
void AclSelector::UpdateRules(std::string rule, bool allow) {
  util::ToLowerInPlace(rule);
  rules_.erase(std::remove_if(rules_.begin(), rules_.end(),
                              [&](const std::string& r) {
                                std::string_view body = std::string_view(r).substr(1);
                                if (body == rule) return true;
                                return body.size() > rule.size() &&
                                       body.substr(0, rule.size()) == rule &&
                                       body[rule.size()] == '|';
                              }),
               rules_.end());
  rules_.push_back((allow ? "+" : "-") + rule);
}

bool HasSpaces(std::string_view s) {
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (b <= ' ' || b == 0x7f) return true;
  }
  return false;
}

namespace {

// A selector "(...)" holds spaces between its rules, and nothing else below ' '.
bool HasControlBytes(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto b = static_cast<unsigned char>(c);
    return (b < ' ' || b == 0x7f);
  });
}

}  // namespace

AclError AclSelector::ApplyKeyPattern(std::string_view op) {
  if (allkeys_) return AclError::kKeyAfterAll;
  uint8_t perm = 0;
  size_t offset = 1;
  if (op[0] == '%') {
    for (; offset < op.size(); ++offset) {
      char c = static_cast<char>(toupper(static_cast<unsigned char>(op[offset])));
      if (c == 'R' && !(perm & kPermRead)) {
        perm |= kPermRead;
      } else if (c == 'W' && !(perm & kPermWrite)) {
        perm |= kPermWrite;
      } else if (op[offset] == '~') {
        ++offset;
        break;
      } else {
        return AclError::kSyntax;
      }
    }
    if (perm == 0) return AclError::kSyntax;
  } else {
    perm = kPermAll;
  }
  std::string_view pattern = op.substr(std::min(offset, op.size()));
  if (HasSpaces(pattern)) return AclError::kSyntax;
  if (pattern == "*" && perm == kPermAll) {
    allkeys_ = true;
    keys_.clear();
    return AclError::kNone;
  }
  for (KeyPattern& k : keys_) {
    if (k.pattern == pattern) {
      k.perm |= perm;
      return AclError::kNone;
    }
  }
  keys_.push_back({std::string(pattern), perm});
  return AclError::kNone;
}

AclError AclSelector::ApplyAllow(const AclContext& ctx, std::string_view name) {
  const CommandCatalog& cat = *ctx.catalog;
  size_t bar = name.rfind('|');
  if (cat.Find(name) == CommandCatalog::kNone && IsRedisCommandName(name)) {
    UpdateRules(std::string(name), true);  // a Redis command Redoubt lacks: kept, no effect
    return AclError::kNone;
  }
  if (bar == std::string_view::npos) {
    uint32_t id = cat.Find(name);
    if (id == CommandCatalog::kNone) return AclError::kUnknownCommand;
    ChangePerm(cat, id, true);
    return AclError::kNone;
  }
  std::string_view base = name.substr(0, bar);
  std::string_view sub = name.substr(bar + 1);
  uint32_t id = cat.Find(base);
  if (id == CommandCatalog::kNone) return AclError::kUnknownCommand;
  if (cat.Parent(id) != CommandCatalog::kNone) return AclError::kSubcommandFirstArg;
  if (sub.empty()) return AclError::kSyntax;
  if (cat.HasSubcommands(id)) {
    uint32_t sid = cat.Find(name);
    if (sid == CommandCatalog::kNone) return AclError::kUnknownCommand;
    ChangePerm(cat, sid, true);
  } else {
    // Redis's deprecated "first argument" rule (+select|0): allowed only with that argument.
    auto& list = firstargs_[id];
    bool present = std::any_of(list.begin(), list.end(), [&](const std::string& s) {
      return util::EqualsIgnoreCase(s, sub);
    });
    if (!present) list.push_back(util::ToLower(sub));
  }
  return AclError::kNone;
}

AclError AclSelector::Apply(const AclContext& ctx, std::string_view op) {
  using util::EqualsIgnoreCase;
  const CommandCatalog& cat = *ctx.catalog;
  // Every rule is one word of an ACL file line: a rule with a space or a control byte would
  // save as other words or lines than it was (a newline in "+select|x" adds a user).
  if (op.empty() || HasSpaces(op)) return AclError::kSyntax;
  if (EqualsIgnoreCase(op, "allkeys") || op == "~*") {
    allkeys_ = true;
    keys_.clear();
  } else if (EqualsIgnoreCase(op, "resetkeys")) {
    allkeys_ = false;
    keys_.clear();
  } else if (EqualsIgnoreCase(op, "allchannels") || op == "&*") {
    allchannels_ = true;
    channels_.clear();
  } else if (EqualsIgnoreCase(op, "resetchannels")) {
    allchannels_ = false;
    channels_.clear();
  } else if (EqualsIgnoreCase(op, "allcommands") || EqualsIgnoreCase(op, "+@all")) {
    std::fill(bits_.begin(), bits_.end(), ~0ULL);
    allcommands_ = future_ = true;
    rules_.clear();
    firstargs_.clear();
  } else if (EqualsIgnoreCase(op, "nocommands") || EqualsIgnoreCase(op, "-@all")) {
    std::fill(bits_.begin(), bits_.end(), 0);
    allcommands_ = future_ = false;
    rules_.clear();
    firstargs_.clear();
  } else if (op[0] == '~' || op[0] == '%') {
    return ApplyKeyPattern(op);
  } else if (op[0] == '&') {
    if (allchannels_) return AclError::kChannelAfterAll;
    std::string_view pattern = op.substr(1);
    if (HasSpaces(pattern)) return AclError::kSyntax;
    if (std::find(channels_.begin(), channels_.end(), pattern) == channels_.end()) {
      channels_.emplace_back(pattern);
    }
  } else if (op[0] == '+' && (op.size() < 2 || op[1] != '@')) {
    return ApplyAllow(ctx, op.substr(1));
  } else if (op[0] == '-' && (op.size() < 2 || op[1] != '@')) {
    uint32_t id = cat.Find(op.substr(1));
    if (id == CommandCatalog::kNone && IsRedisCommandName(op.substr(1))) {
      UpdateRules(std::string(op.substr(1)), false);
      return AclError::kNone;
    }
    if (id == CommandCatalog::kNone) return AclError::kUnknownCommand;
    ChangePerm(cat, id, false);
  } else if (op[0] == '+' || op[0] == '-') {
    int c = CategoryIndex(op.substr(2));
    if (c < 0) return AclError::kUnknownCommand;
    bool allow = op[0] == '+';
    SetCategory(cat, c, allow);
  } else {
    return AclError::kSyntax;
  }
  return AclError::kNone;
}

bool AclSelector::CheckKey(std::string_view key, uint32_t flags) const {
  if (allkeys_) return true;
  uint8_t need = 0;
  if (flags & aclkey::kAccess) need |= kPermRead;
  if (flags & (aclkey::kInsert | aclkey::kDelete | aclkey::kUpdate)) need |= kPermWrite;
  for (const KeyPattern& k : keys_) {
    if ((k.perm & need) != need) continue;
    if (util::GlobMatch(k.pattern, key)) return true;
  }
  return false;
}

bool AclSelector::CheckChannel(std::string_view channel, bool is_pattern) const {
  if (allchannels_) return true;
  for (const std::string& p : channels_) {
    // A subscription pattern must be one of the allowed patterns literally, or it could
    // match channels the user may not read.
    if (is_pattern ? p == channel : util::GlobMatch(p, channel)) return true;
  }
  return false;
}

AclDenial AclSelector::Check(uint32_t id, std::span<const std::string_view> args,
                             AclKeySource* keys, AclChannelSource* channels, int* err_index) const {
  if (!CommandAllowed(id) && !catalog_->NoAuth(id)) {
    auto it = firstargs_.empty() ? firstargs_.end() : firstargs_.find(id);
    if (it == firstargs_.end() || args.size() < 2) return AclDenial::kCommand;
    bool ok = std::any_of(it->second.begin(), it->second.end(),
                          [&](const std::string& s) { return util::EqualsIgnoreCase(s, args[1]); });
    if (!ok) return AclDenial::kCommand;
  }
  if (!allkeys_ && keys != nullptr) {
    for (const AclKeyArg& k : keys->Keys()) {
      if (!CheckKey(args[k.index], k.flags)) {
        *err_index = k.index;
        return AclDenial::kKey;
      }
    }
  }
  if (!allchannels_ && channels != nullptr) {
    for (const AclChannelArg& ch : channels->Channels()) {
      if (!CheckChannel(args[ch.index], ch.is_pattern)) {
        *err_index = ch.index;
        return AclDenial::kChannel;
      }
    }
  }
  return AclDenial::kNone;
}

// Redis 7.0's ACLDescribeSelectorCommandRules: start from +@all or -@all, then greedily apply
// the category that best fits the remaining differences, then single commands (and first-arg
// rules) for what is left. Commands are visited in id order (Redis: its dict's order).
std::string AclSelector::DescribeCommands() const {
  const CommandCatalog& cat = *catalog_;
  AclContext ctx{catalog_, false};
  AclSelector fake(ctx, false), temp(ctx, false);
  bool additive = !future_;
  std::string out = additive ? "-@all" : "+@all";
  if (!additive) std::fill(fake.bits_.begin(), fake.bits_.end(), ~0ULL);
  temp.bits_ = bits_;
  auto raw = [](const AclSelector& s, uint32_t id) { return (s.bits_[id / 64] >> (id % 64)) & 1; };
  bool applied[kCategoryCount] = {};
  while (true) {
    int best = -1;
    uint64_t mindiff = UINT64_MAX, maxsame = 0;
    for (int j = 0; j < kCategoryCount; ++j) {
      if (applied[j]) continue;
      uint64_t on = 0, off = 0;
      for (uint32_t id = 0; id < cat.size(); ++id) {
        if (!(cat.Categories(id) & (1ULL << j))) continue;
        raw(temp, id) ? ++on : ++off;
      }
      uint64_t diff = additive ? off : on, same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
        best = j;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best < 0) break;
    fake.SetCategory(cat, best, additive);
    temp.SetCategory(cat, best, !additive);
    out += additive ? " +@" : " -@";
    out += CategoryNames()[best];
    applied[best] = true;
  }
  auto single = [&](uint32_t id) {
    bool user_bit = raw(*this, id), fake_bit = raw(fake, id);
    if (user_bit != fake_bit) {
      out += user_bit ? " +" : " -";
      out += cat.FullName(id);
      fake.ChangePerm(cat, id, user_bit);
    }
  };
  for (uint32_t id = 0; id < cat.size(); ++id) {
    if (cat.Parent(id) != CommandCatalog::kNone) continue;
    single(id);
    if (cat.HasSubcommands(id)) {
      for (uint32_t sub = id + 1; sub < cat.size() && cat.Parent(sub) == id; ++sub) single(sub);
    }
    auto it = firstargs_.find(id);
    if (!raw(*this, id) && it != firstargs_.end()) {
      for (const std::string& arg : it->second) {
        out += " +";
        out += cat.FullName(id);
        out += '|';
        out += arg;
      }
    }
  }
  for (const std::string& r : rules_) {
    out += ' ';
    out += r;
  }
  return out;
}

namespace {
void AppendKeyPattern(const KeyPattern& k, std::string* out) {
  if (k.perm == kPermAll) {
    *out += '~';
  } else if (k.perm == kPermRead) {
    *out += "%R~";
  } else {
    *out += "%W~";
  }
  *out += k.pattern;
}
}  // namespace

std::string AclSelector::DescribeKeys() const {
  if (allkeys_) return "~*";
  std::string out;
  for (const KeyPattern& k : keys_) {
    if (!out.empty()) out += ' ';
    AppendKeyPattern(k, &out);
  }
  return out;
}

std::string AclSelector::DescribeChannels() const {
  if (allchannels_) return "&*";
  std::string out;
  for (const std::string& c : channels_) {
    if (!out.empty()) out += ' ';
    out += '&';
    out += c;
  }
  return out;
}

std::string AclSelector::Describe() const {
  std::string out;
  if (allkeys_) {
    out += "~* ";
  } else {
    for (const KeyPattern& k : keys_) {
      AppendKeyPattern(k, &out);
      out += ' ';
    }
  }
  if (allchannels_) {
    out += "&* ";
  } else {
    out += "resetchannels ";
    for (const std::string& c : channels_) {
      out += '&';
      out += c;
      out += ' ';
    }
  }
  out += DescribeCommands();
  return out;
}

// --- AclUser -----------------------------------------------------------------------------------

AclUser::AclUser(std::string name, const AclContext& ctx) : name_(std::move(name)) {
  selectors_.emplace_back(ctx, true);
}

AclError AclUser::Apply(const AclContext& ctx, std::string_view op) {
  using util::EqualsIgnoreCase;
  if (op.empty()) return AclError::kNone;  // a no-op, as in Redis
  if (EqualsIgnoreCase(op, "on")) {
    enabled_ = true;
  } else if (EqualsIgnoreCase(op, "off")) {
    enabled_ = false;
  } else if (EqualsIgnoreCase(op, "skip-sanitize-payload")) {
    sanitize_ = 2;
  } else if (EqualsIgnoreCase(op, "sanitize-payload")) {
    sanitize_ = 1;
  } else if (EqualsIgnoreCase(op, "nopass")) {
    nopass_ = true;
    passwords_.clear();
  } else if (EqualsIgnoreCase(op, "resetpass")) {
    nopass_ = false;
    passwords_.clear();
  } else if (op[0] == '>' || op[0] == '#') {
    std::string hash;
    if (op[0] == '>') {
      hash = util::Sha256Hex(op.substr(1));
    } else {
      if (!IsLowerHex(op.substr(1))) return AclError::kBadHash;
      hash = std::string(op.substr(1));
    }
    if (std::find(passwords_.begin(), passwords_.end(), hash) == passwords_.end()) {
      passwords_.push_back(std::move(hash));
    }
    nopass_ = false;
  } else if (op[0] == '<' || op[0] == '!') {
    std::string hash;
    if (op[0] == '<') {
      hash = util::Sha256Hex(op.substr(1));
    } else {
      if (!IsLowerHex(op.substr(1))) return AclError::kBadHash;
      hash = std::string(op.substr(1));
    }
    auto it = std::find(passwords_.begin(), passwords_.end(), hash);
    if (it == passwords_.end()) return AclError::kNoSuchPassword;
    passwords_.erase(it);
  } else if (op[0] == '(' && op.back() == ')') {
    if (HasControlBytes(op)) return AclError::kSyntax;
    AclSelector s(ctx, false);
    std::string inner(op.substr(1, op.size() - 2));
    // Unbalanced quotes make an empty selector, as in Redis.
    std::vector<std::string> parts = util::SplitArgs(inner).value_or(std::vector<std::string>{});
    for (const std::string& p : parts) {
      if (p.empty()) continue;
      AclError e = s.Apply(ctx, p);
      if (e != AclError::kNone) return e;
    }
    selectors_.push_back(std::move(s));
  } else if (EqualsIgnoreCase(op, "clearselectors")) {
    selectors_.erase(selectors_.begin() + 1, selectors_.end());
  } else if (EqualsIgnoreCase(op, "reset")) {
    nopass_ = false;
    passwords_.clear();
    enabled_ = false;
    sanitize_ = 1;
    selectors_.erase(selectors_.begin() + 1, selectors_.end());
    AclSelector& root = selectors_.front();
    (void)root.Apply(ctx, "resetkeys");
    (void)root.Apply(ctx, "resetchannels");
    if (ctx.pubsub_default_allchannels) (void)root.Apply(ctx, "allchannels");
    (void)root.Apply(ctx, "-@all");
  } else {
    return selectors_.front().Apply(ctx, op);
  }
  return AclError::kNone;
}

AclDenial AclUser::Check(uint32_t id, std::span<const std::string_view> args, AclKeySource* keys,
                         AclChannelSource* channels, int* err_index) const {
  *err_index = 0;
  AclDenial best = AclDenial::kCommand;
  int best_index = 0;
  for (const AclSelector& s : selectors_) {
    int idx = 0;
    AclDenial d = s.Check(id, args, keys, channels, &idx);
    if (d == AclDenial::kNone) return d;
    if (d > best || (d == best && idx > best_index)) {
      best = d;
      best_index = idx;
    }
  }
  *err_index = best_index;
  return best;
}

bool AclUser::CheckChannel(std::string_view channel, bool is_pattern) const {
  return std::any_of(selectors_.begin(), selectors_.end(),
                     [&](const AclSelector& s) { return s.CheckChannel(channel, is_pattern); });
}

bool AclUser::CheckPassword(std::string_view password) const {
  if (!enabled_) return false;
  if (nopass_) return true;
  std::string hash = util::Sha256Hex(password);
  bool match = false;
  // Every stored digest is compared (no early exit): the time does not depend on which matched.
  for (const std::string& p : passwords_) match |= util::ConstantTimeEquals(p, hash);
  return match;
}

std::vector<std::string_view> AclUser::Flags() const {
  std::vector<std::string_view> f;
  f.push_back(enabled_ ? "on" : "off");
  if (nopass_) f.push_back("nopass");
  if (sanitize_ == 2) f.push_back("skip-sanitize-payload");
  if (sanitize_ == 1) f.push_back("sanitize-payload");
  return f;
}

std::string AclUser::Describe() const {
  std::string out;
  for (std::string_view f : Flags()) {
    out += f;
    out += ' ';
  }
  for (const std::string& p : passwords_) {
    out += '#';
    out += p;
    out += ' ';
  }
  for (const AclSelector& s : selectors_) {
    if (s.root()) {
      out += s.Describe();
    } else {
      out += " (" + s.Describe() + ")";
    }
  }
  return out;
}

std::string AclUser::DescribeForFile() const {
  std::string out;
  for (const AclSelector& s : selectors_) {
    if (s.root()) {
      // Root rules come first; the loader splits them at spaces only, so they go as they are.
      std::string root = Describe();
      out += root.substr(0, root.find(" ("));
      continue;
    }
    // A selector's body is split as Redis splits it: a quote character anywhere in a word
    // opens a quoted part, and a word ending in ')' would end the selector early. Such words
    // are written quoted so that they load back unchanged.
    std::string body = s.Describe();
    out += " (";
    size_t start = 0;
    while (start < body.size()) {
      size_t end = std::min(body.find(' ', start), body.size());
      std::string_view word(body.data() + start, end - start);
      if (word.find_first_of("\"'") != std::string_view::npos || word.ends_with(')')) {
        util::AppendQuotedArg(word, &out);
      } else {
        out.append(word);
      }
      if (end < body.size()) out += ' ';
      start = end + 1;
    }
    out += ')';
  }
  return out;
}

bool AclUser::IsAdmin(const CommandCatalog& catalog) const {
  const AclSelector& r = root();
  if (r.allcommands()) return true;
  uint64_t admin = 1ULL << CategoryIndex("admin");
  for (uint32_t id = 0; id < catalog.size(); ++id) {
    if ((catalog.Categories(id) & admin) && !r.CommandAllowed(id)) return false;
  }
  return true;
}

bool MergeSelectorArgs(std::span<const std::string> args, std::vector<std::string>* out,
                       size_t* bad_index) {
  out->clear();
  std::string selector;
  bool open = false;
  size_t open_at = 0;
  for (size_t j = 0; j < args.size(); ++j) {
    const std::string& op = args[j];
    if (!open && !op.empty() && op[0] == '(' && op.back() != ')') {
      selector = op;
      open = true;
      open_at = j;
      continue;
    }
    if (open) {
      selector += ' ';
      selector += op;
      if (!op.empty() && op.back() == ')') {
        open = false;
        out->push_back(std::move(selector));
        selector.clear();
      }
      continue;
    }
    out->push_back(op);
  }
  if (open) {
    *bad_index = open_at;
    return false;
  }
  return true;
}

}  // namespace redoubt::security
