// Fuzzes glob matching: the first line is the pattern, the rest the subject. libFuzzer's
// -timeout catches any input that makes matching slow (CVE-2022-36021's class).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/glob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string_view pattern = in.substr(0, nl);
  std::string_view subject = in.substr(nl + 1);
  // No relation between the two answers is asserted: with ranges like [a-Z], Redis's nocase
  // matching folds the range ends too, so a case-sensitive match need not match nocase.
  (void)redoubt::util::GlobMatch(pattern, subject, false);
  (void)redoubt::util::GlobMatch(pattern, subject, true);
  return 0;
}
