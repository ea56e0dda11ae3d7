// SORT and SORT_RO: sort a list, set or sorted set numerically or lexicographically, by its own
// elements or by keys/hash fields named after them (BY), fetch related values (GET), page
// (LIMIT) and store the result as a list (STORE). BY and GET patterns read keys no key spec
// names, so, as Redis 7.0, they need a user with access to every key.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "runtime/server_state.h"
#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

using store::Entry;
using store::ValueType;

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  bool dontsort = false;  // BY a pattern without '*': keep the value's own order
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  std::optional<std::string_view> by;
  std::optional<std::string_view> store;
  std::vector<std::string_view> gets;
};

struct SortItem {
  explicit SortItem(std::string v) : value(std::move(v)) {}
  std::string value;
  double score = 0;
  std::optional<std::string> cmp;  // ALPHA with BY: the weight, absent when missing
};

// Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess: some selector that allows the command
// reaches every key.
bool FullKeyAccess(const CommandContext& cx) {
  const security::AclUser* user = cx.client.acl_user;
  if (user == nullptr) return true;
  for (const security::AclSelector& s : user->selectors()) {
    if (s.CommandAllowed(cx.cmd.id) && s.allkeys()) return true;
  }
  return false;
}

// Parses the options after the key; false after replying the error.
bool ParseSortOptions(CommandContext& cx, bool readonly, SortOptions* o) {
  const bool full_access = FullKeyAccess(cx);
  for (size_t j = 2; j < cx.argc(); ++j) {
    std::string_view a = cx.args[j];
    size_t left = cx.argc() - j - 1;
    if (util::EqualsIgnoreCase(a, "asc")) {
      o->desc = false;
    } else if (util::EqualsIgnoreCase(a, "desc")) {
      o->desc = true;
    } else if (util::EqualsIgnoreCase(a, "alpha")) {
      o->alpha = true;
    } else if (util::EqualsIgnoreCase(a, "limit") && left >= 2) {
      if (!util::ParseInt64(cx.args[j + 1], &o->limit_start) ||
          !util::ParseInt64(cx.args[j + 2], &o->limit_count)) {
        cx.reply.Error(errors::kNotInteger);
        return false;
      }
      j += 2;
    } else if (!readonly && util::EqualsIgnoreCase(a, "store") && left >= 1) {
      o->store = cx.args[++j];
    } else if (util::EqualsIgnoreCase(a, "by") && left >= 1) {
      o->by = cx.args[++j];
      if (o->by->find('*') == std::string_view::npos) {
        o->dontsort = true;
      } else if (!full_access) {
        cx.reply.Error("ERR BY option of SORT denied due to insufficient ACL permissions.");
        return false;
      }
    } else if (util::EqualsIgnoreCase(a, "get") && left >= 1) {
      if (!full_access) {
        cx.reply.Error("ERR GET option of SORT denied due to insufficient ACL permissions.");
        return false;
      }
      o->gets.push_back(cx.args[++j]);
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// Redis's lookupKeyByPattern: "#" is the element itself; the first '*' is replaced by the
// element; "key*->field" reads a hash field. A pattern without '*' names nothing.
std::optional<std::string> LookupByPattern(CommandContext& cx, std::string_view pattern,
                                           std::string_view subst) {
  if (pattern == "#") return std::string(subst);
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  std::string_view field;
  std::string_view rest = pattern.substr(star + 1);
  size_t arrow = rest.find("->");
  if (arrow != std::string_view::npos && arrow + 2 < rest.size()) {
    field = rest.substr(arrow + 2);
    rest = rest.substr(0, arrow);
  }
  std::string key(pattern.substr(0, star));
  key.append(subst).append(rest);
  Entry* e = cx.db().LookupRead(key);
  if (e == nullptr) return std::nullopt;
  if (!field.empty()) {
    if (e->type != ValueType::kHash) return std::nullopt;
    std::string_view v;
    if (!static_cast<store::HashObject*>(e->object())->Get(field, &v)) return std::nullopt;
    return std::string(v);
  }
  if (e->type != ValueType::kString) return std::nullopt;
  char scratch[24];
  return std::string(e->string_value(scratch));
}

// The elements to sort, or, when nothing is sorted, the [start, end] range already in order.
// Returns the elements; *start/*end are adjusted to the vector.
std::vector<SortItem> LoadItems(const Entry* e, const SortOptions& o, int64_t* start,
                                int64_t* end) {
  std::vector<SortItem> items;
  if (e == nullptr) return items;
  const bool ranged = o.dontsort && e->type != ValueType::kSet;
  if (e->type == ValueType::kList) {
    auto* list = static_cast<store::ListObject*>(e->object());
    int64_t n = static_cast<int64_t>(list->size());
    int64_t from = ranged ? *start : 0;
    int64_t count = ranged ? *end - *start + 1 : n;
    if (count <= 0) return items;
    items.reserve(count);
    char scratch[store::listpack::kScratchSize];
    auto c = list->At(ranged && o.desc ? n - from - 1 : from);
    for (int64_t i = 0; i < count && c.valid(); ++i) {
      items.emplace_back(std::string(c.value(scratch)));
      if (ranged && o.desc) {
        c.Prev();
      } else {
        c.Next();
      }
    }
  } else if (e->type == ValueType::kSet) {
    auto* set = static_cast<store::SetObject*>(e->object());
    items.reserve(set->size());
    set->ForEach([&](std::string_view m) { items.emplace_back(std::string(m)); });
  } else {
    auto* zset = static_cast<store::ZSetObject*>(e->object());
    int64_t n = static_cast<int64_t>(zset->size());
    int64_t from = ranged ? *start : 0;
    int64_t count = ranged ? *end - *start + 1 : n;
    if (count <= 0) return items;
    items.reserve(count);
    size_t first = static_cast<size_t>(ranged && o.desc ? n - 1 - from : from);
    zset->Iterate(first, ranged && o.desc, [&](std::string_view m, double) {
      items.emplace_back(std::string(m));
      return static_cast<int64_t>(items.size()) < count;
    });
  }
  if (ranged) {
    *end -= *start;
    *start = 0;
  }
  return items;
}

// Parses a weight as Redis's strtod check: the whole string, no overflow, not NaN.
bool ParseWeight(const std::string& s, double* out) {
  errno = 0;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

// Loads the weights and sorts; false when a weight is not a number.
bool SortItems(CommandContext& cx, const SortOptions& o, std::vector<SortItem>& items) {
  bool ok = true;
  for (SortItem& it : items) {
    std::optional<std::string> w;
    if (o.by) {
      w = LookupByPattern(cx, *o.by, it.value);
      if (!w) continue;
    }
    if (o.alpha) {
      if (o.by) it.cmp = std::move(w);
    } else if (!ParseWeight(o.by ? *w : it.value, &it.score)) {
      ok = false;
    }
  }
  if (!ok) return false;
  const bool by = o.by.has_value();
  auto compare = [&](const SortItem& a, const SortItem& b) {
    int cmp;
    if (!o.alpha) {
      cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : a.value.compare(b.value);
    } else if (by) {
      if (!a.cmp || !b.cmp) {
        cmp = a.cmp.has_value() == b.cmp.has_value() ? 0 : a.cmp ? 1 : -1;
      } else {
        cmp = a.cmp->compare(*b.cmp);
      }
    } else {
      cmp = a.value.compare(b.value);
    }
    return (o.desc ? -cmp : cmp) < 0;
  };
  std::stable_sort(items.begin(), items.end(), compare);
  return true;
}

void ReplyOrStore(CommandContext& cx, const SortOptions& o, const std::vector<SortItem>& items,
                  int64_t start, int64_t end) {
  const int64_t n = end - start + 1;
  const int64_t outputlen = o.gets.empty() ? n : static_cast<int64_t>(o.gets.size()) * n;
  if (!o.store) {
    cx.reply.Array(outputlen);
    for (int64_t j = start; j <= end; ++j) {
      if (o.gets.empty()) cx.reply.Bulk(items[j].value);
      for (std::string_view pattern : o.gets) {
        std::optional<std::string> v = LookupByPattern(cx, pattern, items[j].value);
        v ? cx.reply.Bulk(*v) : cx.reply.Null();
      }
    }
    return;
  }
  std::string_view dst = *o.store;
  if (outputlen == 0) {
    if (cx.db().Delete(dst)) Notify(cx, config::notify::kGeneric, "del", dst);
    return cx.reply.Integer(0);
  }
  auto* list = new store::ListObject(cx.server.cfg->list_max_listpack_size);
  for (int64_t j = start; j <= end; ++j) {
    if (o.gets.empty()) list->PushBack(items[j].value);
    for (std::string_view pattern : o.gets) {
      std::optional<std::string> v = LookupByPattern(cx, pattern, items[j].value);
      list->PushBack(v ? *v : std::string());
    }
  }
  cx.db().Overwrite(store::NewObjectEntry(dst, ValueType::kList, list, false));
  Notify(cx, config::notify::kList, "sortstore", dst);
  cx.reply.Integer(outputlen);
}

void SortGeneric(CommandContext& cx, bool readonly) {
  SortOptions o;
  if (!ParseSortOptions(cx, readonly, &o)) return;
  Entry* e = cx.db().LookupRead(cx.args[1]);
  if (e != nullptr && e->type != ValueType::kSet && e->type != ValueType::kList &&
      e->type != ValueType::kZSet) {
    return cx.reply.Error(errors::kWrongType);
  }
  // A set has no order of its own: stored results must not depend on its layout.
  if (o.dontsort && e != nullptr && e->type == ValueType::kSet && o.store) {
    o.dontsort = false;
    o.alpha = true;
    o.by.reset();
  }
  int64_t len = 0;
  if (e != nullptr) {
    if (e->type == ValueType::kList) {
      len = static_cast<int64_t>(static_cast<store::ListObject*>(e->object())->size());
    } else if (e->type == ValueType::kSet) {
      len = static_cast<int64_t>(static_cast<store::SetObject*>(e->object())->size());
    } else {
      len = static_cast<int64_t>(static_cast<store::ZSetObject*>(e->object())->size());
    }
  }
  // LIMIT as Redis clamps it, so that no client value overflows.
  int64_t start = std::min(std::max<int64_t>(o.limit_start, 0), len);
  int64_t count = std::min(std::max<int64_t>(o.limit_count, -1), len);
  int64_t end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  std::vector<SortItem> items = LoadItems(e, o, &start, &end);
  if (!o.dontsort && !SortItems(cx, o, items)) {
    return cx.reply.Error("ERR One or more scores can't be converted into double");
  }
  ReplyOrStore(cx, o, items, start, end);
}

void Sort(CommandContext& cx) { SortGeneric(cx, false); }
void SortRo(CommandContext& cx) { SortGeneric(cx, true); }

// Redis's sortGetKeys: the sorted key, and the last STORE destination.
void SortGetKeys(std::span<const std::string_view> args, std::vector<KeyRef>* out) {
  out->push_back({1, keyflag::kRO | keyflag::kAccess});
  int store = -1;
  for (size_t i = 2; i < args.size(); ++i) {
    std::string_view a = args[i];
    size_t skip = util::EqualsIgnoreCase(a, "limit")                                    ? 2
                  : util::EqualsIgnoreCase(a, "get") || util::EqualsIgnoreCase(a, "by") ? 1
                                                                                        : 0;
    if (util::EqualsIgnoreCase(a, "store") && i + 1 < args.size()) {
      store = static_cast<int>(i + 1);
      skip = 1;
    }
    i += skip;
  }
  if (store > 0) out->push_back({store, keyflag::kOW | keyflag::kUpdate});
}

}  // namespace

void RegisterSortFamily(CommandTable& t) {
  const char* g = "generic";
  const uint32_t ro_access = keyflag::kRO | keyflag::kAccess;
  KeySpec sorted{.flags = ro_access, .index = 1};
  KeySpec patterns{.flags = ro_access, .unknown = true};
  KeySpec store{.flags = keyflag::kOW | keyflag::kUpdate, .unknown = true};
  t.Register({
      {.name = "sort",
       .arity = -2,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = cat::kSet | cat::kSortedSet | cat::kList | cat::kDangerous,
       .keys = {sorted, patterns, store},
       .handler = Sort,
       .group = g,
       .summary = "Sort the elements in a list, set or sorted set",
       .since = "1.0.0",
       .getkeys = SortGetKeys},
      {.name = "sort_ro",
       .arity = -2,
       .flags = flag::kReadonly,
       .categories = cat::kSet | cat::kSortedSet | cat::kList | cat::kDangerous,
       .keys = {sorted, patterns},
       .handler = SortRo,
       .group = g,
       .summary = "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
       .since = "7.0.0"},
  });
}

}  // namespace redoubt::commands
