// struct: pack/unpack/size of binary records with the format language and results of the
// lstruct 1.4 that Redis 7.0 bundles (including its fix for CVE-2020-14147). Every size in a
// format and every offset is checked before it reaches arithmetic or memory: a count the
// format merely claims never allocates, and positions are compared without overflow.
#include <bit>
#include <climits>
#include <cstdint>
#include <cstring>
#include <utility>

#include "scripting/lua_internal.h"

namespace redoubt::scripting::internal {

namespace {

constexpr int kMaxIntSize = 32;  // largest i/I width
constexpr int kMaxAlign = 8;     // default of '!'
constexpr bool kNativeLittle = std::endian::native == std::endian::little;

struct Header {
  bool little = kNativeLittle;
  int align = 1;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsPowerOf2(int x) { return x > 0 && (x & (x - 1)) == 0; }

// A decimal number at *fmt (or `fallback`), refused once it would pass INT_MAX.
int GetNum(lua_State* L, const char** fmt, int fallback) {
  if (!IsDigit(**fmt)) return fallback;
  int a = 0;
  do {
    int d = **fmt - '0';
    if (a > INT_MAX / 10 || a * 10 > INT_MAX - d) luaL_error(L, "integral size overflow");
    a = a * 10 + d;
    ++*fmt;
  } while (IsDigit(**fmt));
  return a;
}

size_t OptionSize(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'B':
    case 'b':
    case 'x':
      return 1;
    case 'H':
    case 'h':
      return sizeof(short);
    case 'L':
    case 'l':
      return sizeof(long);
    case 'T':
      return sizeof(size_t);
    case 'f':
      return sizeof(float);
    case 'd':
      return sizeof(double);
    case 'c':
      return static_cast<size_t>(GetNum(L, fmt, 1));
    case 'i':
    case 'I': {
      int size = GetNum(L, fmt, sizeof(int));
      if (size > kMaxIntSize) {
        luaL_error(L, "integral size %d is larger than limit of %d", size, kMaxIntSize);
      }
      return static_cast<size_t>(size);
    }
    default:
      return 0;
  }
}

// Padding before an item of `size` at position `len` (sizes need not be powers of two,
// as in the original).
size_t PaddingFor(size_t len, const Header& h, char opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  if (size > static_cast<size_t>(h.align)) size = static_cast<size_t>(h.align);
  return (size - (len & (size - 1))) & (size - 1);
}

void ControlOption(lua_State* L, char opt, const char** fmt, Header* h) {
  switch (opt) {
    case ' ':
      return;
    case '>':
      h->little = false;
      return;
    case '<':
      h->little = true;
      return;
    case '!': {
      int a = GetNum(L, fmt, kMaxAlign);
      if (!IsPowerOf2(a)) luaL_error(L, "alignment %d is not a power of 2", a);
      h->align = a;
      return;
    }
    default:
      luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
  }
}

// The two's-complement bits the original's double-to-integer conversions produce on x86-64
// (an out-of-range value gives the "integer indefinite" 0x8000000000000000), without the
// undefined behaviour of converting it in C++.
uint64_t ToBits(double n) {
  constexpr double k2p63 = 9223372036854775808.0;
  constexpr uint64_t kIndefinite = 0x8000000000000000ULL;
  if (n < 0) return n >= -k2p63 ? static_cast<uint64_t>(static_cast<int64_t>(n)) : kIndefinite;
  if (!(n == n)) return kIndefinite;  // NaN
  if (n < k2p63) return static_cast<uint64_t>(static_cast<int64_t>(n));
  double rest = n - k2p63;
  return rest < k2p63 ? static_cast<uint64_t>(static_cast<int64_t>(rest)) ^ kIndefinite : 0;
}

void PutInteger(lua_State* L, luaL_Buffer* b, int arg, bool little, size_t size) {
  uint64_t value = ToBits(luaL_checknumber(L, arg));
  char bytes[kMaxIntSize];
  for (size_t i = 0; i < size; ++i) {
    bytes[little ? i : size - 1 - i] = static_cast<char>(i < 8 ? (value >> (8 * i)) & 0xff : 0);
  }
  luaL_addlstring(b, bytes, size);
}

void SwapIfForeign(char* bytes, size_t size, bool little) {
  if (little == kNativeLittle) return;
  for (size_t i = 0; i < size / 2; ++i) std::swap(bytes[i], bytes[size - 1 - i]);
}

// Copies a float or double in the requested byte order.
void AddFloat(luaL_Buffer* b, const void* native, size_t size, bool little) {
  char bytes[8];
  std::memcpy(bytes, native, size);
  SwapIfForeign(bytes, size, little);
  luaL_addlstring(b, bytes, size);
}

int Pack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Header h;
  int arg = 2;
  size_t total = 0;
  luaL_Buffer b;
  lua_pushnil(L);  // separates the arguments from the buffer's stack use
  luaL_buffinit(L, &b);
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = OptionSize(L, opt, &fmt);
    size_t pad = PaddingFor(total, h, opt, size);
    total += pad;
    while (pad-- > 0) luaL_addchar(&b, '\0');
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        PutInteger(L, &b, arg++, h.little, size);
        break;
      case 'x':
        luaL_addchar(&b, '\0');
        break;
      case 'f': {
        auto f = static_cast<float>(luaL_checknumber(L, arg++));
        AddFloat(&b, &f, sizeof(f), h.little);
        break;
      }
      case 'd': {
        double d = luaL_checknumber(L, arg++);
        AddFloat(&b, &d, sizeof(d), h.little);
        break;
      }
      case 'c':
      case 's': {
        size_t len = 0;
        const char* s = luaL_checklstring(L, arg++, &len);
        if (size == 0) size = len;
        // The original names the argument after this one; kept for identical errors.
        luaL_argcheck(L, len >= size, arg, "string too short");
        luaL_addlstring(&b, s, size);
        if (opt == 's') {
          luaL_addchar(&b, '\0');
          ++size;
        }
        break;
      }
      default:
        ControlOption(L, opt, &fmt, &h);
    }
    total += size;
  }
  luaL_pushresult(&b);
  return 1;
}

double GetInteger(const char* p, bool little, bool is_signed, size_t size) {
  // Bytes past the eighth shift out of the 64-bit accumulator, as in the original.
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) {
    v = (v << 8) | static_cast<unsigned char>(p[little ? size - 1 - i : i]);
  }
  if (!is_signed) return static_cast<double>(v);
  // The original's sign mask shifts by size*8-1, which x86-64 takes modulo 64.
  uint64_t mask = ~0ULL << ((size * 8 - 1) & 63);
  if (v & mask) v |= mask;
  return static_cast<double>(static_cast<int64_t>(v));
}

bool Fits(size_t pos, size_t size, size_t len) { return size <= len && pos <= len - size; }

void PushFloat(lua_State* L, const char* p, size_t size, bool little) {
  char bytes[8];
  std::memcpy(bytes, p, size);
  SwapIfForeign(bytes, size, little);
  if (size == sizeof(float)) {
    float f;
    std::memcpy(&f, bytes, sizeof(f));
    lua_pushnumber(L, f);
  } else {
    double d;
    std::memcpy(&d, bytes, sizeof(d));
    lua_pushnumber(L, d);
  }
}

// 'c0' when unpacking: the length is the number unpacked just before it (popped).
size_t PreviousSize(lua_State* L, size_t pos, size_t len, int* pushed) {
  if (*pushed == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
  uint64_t size = ToBits(lua_tonumber(L, -1));  // a negative or huge size fails the check
  lua_pop(L, 1);
  --*pushed;
  luaL_argcheck(L, size <= len && Fits(pos, static_cast<size_t>(size), len), 2,
                "data string too short");
  return static_cast<size_t>(size);
}

int Unpack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  size_t len = 0;
  const char* data = luaL_checklstring(L, 2, &len);
  auto pos = static_cast<size_t>(luaL_optinteger(L, 3, 1));
  luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
  --pos;
  Header h;
  int pushed = 0;
  lua_settop(L, 2);
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = OptionSize(L, opt, &fmt);
    size_t pad = PaddingFor(pos, h, opt, size);
    // pos <= len from here on: the check refuses anything that would pass the end.
    luaL_argcheck(L, pad <= len && pos <= len - pad, 2, "data string too short");
    pos += pad;
    luaL_argcheck(L, Fits(pos, size, len), 2, "data string too short");
    luaL_checkstack(L, 1, "too many results");
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        lua_pushnumber(L, GetInteger(data + pos, h.little, opt >= 'a', size));
        ++pushed;
        break;
      case 'x':
        break;
      case 'f':
      case 'd':
        PushFloat(L, data + pos, size, h.little);
        ++pushed;
        break;
      case 'c':
        if (size == 0) size = PreviousSize(L, pos, len, &pushed);
        lua_pushlstring(L, data + pos, size);
        ++pushed;
        break;
      case 's': {
        const void* end = std::memchr(data + pos, '\0', len - pos);
        if (end == nullptr) luaL_error(L, "unfinished string in data");
        size = static_cast<size_t>(static_cast<const char*>(end) - (data + pos)) + 1;
        lua_pushlstring(L, data + pos, size - 1);
        ++pushed;
        break;
      }
      default:
        ControlOption(L, opt, &fmt, &h);
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));
  return lua_gettop(L) - 2;
}

int Size(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Header h;
  size_t pos = 0;
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = OptionSize(L, opt, &fmt);
    pos += PaddingFor(pos, h, opt, size);
    if (opt == 's') {
      luaL_argerror(L, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && size == 0) {
      luaL_argerror(L, 1, "option 'c0' has no fixed size");
    }
    // Unknown letters are ignored here (they are errors for pack and unpack), as in lstruct.
    if (!IsAlnum(opt)) ControlOption(L, opt, &fmt, &h);
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

}  // namespace

int OpenStruct(lua_State* L) {
  lua_newtable(L);
  const luaL_Reg functions[] = {{"pack", Pack}, {"unpack", Unpack}, {"size", Size}};
  for (const luaL_Reg& f : functions) {
    lua_pushcfunction(L, f.func);
    lua_setfield(L, -2, f.name);
  }
  return 1;
}

}  // namespace redoubt::scripting::internal
