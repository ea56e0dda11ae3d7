#include "util/split_args.h"

namespace redoubt::util {
namespace {

// isspace() in the C locale.
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

inline bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Characters that end or change the state of an unquoted run.
inline bool IsUnquotedSpecial(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '"' || c == '\'';
}

// Parses the double-quoted part starting just after the opening quote at line[*i - 1].
// Leaves *i just past the closing quote.
bool ParseDoubleQuoted(std::string_view line, size_t* i, std::string* current) {
  const size_t n = line.size();
  size_t p = *i;
  while (true) {
    if (p >= n) return false;  // unterminated quotes
    const char c = line[p];
    if (c == '\\' && p + 3 < n && line[p + 1] == 'x' && IsHexDigit(line[p + 2]) &&
        IsHexDigit(line[p + 3])) {
      current->push_back(
          static_cast<char>(HexDigitValue(line[p + 2]) * 16 + HexDigitValue(line[p + 3])));
      p += 4;
    } else if (c == '\\' && p + 1 < n) {
      char e = line[p + 1];
      switch (e) {
        case 'n':
          e = '\n';
          break;
        case 'r':
          e = '\r';
          break;
        case 't':
          e = '\t';
          break;
        case 'b':
          e = '\b';
          break;
        case 'a':
          e = '\a';
          break;
        default:
          break;
      }
      current->push_back(e);
      p += 2;
    } else if (c == '"') {
      // A closing quote must be followed by a space or nothing at all.
      if (p + 1 < n && !IsSpace(line[p + 1])) return false;
      *i = p + 1;
      return true;
    } else {
      // Copy the run up to the next backslash or quote in one go.
      size_t end = p + 1;
      while (end < n && line[end] != '\\' && line[end] != '"') ++end;
      current->append(line.data() + p, end - p);
      p = end;
    }
  }
}

// Parses the single-quoted part starting just after the opening quote.
bool ParseSingleQuoted(std::string_view line, size_t* i, std::string* current) {
  const size_t n = line.size();
  size_t p = *i;
  while (true) {
    if (p >= n) return false;  // unterminated quotes
    const char c = line[p];
    if (c == '\\' && p + 1 < n && line[p + 1] == '\'') {
      current->push_back('\'');
      p += 2;
    } else if (c == '\'') {
      if (p + 1 < n && !IsSpace(line[p + 1])) return false;
      *i = p + 1;
      return true;
    } else {
      size_t end = p + 1;
      while (end < n && line[end] != '\\' && line[end] != '\'') ++end;
      current->append(line.data() + p, end - p);
      p = end;
    }
  }
}

}  // namespace

bool SplitArgsInto(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  // Redis works on C strings: a NUL byte ends the line.
  if (size_t nul = line.find('\0'); nul != std::string_view::npos) line = line.substr(0, nul);
  const size_t n = line.size();
  size_t i = 0;
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i >= n) return true;
    std::string current;
    bool done = false;
    while (!done) {
      if (i >= n) break;
      const char c = line[i];
      switch (c) {
        case ' ':
        case '\n':
        case '\r':
        case '\t':
          done = true;
          ++i;
          break;
        case '"':
          ++i;
          if (!ParseDoubleQuoted(line, &i, &current)) return false;
          done = true;
          break;
        case '\'':
          ++i;
          if (!ParseSingleQuoted(line, &i, &current)) return false;
          done = true;
          break;
        default: {
          size_t end = i + 1;
          while (end < n && !IsUnquotedSpecial(line[end])) ++end;
          current.append(line.data() + i, end - i);
          i = end;
          break;
        }
      }
    }
    out->push_back(std::move(current));
  }
}

std::optional<std::vector<std::string>> SplitArgs(std::string_view line) {
  std::vector<std::string> args;
  if (!SplitArgsInto(line, &args)) return std::nullopt;
  return args;
}

void AppendQuotedArg(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->reserve(out->size() + s.size() + 2);
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '"':
        out->append("\\\"");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\a':
        out->append("\\a");
        break;
      case '\b':
        out->append("\\b");
        break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {  // isprint() in the C locale
          out->push_back(c);
        } else {
          out->append("\\x");
          out->push_back(kHex[u >> 4]);
          out->push_back(kHex[u & 0xf]);
        }
      }
    }
  }
  out->push_back('"');
}

std::string QuoteArg(std::string_view s) {
  std::string out;
  AppendQuotedArg(s, &out);
  return out;
}

}  // namespace redoubt::util
