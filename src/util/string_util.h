// ASCII case helpers for command names, options and config keys, which Redis matches with
// strcasecmp in the C locale (no Unicode or locale-dependent folding).
#pragma once

#include <string>
#include <string_view>

namespace redoubt::util {

// ASCII-only: bytes outside 'A'-'Z' / 'a'-'z' must match exactly.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

void ToLowerInPlace(std::string& s);

std::string ToLower(std::string_view s);

}  // namespace redoubt::util
