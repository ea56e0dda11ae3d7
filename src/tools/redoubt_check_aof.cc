// redoubt-check-aof [--fix] <file.manifest|file.aof>: checks an append-only file (Redis 7.0's
// multi-part layout through its manifest, or a single file) as redis-check-aof does; --fix
// truncates a torn tail of the last file. Exit status 0 when valid (or fixed), 1 otherwise.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "persistence/aof_format.h"
#include "persistence/rdb_loader.h"
#include "store/db.h"
#include "util/string_util.h"

namespace {

using redoubt::persistence::AofReader;

enum class Verdict { kValid, kTruncated, kCorrupt };

bool ReadFile(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[64 * 1024];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) out->append(buf, static_cast<size_t>(n));
  ::close(fd);
  return n == 0;
}

// Checks the command part of a file; *ok_up_to is the length of its valid prefix (whole
// commands, whole MULTI/EXEC blocks).
Verdict CheckCommands(const std::string& path, std::string_view data, size_t* ok_up_to) {
  AofReader reader(data);
  bool in_tx = false;
  size_t tx_start = 0;
  for (;;) {
    AofReader::Result r = reader.Next();
    if (r == AofReader::Result::kCommand) {
      std::string_view name = reader.args()[0];
      if (redoubt::util::EqualsIgnoreCase(name, "multi")) {
        if (in_tx) {
          std::printf("Unexpected MULTI in %s at offset %zu\n", path.c_str(), reader.offset());
          *ok_up_to = tx_start;
          return Verdict::kCorrupt;
        }
        in_tx = true;
        tx_start = reader.offset();
      } else if (redoubt::util::EqualsIgnoreCase(name, "exec")) {
        if (!in_tx) {
          std::printf("Unexpected EXEC in %s at offset %zu\n", path.c_str(), reader.offset());
          *ok_up_to = reader.offset();
          return Verdict::kCorrupt;
        }
        in_tx = false;
      }
      continue;
    }
    if (r == AofReader::Result::kEnd && !in_tx) {
      *ok_up_to = data.size();
      return Verdict::kValid;
    }
    if (r == AofReader::Result::kCorrupt) {
      std::printf("Bad file format in %s at offset %zu: %s\n", path.c_str(), reader.offset(),
                  reader.error().c_str());
      *ok_up_to = in_tx ? tx_start : reader.offset();
      return Verdict::kCorrupt;
    }
    *ok_up_to = in_tx ? tx_start : reader.offset();
    return Verdict::kTruncated;
  }
}

// Validates an RDB image at the start of data (an RDB base or preamble) by loading it into
// scratch databases; its length, or false after printing why it is invalid.
bool CheckRdbPart(const std::string& path, const std::string& data, size_t* len) {
  redoubt::persistence::ScratchDbs scratch(16);
  redoubt::persistence::RdbLoadOptions opts;
  opts.skip_expired = false;
  redoubt::persistence::RdbLoadStats st;
  redoubt::util::Status s = redoubt::persistence::LoadRdb(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()),
      scratch.dbs, opts, &st);
  if (!s.ok()) {
    std::printf("RDB preamble of %s is not valid: %s\n", path.c_str(), s.message().c_str());
    return false;
  }
  std::printf("RDB preamble of %s is OK (%llu keys)\n", path.c_str(),
              static_cast<unsigned long long>(st.keys_loaded));
  *len = static_cast<size_t>(st.bytes);
  return true;
}

Verdict CheckFile(const std::string& path, const std::string& full, size_t* ok_up_to) {
  size_t rdb_len = 0;
  if (redoubt::persistence::LooksLikeRdb(full) && !CheckRdbPart(path, full, &rdb_len)) {
    *ok_up_to = 0;
    return Verdict::kCorrupt;
  }
  Verdict v = CheckCommands(path, std::string_view(full).substr(rdb_len), ok_up_to);
  *ok_up_to += rdb_len;
  return v;
}
int Usage(const char* argv0) {
  std::fprintf(stderr, "Usage: %s [--fix] <file.manifest|file.aof>\n", argv0);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  bool fix = false;
  std::string target;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--fix") {
      fix = true;
    } else if (target.empty() && !a.empty() && a[0] != '-') {
      target = a;
    } else {
      return Usage(argv[0]);
    }
  }
  if (target.empty()) return Usage(argv[0]);
  std::string content;
  if (!ReadFile(target, &content)) {
    std::printf("Cannot open file %s: %s, aborting...\n", target.c_str(), std::strerror(errno));
    return 1;
  }
  std::vector<std::string> files;
  std::string dir;
  bool is_manifest = target.size() > 9 && target.ends_with(".manifest");
  if (is_manifest) {
    auto m = redoubt::persistence::ParseManifest(content);
    if (!m.ok()) {
      std::printf("%s\n", m.status().message().c_str());
      return 1;
    }
    size_t slash = target.rfind('/');
    dir = slash == std::string::npos ? "" : target.substr(0, slash + 1);
    std::printf("Start checking Multi Part AOF\n");
    if (m->has_base) files.push_back(dir + m->base.name);
    for (const auto& f : m->incrs) files.push_back(dir + f.name);
  } else {
    std::printf("Start checking Old-Style AOF\n");
    files.push_back(target);
  }
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& path = files[i];
    std::string data;
    if (is_manifest && !ReadFile(path, &data)) {
      std::printf("Cannot open file %s: %s, aborting...\n", path.c_str(), std::strerror(errno));
      return 1;
    }
    if (!is_manifest) data = content;
    size_t ok_up_to = 0;
    Verdict v = CheckFile(path, data, &ok_up_to);
    std::printf("AOF analyzed: filename=%s, size=%zu, ok_up_to=%zu, diff=%zu\n", path.c_str(),
                data.size(), ok_up_to, data.size() - ok_up_to);
    if (v == Verdict::kValid) {
      std::printf("AOF %s is valid\n", path.c_str());
      continue;
    }
    bool last = i + 1 == files.size();
    if (v == Verdict::kCorrupt || !last) {
      std::printf("AOF %s format error\n", path.c_str());
      std::printf(
          "AOF %s is not valid: corruption before its end cannot be fixed by truncation; "
          "restore it from a backup.\n",
          path.c_str());
      return 1;
    }
    if (!fix) {
      std::printf("AOF %s is not valid. Use the --fix option to try fixing it.\n", path.c_str());
      return 1;
    }
    std::printf("This will shrink the AOF %s from %zu bytes, with %zu bytes, to %zu bytes\n",
                path.c_str(), data.size(), data.size() - ok_up_to, ok_up_to);
    if (truncate(path.c_str(), static_cast<off_t>(ok_up_to)) != 0) {
      std::printf("Failed to truncate AOF %s: %s\n", path.c_str(), std::strerror(errno));
      return 1;
    }
    std::printf("Successfully truncated AOF %s\n", path.c_str());
  }
  if (is_manifest) std::printf("All AOF files and manifest are valid\n");
  return 0;
}
