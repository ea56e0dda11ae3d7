// Fuzzes the admission pipeline and every command handler: the input is a sequence of
// commands (one per line, arguments split as inline commands are) run against one fresh
// server state. Anything but a crash, a sanitizer report or a hang is fine.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "fuzz_world.h"
#include "runtime/command_table.h"
#include "runtime/dispatch.h"
#include "runtime/server_state.h"
#include "util/split_args.h"

using redoubt::fuzz::World;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World w;
  redoubt::commands::Client client;
  client.id = 1;
  client.authenticated = true;
  w.state.sessions.clients[client.id] = &client;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  int commands = 0;
  while (!in.empty() && commands < 64) {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    auto args = redoubt::util::SplitArgs(line);
    if (!args || args->empty()) continue;
    std::vector<std::string_view> views(args->begin(), args->end());
    redoubt::commands::Dispatch(w.state, client, views);
    client.reply_buf.clear();
    w.state.clock.now_ms += 7;
    ++commands;
  }
  redoubt::commands::DetachClient(w.state, client);  // before `client` goes out of scope
  return 0;
}
