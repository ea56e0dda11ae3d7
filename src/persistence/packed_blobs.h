// Validating readers for the packed blobs RDB files embed: listpack, ziplist, intset, zipmap.
// Each walks the whole blob with bounds checks and calls fn(element) per element (integers as
// decimal text); it returns false when the blob is malformed, without reading past it.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace redoubt::persistence {

using ElementFn = std::function<bool(std::string_view element)>;

// fn returning false stops the walk and makes the function return false.
bool ListpackForEach(std::string_view blob, const ElementFn& fn);
bool ZiplistForEach(std::string_view blob, const ElementFn& fn);
bool IntsetForEach(std::string_view blob, const ElementFn& fn);
// Calls fn(key) then fn(value) for each pair.
bool ZipmapForEach(std::string_view blob, const ElementFn& fn);

}  // namespace redoubt::persistence
