// The directives with a syntax of their own (config.c's createSpecialConfig rows): save, bind,
// client-output-buffer-limit, oom-score-adj-values, notify-keyspace-events, replicaof,
// latency-tracking-info-percentiles and dir. Each parses completely before changing anything.
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "config/config_internal.h"
#include "util/numbers.h"
#include "util/split_args.h"
#include "util/string_util.h"

namespace redoubt::config::internal {
namespace {

// strtoll(s, &end, 10) over the whole C string, as Redis's special setters use it (so " 5" and
// "+5" are accepted, and "" reads as 0).
bool StrToLL(const std::string& s, long long* out) {
  char* end = nullptr;
  *out = std::strtoll(s.c_str(), &end, 10);
  return *end == '\0';
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += ' ';
    out += words[i];
  }
  return out;
}

// --- save ------------------------------------------------------------------------------------

Status SetSave(std::span<const std::string> args, ServerConfig* cfg, LoadState* load) {
  size_t argc = args.size();
  if (argc == 1 && args[0].empty()) argc = 0;  // save "" = no snapshots
  if (argc & 1) return Status::Error("Invalid save parameters");
  std::vector<std::pair<int64_t, int64_t>> params;
  for (size_t j = 0; j < argc; j += 2) {
    long long seconds = 0, changes = 0;
    if (!StrToLL(args[j], &seconds) || seconds < 1 || !StrToLL(args[j + 1], &changes) ||
        changes < 0) {
      return Status::Error("Invalid save parameters");
    }
    params.emplace_back(seconds, changes);
  }
  // In a config file the first save line replaces the defaults and later ones add to it (so
  // "save 900 1" and "save 300 10" on two lines keep both); save "" always clears.
  if (load == nullptr || !load->save_seen || argc == 0) cfg->save_params.clear();
  if (load != nullptr) load->save_seen = true;
  cfg->save_params.insert(cfg->save_params.end(), params.begin(), params.end());
  return Status::Ok();
}

std::string GetSave(const ServerConfig& cfg) {
  std::string out;
  for (const auto& [seconds, changes] : cfg.save_params) {
    if (!out.empty()) out += ' ';
    out += std::to_string(seconds) + ' ' + std::to_string(changes);
  }
  return out;
}

void RewriteSave(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  if (cfg.save_params.empty()) {
    out->lines.push_back({std::string(name) + " \"\"", true});
    return;
  }
  for (const auto& [seconds, changes] : cfg.save_params) {
    out->lines.push_back(
        {std::string(name) + ' ' + std::to_string(seconds) + ' ' + std::to_string(changes), true});
  }
}

// --- bind ------------------------------------------------------------------------------------

constexpr size_t kMaxBindAddresses = 16;  // Redis's CONFIG_BINDADDR_MAX

Status SetBind(std::span<const std::string> args, ServerConfig* cfg, LoadState*) {
  if (args.size() > kMaxBindAddresses) return Status::Error("Too many bind addresses specified.");
  if (args.size() == 1 && args[0].empty()) {  // bind "" = no TCP listener
    cfg->bind.clear();
  } else {
    cfg->bind.assign(args.begin(), args.end());
  }
  return Status::Ok();
}

std::string GetBind(const ServerConfig& cfg) { return JoinWords(cfg.bind); }

// Unlike Redis, an explicit bind line is kept (rewritten in place) even at the default value:
// dropping it would make the file bind every interface if real Redis ever loaded it.
void RewriteBind(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  const bool is_default = cfg.bind == ServerConfig{}.bind;
  std::string line(name);
  line += ' ';
  line += cfg.bind.empty() ? "\"\"" : JoinWords(cfg.bind);
  out->lines.push_back({std::move(line), !is_default});
}

// --- client-output-buffer-limit ----------------------------------------------------------------

int ClientClassByName(std::string_view name) {
  if (util::EqualsIgnoreCase(name, "normal")) return kClientClassNormal;
  if (util::EqualsIgnoreCase(name, "slave") || util::EqualsIgnoreCase(name, "replica"))
    return kClientClassReplica;
  if (util::EqualsIgnoreCase(name, "pubsub")) return kClientClassPubsub;
  return -1;  // "master" and unknown names
}

Status SetClientOutputBufferLimit(std::span<const std::string> args, ServerConfig* cfg,
                                  LoadState*) {
  if (args.size() % 4) {
    return Status::Error("Wrong number of arguments in buffer limit configuration.");
  }
  auto limits = cfg->client_output_buffer_limits;
  for (size_t j = 0; j < args.size(); j += 4) {
    const int cls = ClientClassByName(args[j]);
    if (cls < 0) {
      return Status::Error("Invalid client class specified in buffer limit configuration.");
    }
    OutputBufferLimit limit;
    long long seconds = 0;
    if (!util::ParseMemory(args[j + 1], &limit.hard_limit_bytes) ||
        !util::ParseMemory(args[j + 2], &limit.soft_limit_bytes) ||
        !StrToLL(args[j + 3], &seconds) || seconds < 0) {
      return Status::Error(
          "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    }
    limit.soft_limit_seconds = seconds;
    limits[cls] = limit;
  }
  cfg->client_output_buffer_limits = limits;
  return Status::Ok();
}

std::string GetClientOutputBufferLimit(const ServerConfig& cfg) {
  static constexpr const char* kNames[kClientClassCount] = {"normal", "slave", "pubsub"};
  std::string out;
  for (int c = 0; c < kClientClassCount; ++c) {
    const OutputBufferLimit& l = cfg.client_output_buffer_limits[c];
    if (c) out += ' ';
    out += std::string(kNames[c]) + ' ' + std::to_string(l.hard_limit_bytes) + ' ' +
           std::to_string(l.soft_limit_bytes) + ' ' + std::to_string(l.soft_limit_seconds);
  }
  return out;
}

void RewriteClientOutputBufferLimit(const ServerConfig& cfg, std::string_view name,
                                    RewriteOut* out) {
  static constexpr const char* kNames[kClientClassCount] = {"normal", "replica", "pubsub"};
  const ServerConfig defaults;
  for (int c = 0; c < kClientClassCount; ++c) {
    const OutputBufferLimit& l = cfg.client_output_buffer_limits[c];
    std::string line = std::string(name) + ' ' + kNames[c] + ' ' +
                       FormatMemory(l.hard_limit_bytes) + ' ' + FormatMemory(l.soft_limit_bytes) +
                       ' ' + std::to_string(l.soft_limit_seconds);
    out->lines.push_back({std::move(line), !(l == defaults.client_output_buffer_limits[c])});
  }
}

// --- oom-score-adj-values ----------------------------------------------------------------------

Status SetOomScoreAdjValues(std::span<const std::string> args, ServerConfig* cfg, LoadState*) {
  if (args.size() != cfg->oom_score_adj_values.size()) {
    return Status::Error("wrong number of arguments");
  }
  std::array<int, 3> values{};
  for (size_t i = 0; i < args.size(); ++i) {
    long long v = 0;
    if (!StrToLL(args[i], &v) || v < -2000 || v > 2000) {
      return Status::Error(
          "Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
    }
    values[i] = static_cast<int>(v);
  }
  cfg->oom_score_adj_values = values;
  return Status::Ok();
}

std::string GetOomScoreAdjValues(const ServerConfig& cfg) {
  const auto& v = cfg.oom_score_adj_values;
  return std::to_string(v[0]) + ' ' + std::to_string(v[1]) + ' ' + std::to_string(v[2]);
}

void RewriteOomScoreAdjValues(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  out->lines.push_back({std::string(name) + ' ' + GetOomScoreAdjValues(cfg),
                        cfg.oom_score_adj_values != ServerConfig{}.oom_score_adj_values});
}

// --- notify-keyspace-events --------------------------------------------------------------------

// Redis's keyspaceEventsStringToFlags; -1 on an unknown class character.
int KeyspaceEventsFlags(std::string_view classes) {
  int flags = 0;
  for (char c : classes) {
    switch (c) {
      case '\0':
        return flags;  // a C string ends here
      case 'A':
        flags |= notify::kAll;
        break;
      case 'g':
        flags |= notify::kGeneric;
        break;
      case '$':
        flags |= notify::kString;
        break;
      case 'l':
        flags |= notify::kList;
        break;
      case 's':
        flags |= notify::kSet;
        break;
      case 'h':
        flags |= notify::kHash;
        break;
      case 'z':
        flags |= notify::kZset;
        break;
      case 'x':
        flags |= notify::kExpired;
        break;
      case 'e':
        flags |= notify::kEvicted;
        break;
      case 'K':
        flags |= notify::kKeyspace;
        break;
      case 'E':
        flags |= notify::kKeyevent;
        break;
      case 't':
        flags |= notify::kStream;
        break;
      case 'm':
        flags |= notify::kKeyMiss;
        break;
      case 'd':
        flags |= notify::kModule;
        break;
      case 'n':
        flags |= notify::kNew;
        break;
      default:
        return -1;
    }
  }
  return flags;
}

Status SetNotifyKeyspaceEvents(std::span<const std::string> args, ServerConfig* cfg, LoadState*) {
  if (args.size() != 1) return Status::Error("wrong number of arguments");
  const int flags = KeyspaceEventsFlags(args[0]);
  if (flags == -1) return Status::Error("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  cfg->notify_keyspace_events = flags;
  return Status::Ok();
}

// Redis's keyspaceEventsFlagsToString.
std::string GetNotifyKeyspaceEvents(const ServerConfig& cfg) {
  const int flags = cfg.notify_keyspace_events;
  std::string res;
  if ((flags & notify::kAll) == notify::kAll) {
    res += 'A';
  } else {
    if (flags & notify::kGeneric) res += 'g';
    if (flags & notify::kString) res += '$';
    if (flags & notify::kList) res += 'l';
    if (flags & notify::kSet) res += 's';
    if (flags & notify::kHash) res += 'h';
    if (flags & notify::kZset) res += 'z';
    if (flags & notify::kExpired) res += 'x';
    if (flags & notify::kEvicted) res += 'e';
    if (flags & notify::kStream) res += 't';
    if (flags & notify::kModule) res += 'd';
    if (flags & notify::kNew) res += 'n';
  }
  if (flags & notify::kKeyspace) res += 'K';
  if (flags & notify::kKeyevent) res += 'E';
  if (flags & notify::kKeyMiss) res += 'm';
  return res;
}

void RewriteNotifyKeyspaceEvents(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  std::string line(name);
  line += ' ';
  util::AppendQuotedArg(GetNotifyKeyspaceEvents(cfg), &line);
  out->lines.push_back({std::move(line), cfg.notify_keyspace_events != 0});
}

// --- replicaof -------------------------------------------------------------------------------

Status SetReplicaOf(std::span<const std::string> args, ServerConfig* cfg, LoadState*) {
  if (args.size() != 2) return Status::Error("wrong number of arguments");
  if (util::EqualsIgnoreCase(args[0], "no") && util::EqualsIgnoreCase(args[1], "one")) {
    cfg->masterhost.clear();
    cfg->masterport = 0;
    return Status::Ok();
  }
  char* end = nullptr;
  const long port = std::strtol(args[1].c_str(), &end, 10);
  if (port < 0 || port > 65535 || *end != '\0') return Status::Error("Invalid master port");
  cfg->masterhost = args[0];
  cfg->masterport = static_cast<int>(port);
  return Status::Ok();
}

std::string GetReplicaOf(const ServerConfig& cfg) {
  if (cfg.masterhost.empty()) return "";
  return cfg.masterhost + ' ' + std::to_string(cfg.masterport);
}

void RewriteReplicaOf(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  if (cfg.masterhost.empty()) return;  // a primary: drop every replicaof line
  out->lines.push_back({std::string(name) + ' ' + GetReplicaOf(cfg), true});
}

// --- latency-tracking-info-percentiles ---------------------------------------------------------

Status SetLatencyPercentiles(std::span<const std::string> args, ServerConfig* cfg, LoadState*) {
  std::vector<double> values;
  if (!(args.size() == 1 && args[0].empty())) {
    for (const std::string& arg : args) {
      double v = 0;
      if (!util::ParseDouble(arg, &v)) {
        return Status::Error("Invalid latency-tracking-info-percentiles parameters");
      }
      if (v > 100.0 || v < 0.0) {
        return Status::Error(
            "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
      }
      values.push_back(v);
    }
  }
  cfg->latency_tracking_info_percentiles = std::move(values);
  return Status::Ok();
}

// sprintf("%f") with trailing zeros (and a trailing '.') removed, as Redis's trimDoubleString.
std::string FormatPercentile(double v) {
  char buf[512];
  int len = std::snprintf(buf, sizeof(buf), "%f", v);
  if (len < 0) return "";
  std::string s(buf, static_cast<size_t>(len) < sizeof(buf) ? len : sizeof(buf) - 1);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

std::string GetLatencyPercentiles(const ServerConfig& cfg) {
  std::string out;
  for (double v : cfg.latency_tracking_info_percentiles) {
    if (!out.empty()) out += ' ';
    out += FormatPercentile(v);
  }
  return out;
}

void RewriteLatencyPercentiles(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  std::string line(name);
  line += ' ';
  line += cfg.latency_tracking_info_percentiles.empty() ? "\"\"" : GetLatencyPercentiles(cfg);
  out->lines.push_back({std::move(line), true});
}

// --- dir -------------------------------------------------------------------------------------

// Redis chdir()s as soon as it reads `dir`; Redoubt's server does that when it applies the
// config, so here the directory is checked the way chdir() would and kept as an absolute path.
// A relative path is relative to the previous `dir`, as it is for Redis.
Status SetDir(std::span<const std::string> args, ServerConfig* cfg, LoadState* load) {
  if (args.size() != 1) return Status::Error("wrong number of arguments");
  std::string path = args[0];
  if (size_t nul = path.find('\0'); nul != std::string::npos) path.resize(nul);
  if (!path.empty() && path[0] != '/' && !cfg->dir.empty() && cfg->dir[0] == '/') {
    path = cfg->dir + "/" + path;
  }
  char resolved[PATH_MAX];
  if (path.empty() || realpath(path.c_str(), resolved) == nullptr) {
    return Status::Error(std::strerror(path.empty() ? ENOENT : errno));
  }
  struct stat st;
  if (stat(resolved, &st) != 0) return Status::Error(std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) return Status::Error(std::strerror(ENOTDIR));
  if (access(resolved, X_OK) != 0) return Status::Error(std::strerror(errno));
  cfg->dir = resolved;
  if (load != nullptr) load->base_dir = resolved;
  return Status::Ok();
}

// Redis prints getcwd(); the server has chdir()ed to `dir`, so this is the same directory.
std::string GetDir(const ServerConfig& cfg) {
  if (!cfg.dir.empty() && cfg.dir[0] == '/') return cfg.dir;
  char resolved[PATH_MAX];
  if (realpath(cfg.dir.c_str(), resolved) == nullptr) return cfg.dir;
  return resolved;
}

void RewriteDir(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  std::string line(name);
  line += ' ';
  util::AppendQuotedArg(GetDir(cfg), &line);
  out->lines.push_back({std::move(line), true});
}

}  // namespace

const SpecialOps kSaveOps = {SetSave, GetSave, RewriteSave};
const SpecialOps kBindOps = {SetBind, GetBind, RewriteBind};
const SpecialOps kClientOutputBufferLimitOps = {
    SetClientOutputBufferLimit, GetClientOutputBufferLimit, RewriteClientOutputBufferLimit};
const SpecialOps kOomScoreAdjValuesOps = {SetOomScoreAdjValues, GetOomScoreAdjValues,
                                          RewriteOomScoreAdjValues};
const SpecialOps kNotifyKeyspaceEventsOps = {SetNotifyKeyspaceEvents, GetNotifyKeyspaceEvents,
                                             RewriteNotifyKeyspaceEvents};
const SpecialOps kReplicaOfOps = {SetReplicaOf, GetReplicaOf, RewriteReplicaOf};
const SpecialOps kLatencyPercentilesOps = {SetLatencyPercentiles, GetLatencyPercentiles,
                                           RewriteLatencyPercentiles};
const SpecialOps kDirOps = {SetDir, GetDir, RewriteDir};

}  // namespace redoubt::config::internal
