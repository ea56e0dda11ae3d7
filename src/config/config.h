// The config module: one declarative table with a row per directive (config_table.cc), the
// redis.conf / command-line loader, and CONFIG GET / SET / REWRITE over the live ServerConfig.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "config/server_config.h"
#include "util/status.h"

namespace redoubt::config {

using util::Status;
using util::StatusOr;

enum class ConfigType : uint8_t {
  kBool,     // yes / no (case-insensitive)
  kInt,      // integer with bounds (octal with flag::kOctal)
  kMemory,   // bytes, with units: 1k = 1000, 1kb = 1024, ... gb (and "N%" with flag::kPercent)
  kEnum,     // one name of a fixed list (several, OR-ed, with flag::kMultiArg)
  kString,   // free text, optionally validated
  kSpecial,  // its own syntax (save, bind, client-output-buffer-limit, ...)
};

namespace flag {
inline constexpr uint32_t kImmutable = 1u << 0;    // CONFIG SET refuses it
inline constexpr uint32_t kSensitive = 1u << 1;    // redacted in CONFIG GET, errors and logs
inline constexpr uint32_t kProtected = 1u << 2;    // CONFIG SET needs enable-protected-configs
inline constexpr uint32_t kMultiArg = 1u << 3;     // several arguments after the name
inline constexpr uint32_t kDenyLoading = 1u << 4;  // CONFIG SET refused while loading data
inline constexpr uint32_t kHidden = 1u << 5;       // CONFIG GET patterns skip it (exact name only)
inline constexpr uint32_t kNotYetActedOn = 1u << 6;    // accepted, validated, stored; no effect yet
inline constexpr uint32_t kEmptyIsUnset = 1u << 7;     // string: "" = unset, REWRITE drops the line
inline constexpr uint32_t kOctal = 1u << 8;            // int read and written in octal
inline constexpr uint32_t kPercent = 1u << 9;          // memory that also takes "N%" (kept as -N)
inline constexpr uint32_t kRedoubtOnly = 1u << 10;     // not a Redis 7.0 directive
inline constexpr uint32_t kApplyUnchanged = 1u << 11;  // CONFIG SET runs hooks even if unchanged
}  // namespace flag

struct EnumValue {
  std::string_view name;
  int value;
};

struct SpecialOps;  // config_internal.h

// Where a row's live value is kept: a typed ServerConfig field, the special form's own fields,
// or (monostate) ServerConfig::other, for directives without a typed field.
using Binding =
    std::variant<std::monostate, bool ServerConfig::*, int ServerConfig::*, int64_t ServerConfig::*,
                 std::string ServerConfig::*, const SpecialOps*>;

using StringCheck = Status (*)(std::string_view value);
using NumberCheck = Status (*)(int64_t value);
using NumberNormalize = int64_t (*)(int64_t value);

// One directive.
struct ConfigDef {
  std::string_view name = {};
  std::string_view alias = {};  // old name still accepted (slaveof, slave-read-only, ...)
  ConfigType type = ConfigType::kString;
  uint32_t flags = 0;
  std::string_view default_value = {};  // as written in a config file: "yes", "512mb", "3600 1 ..."
  int64_t min = 0;                      // kInt / kMemory bounds, inclusive
  int64_t max = 0;
  std::span<const EnumValue> enum_values = {};
  Binding binding = {};
  StringCheck check_string = nullptr;   // extra validation of kString values
  NumberCheck check_number = nullptr;   // extra validation of numeric / enum values
  NumberNormalize normalize = nullptr;  // applied after validation (hz is clamped to 1..500)

  bool Has(uint32_t f) const { return (flags & f) != 0; }
  bool IsGeneric() const { return std::holds_alternative<std::monostate>(binding); }
};

// What redis-server's command line means: `[configfile] [-] [--directive arg ...]`.
struct CommandLine {
  std::string config_file;  // absolute path, or "" when none was given
  bool config_from_stdin = false;
  std::string options;  // "--port 6380 --save ''" -> "port \"6380\" \nsave \"\" "
};

// Called after a runtime change (CONFIG SET) of one of the directives it was registered for.
// An error makes CONFIG SET restore the previous values and fail with the hook's message.
using ChangeHook = std::function<Status(const ServerConfig&)>;

struct SetOptions {
  bool loading = false;       // the server is loading a dataset (kDenyLoading rows refused)
  bool local_client = false;  // the client is on loopback / the Unix socket ("local" mode)
};

class Config {
 public:
  Config();  // every directive at its default
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  // The table, in its declaration order; every directive Redoubt accepts in a config file.
  static std::span<const ConfigDef> Defs();
  // Case-insensitive lookup by name or alias; nullptr when unknown.
  static const ConfigDef* Find(std::string_view name);
  // Directives accepted in a config file and ignored, as Redis 7.0 does (deprecated ones).
  static std::span<const std::string_view> IgnoredDirectives();

  const ServerConfig& values() const { return values_; }
  // For state that changes by command rather than CONFIG SET (REPLICAOF, ACL SAVE, ...).
  ServerConfig& mutable_values() { return values_; }

  // --- Loading (start-up). An error names the source and line, shows the line (secrets
  // redacted) and gives the reason: "redoubt.conf:12: 'maxclients abc': argument couldn't be
  // parsed into an integer". The caller prints it and exits 1. Values already applied stay.
  Status LoadFile(const std::string& path);
  Status LoadString(std::string_view text, std::string_view source);
  // The whole of redis-server's start-up: the file, then stdin, then the options.
  Status LoadCommandLine(const CommandLine& command_line);
  // `args` are argv[1..]; special flags (--version, --help, --test-config, ...) must already
  // be removed by main.
  static CommandLine ParseCommandLine(std::span<const std::string> args);

  // --- CONFIG GET: every (name, value) matching any pattern (glob, case-insensitive, over names
  // and aliases; hidden rows only by exact name), values formatted as Redis prints them.
  // Sensitive values read "(redacted)" (or "" when unset) unless reveal_sensitive.
  std::vector<std::pair<std::string, std::string>> Get(std::span<const std::string_view> patterns,
                                                       bool reveal_sensitive = false) const;
  std::vector<std::pair<std::string, std::string>> Get(std::string_view pattern,
                                                       bool reveal_sensitive = false) const;
  // The value of one directive by exact name or alias, or nullopt when unknown.
  std::optional<std::string> GetValue(std::string_view name, bool reveal_sensitive = false) const;

  // --- CONFIG SET: all or nothing. Errors carry Redis's exact text, e.g. "ERR Unknown option or
  // number of arguments for CONFIG SET - 'x'".
  Status Set(std::span<const std::pair<std::string_view, std::string_view>> name_values,
             const SetOptions& options = {});
  Status Set(std::initializer_list<std::pair<std::string_view, std::string_view>> name_values,
             const SetOptions& options = {});

  // Registers a hook run after CONFIG SET changes any of `names`; one run per CONFIG SET even
  // if several of them change. Names must be in the table (aliases allowed).
  void OnChange(std::string_view name, ChangeHook hook);
  void OnChange(std::initializer_list<std::string_view> names, ChangeHook hook);

  // --- CONFIG REWRITE: rewrites `path` keeping its comments, includes and layout; changed
  // directives are replaced in place, others appended after "# Generated by CONFIG REWRITE".
  // Written to a temporary file, fsync'ed and renamed; the file's mode is kept (0600 if new).
  Status Rewrite(const std::string& path) const;
  // The file's new text, without writing it (what Rewrite would write).
  StatusOr<std::string> RewriteText(const std::string& path) const;

  // The config file given on the command line (absolute), for CONFIG REWRITE; "" if none.
  const std::string& config_file() const { return config_file_; }
  void set_config_file(std::string path) { config_file_ = std::move(path); }

  // Text of a sensitive value as CONFIG GET shows it without reveal_sensitive.
  static constexpr std::string_view kRedacted = "(redacted)";

 private:
  struct LoadSession;
  Status LoadText(std::string_view text, std::string_view source, LoadSession* session);
  Status LoadPath(const std::string& path, LoadSession* session);
  Status LoadLine(std::string_view line, LoadSession* session);
  Status Include(const std::string& pattern, LoadSession* session, bool* inside);
  Status FinishLoad();

  ServerConfig values_;
  std::string config_file_;
  std::vector<ChangeHook> hooks_;
  std::vector<std::vector<size_t>> hooks_by_def_;  // def index -> indices into hooks_
};

}  // namespace redoubt::config
