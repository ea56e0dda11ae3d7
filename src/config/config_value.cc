// Typed values of the table's rows: parsing with Redis's rules and error texts (config.c's
// bool/numeric/enum/string setters), storage in ServerConfig, and the CONFIG GET and
// CONFIG REWRITE forms.
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "config/config_internal.h"
#include "util/numbers.h"
#include "util/split_args.h"
#include "util/string_util.h"

namespace redoubt::config::internal {
namespace {

// A parsed value: `number` for bool (0/1), int, memory and enum rows; `text` for strings.
struct Value {
  int64_t number = 0;
  std::string text;
};

std::string Printf(const char* fmt, int64_t a, int64_t b) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), fmt, static_cast<long long>(a), static_cast<long long>(b));
  return buf;
}

std::string FormatOctal(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%llo", static_cast<unsigned long long>(v));
  return buf;
}

Status EnumError(const ConfigDef& def) {
  std::string err = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < def.enum_values.size(); ++i) {
    if (i) err += ", ";
    err += def.enum_values[i].name;
  }
  return Status::Error(std::move(err));
}

const EnumValue* FindEnum(const ConfigDef& def, std::string_view name) {
  for (const EnumValue& e : def.enum_values) {
    if (util::EqualsIgnoreCase(e.name, name)) return &e;
  }
  return nullptr;
}

// Redis's configEnumGetName: the first name with exactly this value; for bit-flag enums the
// names of the set bits, in table order, or "unknown" if some bits have no name.
std::string EnumName(const ConfigDef& def, int64_t value) {
  for (const EnumValue& e : def.enum_values) {
    if (e.value == value) return std::string(e.name);
  }
  if (!def.Has(flag::kMultiArg)) return "unknown";
  std::string names;
  int64_t unmatched = value;
  for (const EnumValue& e : def.enum_values) {
    if (e.value != 0 && (unmatched & e.value) == e.value) {
      if (!names.empty()) names += ' ';
      names += e.name;
      unmatched &= ~static_cast<int64_t>(e.value);
    }
  }
  return names.empty() || unmatched ? "unknown" : names;
}

Status ParseEnum(const ConfigDef& def, std::span<const std::string> args, int64_t* out) {
  const bool bitflags = def.Has(flag::kMultiArg);
  if (args.empty() || (!bitflags && args.size() != 1)) return EnumError(def);
  int64_t value = 0;
  for (const std::string& arg : args) {
    const EnumValue* e = FindEnum(def, arg);
    if (e == nullptr) return EnumError(def);
    value |= e->value;
  }
  *out = value;
  return Status::Ok();
}

// True for a memtoull-shaped value ("<digits>[unit]") that ParseMemory refused, i.e. one above
// INT64_MAX. Redis takes such values as unsigned and its bounds check then refuses them (every
// memory row but maxmemory and cluster-link-sendbuf-limit, which Redoubt caps at INT64_MAX).
bool IsMemoryOverflow(std::string_view s) {
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits == 0) return false;
  const std::string_view unit = s.substr(digits);
  for (std::string_view u : {"", "b", "k", "kb", "m", "mb", "g", "gb"}) {
    if (util::EqualsIgnoreCase(unit, u)) return true;
  }
  return false;
}

// Redis's numericParseString.
Status ParseNumber(const ConfigDef& def, const std::string& s, int64_t* out) {
  if (def.type == ConfigType::kMemory) {
    if (util::ParseMemory(s, out)) return Status::Ok();
    if (IsMemoryOverflow(s)) {
      if (def.Has(flag::kPercent)) {  // Redis reads it as a negative ssize_t: a "percentage"
        return Status::Error("percentage argument must be less or equal to " +
                             std::to_string(-def.min));
      }
      return Status::Error(
          Printf("argument must be between %lld and %lld inclusive", def.min, def.max));
    }
    if (def.Has(flag::kPercent) && s.size() > 1 && s.back() == '%' &&
        util::ParseInt64(std::string_view(s).substr(0, s.size() - 1), out) && *out >= 0) {
      *out = -*out;  // percentages are kept negative, as Redis does
      return Status::Ok();
    }
    return Status::Error(def.Has(flag::kPercent) ? "argument must be a memory or percent value"
                                                 : "argument must be a memory value");
  }
  if (def.Has(flag::kOctal)) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 8);
    if (errno == 0 && *end == '\0') {
      *out = v;
      return Status::Ok();
    }
    return Status::Error("argument couldn't be parsed as an octal number");
  }
  if (util::ParseInt64(s, out)) return Status::Ok();
  return Status::Error("argument couldn't be parsed into an integer");
}

// Redis's numericBoundaryCheck.
Status CheckBounds(const ConfigDef& def, int64_t v) {
  if (def.Has(flag::kPercent) && v < 0) {
    if (v < def.min) {
      return Status::Error("percentage argument must be less or equal to " +
                           std::to_string(-def.min));
    }
    return Status::Ok();
  }
  if (v < def.min || v > def.max) {
    if (def.Has(flag::kOctal)) {
      return Status::Error("argument must be between " + FormatOctal(def.min) + " and " +
                           FormatOctal(def.max) + " inclusive");
    }
    return Status::Error(
        Printf("argument must be between %lld and %lld inclusive", def.min, def.max));
  }
  return Status::Ok();
}

Status ParseValue(const ConfigDef& def, std::span<const std::string> args, Value* out) {
  switch (def.type) {
    case ConfigType::kBool:
      if (args.size() == 1 && util::EqualsIgnoreCase(args[0], "yes")) {
        out->number = 1;
      } else if (args.size() == 1 && util::EqualsIgnoreCase(args[0], "no")) {
        out->number = 0;
      } else {
        return Status::Error("argument must be 'yes' or 'no'");
      }
      break;
    case ConfigType::kInt:
    case ConfigType::kMemory: {
      if (args.size() != 1) return Status::Error("wrong number of arguments");
      if (Status s = ParseNumber(def, args[0], &out->number); !s.ok()) return s;
      if (Status s = CheckBounds(def, out->number); !s.ok()) return s;
      break;
    }
    case ConfigType::kEnum:
      if (Status s = ParseEnum(def, args, &out->number); !s.ok()) return s;
      break;
    case ConfigType::kString:
      if (args.size() != 1) return Status::Error("wrong number of arguments");
      if (def.check_string != nullptr) {
        if (Status s = def.check_string(args[0]); !s.ok()) return s;
      }
      out->text = args[0];
      return Status::Ok();
    case ConfigType::kSpecial:
      return Status::Error("internal error: special directive parsed as a value");
  }
  if (def.check_number != nullptr) {
    if (Status s = def.check_number(out->number); !s.ok()) return s;
  }
  if (def.normalize != nullptr) out->number = def.normalize(out->number);
  return Status::Ok();
}

// The CONFIG GET form (also how generic rows are kept in ServerConfig::other).
std::string Canonical(const ConfigDef& def, const Value& v) {
  switch (def.type) {
    case ConfigType::kBool:
      return v.number ? "yes" : "no";
    case ConfigType::kInt:
      return def.Has(flag::kOctal) ? FormatOctal(v.number) : std::to_string(v.number);
    case ConfigType::kMemory:
      if (def.Has(flag::kPercent) && v.number < 0) return std::to_string(-v.number) + "%";
      return std::to_string(v.number);
    case ConfigType::kEnum:
      return EnumName(def, v.number);
    case ConfigType::kString:
    case ConfigType::kSpecial:
      break;
  }
  return v.text;
}

// Parses a value known to be valid (a canonical form or a table default), skipping the checks.
Value ParseTrusted(const ConfigDef& def, std::string_view text, bool is_config_line) {
  Value v;
  if (def.type == ConfigType::kString) {
    if (!is_config_line) {
      v.text = std::string(text);
      return v;
    }
    auto args = util::SplitArgs(text);
    if (args && !args->empty()) v.text = (*args)[0];
    return v;
  }
  std::vector<std::string> args;
  if (is_config_line) {
    args = util::SplitArgs(text).value_or(std::vector<std::string>{});
  } else {
    args = SplitOnSpaces(text);
  }
  if (args.empty()) args.emplace_back();
  if (def.type == ConfigType::kEnum) {
    for (const std::string& a : args) {
      if (const EnumValue* e = FindEnum(def, a)) v.number |= e->value;
    }
  } else if (def.type == ConfigType::kBool) {
    v.number = util::EqualsIgnoreCase(args[0], "yes") ? 1 : 0;
  } else {
    (void)ParseNumber(def, args[0], &v.number);
  }
  return v;
}

Value DefaultValue(const ConfigDef& def) { return ParseTrusted(def, def.default_value, true); }

Value LoadValue(const ConfigDef& def, const ServerConfig& cfg) {
  Value v;
  std::visit(
      [&](auto member) {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, std::monostate>) {
          auto it = cfg.other.find(def.name);
          v = it == cfg.other.end() ? DefaultValue(def) : ParseTrusted(def, it->second, false);
        } else if constexpr (std::is_same_v<M, std::string ServerConfig::*>) {
          if (def.type == ConfigType::kEnum) {
            v = ParseTrusted(def, cfg.*member, false);
          } else {
            v.text = cfg.*member;
          }
        } else if constexpr (std::is_same_v<M, const SpecialOps*>) {
          // Specials are formatted by their own ops.
        } else {
          v.number = static_cast<int64_t>(cfg.*member);
        }
      },
      def.binding);
  return v;
}

void StoreValue(const ConfigDef& def, const Value& v, ServerConfig* cfg) {
  std::visit(
      [&](auto member) {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, std::monostate>) {
          cfg->other.insert_or_assign(std::string(def.name), Canonical(def, v));
        } else if constexpr (std::is_same_v<M, std::string ServerConfig::*>) {
          cfg->*member = def.type == ConfigType::kEnum ? EnumName(def, v.number) : v.text;
        } else if constexpr (std::is_same_v<M, bool ServerConfig::*>) {
          cfg->*member = v.number != 0;
        } else if constexpr (std::is_same_v<M, int ServerConfig::*>) {
          cfg->*member = static_cast<int>(v.number);  // the row's bounds fit an int
        } else if constexpr (std::is_same_v<M, int64_t ServerConfig::*>) {
          cfg->*member = v.number;
        }
      },
      def.binding);
}

const SpecialOps* Special(const ConfigDef& def) {
  const SpecialOps* const* ops = std::get_if<const SpecialOps*>(&def.binding);
  return ops ? *ops : nullptr;
}

}  // namespace

Status SetFromArgs(const ConfigDef& def, std::span<const std::string> args, ServerConfig* cfg,
                   LoadState* load) {
  if (const SpecialOps* ops = Special(def)) return ops->set(args, cfg, load);
  Value v;
  if (Status s = ParseValue(def, args, &v); !s.ok()) return s;
  StoreValue(def, v, cfg);
  return Status::Ok();
}

std::string FormatValue(const ConfigDef& def, const ServerConfig& cfg) {
  if (const SpecialOps* ops = Special(def)) return ops->get(cfg);
  return Canonical(def, LoadValue(def, cfg));
}

void RewriteValue(const ConfigDef& def, const ServerConfig& cfg, RewriteOut* out) {
  if (const SpecialOps* ops = Special(def)) {
    ops->rewrite(cfg, def.name, out);
    return;
  }
  const Value v = LoadValue(def, cfg);
  const Value d = DefaultValue(def);
  std::string line(def.name);
  line += ' ';
  bool force = v.number != d.number;
  switch (def.type) {
    case ConfigType::kMemory:
      if (def.Has(flag::kPercent) && v.number < 0) {
        line += std::to_string(-v.number) + "%";
      } else {
        line += FormatMemory(v.number);
      }
      break;
    case ConfigType::kString:
      if (def.Has(flag::kEmptyIsUnset) && v.text.empty()) return;  // unset: drop the lines
      util::AppendQuotedArg(v.text, &line);
      force = v.text != d.text;
      break;
    default:
      line += Canonical(def, v);
      break;
  }
  out->lines.push_back({std::move(line), force});
}

void InitGeneric(const ConfigDef& def, ServerConfig* cfg) {
  if (def.IsGeneric()) StoreValue(def, DefaultValue(def), cfg);
}

std::string FormatMemory(int64_t bytes) {
  constexpr int64_t kKb = 1024, kMb = 1024 * 1024, kGb = 1024 * 1024 * 1024;
  if (bytes && bytes % kGb == 0) return std::to_string(bytes / kGb) + "gb";
  if (bytes && bytes % kMb == 0) return std::to_string(bytes / kMb) + "mb";
  if (bytes && bytes % kKb == 0) return std::to_string(bytes / kKb) + "kb";
  return std::to_string(bytes);
}

std::vector<std::string> SplitOnSpaces(std::string_view value) {
  std::vector<std::string> words;
  if (value.empty()) return words;
  size_t start = 0;
  while (true) {
    const size_t space = value.find(' ', start);
    if (space == std::string_view::npos) {
      words.emplace_back(value.substr(start));
      return words;
    }
    words.emplace_back(value.substr(start, space - start));
    start = space + 1;
  }
}

// --- Validators ------------------------------------------------------------------------------

namespace {
bool IsPath(std::string_view v) {
  return v.find('/') != std::string_view::npos || v.find('\\') != std::string_view::npos;
}
}  // namespace

Status CheckDbFilename(std::string_view value) {
  if (IsPath(value)) return Status::Error("dbfilename can't be a path, just a filename");
  return Status::Ok();
}

Status CheckAofFilename(std::string_view value) {
  if (value.empty()) return Status::Error("appendfilename can't be empty");
  if (IsPath(value)) return Status::Error("appendfilename can't be a path, just a filename");
  return Status::Ok();
}

Status CheckAofDirname(std::string_view value) {
  if (value.empty()) return Status::Error("appenddirname can't be empty");
  if (IsPath(value)) return Status::Error("appenddirname can't be a path, just a dirname");
  return Status::Ok();
}

Status CheckAnnouncedHostname(std::string_view value) {
  constexpr size_t kNetHostStrLen = 256;
  if (value.size() >= kNetHostStrLen) {
    return Status::Error("Hostnames must be less than 256 characters");
  }
  for (char c : value) {
    if (c == '\0') break;  // Redis sees a C string
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) {
      return Status::Error("Hostnames may only contain alphanumeric characters, hyphens or dots");
    }
  }
  return Status::Ok();
}

// Redis's validateProcTitleTemplate: sdstemplate() syntax ("{{" is a literal '{'), only known
// variables, and a result that is not blank. Of the variables only {title} (empty when
// validating) and {server-mode} (empty for a standalone server) can expand to nothing.
Status CheckProcTitleTemplate(std::string_view value) {
  static constexpr std::string_view kInvalid =
      "template format is invalid or contains unknown variables";
  if (size_t nul = value.find('\0'); nul != std::string_view::npos) value = value.substr(0, nul);
  bool visible = false;
  size_t p = 0;
  while (p < value.size()) {
    const size_t open = value.find('{', p);
    std::string_view literal =
        value.substr(p, open == std::string_view::npos ? value.npos : open - p);
    if (literal.find_first_not_of(' ') != std::string_view::npos) visible = true;
    if (open == std::string_view::npos) break;
    if (open + 1 >= value.size()) return Status::Error(std::string(kInvalid));
    if (value[open + 1] == '{') {
      visible = true;
      p = open + 2;
      continue;
    }
    const size_t close = value.find('}', open + 1);
    if (close == std::string_view::npos) return Status::Error(std::string(kInvalid));
    const std::string_view var = value.substr(open + 1, close - open - 1);
    if (var == "listen-addr" || var == "port" || var == "tls-port" || var == "config-file" ||
        var == "unixsocket") {
      visible = true;
    } else if (var != "title" && var != "server-mode") {
      return Status::Error(std::string(kInvalid));
    }
    p = close + 1;
  }
  if (!visible) return Status::Error(std::string(kInvalid));
  return Status::Ok();
}

Status CheckShutdownFlags(int64_t value) {
  if ((value & kShutdownSave) && (value & kShutdownNoSave)) {
    return Status::Error("shutdown options SAVE and NOSAVE can't be used simultaneously");
  }
  return Status::Ok();
}

int64_t ClampHz(int64_t value) {
  constexpr int64_t kMinHz = 1, kMaxHz = 500;
  return value < kMinHz ? kMinHz : (value > kMaxHz ? kMaxHz : value);
}

}  // namespace redoubt::config::internal
