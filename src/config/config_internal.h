// Internals shared by the config module's files: typed value handling for the table's rows and
// the special (multi-form) directives. Not for use outside src/config/.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace redoubt::config {
namespace internal {

// State of one start-up load (a file and its includes, stdin, command-line options).
struct LoadState {
  bool save_seen = false;  // the first `save` line replaces the defaults, later ones add
  std::string base_dir;    // set by `dir`: where relative includes are then looked up
};

// What CONFIG REWRITE writes for one directive, in order. Each line replaces the next old line
// of the directive; when none is left it is appended only if `force` (the value differs from
// the default). No lines at all = the directive's old lines are removed.
struct RewriteLine {
  std::string text;
  bool force = false;
};
struct RewriteOut {
  std::vector<RewriteLine> lines;
};

}  // namespace internal

// The behaviour of a kSpecial row.
struct SpecialOps {
  // Parses the words after the directive name. `load` is null for CONFIG SET.
  Status (*set)(std::span<const std::string> args, ServerConfig* cfg, internal::LoadState* load);
  std::string (*get)(const ServerConfig& cfg);
  void (*rewrite)(const ServerConfig& cfg, std::string_view name, internal::RewriteOut* out);
};

namespace internal {

std::span<const ConfigDef> Table();

// The apply step of a directive whose effect needs nothing beyond the process itself (the log
// level, the working directory, the descriptor limit): run after CONFIG SET changes it, as a
// Config::OnChange hook that every Config has. Directives whose effect is on server state are
// applied by the component that owns that state, through Config::OnChange.
struct ApplyStep {
  std::string_view name;
  Status (*apply)(const ServerConfig& cfg);
};
std::span<const ApplyStep> ApplySteps();

// Sets `def` from the words after its name (already split; arity of single-argument rows
// already checked). On error *cfg is unchanged.
Status SetFromArgs(const ConfigDef& def, std::span<const std::string> args, ServerConfig* cfg,
                   LoadState* load);
// The value as CONFIG GET prints it (never redacted here).
std::string FormatValue(const ConfigDef& def, const ServerConfig& cfg);
// The value as a config-file line.
void RewriteValue(const ConfigDef& def, const ServerConfig& cfg, RewriteOut* out);
// Stores the default of a generic (ServerConfig::other) row.
void InitGeneric(const ConfigDef& def, ServerConfig* cfg);

// Redis's rewriteConfigFormatMemory: 1gb / 512mb / 64kb when exact, else plain bytes.
std::string FormatMemory(int64_t bytes);
// Redis's sdssplitlen(value, " "): CONFIG SET's splitting of multi-argument values. An empty
// value gives no words; consecutive spaces give empty words.
std::vector<std::string> SplitOnSpaces(std::string_view value);

// Special forms (config_special.cc).
extern const SpecialOps kSaveOps;
extern const SpecialOps kBindOps;
extern const SpecialOps kClientOutputBufferLimitOps;
extern const SpecialOps kOomScoreAdjValuesOps;
extern const SpecialOps kNotifyKeyspaceEventsOps;
extern const SpecialOps kReplicaOfOps;
extern const SpecialOps kLatencyPercentilesOps;
extern const SpecialOps kDirOps;
// Redoubt's own (config_special.cc).
extern const SpecialOps kAllowFromOps;
extern const SpecialOps kReplicaOfAllowOps;
extern const SpecialOps kRequirepassFileOps;
extern const SpecialOps kRequirepassEnvOps;
extern const SpecialOps kMasterauthFileOps;
extern const SpecialOps kMasterauthEnvOps;

// Structural check of one allow-from item (an IPv4/IPv6 address, optionally /prefix, no host
// bits set). security::ParseCidr is the matcher's parser; a unit test keeps the two in step.
Status CheckAllowFromItem(std::string_view item);
// The secret in `path` for requirepass-file / masterauth-file: a regular file, not readable or
// writable by others, at most 64 KiB, one line (a trailing "\n" or "\r\n" is removed), not empty.
StatusOr<std::string> ReadSecretFile(const std::string& path);

// Validators used by the table (config_table.cc).
Status CheckDbFilename(std::string_view value);
Status CheckAofFilename(std::string_view value);
Status CheckAofDirname(std::string_view value);
Status CheckAnnouncedHostname(std::string_view value);
Status CheckProcTitleTemplate(std::string_view value);
Status CheckShutdownFlags(int64_t value);
int64_t ClampHz(int64_t value);

}  // namespace internal
}  // namespace redoubt::config
