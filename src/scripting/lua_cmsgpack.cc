// cmsgpack: MessagePack for scripts with the API and the bytes of the lua-cmsgpack 0.4.0 that
// Redis 7.0 bundles. Written for the sandbox: the encoder's buffer lives in a Lua userdata (a
// Lua error or a failed allocation never leaks it, and it counts against the Lua heap cap),
// nesting is bounded both ways, and every length read from the input is checked against the
// bytes actually left before it is used.
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "scripting/lua_internal.h"

namespace redoubt::scripting::internal {

namespace {

// Tables nested deeper than this encode as nil (Redis's LUACMSGPACK_MAX_NESTING), which
// also ends a self-referencing table.
constexpr int kMaxEncodeNesting = 16;
// The decoder's nesting is bounded by the Lua stack (each level takes stack slots, checked
// with luaL_checkstack as Redis does); this cap keeps the C recursion bounded even under a
// Lua built with a larger stack.
constexpr int kMaxDecodeDepth = 8000;
constexpr char kBufferMeta[] = "redoubt.cmsgpack.buffer";

// ---- Encoding buffer: a userdata whose bytes come from the Lua allocator.

struct PackBuffer {
  unsigned char* data;
  size_t len;
  size_t cap;
};

void ReleaseBuffer(lua_State* L, PackBuffer* b) {
  if (b->data != nullptr) {
    void* ud = nullptr;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    alloc(ud, b->data, b->cap, 0);
    b->data = nullptr;
    b->cap = b->len = 0;
  }
}

int FreeBuffer(lua_State* L) {
  ReleaseBuffer(L, static_cast<PackBuffer*>(lua_touserdata(L, 1)));
  return 0;
}

PackBuffer* PushBuffer(lua_State* L) {
  auto* b = static_cast<PackBuffer*>(lua_newuserdata(L, sizeof(PackBuffer)));
  *b = PackBuffer{nullptr, 0, 0};
  if (luaL_newmetatable(L, kBufferMeta)) {
    lua_pushcfunction(L, FreeBuffer);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return b;
}

void Append(lua_State* L, PackBuffer* b, const void* bytes, size_t n) {
  if (b->cap - b->len < n) {
    if (n > SIZE_MAX / 4 - b->len) luaL_error(L, "not enough memory");
    size_t cap = (b->len + n) * 2;
    if (cap < 64) cap = 64;
    void* ud = nullptr;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    void* p = alloc(ud, b->data, b->cap, cap);
    if (p == nullptr) luaL_error(L, "not enough memory");
    b->data = static_cast<unsigned char*>(p);
    b->cap = cap;
  }
  std::memcpy(b->data + b->len, bytes, n);
  b->len += n;
}

// Big-endian header: the type byte then `width` bytes of `n`.
void AppendHeader(lua_State* L, PackBuffer* b, unsigned char type, uint64_t n, int width) {
  unsigned char h[9];
  h[0] = type;
  for (int i = 0; i < width; ++i) h[1 + i] = static_cast<unsigned char>(n >> (8 * (width - 1 - i)));
  Append(L, b, h, static_cast<size_t>(width) + 1);
}

// A count (array, map or string length) in the smallest form MessagePack has for it.
void AppendCount(lua_State* L, PackBuffer* b, uint64_t n, unsigned char fix, unsigned char fix_max,
                 unsigned char t16, unsigned char t32) {
  if (n <= fix_max) {
    AppendHeader(L, b, static_cast<unsigned char>(fix | n), 0, 0);
  } else if (n <= 0xffff) {
    AppendHeader(L, b, t16, n, 2);
  } else {
    AppendHeader(L, b, t32, n, 4);
  }
}

void EncodeInt(lua_State* L, PackBuffer* b, int64_t n) {
  auto u = static_cast<uint64_t>(n);
  if (n >= 0) {
    if (n <= 127) return AppendHeader(L, b, static_cast<unsigned char>(n), 0, 0);
    if (n <= 0xff) return AppendHeader(L, b, 0xcc, u, 1);
    if (n <= 0xffff) return AppendHeader(L, b, 0xcd, u, 2);
    if (n <= 0xffffffffLL) return AppendHeader(L, b, 0xce, u, 4);
    return AppendHeader(L, b, 0xcf, u, 8);
  }
  if (n >= -32) return AppendHeader(L, b, static_cast<unsigned char>(u & 0xff), 0, 0);
  if (n >= -128) return AppendHeader(L, b, 0xd0, u, 1);
  if (n >= -32768) return AppendHeader(L, b, 0xd1, u, 2);
  if (n >= -2147483648LL) return AppendHeader(L, b, 0xd2, u, 4);
  AppendHeader(L, b, 0xd3, u, 8);
}

void EncodeNumber(lua_State* L, PackBuffer* b, double n) {
  // Integral values that fit an int64 encode as integers (the original's IS_INT64_EQUIVALENT,
  // without its out-of-range conversion).
  if (std::isfinite(n) && n >= -9223372036854775808.0 && n < 9223372036854775808.0 &&
      std::trunc(n) == n) {
    return EncodeInt(L, b, static_cast<int64_t>(n));
  }
  auto f = static_cast<float>(n);
  if (static_cast<double>(f) == n) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return AppendHeader(L, b, 0xca, bits, 4);
  }
  uint64_t bits;
  std::memcpy(&bits, &n, 8);
  AppendHeader(L, b, 0xcb, bits, 8);
}

// Whether the table on top has exactly the keys 1..N (N its count), as the original decides
// between an array and a map. An empty table is an array.
bool IsArray(lua_State* L) {
  int top = lua_gettop(L);
  luaL_checkstack(L, 2, "in function table_is_an_array");
  int64_t count = 0;
  double max = 0;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    double n = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : 0;
    if (!(n > 0 && n <= INT_MAX && std::trunc(n) == n)) {
      lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    ++count;
  }
  lua_settop(L, top);
  return static_cast<double>(count) == max;
}

void EncodeValue(lua_State* L, PackBuffer* b, int level);

void EncodeTable(lua_State* L, PackBuffer* b, int level) {
  if (IsArray(L)) {
    size_t len = lua_objlen(L, -1);
    AppendCount(L, b, len, 0x90, 15, 0xdc, 0xdd);
    luaL_checkstack(L, 1, "in function mp_encode_lua_table_as_array");
    for (size_t j = 1; j <= len; ++j) {
      lua_rawgeti(L, -1, static_cast<int>(j));
      EncodeValue(L, b, level + 1);
    }
    return;
  }
  luaL_checkstack(L, 3, "in function mp_encode_lua_table_as_map");
  uint64_t len = 0;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    ++len;
  }
  AppendCount(L, b, len, 0x80, 15, 0xde, 0xdf);
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pushvalue(L, -2);
    EncodeValue(L, b, level + 1);  // the key
    EncodeValue(L, b, level + 1);  // the value
  }
}

// Encodes the value on top and pops it.
void EncodeValue(lua_State* L, PackBuffer* b, int level) {
  int t = lua_type(L, -1);
  if (t == LUA_TTABLE && level >= kMaxEncodeNesting) t = LUA_TNIL;
  switch (t) {
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L, -1, &len);
      if (len > 0xffffffffULL) luaL_error(L, "string too long for MessagePack");
      if (len < 32) {
        AppendHeader(L, b, static_cast<unsigned char>(0xa0 | len), 0, 0);
      } else if (len <= 0xff) {
        AppendHeader(L, b, 0xd9, len, 1);
      } else {
        AppendCount(L, b, len, 0, 0, 0xda, 0xdb);
      }
      Append(L, b, s, len);
      break;
    }
    case LUA_TBOOLEAN:
      AppendHeader(L, b, lua_toboolean(L, -1) ? 0xc3 : 0xc2, 0, 0);
      break;
    case LUA_TNUMBER:
      EncodeNumber(L, b, lua_tonumber(L, -1));
      break;
    case LUA_TTABLE:
      EncodeTable(L, b, level);
      break;
    default:
      AppendHeader(L, b, 0xc0, 0, 0);
      break;
  }
  lua_pop(L, 1);
}

int Pack(lua_State* L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, nargs)) {
    return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  }
  PackBuffer* b = PushBuffer(L);
  for (int i = 1; i <= nargs; ++i) {
    luaL_checkstack(L, 1, "in function mp_check");
    lua_pushvalue(L, i);
    EncodeValue(L, b, 0);
  }
  lua_pushlstring(L, reinterpret_cast<const char*>(b->data), b->len);
  ReleaseBuffer(L, b);  // now rather than at the next collection
  return 1;
}

// ---- Decoding.

enum class DecodeError { kNone, kEof, kBadFormat };

struct Cursor {
  const unsigned char* p;
  size_t left;
  DecodeError err;
};

uint64_t ReadBig(const unsigned char* p, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v = (v << 8) | p[i];
  return v;
}

bool Need(Cursor* c, size_t n) {
  if (c->left >= n) return true;
  c->err = DecodeError::kEof;
  return false;
}

void Consume(Cursor* c, size_t n) {
  c->p += n;
  c->left -= n;
}

void DecodeValue(lua_State* L, Cursor* c, int depth);

void DecodeArray(lua_State* L, Cursor* c, uint64_t n, int depth) {
  lua_newtable(L);  // no preallocation for a count the input merely claims
  luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
  for (uint64_t i = 1; i <= n; ++i) {
    lua_pushnumber(L, static_cast<double>(i));
    DecodeValue(L, c, depth + 1);
    if (c->err != DecodeError::kNone) return;
    lua_rawset(L, -3);
  }
}

void DecodeMap(lua_State* L, Cursor* c, uint64_t n, int depth) {
  lua_newtable(L);
  for (uint64_t i = 0; i < n; ++i) {
    DecodeValue(L, c, depth + 1);
    if (c->err != DecodeError::kNone) return;
    DecodeValue(L, c, depth + 1);
    if (c->err != DecodeError::kNone) return;
    lua_rawset(L, -3);  // a nil or NaN key raises Lua's own error, as in the original
  }
}

// A string whose length field is `width` bytes after the type byte (0: in the type byte).
void DecodeString(lua_State* L, Cursor* c, int width, size_t fixed_len) {
  if (!Need(c, 1 + static_cast<size_t>(width))) return;
  size_t len = width == 0 ? fixed_len : ReadBig(c->p + 1, width);
  Consume(c, 1 + static_cast<size_t>(width));
  if (!Need(c, len)) return;
  lua_pushlstring(L, reinterpret_cast<const char*>(c->p), len);
  Consume(c, len);
}

// Integers of `width` bytes; uint64 wraps into lua_Integer as in the original.
void DecodeInt(lua_State* L, Cursor* c, int width, bool is_signed) {
  if (!Need(c, 1 + static_cast<size_t>(width))) return;
  uint64_t v = ReadBig(c->p + 1, width);
  Consume(c, 1 + static_cast<size_t>(width));
  if (!is_signed) {
    lua_pushinteger(L, static_cast<lua_Integer>(v));
    return;
  }
  int shift = 64 - 8 * width;
  auto s = static_cast<int64_t>(v << shift) >> shift;  // sign-extend
  if (width == 8) {
    lua_pushnumber(L, static_cast<double>(s));
  } else {
    lua_pushinteger(L, static_cast<lua_Integer>(s));
  }
}

void DecodeFloat(lua_State* L, Cursor* c, int width) {
  if (!Need(c, 1 + static_cast<size_t>(width))) return;
  uint64_t bits = ReadBig(c->p + 1, width);
  Consume(c, 1 + static_cast<size_t>(width));
  if (width == 4) {
    auto b32 = static_cast<uint32_t>(bits);
    float f;
    std::memcpy(&f, &b32, 4);
    lua_pushnumber(L, f);
  } else {
    double d;
    std::memcpy(&d, &bits, 8);
    lua_pushnumber(L, d);
  }
}

// A container whose count field is `width` bytes after the type byte.
void DecodeContainer(lua_State* L, Cursor* c, int width, bool map, int depth) {
  if (!Need(c, 1 + static_cast<size_t>(width))) return;
  uint64_t n = ReadBig(c->p + 1, width);
  Consume(c, 1 + static_cast<size_t>(width));
  map ? DecodeMap(L, c, n, depth) : DecodeArray(L, c, n, depth);
}

// Decodes one value at the cursor and leaves it on top of the stack (or sets c->err).
void DecodeValue(lua_State* L, Cursor* c, int depth) {
  if (!Need(c, 1)) return;
  luaL_checkstack(L, 1, "too many return values at once; use unpack_one or unpack_limit instead.");
  if (depth > kMaxDecodeDepth) luaL_error(L, "MessagePack input nested too deeply");
  unsigned char t = c->p[0];
  switch (t) {
    case 0xcc:
      return DecodeInt(L, c, 1, false);
    case 0xcd:
      return DecodeInt(L, c, 2, false);
    case 0xce:
      return DecodeInt(L, c, 4, false);
    case 0xcf:
      return DecodeInt(L, c, 8, false);
    case 0xd0:
      return DecodeInt(L, c, 1, true);
    case 0xd1:
      return DecodeInt(L, c, 2, true);
    case 0xd2:
      return DecodeInt(L, c, 4, true);
    case 0xd3:
      return DecodeInt(L, c, 8, true);
    case 0xc0:
      lua_pushnil(L);
      return Consume(c, 1);
    case 0xc2:
      lua_pushboolean(L, 0);
      return Consume(c, 1);
    case 0xc3:
      lua_pushboolean(L, 1);
      return Consume(c, 1);
    case 0xca:
      return DecodeFloat(L, c, 4);
    case 0xcb:
      return DecodeFloat(L, c, 8);
    case 0xd9:
      return DecodeString(L, c, 1, 0);
    case 0xda:
      return DecodeString(L, c, 2, 0);
    case 0xdb:
      return DecodeString(L, c, 4, 0);
    case 0xdc:
      return DecodeContainer(L, c, 2, false, depth);
    case 0xdd:
      return DecodeContainer(L, c, 4, false, depth);
    case 0xde:
      return DecodeContainer(L, c, 2, true, depth);
    case 0xdf:
      return DecodeContainer(L, c, 4, true, depth);
    default:
      break;
  }
  if ((t & 0x80) == 0) {  // positive fixnum
    lua_pushinteger(L, t);
    Consume(c, 1);
  } else if ((t & 0xe0) == 0xe0) {  // negative fixnum
    lua_pushinteger(L, static_cast<signed char>(t));
    Consume(c, 1);
  } else if ((t & 0xe0) == 0xa0) {
    DecodeString(L, c, 0, t & 0x1f);
  } else if ((t & 0xf0) == 0x90) {
    Consume(c, 1);
    DecodeArray(L, c, t & 0xf, depth);
  } else if ((t & 0xf0) == 0x80) {
    Consume(c, 1);
    DecodeMap(L, c, t & 0xf, depth);
  } else {
    c->err = DecodeError::kBadFormat;
  }
}

// Decodes up to `limit` values from `offset` of the string at index 1. With neither a limit
// nor an offset it decodes everything and returns only the values; otherwise the next
// offset (-1 at the end) comes first.
int UnpackFull(lua_State* L, lua_Integer limit, lua_Integer offset) {
  size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  bool decode_all = limit == 0 && offset == 0;
  if (offset < 0 || limit < 0) {
    // The original prints the input length where it announces the limit.
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  }
  if (static_cast<uint64_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  }
  if (decode_all) limit = INT_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset, len - static_cast<size_t>(offset),
           DecodeError::kNone};
  int count = 0;
  for (; c.left > 0 && count < limit; ++count) {
    DecodeValue(L, &c, 0);
    if (c.err == DecodeError::kEof) return luaL_error(L, "Missing bytes in input.");
    if (c.err == DecodeError::kBadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (decode_all) return count;
  luaL_checkstack(L, 1, "in function mp_unpack_full");
  lua_pushinteger(L, c.left == 0 ? -1 : static_cast<lua_Integer>(len - c.left));
  lua_insert(L, 2);
  return count + 1;
}

int Unpack(lua_State* L) { return UnpackFull(L, 0, 0); }

int UnpackOne(lua_State* L) {
  lua_Integer offset = luaL_optinteger(L, 2, 0);
  lua_settop(L, 1);
  return UnpackFull(L, 1, offset);
}

int UnpackLimit(lua_State* L) {
  lua_Integer limit = luaL_checkinteger(L, 2);
  lua_Integer offset = luaL_optinteger(L, 3, 0);
  lua_settop(L, 1);
  return UnpackFull(L, limit, offset);
}

}  // namespace

int OpenCmsgpack(lua_State* L) {
  lua_newtable(L);
  const luaL_Reg functions[] = {
      {"pack", Pack}, {"unpack", Unpack}, {"unpack_one", UnpackOne}, {"unpack_limit", UnpackLimit}};
  for (const luaL_Reg& f : functions) {
    lua_pushcfunction(L, f.func);
    lua_setfield(L, -2, f.name);
  }
  const char* const fields[][2] = {{"_NAME", "cmsgpack"},
                                   {"_VERSION", "lua-cmsgpack 0.4.0"},
                                   {"_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo"},
                                   {"_DESCRIPTION", "MessagePack C implementation for Lua"}};
  for (const auto& field : fields) {
    lua_pushstring(L, field[1]);
    lua_setfield(L, -2, field[0]);
  }
  return 1;
}

}  // namespace redoubt::scripting::internal
