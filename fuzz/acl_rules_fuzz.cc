// Fuzzes the ACL rule grammar (users, passwords, commands, categories, key and channel
// patterns, %R~/%W~, selectors) through an ACL file. Whatever loads must save to rules that
// load back to the same text (ACL SAVE then ACL LOAD keeps every user as it was), and key and
// channel checks against the loaded patterns must finish on any pattern.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "commands/families.h"
#include "runtime/acl.h"
#include "security/acl_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using redoubt::security::AclStore;
  redoubt::commands::RegisterAllFamilies();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  AclStore store(redoubt::commands::AclCatalog());
  AclStore::Revoked revoked;
  if (!store.LoadText(text, "fuzz.acl", &revoked).ok()) return 0;

  std::string saved = store.SaveText();
  AclStore again(redoubt::commands::AclCatalog());
  AclStore::Revoked revoked_again;
  auto status = again.LoadText(saved, "saved.acl", &revoked_again);
  if (!status.ok()) {
    std::fprintf(stderr, "saved rules do not load back: %s\n--- saved:\n%s\n",
                 status.message().c_str(), saved.c_str());
    std::abort();
  }
  if (std::string resaved = again.SaveText(); resaved != saved) {
    std::fprintf(stderr, "save/load/save differs:\n%s\n--- vs:\n%s\n", saved.c_str(),
                 resaved.c_str());
    std::abort();
  }

  const std::string long_key(200, 'a');
  for (const auto& entry : store.users()) {
    const redoubt::security::AclUser& user = *entry.second;
    for (const auto& selector : user.selectors()) {
      (void)selector.CheckKey("user:1000:profile", redoubt::security::aclkey::kAccess);
      (void)selector.CheckKey(long_key, redoubt::security::aclkey::kUpdate);
      (void)selector.Describe();
    }
    (void)user.CheckChannel("news.sport", false);
    (void)user.CheckChannel("news.*", true);
  }
  return 0;
}
