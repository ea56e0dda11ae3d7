#include "commands/collection_util.h"

#include <cctype>

#include "protocol/errors.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

// Redis parses the cursor with strtoul: no leading space, an optional sign ("-1" wraps to
// 2^64-1), decimal digits, the whole C string (so "" is 0), and no overflow.
bool ParseScanCursor(std::string_view s, uint64_t* out) {
  size_t nul = s.find('\0');
  if (nul != std::string_view::npos) s = s.substr(0, nul);
  if (s.empty()) {
    *out = 0;
    return true;
  }
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  bool negative = s[0] == '-';
  if (s[0] == '-' || s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  uint64_t v;
  if (!util::ParseUint64(s, &v)) {
    size_t z = s.find_first_not_of('0');
    if (z == std::string_view::npos) {
      v = 0;
    } else if (z == 0 || !util::ParseUint64(s.substr(z), &v)) {
      return false;
    }
  }
  *out = negative ? 0 - v : v;
  return true;
}

bool ParseCollectionCursor(CommandContext& cx, uint64_t* cursor) {
  if (!ParseScanCursor(cx.args[2], cursor)) {
    cx.reply.Error("ERR invalid cursor");
    return false;
  }
  return true;
}

bool ParseScanOptions(CommandContext& cx, size_t first, ScanFilter* f, bool allow_type) {
  for (size_t i = first; i < cx.argc(); ++i) {
    std::string_view a = cx.args[i];
    bool has_value = i + 1 < cx.argc();
    if (util::EqualsIgnoreCase(a, "COUNT") && has_value) {
      if (!util::ParseInt64(cx.args[++i], &f->count)) {
        cx.reply.Error(errors::kNotInteger);
        return false;
      }
      if (f->count < 1) {
        cx.reply.Error(errors::kSyntax);
        return false;
      }
    } else if (util::EqualsIgnoreCase(a, "MATCH") && has_value) {
      f->pattern = cx.args[++i];
      f->use_pattern = f->pattern != "*";
    } else if (allow_type && util::EqualsIgnoreCase(a, "TYPE") && has_value) {
      f->type = cx.args[++i];
      f->use_type = true;
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

bool ParseCollectionScanOptions(CommandContext& cx, CollectionScanArgs* o) {
  ScanFilter f;
  if (!ParseScanOptions(cx, 3, &f, false)) return false;
  o->count = f.count;
  o->pattern = f.pattern;
  o->use_pattern = f.use_pattern;
  return true;
}

void ReplyEmptyScan(CommandContext& cx) {
  cx.reply.Array(2);
  cx.reply.Bulk("0");
  cx.reply.EmptyArray();
}

}  // namespace redoubt::commands
