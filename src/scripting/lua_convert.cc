// Conversions between RESP replies and Lua values, both ways, as Redis 7.0 does them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "scripting/lua_internal.h"

namespace redoubt::scripting::internal {

namespace {

// Reads one RESP line starting after the type byte; returns the position after CRLF.
const char* Line(const char* p, const char* end, std::string_view* out) {
  const char* s = p;
  while (p + 1 < end && !(p[0] == '\r' && p[1] == '\n')) ++p;
  if (p + 1 >= end) return nullptr;
  *out = std::string_view(s, p - s);
  return p + 2;
}

bool ToInt(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  char buf[24];
  s.copy(buf, s.size());
  buf[s.size()] = 0;
  char* e = nullptr;
  *out = std::strtoll(buf, &e, 10);
  return e == buf + s.size();
}

void SetField(lua_State* L, const char* name) {
  // value on top, table below it
  lua_pushstring(L, name);
  lua_insert(L, -2);
  lua_rawset(L, -3);
}

const char* PushValue(lua_State* L, const char* p, const char* end, int depth);

// An aggregate of n elements (pairs when `pairs`) as a Lua table; set elements become keys
// with value true.
const char* PushAggregate(lua_State* L, const char* p, const char* end, int64_t n, char type,
                          int depth) {
  if (n < 0 || n > (end - p)) return nullptr;  // each element takes at least one byte
  lua_createtable(L, type == '*' || type == '>' ? static_cast<int>(n) : 0, 0);
  for (int64_t i = 0; i < n && p != nullptr; ++i) {
    p = PushValue(L, p, end, depth + 1);
    if (p == nullptr) break;
    if (type == '%') {
      p = PushValue(L, p, end, depth + 1);
      if (p == nullptr) {
        lua_pop(L, 1);
        break;
      }
      lua_rawset(L, -3);
    } else if (type == '~') {
      lua_pushboolean(L, 1);
      lua_rawset(L, -3);
    } else {
      lua_rawseti(L, -2, static_cast<int>(i + 1));
    }
  }
  if (p == nullptr) {
    lua_pop(L, 1);
    return nullptr;
  }
  if (type == '%' || type == '~') {
    lua_newtable(L);
    lua_insert(L, -2);
    SetField(L, type == '%' ? "map" : "set");
  }
  return p;
}

const char* PushValue(lua_State* L, const char* p, const char* end, int depth) {
  if (p >= end || depth > kMaxConversionDepth) return nullptr;
  luaL_checkstack(L, 4, "reply nested too deeply");
  char type = *p++;
  std::string_view line;
  p = Line(p, end, &line);
  if (p == nullptr) return nullptr;
  int64_t n = 0;
  switch (type) {
    case '+':
    case '-':
    case '(':
      lua_newtable(L);
      lua_pushlstring(L, line.data(), line.size());
      SetField(L, type == '+' ? "ok" : (type == '-' ? "err" : "big_number"));
      return p;
    case ':':
      if (!ToInt(line, &n)) return nullptr;
      lua_pushnumber(L, static_cast<lua_Number>(n));
      return p;
    case ',': {
      char buf[64];
      size_t len = std::min(line.size(), sizeof(buf) - 1);
      line.copy(buf, len);
      buf[len] = 0;
      lua_newtable(L);
      lua_pushnumber(L, std::strtod(buf, nullptr));
      SetField(L, "double");
      return p;
    }
    case '#':
      lua_pushboolean(L, line == "t");
      return p;
    case '_':
      lua_pushnil(L);
      return p;
    case '$':
    case '=':
      if (!ToInt(line, &n)) return nullptr;
      if (n < 0) {
        lua_pushboolean(L, 0);
        return p;
      }
      if (n > end - p - 2) return nullptr;
      if (type == '$' || n < 4) {
        lua_pushlstring(L, p, static_cast<size_t>(n));
      } else {
        lua_newtable(L);
        lua_newtable(L);
        lua_pushlstring(L, p, 3);
        SetField(L, "format");
        lua_pushlstring(L, p + 4, static_cast<size_t>(n - 4));
        SetField(L, "string");
        SetField(L, "verbatim_string");
      }
      return p + n + 2;
    case '*':
    case '>':
    case '%':
    case '~':
      if (!ToInt(line, &n)) return nullptr;
      if (n < 0) {
        lua_pushboolean(L, 0);
        return p;
      }
      return PushAggregate(L, p, end, n, type, depth);
    case '|':
      // Attributes are dropped, as Redis does; the value follows.
      if (!ToInt(line, &n)) return nullptr;
      p = PushAggregate(L, p, end, n, '%', depth);
      if (p == nullptr) return nullptr;
      lua_pop(L, 1);
      return PushValue(L, p, end, depth);
    default:
      return nullptr;
  }
}

std::string_view ToView(lua_State* L, int idx) {
  size_t len = 0;
  const char* s = lua_tolstring(L, idx, &len);
  return s ? std::string_view(s, len) : std::string_view();
}

// A field of the table at idx (raw), pushed; returns its type.
int RawField(lua_State* L, int idx, const char* name) {
  lua_pushstring(L, name);
  lua_rawget(L, idx);
  return lua_type(L, -1);
}

void WriteRawString(protocol::ReplyBuilder& reply, char type, std::string_view s) {
  std::string* out = reply.buffer();
  out->push_back(type);
  out->append(s);
  out->append("\r\n");
}

std::string NoNewlines(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

// Counts the pairs of the table at idx (raw).
int64_t CountPairs(lua_State* L, int idx) {
  int64_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {
    lua_pop(L, 1);
    ++n;
  }
  return n;
}

void WriteMapOrSet(lua_State* L, int idx, protocol::ReplyBuilder& reply, int resp, int depth,
                   bool map) {
  int64_t n = CountPairs(L, idx);
  map ? reply.Map(n) : reply.Set(n);
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {
    lua_pushvalue(L, -2);  // a copy: converting the key in place would confuse lua_next
    WriteLuaValue(L, lua_gettop(L), reply, resp, depth + 1);
    lua_pop(L, 1);
    if (map) WriteLuaValue(L, lua_gettop(L), reply, resp, depth + 1);
    lua_pop(L, 1);
  }
}

bool WriteSpecialTable(lua_State* L, int idx, protocol::ReplyBuilder& reply, int resp, int depth) {
  int top = lua_gettop(L);
  bool done = true;
  if (RawField(L, idx, "err") == LUA_TSTRING) {
    std::string_view e = ToView(L, -1);
    reply.Error(e.empty() ? std::string_view("ERR") : e);
  } else if (lua_pop(L, 1), RawField(L, idx, "ok") == LUA_TSTRING) {
    reply.SimpleString(NoNewlines(ToView(L, -1)));
  } else if (lua_pop(L, 1), RawField(L, idx, "double") == LUA_TNUMBER) {
    reply.Double(lua_tonumber(L, -1));
  } else if (lua_pop(L, 1), RawField(L, idx, "big_number") == LUA_TSTRING) {
    std::string s = NoNewlines(ToView(L, -1));
    reply.resp() == 3 ? WriteRawString(reply, '(', s) : reply.Bulk(s);
  } else if (lua_pop(L, 1), RawField(L, idx, "map") == LUA_TTABLE) {
    WriteMapOrSet(L, lua_gettop(L), reply, resp, depth, true);
  } else if (lua_pop(L, 1), RawField(L, idx, "set") == LUA_TTABLE) {
    WriteMapOrSet(L, lua_gettop(L), reply, resp, depth, false);
  } else if (lua_pop(L, 1), RawField(L, idx, "verbatim_string") == LUA_TTABLE) {
    int v = lua_gettop(L);
    RawField(L, v, "format");
    RawField(L, v, "string");
    std::string_view fmt = ToView(L, -2), s = ToView(L, -1);
    if (reply.resp() == 3 && fmt.size() == 3) {
      std::string body(fmt);
      body += ':';
      body.append(s);
      std::string* out = reply.buffer();
      out->push_back('=');
      out->append(std::to_string(body.size()));
      out->append("\r\n");
      out->append(body);
      out->append("\r\n");
    } else {
      reply.Bulk(s);
    }
  } else {
    done = false;
  }
  lua_settop(L, top);
  return done;
}

}  // namespace

bool PushResp(lua_State* L, std::string_view resp) {
  const char* end = resp.data() + resp.size();
  const char* p = PushValue(L, resp.data(), end, 0);
  return p != nullptr;
}

void WriteLuaValue(lua_State* L, int idx, protocol::ReplyBuilder& reply, int resp, int depth) {
  if (depth > kMaxConversionDepth || !lua_checkstack(L, 8)) {
    reply.Error("ERR reached lua stack limit");
    return;
  }
  if (idx < 0) idx = lua_gettop(L) + idx + 1;
  switch (lua_type(L, idx)) {
    case LUA_TSTRING:
      reply.Bulk(ToView(L, idx));
      return;
    case LUA_TBOOLEAN:
      if (resp == 2) {
        lua_toboolean(L, idx) ? reply.Integer(1) : reply.Null();
      } else {
        reply.Bool(lua_toboolean(L, idx));
      }
      return;
    case LUA_TNUMBER: {
      double d = lua_tonumber(L, idx);
      // Redis's (long long) cast is undefined out of range; on x86-64 it yields INT64_MIN
      // for NaN and every out-of-range value, and Redis's replies show that.
      int64_t v = d >= -9223372036854775808.0 && d < 9223372036854775808.0 ? static_cast<int64_t>(d)
                                                                           : INT64_MIN;
      reply.Integer(v);
      return;
    }
    case LUA_TTABLE: {
      if (WriteSpecialTable(L, idx, reply, resp, depth)) return;
      int64_t n = 0;
      while (true) {
        lua_rawgeti(L, idx, static_cast<int>(n + 1));
        bool nil = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (nil) break;
        ++n;
      }
      reply.Array(n);
      for (int64_t i = 1; i <= n; ++i) {
        lua_rawgeti(L, idx, static_cast<int>(i));
        WriteLuaValue(L, lua_gettop(L), reply, resp, depth + 1);
        lua_pop(L, 1);
      }
      return;
    }
    default:
      reply.Null();
  }
}

void PushErrorTable(lua_State* L, std::string_view error) {
  // Static storage: a memory error raised below unwinds with longjmp, past any destructor.
  thread_local std::string msg;
  msg.clear();
  if (!error.empty() && error[0] == '-') {
    error.remove_prefix(1);
    if (error.find(' ') == std::string_view::npos) msg = "ERR ";
  } else {
    msg = "ERR ";
  }
  msg.append(error);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
  for (char& c : msg) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  lua_newtable(L);
  lua_pushlstring(L, msg.data(), msg.size());
  SetField(L, "err");
}

}  // namespace redoubt::scripting::internal
