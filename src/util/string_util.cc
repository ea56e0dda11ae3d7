#include "util/string_util.h"

#include <array>
#include <cstddef>

namespace redoubt::util {
namespace {

// A table rather than std::tolower: no locale lookup and no UB for negative chars.
constexpr std::array<unsigned char, 256> MakeLowerTable() {
  std::array<unsigned char, 256> table{};
  for (size_t i = 0; i < table.size(); ++i) {
    table[i] = static_cast<unsigned char>((i >= 'A' && i <= 'Z') ? i + ('a' - 'A') : i);
  }
  return table;
}

constexpr std::array<unsigned char, 256> kLower = MakeLowerTable();

char Lower(char c) { return static_cast<char>(kLower[static_cast<unsigned char>(c)]); }

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    // Most command names arrive in one case, so the exact byte compare usually decides.
    if (a[i] != b[i] && Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

void ToLowerInPlace(std::string& s) {
  for (char& c : s) c = Lower(c);
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  ToLowerInPlace(out);
  return out;
}

}  // namespace redoubt::util
