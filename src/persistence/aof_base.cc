#include "persistence/aof_base.h"

#include <unistd.h>

#include <cerrno>
#include <functional>
#include <string>
#include <vector>

#include "persistence/aof_format.h"
#include "persistence/rdb_stream.h"
#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/numbers.h"

namespace redoubt::persistence {

namespace {

// As Redis's AOF_REWRITE_ITEMS_PER_CMD: big collections become several commands.
constexpr size_t kItemsPerCommand = 64;
constexpr size_t kFlushAt = 64 * 1024;

class BaseWriter {
 public:
  explicit BaseWriter(int fd) : fd_(fd) {}

  bool Emit(const std::vector<std::string>& args) {
    views_.assign(args.begin(), args.end());
    AppendCommand(&out_, views_);
    return out_.size() < kFlushAt || Flush();
  }
  bool Flush() {
    bool ok = WriteAll(fd_, out_.data(), out_.size());
    out_.clear();
    return ok;
  }

  // Collects items of one collection and emits `cmd key items...` every kItemsPerCommand.
  bool Collection(const char* cmd, std::string_view key, size_t per_item,
                  const std::function<void(const std::function<bool(std::string_view)>&)>& each) {
    std::vector<std::string> args;
    size_t items = 0;
    bool ok = true;
    auto start = [&] {
      args.clear();
      args.emplace_back(cmd);
      args.emplace_back(key);
      items = 0;
    };
    start();
    each([&](std::string_view part) {
      args.emplace_back(part);
      if ((args.size() - 2) % per_item == 0 && ++items == kItemsPerCommand) {
        ok = ok && Emit(args);
        start();
      }
      return ok;
    });
    if (args.size() > 2) ok = ok && Emit(args);
    return ok;
  }

 private:
  int fd_;
  std::string out_;
  std::vector<std::string_view> views_;
};

bool WriteEntry(BaseWriter& w, store::Entry* e) {
  std::string key(e->key());
  bool ok = true;
  switch (e->type) {
    case store::ValueType::kString: {
      char scratch[24];
      ok = w.Emit({"SET", key, std::string(e->string_value(scratch))});
      break;
    }
    case store::ValueType::kList: {
      auto* l = static_cast<store::ListObject*>(e->object());
      ok = w.Collection("RPUSH", key, 1, [l](const auto& add) {
        if (l->empty()) return;
        char scratch[store::listpack::kScratchSize];
        for (auto c = l->Front(); c.valid(); c.Next()) {
          if (!add(c.value(scratch))) return;
        }
      });
      break;
    }
    case store::ValueType::kSet: {
      auto* s = static_cast<store::SetObject*>(e->object());
      ok = w.Collection("SADD", key, 1, [s](const auto& add) {
        s->ForEach([&add](std::string_view m) { add(m); });
      });
      break;
    }
    case store::ValueType::kZSet: {
      auto* z = static_cast<store::ZSetObject*>(e->object());
      ok = w.Collection("ZADD", key, 2, [z](const auto& add) {
        z->ForEach([&add](std::string_view m, double score) {
          char buf[64];
          size_t n = util::FormatDouble(score, buf, sizeof(buf));
          add(std::string_view(buf, n));
          return add(m);
        });
      });
      break;
    }
    case store::ValueType::kStream:
      ok = StreamRewriteCommands(
          key, *static_cast<const store::StreamObject*>(e->object()),
          [&w](const std::vector<std::string>& args) { return w.Emit(args); });
      break;
    case store::ValueType::kHash: {
      auto* h = static_cast<store::HashObject*>(e->object());
      ok = w.Collection("HSET", key, 2, [h](const auto& add) {
        h->ForEach([&add](std::string_view f, std::string_view v) {
          add(f);
          add(v);
        });
      });
      break;
    }
  }
  if (ok && e->has_expire()) ok = w.Emit({"PEXPIREAT", key, std::to_string(e->expire_ms())});
  return ok;
}

}  // namespace

bool WriteAll(int fd, const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = ::write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

bool WriteCommandBase(std::span<store::Db* const> dbs, int fd, int64_t now_ms,
                      std::span<const std::string> function_codes) {
  BaseWriter w(fd);
  for (const std::string& code : function_codes) {
    if (!w.Emit({"FUNCTION", "LOAD", code})) return false;
  }
  for (size_t i = 0; i < dbs.size(); ++i) {
    store::Db& db = *dbs[i];
    if (db.size() == 0) continue;
    if (!w.Emit({"SELECT", std::to_string(i)})) return false;
    bool ok = true;
    db.table().ForEach([&](store::Entry* e) {
      if (!ok || (e->has_expire() && e->expire_ms() <= now_ms)) return;
      ok = WriteEntry(w, e);
    });
    if (!ok) return false;
  }
  return w.Flush();
}

}  // namespace redoubt::persistence
