#include "runtime/command_table.h"

#include <climits>

#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

uint64_t NameHash(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c | 0x20);  // case-insensitive for letters
    h *= 1099511628211ULL;
  }
  return h;
}

// Categories a command's flags imply, as Redis adds them.
uint64_t ImpliedCategories(const CommandSpec& c) {
  uint64_t cats = c.categories;
  if (c.flags & flag::kWrite) cats |= cat::kWrite;
  if ((c.flags & flag::kReadonly) && !(cats & cat::kScripting)) cats |= cat::kRead;
  if (c.flags & flag::kAdmin) cats |= cat::kAdmin | cat::kDangerous;
  if (c.flags & flag::kPubsub) cats |= cat::kPubsub;
  if (c.flags & flag::kFast) cats |= cat::kFast;
  if (c.flags & flag::kBlocking) cats |= cat::kBlocking;
  if (!(cats & cat::kFast)) cats |= cat::kSlow;
  return cats;
}

// The (first, last, step) triple COMMAND INFO still reports, derived from the key specs the
// way Redis derives it; specs it cannot express make the command "movablekeys".
void DeriveLegacyRange(CommandSpec& c) {
  c.legacy_first = c.legacy_last = c.legacy_step = 0;
  if (c.keys.empty()) return;
  auto is_range = [](const KeySpec& k) {
    return !k.unknown && k.keyword == nullptr && k.keynum_index < 0;
  };
  if (c.keys.size() == 1 && is_range(c.keys[0])) {
    const KeySpec& k = c.keys[0];
    c.legacy_first = k.index;
    c.legacy_last = k.last_key >= 0 ? k.index + k.last_key : k.last_key;
    c.legacy_step = k.key_step;
    if (k.flags & keyflag::kIncomplete) c.flags |= flag::kMovableKeys;
    return;
  }
  int first = INT_MAX;
  int last = 0;
  int prev_last = 0;
  for (const KeySpec& k : c.keys) {
    if (!is_range(k)) {
      c.flags |= flag::kMovableKeys;
      continue;
    }
    if (k.key_step != 1 || (prev_last && prev_last != k.index - 1)) {
      c.flags |= flag::kMovableKeys;
      continue;
    }
    if (k.flags & keyflag::kIncomplete) c.flags |= flag::kMovableKeys;
    first = std::min(first, k.index);
    int abs_last = k.last_key >= 0 ? k.last_key + k.index : k.last_key;
    // Unsigned comparison: a negative (from-the-end) last key wins, as in Redis.
    if (static_cast<unsigned>(abs_last) > static_cast<unsigned>(last)) last = abs_last;
    prev_last = last;
  }
  if (first == INT_MAX) return;
  c.legacy_first = first;
  c.legacy_last = last;
  c.legacy_step = 1;
}

}  // namespace

CommandTable::CommandTable() {
  canonical_.resize(1024);
  visible_.resize(1024);
}

CommandTable& CommandTable::Get() {
  static CommandTable* table = new CommandTable();
  return *table;
}

void CommandTable::Index(std::vector<Slot>& slots, std::string_view name, const CommandSpec* spec) {
  size_t mask = slots.size() - 1;
  for (size_t i = NameHash(name) & mask;; i = (i + 1) & mask) {
    if (slots[i].spec == nullptr || util::EqualsIgnoreCase(slots[i].name, name)) {
      slots[i].name = util::ToLower(name);
      slots[i].spec = spec;
      return;
    }
  }
}

const CommandSpec* CommandTable::Find(const std::vector<Slot>& slots, std::string_view name) {
  size_t mask = slots.size() - 1;
  for (size_t i = NameHash(name) & mask;; i = (i + 1) & mask) {
    const Slot& s = slots[i];
    if (s.spec == nullptr && s.name.empty()) return nullptr;
    if (s.name.size() == name.size() && util::EqualsIgnoreCase(s.name, name)) return s.spec;
  }
}

void CommandTable::Finish(CommandSpec& c, const CommandSpec* parent) {
  c.parent = parent;
  if (parent != nullptr) {
    names_.push_back(std::string(parent->name) + "|" + c.name);
    c.full_name = names_.back();
  } else {
    c.full_name = c.name;
  }
  c.categories = ImpliedCategories(c);
  DeriveLegacyRange(c);
  c.id = static_cast<uint32_t>(by_id_.size());
  by_id_.push_back(&c);
  for (CommandSpec& sub : c.subcommands) Finish(sub, &c);
}

void CommandTable::Register(std::vector<CommandSpec> specs) {
  for (CommandSpec& s : specs) {
    storage_.push_back(std::move(s));
    CommandSpec& c = storage_.back();
    Finish(c, nullptr);
    all_.push_back(&c);
    Index(canonical_, c.name, &c);
    Index(visible_, c.name, &c);
  }
}

const CommandSpec* CommandTable::Lookup(std::string_view name) const {
  return Find(visible_, name);
}

const CommandSpec* CommandTable::LookupCanonical(std::string_view name) const {
  return Find(canonical_, name);
}

const CommandSpec* CommandTable::LookupListed(std::string_view name) const {
  const CommandSpec* c = Find(canonical_, name);
  if (c != nullptr && std::find(disabled_.begin(), disabled_.end(), c) != disabled_.end()) {
    return nullptr;
  }
  return c;
}

const CommandSpec* CommandTable::LookupSub(const CommandSpec& parent, std::string_view name) {
  for (const CommandSpec& s : parent.subcommands) {
    if (util::EqualsIgnoreCase(s.name, name)) return &s;
  }
  return nullptr;
}

bool CommandTable::Rename(std::string_view name, std::string_view new_name, std::string* error) {
  const CommandSpec* spec = Find(visible_, name);
  if (spec == nullptr) {
    *error = "No such command in rename-command";
    return false;
  }
  if (!new_name.empty() && Find(visible_, new_name) != nullptr) {
    *error = "Target command name already exists";
    return false;
  }
  // Tombstone the old name: the slot keeps its name so probing continues past it.
  size_t mask = visible_.size() - 1;
  for (size_t i = NameHash(name) & mask;; i = (i + 1) & mask) {
    if (visible_[i].spec == spec && util::EqualsIgnoreCase(visible_[i].name, name)) {
      visible_[i].spec = nullptr;
      break;
    }
  }
  if (!new_name.empty()) {
    Index(visible_, new_name, spec);
  } else {
    disabled_.push_back(spec);
    all_.erase(std::remove(all_.begin(), all_.end(), spec), all_.end());
  }
  return true;
}

bool GetKeys(const CommandSpec& cmd, std::span<const std::string_view> args,
             std::vector<KeyRef>* out) {
  out->clear();
  if (cmd.getkeys != nullptr) {
    cmd.getkeys(args, out);
    return true;
  }
  bool valid = true;
  int argc = static_cast<int>(args.size());
  for (const KeySpec& k : cmd.keys) {
    // NOT_KEY specs (shard channels) are not keys: no ACL key rule or tracking applies.
    if (k.unknown || (k.flags & keyflag::kNotKey)) continue;
    int start;
    if (k.keyword == nullptr) {
      start = k.index;
    } else {
      start = -1;
      int from = k.start_from >= 0 ? k.start_from : argc + k.start_from;
      int step = k.start_from >= 0 ? 1 : -1;
      for (int i = from; i > 0 && i < argc; i += step) {
        if (util::EqualsIgnoreCase(args[i], k.keyword)) {
          start = i + 1;
          break;
        }
      }
      if (start < 0) continue;
    }
    if (start >= argc) continue;
    int first, last, step;
    if (k.keynum_index < 0) {
      first = start;
      if (k.last_key >= 0) {
        last = first + k.last_key;
      } else if (k.limit == 0) {
        last = argc + k.last_key;
      } else {
        last = first + ((argc - first) / k.limit + k.last_key);
      }
      step = k.key_step;
    } else {
      int idx = start + k.keynum_index;
      int64_t n = 0;
      if (idx >= argc || !util::ParseInt64(args[idx], &n) || n < 0 || n > argc) {
        valid = false;
        continue;
      }
      first = start + k.first_key;
      step = k.key_step;
      last = first + static_cast<int>(n - 1) * step;
      if (n > 0 && last >= argc) valid = false;
    }
    for (int i = first; i <= last && i < argc; i += step) out->push_back({i, k.flags});
  }
  return valid;
}

}  // namespace redoubt::commands
