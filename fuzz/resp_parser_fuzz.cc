// Fuzzes the request parser with arbitrary bytes fed in arbitrary chunks, authenticated and
// not, checking the invariants the server relies on: consumed bytes never exceed the input,
// arguments point inside it, and an error leaves the parser reusable.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/resp_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  using redoubt::protocol::RequestParser;
  redoubt::protocol::ParseLimits limits{.max_bulk_len = (data[0] & 1) ? 512LL << 20 : 64,
                                        .authenticated = (data[0] & 2) != 0};
  size_t chunk = 1 + (data[0] >> 2);  // how many new bytes arrive per "read"
  std::string in(reinterpret_cast<const char*>(data + 1), size - 1);
  RequestParser parser;
  std::string buf;
  size_t fed = 0;
  while (fed < in.size()) {
    size_t n = std::min(chunk, in.size() - fed);
    buf.append(in, fed, n);
    fed += n;
    for (;;) {
      size_t consumed = 0;
      auto r = parser.Parse(buf.data(), buf.size(), limits, &consumed);
      if (r == RequestParser::Result::kIncomplete) break;
      if (r == RequestParser::Result::kError) {
        parser.Reset();
        buf.clear();
        break;
      }
      if (consumed == 0 || consumed > buf.size()) abort();
      if (r == RequestParser::Result::kCommand) {
        for (std::string_view a : parser.args()) {
          bool inside = a.data() >= buf.data() && a.data() + a.size() <= buf.data() + buf.size();
          // Inline arguments are unescaped copies; multibulk ones must lie in the buffer.
          if (buf[0] == '*' && !inside) abort();
        }
      }
      buf.erase(0, consumed);
    }
  }
  return 0;
}
