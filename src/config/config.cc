// Config: start-up loading (files, includes, stdin, command line) and CONFIG GET / SET.
#include "config/config.h"

#include <fcntl.h>
#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <string>
#include <unordered_map>

#include "config/config_internal.h"
#include "util/glob.h"
#include "util/split_args.h"
#include "util/string_util.h"

namespace redoubt::config {

namespace {

constexpr int kMaxIncludeDepth = 16;

// Name (lowercase) -> row index; aliases included.
struct NameIndex {
  std::unordered_map<std::string, size_t> by_name;
};

const NameIndex& Index() {
  static const NameIndex* index = [] {
    auto* idx = new NameIndex;
    auto table = internal::Table();
    for (size_t i = 0; i < table.size(); ++i) {
      idx->by_name.emplace(std::string(table[i].name), i);
      if (!table[i].alias.empty()) idx->by_name.emplace(std::string(table[i].alias), i);
    }
    return idx;
  }();
  return *index;
}

size_t IndexOf(const ConfigDef* def) { return static_cast<size_t>(def - internal::Table().data()); }

// The name a lookup matched: the alias when `given` is the alias (as Redis registers aliases
// as configs of their own).
std::string_view MatchedName(const ConfigDef& def, std::string_view given) {
  if (!def.alias.empty() && util::EqualsIgnoreCase(given, def.alias)) return def.alias;
  return def.name;
}

constexpr std::string_view kIgnored[] = {"list-max-ziplist-entries", "list-max-ziplist-value",
                                         "lua-replicate-commands"};

bool IsIgnored(std::string_view lower_name) {
  return std::find(std::begin(kIgnored), std::end(kIgnored), lower_name) != std::end(kIgnored);
}

// Redis's sdstrim(line, " \t\r\n").
std::string_view Trim(std::string_view s) {
  constexpr std::string_view kBlank = " \t\r\n";
  const size_t b = s.find_first_not_of(kBlank);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kBlank) - b + 1);
}

StatusOr<std::string> ReadWholeFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::Error("can't open config file '" + path + "': " + std::strerror(errno));
  }
  std::string text;
  char buf[16384];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      return Status::Error("can't read config file '" + path + "': " + std::strerror(err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return text;
}

std::string ReadStdin() {
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

// The line as shown in an error: secrets never reach logs or terminals.
std::string ShownLine(std::string_view line, std::string_view lower_name) {
  const ConfigDef* def = Config::Find(lower_name);
  if ((def != nullptr && def->Has(flag::kSensitive)) || lower_name == "user") {
    return std::string(lower_name) + " " + std::string(Config::kRedacted);
  }
  return std::string(line);
}

std::string SetFailed(std::string_view name, std::string_view reason) {
  std::string msg = "ERR CONFIG SET failed (possibly related to argument '";
  msg += name;
  msg += "')";
  if (!reason.empty()) {
    msg += " - ";
    msg += reason;
  }
  return msg;
}

}  // namespace

struct Config::LoadSession {
  internal::LoadState state;
  int depth = 0;
  std::string source;  // file name (or "(stdin)", "(command line)") of the text being read
  int line_number = 0;
};

Config::Config() : hooks_by_def_(internal::Table().size()) {
  for (const ConfigDef& def : internal::Table()) internal::InitGeneric(def, &values_);
  for (const internal::ApplyStep& step : internal::ApplySteps()) OnChange(step.name, step.apply);
}

std::span<const ConfigDef> Config::Defs() { return internal::Table(); }

const ConfigDef* Config::Find(std::string_view name) {
  const NameIndex& idx = Index();
  auto it = idx.by_name.find(util::ToLower(name));
  return it == idx.by_name.end() ? nullptr : &internal::Table()[it->second];
}

std::span<const std::string_view> Config::IgnoredDirectives() { return kIgnored; }

// --- Loading ---------------------------------------------------------------------------------

Status Config::LoadFile(const std::string& path) {
  LoadSession session;
  if (Status s = LoadPath(path, &session); !s.ok()) return s;
  return FinishLoad();
}

Status Config::LoadString(std::string_view text, std::string_view source) {
  LoadSession session;
  if (Status s = LoadText(text, source, &session); !s.ok()) return s;
  return FinishLoad();
}

Status Config::LoadCommandLine(const CommandLine& command_line) {
  LoadSession session;
  if (!command_line.config_file.empty()) {
    if (Status s = LoadPath(command_line.config_file, &session); !s.ok()) return s;
    config_file_ = command_line.config_file;
  }
  if (command_line.config_from_stdin) {
    if (Status s = LoadText(ReadStdin(), "(stdin)", &session); !s.ok()) return s;
  }
  if (!command_line.options.empty()) {
    if (Status s = LoadText(command_line.options, "(command line)", &session); !s.ok()) return s;
  }
  return FinishLoad();
}

Status Config::LoadPath(const std::string& path, LoadSession* session) {
  StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return LoadText(*text, path, session);
}

Status Config::LoadText(std::string_view text, std::string_view source, LoadSession* session) {
  const std::string saved_source = session->source;
  const int saved_line = session->line_number;
  session->source = std::string(source);
  // Redis reads the file as a C string: a NUL byte ends it.
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) text = text.substr(0, nul);
  int line_number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    ++line_number;
    session->line_number = line_number;
    const std::string_view line = Trim(text.substr(pos, eol - pos));
    pos = eol + 1;
    if (line.empty() || line[0] == '#') continue;
    if (Status s = LoadLine(line, session); !s.ok()) return s;
  }
  session->source = saved_source;
  session->line_number = saved_line;
  return Status::Ok();
}

Status Config::LoadLine(std::string_view line, LoadSession* session) {
  const auto where = [&](std::string_view lower_name, std::string_view reason) {
    return Status::Error(session->source + ":" + std::to_string(session->line_number) + ": '" +
                         ShownLine(line, lower_name) + "': " + std::string(reason));
  };
  std::optional<std::vector<std::string>> argv = util::SplitArgs(line);
  if (!argv) {
    const std::string first = util::ToLower(line.substr(0, line.find_first_of(" \t\r\n\v\f\"'")));
    return where(first, "Unbalanced quotes in configuration line");
  }
  if (argv->empty()) return Status::Ok();
  const std::string name = util::ToLower((*argv)[0]);
  const size_t argc = argv->size();
  const std::span<const std::string> args(argv->data() + 1, argc - 1);

  if (const ConfigDef* def = Find(name)) {
    if (!def->Has(flag::kMultiArg) && argc != 2) return where(name, "wrong number of arguments");
    std::span<const std::string> values = args;
    // As Redis: a multi-argument directive given one non-empty argument (command-line style,
    // --bind "127.0.0.1 ::1") has that argument split again.
    std::optional<std::vector<std::string>> resplit;
    if (def->Has(flag::kMultiArg) && argc == 2 && !args[0].empty()) {
      resplit = util::SplitArgs(args[0]);
      if (!resplit) return where(name, "Unbalanced quotes in configuration line");
      values = *resplit;
    }
    Status s = internal::SetFromArgs(*def, values, &values_, &session->state);
    if (!s.ok()) return where(name, s.message());
    return Status::Ok();
  }
  if (IsIgnored(name) && argc == 2) return Status::Ok();
  if (name == "include" && argc == 2) {
    bool inside = false;  // did the error come from a line of an included file?
    if (Status s = Include((*argv)[1], session, &inside); !s.ok()) {
      // Errors inside an included file already name it; others name the include line.
      return inside ? s : where(name, s.message());
    }
    return Status::Ok();
  }
  if (name == "rename-command" && argc == 3) {
    values_.rename_commands.emplace_back((*argv)[1], (*argv)[2]);
    return Status::Ok();
  }
  if (name == "user" && argc >= 2) {
    values_.user_lines.emplace_back(line);
    return Status::Ok();
  }
  if (name == "loadmodule" && argc >= 2) {
    return where(name, "modules are not supported by Redoubt; remove the loadmodule line");
  }
  if (name.find('.') != std::string::npos) {
    return where(name, "module configuration is not supported by Redoubt (no modules)");
  }
  if (name == "sentinel") {
    return where(name, "sentinel directive while not in sentinel mode (Redoubt has no sentinel)");
  }
  return where(name, "Bad directive or wrong number of arguments");
}

Status Config::Include(const std::string& pattern, LoadSession* session, bool* inside) {
  if (session->depth >= kMaxIncludeDepth) {
    return Status::Error("can't include more than " + std::to_string(kMaxIncludeDepth) +
                         " levels deep (include loop?)");
  }
  std::string path = pattern;
  if (!path.empty() && path[0] != '/' && !session->state.base_dir.empty()) {
    path = session->state.base_dir + "/" + path;  // Redis has chdir()ed to `dir` by now
  }
  std::vector<std::string> files;
  if (path.find_first_of("*?[") != std::string::npos) {
    // With a wildcard, no match is fine: conf.d directories may be empty.
    glob_t g;
    if (glob(path.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
      globfree(&g);
    }
  } else {
    files.push_back(path);
  }
  for (const std::string& file : files) {
    StatusOr<std::string> text = ReadWholeFile(file);
    if (!text.ok()) return text.status();
    ++session->depth;
    Status s = LoadText(*text, file, session);
    --session->depth;
    if (!s.ok()) {
      *inside = true;
      return s;
    }
  }
  return Status::Ok();
}

Status Config::FinishLoad() {
  auto it = values_.other.find(std::string_view("cluster-enabled"));
  if (it != values_.other.end() && it->second == "yes" && !values_.masterhost.empty()) {
    return Status::Error("replicaof directive not allowed in cluster mode");
  }
  return Status::Ok();
}

CommandLine Config::ParseCommandLine(std::span<const std::string> args) {
  CommandLine cl;
  size_t j = 0;
  if (!args.empty() && !args[0].empty() && args[0][0] != '-') {
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(args[0], ec);
    cl.config_file = ec ? args[0] : abs.lexically_normal().string();
    j = 1;
  }
  const auto is_option = [](const std::string& a) {
    return a.size() >= 2 && a[0] == '-' && a[1] == '-';
  };
  bool handled_last_config_arg = true;
  std::string& options = cl.options;
  for (; j < args.size(); ++j) {
    const std::string& arg = args[j];
    const bool last = j + 1 == args.size();
    if (arg == "-" && (j == 0 || last)) {
      cl.config_from_stdin = true;
    } else if (handled_last_config_arg && is_option(arg)) {
      if (!options.empty()) options += '\n';
      options += arg.substr(2);
      options += ' ';
      auto words = util::SplitArgs(arg);
      if (words && words->size() == 1) {
        // Only the name ("--port"): its value follows, unless it is --save followed by another
        // option or nothing, which means save "" (redis-server 7.0.1+ behaviour).
        handled_last_config_arg = false;
        const bool is_save = util::EqualsIgnoreCase(arg, "--save");
        if (is_save && !last && is_option(args[j + 1])) {
          options += "\"\"";
          handled_last_config_arg = true;
        } else if (is_save && last) {
          options += "\"\"";
        }
      } else {
        handled_last_config_arg = true;  // "--port 6380" in one argument
      }
    } else {
      util::AppendQuotedArg(arg, &options);
      options += ' ';
      handled_last_config_arg = true;
    }
  }
  return cl;
}

// --- CONFIG GET ------------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> Config::Get(
    std::span<const std::string_view> patterns, bool reveal_sensitive) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string> seen;
  const auto add = [&](std::string name, const ConfigDef& def) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) return;
    seen.push_back(name);
    std::string value = internal::FormatValue(def, values_);
    if (def.Has(flag::kSensitive) && !reveal_sensitive && !value.empty()) {
      value = std::string(kRedacted);
    }
    out.emplace_back(std::move(name), std::move(value));
  };
  for (std::string_view pattern : patterns) {
    if (pattern.find_first_of("[*?") == std::string_view::npos) {
      // Redis looks an exact name up directly (hidden rows included) and answers with the name
      // as the client spelled it.
      if (const ConfigDef* def = Find(pattern)) add(std::string(pattern), *def);
      continue;
    }
    for (const ConfigDef& def : internal::Table()) {
      if (def.Has(flag::kHidden)) continue;
      if (util::GlobMatch(pattern, def.name, true)) add(std::string(def.name), def);
      if (!def.alias.empty() && util::GlobMatch(pattern, def.alias, true)) {
        add(std::string(def.alias), def);
      }
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Config::Get(std::string_view pattern,
                                                             bool reveal_sensitive) const {
  return Get(std::span<const std::string_view>(&pattern, 1), reveal_sensitive);
}

std::optional<std::string> Config::GetValue(std::string_view name, bool reveal_sensitive) const {
  const ConfigDef* def = Find(name);
  if (def == nullptr) return std::nullopt;
  std::string value = internal::FormatValue(*def, values_);
  if (def->Has(flag::kSensitive) && !reveal_sensitive && !value.empty()) {
    value = std::string(kRedacted);
  }
  return value;
}

// --- CONFIG SET ------------------------------------------------------------------------------

Status Config::Set(std::initializer_list<std::pair<std::string_view, std::string_view>> name_values,
                   const SetOptions& options) {
  return Set(std::span<const std::pair<std::string_view, std::string_view>>(name_values.begin(),
                                                                            name_values.size()),
             options);
}

Status Config::Set(std::span<const std::pair<std::string_view, std::string_view>> name_values,
                   const SetOptions& options) {
  // 1. Resolve and vet every name first (Redis's order: unknown, immutable / protected,
  //    loading, duplicate); the first problem wins.
  std::vector<const ConfigDef*> defs;
  const bool protected_allowed =
      values_.enable_protected_configs == kAllowYes ||
      (values_.enable_protected_configs == kAllowLocal && options.local_client);
  for (const auto& [name, value] : name_values) {
    const ConfigDef* def = Find(name);
    if (def == nullptr) {
      return Status::Error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                           std::string(name) + "'");
    }
    if (def->Has(flag::kImmutable))
      return Status::Error(SetFailed(name, "can't set immutable config"));
    if (def->Has(flag::kProtected) && !protected_allowed) {
      return Status::Error(SetFailed(name, "can't set protected config"));
    }
    if (options.loading && def->Has(flag::kDenyLoading)) {
      return Status::Error("LOADING Redis is loading the dataset in memory");
    }
    if (std::find(defs.begin(), defs.end(), def) != defs.end()) {
      return Status::Error(SetFailed(name, "duplicate parameter"));
    }
    defs.push_back(def);
  }

  // 2. Set every value (validation happens here); any failure restores the old values.
  const ServerConfig backup = values_;
  std::vector<size_t> hooks_to_run;            // indices into hooks_, in first-seen order
  std::vector<std::string_view> hook_trigger;  // the directive that queued each hook
  for (size_t i = 0; i < defs.size(); ++i) {
    const ConfigDef& def = *defs[i];
    const std::string_view given = name_values[i].first;
    const std::string_view value = name_values[i].second;
    std::vector<std::string> args;
    if (def.Has(flag::kMultiArg)) {
      args = internal::SplitOnSpaces(value);
    } else {
      args.emplace_back(value);
    }
    const std::string before = internal::FormatValue(def, values_);
    if (Status s = internal::SetFromArgs(def, args, &values_, nullptr); !s.ok()) {
      values_ = backup;
      return Status::Error(SetFailed(MatchedName(def, given), s.message()));
    }
    // No change, nothing to apply (but setting a TLS file to its own path reloads it).
    if (internal::FormatValue(def, values_) == before && !def.Has(flag::kApplyUnchanged)) continue;
    for (size_t h : hooks_by_def_[IndexOf(&def)]) {
      if (std::find(hooks_to_run.begin(), hooks_to_run.end(), h) == hooks_to_run.end()) {
        hooks_to_run.push_back(h);
        hook_trigger.push_back(MatchedName(def, given));
      }
    }
  }

  // 3. Apply. If a hook fails, restore the old values and re-apply them, as Redis does.
  for (size_t k = 0; k < hooks_to_run.size(); ++k) {
    Status s = hooks_[hooks_to_run[k]](values_);
    if (s.ok()) continue;
    values_ = backup;
    for (size_t r = 0; r < hooks_to_run.size(); ++r) {
      Status restored = hooks_[hooks_to_run[r]](values_);
      (void)restored;  // best effort: the server logs its own failures
    }
    return Status::Error(SetFailed(hook_trigger[k], s.message()));
  }
  return Status::Ok();
}

void Config::OnChange(std::string_view name, ChangeHook hook) { OnChange({name}, std::move(hook)); }

void Config::OnChange(std::initializer_list<std::string_view> names, ChangeHook hook) {
  hooks_.push_back(std::move(hook));
  const size_t id = hooks_.size() - 1;
  for (std::string_view name : names) {
    const ConfigDef* def = Find(name);
    if (def == nullptr) {
      std::cerr << "config: OnChange for unknown directive '" << name << "'\n";
      std::abort();  // a programming error, caught by the first test run
    }
    hooks_by_def_[IndexOf(def)].push_back(id);
  }
}

}  // namespace redoubt::config
