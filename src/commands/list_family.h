// The list operations the blocking list commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP)
// share with LPOP, RPOP, LMOVE, RPOPLPUSH and LMPOP, so that both give the same replies and
// leave the keyspace in the same state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/server_state.h"
#include "store/db.h"
#include "store/list_object.h"

namespace redoubt::commands {

enum class ListEnd : uint8_t { kLeft, kRight };

// LEFT / RIGHT, case-insensitive.
bool ParseListEnd(std::string_view arg, ListEnd* out);

// The list at key (a write lookup: no hit/miss counting), or nullptr when there is none.
// *wrong_type is set when the key holds another type (and nullptr is returned).
store::ListObject* FindListForWrite(store::Db& db, std::string_view key, bool* wrong_type);

// Creates an empty list under key (which must be absent). The caller pushes into it at once
// and reports the change with db.Touched(key).
store::ListObject* CreateList(store::Db& db, std::string_view key, int fill);

// Pops one element from the end of the non-empty list at key; deletes the key when the list is
// left empty, otherwise reports the change (Db::Touched). No keyspace notification: see the
// CommandContext overloads below.
std::string ListPopOne(store::Db& db, std::string_view key, store::ListObject* list, ListEnd end);

// Pops min(count, length) elements from the non-empty list at key and replies them as LMPOP
// does: [key, [elements...]]. Deletes the key when emptied.
void ListPopReplyWithKey(store::Db& db, protocol::ReplyBuilder& reply, std::string_view key,
                         store::ListObject* list, ListEnd end, uint64_t count);

// LMOVE's operation on a non-empty source: pops from src's `from` end and pushes onto dst's
// `to` end, creating dst (with `fill`) when it is absent (dst == nullptr). dst must already be
// known to be a list or absent. src == dst (same key) rotates. Returns the element moved.
std::string ListMove(store::Db& db, std::string_view src_key, store::ListObject* src,
                     std::string_view dst_key, store::ListObject* dst, ListEnd from, ListEnd to,
                     int fill);

// The same three operations, also sending their keyspace notifications as Redis does
// ("lpop"/"rpop" on the source, "lpush"/"rpush" on a destination, "del" when a list empties),
// for the client and db of cx. Handlers should use these.
std::string ListPopOne(CommandContext& cx, std::string_view key, store::ListObject* list,
                       ListEnd end);
void ListPopReplyWithKey(CommandContext& cx, std::string_view key, store::ListObject* list,
                         ListEnd end, uint64_t count);
std::string ListMove(CommandContext& cx, std::string_view src_key, store::ListObject* src,
                     std::string_view dst_key, store::ListObject* dst, ListEnd from, ListEnd to);

// The arguments of LMPOP / BLMPOP from argv[numkeys_index] on: numkeys, keys, LEFT|RIGHT and
// an optional COUNT. Replies Redis's error and returns false on bad input.
struct MpopArgs {
  size_t first_key = 0;  // index of the first key in argv
  size_t numkeys = 0;
  ListEnd end = ListEnd::kLeft;
  uint64_t count = 1;
};
bool ParseMpopArgs(CommandContext& cx, size_t numkeys_index, MpopArgs* out);

}  // namespace redoubt::commands
