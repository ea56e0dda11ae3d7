// The directives with a syntax of their own (config.c's createSpecialConfig rows): save, bind,
// client-output-buffer-limit, oom-score-adj-values, notify-keyspace-events, replicaof,
// latency-tracking-info-percentiles and dir; and Redoubt's allow-from and secrets read from
// files or the environment (requirepass-file, requirepass-env, masterauth-file, masterauth-env).
// Each parses completely before changing anything.
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
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

// --- allow-from ------------------------------------------------------------------------------

Status SetAllowFrom(std::span<const std::string> args, ServerConfig* cfg, LoadState*) {
  constexpr size_t kMaxAllowFrom = 1024;
  if (args.size() == 1 && args[0].empty()) {  // allow-from "" = every address
    cfg->allow_from.clear();
    return Status::Ok();
  }
  if (args.size() > kMaxAllowFrom) return Status::Error("too many allow-from networks");
  for (const std::string& item : args) {
    if (Status s = CheckAllowFromItem(item); !s.ok()) return s;
  }
  cfg->allow_from.assign(args.begin(), args.end());
  return Status::Ok();
}

std::string GetAllowFrom(const ServerConfig& cfg) { return JoinWords(cfg.allow_from); }

void RewriteAllowFrom(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  if (cfg.allow_from.empty()) return;  // the default: drop the lines
  std::string line(name);
  for (const std::string& item : cfg.allow_from) {
    line += ' ';
    util::AppendQuotedArg(item, &line);
  }
  out->lines.push_back({std::move(line), true});
}

// --- replicaof-allow ------------------------------------------------------------------------

// A network (as allow-from) or a host name: letters, digits, '-' and '.'.
Status CheckReplicaOfAllowItem(const std::string& item) {
  if (CheckAllowFromItem(item).ok()) return Status::Ok();
  bool name = !item.empty() && item.size() <= 253 && item.find('/') == std::string::npos;
  for (char ch : item) {
    name = name && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.');
  }
  if (name) return Status::Ok();
  return Status::Error("invalid replicaof-allow item '" + item +
                       "': neither a host name nor a network");
}

Status SetReplicaOfAllow(std::span<const std::string> args, ServerConfig* cfg, LoadState*) {
  constexpr size_t kMaxItems = 1024;
  if (args.size() == 1 && args[0].empty()) {  // the default
    cfg->replicaof_allow.clear();
    return Status::Ok();
  }
  if (args.size() > kMaxItems) return Status::Error("too many replicaof-allow items");
  for (const std::string& item : args) {
    if (Status s = CheckReplicaOfAllowItem(item); !s.ok()) return s;
  }
  cfg->replicaof_allow.assign(args.begin(), args.end());
  return Status::Ok();
}

std::string GetReplicaOfAllow(const ServerConfig& cfg) { return JoinWords(cfg.replicaof_allow); }

void RewriteReplicaOfAllow(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  if (cfg.replicaof_allow.empty()) return;
  std::string line(name);
  for (const std::string& item : cfg.replicaof_allow) {
    line += ' ';
    util::AppendQuotedArg(item, &line);
  }
  out->lines.push_back({std::move(line), true});
}

// --- requirepass-file / masterauth-file / requirepass-env / masterauth-env ---------------------

// The secret is stored in `secret`; `source` keeps the path or variable name. An empty argument
// only forgets the source (the `name ""` default form).
Status SetSecretFile(std::span<const std::string> args, std::string* source, std::string* secret) {
  if (args.size() != 1) return Status::Error("wrong number of arguments");
  if (args[0].empty()) {
    source->clear();
    return Status::Ok();
  }
  StatusOr<std::string> value = ReadSecretFile(args[0]);
  if (!value.ok()) return value.status();
  *secret = std::move(*value);
  *source = args[0];
  return Status::Ok();
}

bool IsEnvName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status SetSecretEnv(std::span<const std::string> args, std::string* source, std::string* secret) {
  if (args.size() != 1) return Status::Error("wrong number of arguments");
  const std::string& name = args[0];
  if (name.empty()) {
    source->clear();
    return Status::Ok();
  }
  if (!IsEnvName(name)) {
    return Status::Error("'" + name + "' is not a valid environment variable name");
  }
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return Status::Error("environment variable " + name + " is not set");
  if (*value == '\0') return Status::Error("environment variable " + name + " is empty");
  *secret = value;
  *source = name;
  return Status::Ok();
}

void RewriteSource(const std::string& source, std::string_view name, RewriteOut* out) {
  if (source.empty()) return;
  std::string line(name);
  line += ' ';
  util::AppendQuotedArg(source, &line);
  out->lines.push_back({std::move(line), true});
}

Status SetRequirepassFile(std::span<const std::string> args, ServerConfig* cfg, LoadState*) {
  return SetSecretFile(args, &cfg->requirepass_file, &cfg->requirepass);
}
std::string GetRequirepassFile(const ServerConfig& cfg) { return cfg.requirepass_file; }
void RewriteRequirepassFile(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  RewriteSource(cfg.requirepass_file, name, out);
}

Status SetRequirepassEnv(std::span<const std::string> args, ServerConfig* cfg, LoadState*) {
  return SetSecretEnv(args, &cfg->requirepass_env, &cfg->requirepass);
}
std::string GetRequirepassEnv(const ServerConfig& cfg) { return cfg.requirepass_env; }
void RewriteRequirepassEnv(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  RewriteSource(cfg.requirepass_env, name, out);
}

Status SetMasterauthFile(std::span<const std::string> args, ServerConfig* cfg, LoadState*) {
  return SetSecretFile(args, &cfg->masterauth_file, &cfg->masterauth);
}
std::string GetMasterauthFile(const ServerConfig& cfg) { return cfg.masterauth_file; }
void RewriteMasterauthFile(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  RewriteSource(cfg.masterauth_file, name, out);
}

Status SetMasterauthEnv(std::span<const std::string> args, ServerConfig* cfg, LoadState*) {
  return SetSecretEnv(args, &cfg->masterauth_env, &cfg->masterauth);
}
std::string GetMasterauthEnv(const ServerConfig& cfg) { return cfg.masterauth_env; }
void RewriteMasterauthEnv(const ServerConfig& cfg, std::string_view name, RewriteOut* out) {
  RewriteSource(cfg.masterauth_env, name, out);
}

}  // namespace

Status CheckAllowFromItem(std::string_view item) {
  const auto bad = [&](std::string_view reason) {
    return Status::Error("invalid network '" + std::string(item) + "': " + std::string(reason));
  };
  if (item.empty()) return bad("empty");
  const size_t slash = item.find('/');
  const std::string addr(item.substr(0, slash));
  unsigned char raw[16] = {};
  const bool v6 = addr.find(':') != std::string::npos;
  if (addr.size() >= INET6_ADDRSTRLEN ||
      inet_pton(v6 ? AF_INET6 : AF_INET, addr.c_str(), raw) != 1) {
    return bad("not an IPv4 or IPv6 address (host names are not accepted)");
  }
  const int bits = v6 ? 128 : 32;
  int prefix = bits;
  if (slash != std::string_view::npos) {
    const std::string_view len = item.substr(slash + 1);
    if (len.empty() || len.size() > 3 ||
        len.find_first_not_of("0123456789") != std::string_view::npos) {
      return bad("the prefix length after '/' must be a number");
    }
    prefix = 0;
    for (char c : len) prefix = prefix * 10 + (c - '0');
    if (prefix > bits) return bad("the prefix length must be at most " + std::to_string(bits));
  }
  constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (v6 && std::memcmp(raw, kMapped, sizeof(kMapped)) == 0 && prefix < 96) {
    return bad("an IPv4-mapped network needs a prefix length of at least 96");
  }
  for (int bit = prefix; bit < bits; ++bit) {
    if (raw[bit / 8] & (0x80 >> (bit % 8))) {
      return bad("host bits set after the /" + std::to_string(prefix) + " prefix");
    }
  }
  return Status::Ok();
}

StatusOr<std::string> ReadSecretFile(const std::string& path) {
  constexpr size_t kMaxSecret = 64 * 1024;
  const auto fail = [&](std::string_view reason) {
    return Status::Error("secret file '" + path + "' " + std::string(reason));
  };
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return fail(std::string("can't be opened: ") + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int err = errno;
    close(fd);
    return fail(std::string("can't be read: ") + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return fail("is not a regular file");
  }
  if (st.st_mode & (S_IROTH | S_IWOTH)) {
    close(fd);
    return fail("is readable or writable by other users; run chmod o-rwx on it (0600 or 0640)");
  }
  if (st.st_size > static_cast<off_t>(kMaxSecret)) {
    close(fd);
    return fail("is larger than 64 KiB");
  }
  std::string text;
  char buf[4096];
  while (text.size() <= kMaxSecret) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      return fail(std::string("can't be read: ") + std::strerror(err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (text.size() > kMaxSecret) return fail("is larger than 64 KiB");
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  if (text.find_first_of("\r\n") != std::string::npos) return fail("has more than one line");
  if (text.find('\0') != std::string::npos) return fail("contains a NUL byte");
  if (text.empty()) return fail("is empty");
  return text;
}

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
const SpecialOps kAllowFromOps = {SetAllowFrom, GetAllowFrom, RewriteAllowFrom};
const SpecialOps kReplicaOfAllowOps = {SetReplicaOfAllow, GetReplicaOfAllow, RewriteReplicaOfAllow};
const SpecialOps kRequirepassFileOps = {SetRequirepassFile, GetRequirepassFile,
                                        RewriteRequirepassFile};
const SpecialOps kRequirepassEnvOps = {SetRequirepassEnv, GetRequirepassEnv, RewriteRequirepassEnv};
const SpecialOps kMasterauthFileOps = {SetMasterauthFile, GetMasterauthFile, RewriteMasterauthFile};
const SpecialOps kMasterauthEnvOps = {SetMasterauthEnv, GetMasterauthEnv, RewriteMasterauthEnv};

}  // namespace redoubt::config::internal
