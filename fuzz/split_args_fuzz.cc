// Fuzzes Redis's quoting rules (inline commands and config lines), and checks that quoting
// an argument back (QuoteArg) splits to the same argument.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/split_args.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto parts = redoubt::util::SplitArgs(in);
  if (!parts) return 0;
  for (const std::string& p : *parts) {
    auto again = redoubt::util::SplitArgs(redoubt::util::QuoteArg(p));
    if (!again || again->size() != 1 || (*again)[0] != p) __builtin_trap();
  }
  return 0;
}
