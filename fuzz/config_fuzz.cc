// Fuzzes the redis.conf parser: any text must load or fail with a message, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redoubt::config::Config config;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Includes would read files from the fuzzing machine: keep the input self-contained.
  if (text.find("include") != std::string_view::npos) return 0;
  (void)config.LoadString(text, "fuzz.conf");
  (void)config.Get("*", false);
  return 0;
}
