// Fuzzes the AOF loader: arbitrary bytes are read as an AOF (torn tails, corruption, huge
// counts and lengths), the commands found are replayed into a fresh server state through the
// loader's canonical-name lookup, and the same bytes are parsed as a manifest. Anything but a
// crash, a sanitizer report or a hang is fine.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"
#include "fuzz_world.h"
#include "persistence/aof_format.h"
#include "runtime/aof_loader.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"

using redoubt::fuzz::World;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // The reader alone: every command returned lies inside the input, offsets only grow.
  redoubt::persistence::AofReader reader(in);
  size_t last = 0;
  for (;;) {
    auto r = reader.Next();
    if (r != redoubt::persistence::AofReader::Result::kCommand) break;
    if (reader.position() <= last || reader.position() > in.size()) __builtin_trap();
    last = reader.position();
  }
  World w;
  auto res = redoubt::commands::ReplayAofBytes(w.state, in, "fuzz.aof", true, {});
  if (res.ok() && res->valid_len > in.size()) __builtin_trap();
  auto m = redoubt::persistence::ParseManifest(in);
  if (m.ok()) {
    auto again = redoubt::persistence::ParseManifest(m->Serialize());
    if (!again.ok()) __builtin_trap();
  }
  return 0;
}
