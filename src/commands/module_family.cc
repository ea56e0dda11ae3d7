// MODULE and LOLWUT. Redoubt loads no native modules (loadable code is the classic path from a
// Redis connection to remote code execution), so MODULE LIST is always empty and MODULE
// LOAD/LOADEX/UNLOAD are refused; LOLWUT answers its version line without the art.
#include <cctype>
#include <iterator>
#include <string>

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/server_state.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

void ModuleList(CommandContext& cx) { cx.reply.EmptyArray(); }

void ModuleRefuse(CommandContext& cx) {
  cx.reply.Error("ERR Redoubt loads no modules: MODULE LOAD, LOADEX and UNLOAD are not supported");
}

void ModuleHelp(CommandContext& cx) {
  static constexpr std::string_view kLines[] = {
      "LIST",
      "    Return a list of loaded modules.",
      "LOAD <path> [<arg> ...]",
      "    Load a module library from <path>, passing to it any optional arguments.",
      "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
      "    Load a module library from <path>, while passing it module configurations and "
      "optional arguments.",
      "UNLOAD <name>",
      "    Unload a module.",
      "HELP",
      "    Prints this help.",
  };
  std::string head(cx.args[0]);
  for (char& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  cx.reply.Array(1 + std::size(kLines));
  cx.reply.SimpleString(head + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : kLines) cx.reply.SimpleString(line);
}

void Lolwut(CommandContext& cx) {
  for (size_t i = 1; i + 1 < cx.argc(); ++i) {
    if (util::EqualsIgnoreCase(cx.args[i], "version")) {
      int64_t v;
      if (!util::ParseInt64(cx.args[i + 1], &v)) return cx.reply.Error(errors::kNotInteger);
      ++i;
    }
  }
  std::string text = "Redis ver. ";
  text.append(kCompatVersion).append("\n");
  cx.reply.Verbatim(text);
}

}  // namespace

void RegisterModuleFamily(CommandTable& t) {
  const char* g = "server";
  const uint64_t admin = flag::kAdmin | flag::kNoscript;
  auto sub = [g](const char* name, int arity, uint64_t flags, Handler h, const char* summary) {
    return CommandSpec{.name = name,
                       .arity = arity,
                       .flags = flags,
                       .handler = h,
                       .group = g,
                       .summary = summary,
                       .since = "4.0.0"};
  };
  t.Register({
      {.name = "module",
       .arity = -2,
       .subcommands =
           {sub("help", 2, flag::kLoading | flag::kStale, ModuleHelp,
                "Show helpful text about the different subcommands"),
            sub("list", 2, admin, ModuleList, "List all modules loaded by the server"),
            sub("load", -3, admin | flag::kNoAsyncLoading, ModuleRefuse, "Load a module"),
            sub("loadex", -3, admin | flag::kNoAsyncLoading, ModuleRefuse,
                "Load a module with extended parameters"),
            sub("unload", 3, admin | flag::kNoAsyncLoading, ModuleRefuse, "Unload a module")},
       .group = g,
       .summary = "A container for module commands",
       .since = "4.0.0"},
      {.name = "lolwut",
       .arity = -1,
       .flags = flag::kReadonly | flag::kFast,
       .handler = Lolwut,
       .group = g,
       .summary = "Display some computer art and the Redis version",
       .since = "5.0.0"},
  });
}

}  // namespace redoubt::commands
