// The command registry: every family registers its rows here (commands/families.cc); lookups are
// case-insensitive and see rename-command aliases (a renamed command is unknown under its old name,
// a disabled one is unknown under every name).
#pragma once

#include <algorithm>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/command.h"

namespace redoubt::commands {

class CommandTable {
 public:
  CommandTable();
  // The process's table; empty until commands::RegisterAllFamilies() (commands/families.h)
  // has run, which main and the test and fuzz harnesses call first.
  static CommandTable& Get();

  void Register(std::vector<CommandSpec> specs);
  // Looks a command up by the name a client typed (after renames). nullptr if unknown.
  const CommandSpec* Lookup(std::string_view name) const;
  // Looks up by canonical name, ignoring renames (AOF replay, COMMAND INFO, ACL rules).
  const CommandSpec* LookupCanonical(std::string_view name) const;
  // By canonical name, but not a command disabled by rename-command (COMMAND INFO/DOCS: as in
  // Redis, a disabled command is gone; a renamed one is still listed under its own name).
  const CommandSpec* LookupListed(std::string_view name) const;
  // A subcommand of `parent` by name, or nullptr.
  static const CommandSpec* LookupSub(const CommandSpec& parent, std::string_view name);
  // rename-command: new_name empty disables the command. Errors name the reason.
  bool Rename(std::string_view name, std::string_view new_name, std::string* error);

  // Every command not disabled by rename-command.
  const std::vector<const CommandSpec*>& all() const { return all_; }
  size_t size() const { return all_.size(); }
  // Every command and subcommand, indexed by CommandSpec::id.
  const std::vector<const CommandSpec*>& by_id() const { return by_id_; }

 private:
  struct Slot {
    std::string name;  // lower case
    const CommandSpec* spec = nullptr;
  };
  void Index(std::vector<Slot>& slots, std::string_view name, const CommandSpec* spec);
  static const CommandSpec* Find(const std::vector<Slot>& slots, std::string_view name);
  void Finish(CommandSpec& spec, const CommandSpec* parent);

  std::deque<CommandSpec> storage_;  // stable addresses
  std::deque<std::string> names_;
  std::vector<const CommandSpec*> all_;
  std::vector<const CommandSpec*> disabled_;
  std::vector<const CommandSpec*> by_id_;
  std::vector<Slot> canonical_;  // open addressing, power-of-two size
  std::vector<Slot> visible_;    // names clients may type
};

// Keys of a command invocation, from its key specs (ACL checks, COMMAND GETKEYS).
struct KeyRef {
  int index;       // argument index
  uint32_t flags;  // keyflag bits of the spec that found it
};
// False when a key count in the arguments is malformed or claims more keys than there are
// arguments (Redis's invalid key spec): COMMAND GETKEYS then fails, while ACL checks use the
// keys found so far and leave the rejection to the command itself.
bool GetKeys(const CommandSpec& cmd, std::span<const std::string_view> args,
             std::vector<KeyRef>* out);

}  // namespace redoubt::commands
