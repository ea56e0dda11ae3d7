// Fuzzes the ACL rule grammar (users, passwords, commands, categories, first-argument rules,
// key and channel patterns, %R~/%W~, selectors) two ways on every input:
//  - as an ACL file (ACL LOAD): whatever loads must save to rules that load back the same;
//  - as ACL SETUSER calls, one a line, each line split as redis-cli splits arguments (so a rule
//    may hold any byte, "\n" included): for every SETUSER the store accepts, ACL SAVE then
//    ACL LOAD must give back exactly the same users (the same ACL LIST, passwords and flags).
// Key and channel checks against the loaded patterns must finish on any pattern.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "commands/families.h"
#include "runtime/acl.h"
#include "security/acl_store.h"
#include "util/split_args.h"

namespace {

using redoubt::security::AclStore;
using redoubt::security::AclUser;

[[noreturn]] void Fail(const char* what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "%s\n--- first:\n%s\n--- second:\n%s\n", what, a.c_str(), b.c_str());
  std::abort();
}

// Everything ACL LIST and ACL GETUSER show of the users, one line each.
std::string Snapshot(const AclStore& store) {
  std::string out;
  for (const auto& [name, u] : store.users()) {
    out += "user " + name + " " + u->Describe() + " |";
    for (std::string_view f : u->Flags()) out.append(f).push_back(',');
    for (const std::string& h : u->password_hashes()) out += h + ",";
    out += "\n";
  }
  return out;
}

// ACL SAVE then ACL LOAD into a fresh store: the same users, and the same file again.
void CheckRoundTrip(const AclStore& store) {
  std::string saved = store.SaveText();
  AclStore again(redoubt::commands::AclCatalog());
  AclStore::Revoked revoked;
  auto status = again.LoadText(saved, "saved.acl", &revoked);
  if (!status.ok()) Fail("saved rules do not load back", status.message(), saved);
  if (Snapshot(again) != Snapshot(store)) {
    Fail("ACL SAVE then ACL LOAD changed the users", Snapshot(store), Snapshot(again));
  }
  if (std::string resaved = again.SaveText(); resaved != saved) {
    Fail("save/load/save differs", saved, resaved);
  }
}

void ExerciseChecks(const AclStore& store) {
  const std::string long_key(200, 'a');
  for (const auto& entry : store.users()) {
    const AclUser& user = *entry.second;
    for (const auto& selector : user.selectors()) {
      (void)selector.CheckKey("user:1000:profile", redoubt::security::aclkey::kAccess);
      (void)selector.CheckKey(long_key, redoubt::security::aclkey::kUpdate);
      (void)selector.Describe();
    }
    (void)user.CheckChannel("news.sport", false);
    (void)user.CheckChannel("news.*", true);
  }
}

void FuzzAclFile(std::string_view text) {
  AclStore store(redoubt::commands::AclCatalog());
  AclStore::Revoked revoked;
  if (!store.LoadText(text, "fuzz.acl", &revoked).ok()) return;
  CheckRoundTrip(store);
  ExerciseChecks(store);
}

// "user <name> <rule> ..." or "<name> <rule> ...", quoted as redis-cli quotes.
void FuzzSetUser(std::string_view text) {
  AclStore store(redoubt::commands::AclCatalog());
  size_t pos = 0;
  int calls = 0;
  while (pos < text.size() && calls < 64) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    auto argv = redoubt::util::SplitArgs(line);
    if (!argv || argv->empty()) continue;
    size_t first = (*argv)[0] == "user" ? 1 : 0;
    if (argv->size() <= first) continue;
    const std::string& name = (*argv)[first];
    if (redoubt::security::HasSpaces(name)) continue;  // ACL SETUSER refuses it first
    std::vector<std::string> ops(argv->begin() + static_cast<std::ptrdiff_t>(first) + 1,
                                 argv->end());
    AclStore::Revoked revoked;
    ++calls;
    if (!store.SetUser(name, ops, &revoked).ok()) continue;
    CheckRoundTrip(store);
  }
  ExerciseChecks(store);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redoubt::commands::RegisterAllFamilies();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  FuzzAclFile(text);
  FuzzSetUser(text);
  return 0;
}
