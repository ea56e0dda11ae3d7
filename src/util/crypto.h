// Hashing, secret comparison and randomness for passwords and tokens (ACL, AUTH, run ids),
// backed by OpenSSL's libcrypto.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace redoubt::util {

inline constexpr size_t kSha256Size = 32;
inline constexpr size_t kSha1Size = 20;

std::array<uint8_t, kSha256Size> Sha256(std::string_view data);

// SHA-1: only where a Redis format fixes the algorithm (DEBUG DIGEST), never for secrets.
std::array<uint8_t, kSha1Size> Sha1(std::string_view data);

// Lowercase hex, the form ACL GETUSER shows and ACL SETUSER '#<hash>' accepts.
std::string Sha256Hex(std::string_view data);

// Compares secrets without an early exit: the time depends on a.size() only, so at most the
// length of `a` and whether the lengths differ can leak. Pass the attacker-supplied value as
// `b` (or compare fixed-size digests) to leak nothing about the secret.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// 2 * bytes lowercase hex characters from the OpenSSL CSPRNG. Aborts the process if the CSPRNG
// fails, since a predictable run id or token would be a silent security hole.
std::string RandomHex(size_t bytes);

}  // namespace redoubt::util
