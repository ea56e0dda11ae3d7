#include "persistence/aof_format.h"

#include <charconv>
#include <cstring>

namespace redoubt::persistence {

namespace {

void AppendHeader(std::string* out, char prefix, size_t n) {
  char buf[24];
  buf[0] = prefix;
  auto r = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n);
  *r.ptr++ = '\r';
  *r.ptr++ = '\n';
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}

// Longest "*<n>\r\n" / "$<n>\r\n" header line a valid file can hold.
constexpr size_t kMaxHeaderLine = 24;

}  // namespace

void AppendCommand(std::string* out, std::span<const std::string_view> args) {
  AppendHeader(out, '*', args.size());
  for (std::string_view a : args) {
    AppendHeader(out, '$', a.size());
    out->append(a);
    out->append("\r\n");
  }
}

void AppendCommand(std::string* out, std::initializer_list<std::string_view> args) {
  AppendCommand(out, std::span<const std::string_view>(args.begin(), args.size()));
}

AofReader::Result AofReader::ReadHeader(char prefix, int64_t max, int64_t* value) {
  std::string_view rest = data_.substr(pos_);
  size_t eol = rest.substr(0, kMaxHeaderLine).find("\r\n");
  if (eol == std::string_view::npos) {
    if (rest.size() < kMaxHeaderLine && rest.find('\n') == std::string_view::npos) {
      // Could still be a valid header whose end was cut off.
      bool plausible = rest.empty() || rest[0] == prefix;
      for (size_t i = 1; plausible && i < rest.size(); ++i) {
        plausible = (rest[i] >= '0' && rest[i] <= '9') || (i == rest.size() - 1 && rest[i] == '\r');
      }
      if (plausible) return Result::kTruncated;
    }
    error_ = "bad header line";
    return Result::kCorrupt;
  }
  if (eol < 2 || rest[0] != prefix) {
    error_ = prefix == '*' ? "expected '*'" : "expected '$'";
    return Result::kCorrupt;
  }
  int64_t v = 0;
  auto r = std::from_chars(rest.data() + 1, rest.data() + eol, v);
  if (r.ec != std::errc() || r.ptr != rest.data() + eol || v < 0 || v > max) {
    error_ = "bad count or length";
    return Result::kCorrupt;
  }
  *value = v;
  pos_ += eol + 2;
  return Result::kCommand;
}

AofReader::Result AofReader::Next() {
  args_.clear();
  start_ = pos_;
  if (pos_ >= data_.size()) return Result::kEnd;
  size_t committed = pos_;
  int64_t argc = 0;
  Result r = ReadHeader('*', kMaxArgs, &argc);
  if (r != Result::kCommand) {
    pos_ = committed;
    return r;
  }
  if (argc < 1) {
    error_ = "empty command";
    pos_ = committed;
    return Result::kCorrupt;
  }
  for (int64_t i = 0; i < argc; ++i) {
    int64_t len = 0;
    if (pos_ >= data_.size()) {
      pos_ = committed;
      return Result::kTruncated;
    }
    r = ReadHeader('$', kMaxBulk, &len);
    if (r != Result::kCommand) {
      pos_ = committed;
      return r;
    }
    size_t need = static_cast<size_t>(len) + 2;
    if (data_.size() - pos_ < need) {
      // A partial "\r\n" or payload at the very end is a torn tail; a wrong terminator is not.
      std::string_view have = data_.substr(pos_);
      bool ok_so_far =
          have.size() <= static_cast<size_t>(len) || have[static_cast<size_t>(len)] == '\r';
      pos_ = committed;
      if (ok_so_far) return Result::kTruncated;
      error_ = "bulk not terminated by CRLF";
      return Result::kCorrupt;
    }
    if (data_[pos_ + len] != '\r' || data_[pos_ + len + 1] != '\n') {
      error_ = "bulk not terminated by CRLF";
      pos_ = committed;
      return Result::kCorrupt;
    }
    args_.push_back(data_.substr(pos_, static_cast<size_t>(len)));
    pos_ += need;
  }
  return Result::kCommand;
}

std::string AofManifest::Serialize() const {
  std::string out;
  auto line = [&out](const AofFileInfo& f) {
    out += "file ";
    out += f.name;
    out += " seq ";
    out += std::to_string(f.seq);
    out += " type ";
    out.push_back(f.type);
    out.push_back('\n');
  };
  if (has_base) line(base);
  for (const AofFileInfo& f : history) line(f);
  for (const AofFileInfo& f : incrs) line(f);
  return out;
}

util::StatusOr<AofManifest> ParseManifest(std::string_view text) {
  AofManifest m;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    // Tokens: key/value pairs after "file <name>" in any order, as Redis reads them.
    std::vector<std::string_view> tok;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && line[i] == ' ') ++i;
      size_t j = i;
      while (j < line.size() && line[j] != ' ') ++j;
      if (j > i) tok.push_back(line.substr(i, j - i));
      i = j;
    }
    AofFileInfo f;
    bool have_name = false, have_seq = false, have_type = false;
    for (size_t k = 0; k + 1 < tok.size(); k += 2) {
      if (tok[k] == "file") {
        f.name = std::string(tok[k + 1]);
        have_name = true;
      } else if (tok[k] == "seq") {
        auto r = std::from_chars(tok[k + 1].data(), tok[k + 1].data() + tok[k + 1].size(), f.seq);
        have_seq = r.ec == std::errc() && r.ptr == tok[k + 1].data() + tok[k + 1].size();
      } else if (tok[k] == "type") {
        have_type = tok[k + 1].size() == 1 &&
                    (tok[k + 1][0] == 'b' || tok[k + 1][0] == 'h' || tok[k + 1][0] == 'i');
        if (have_type) f.type = tok[k + 1][0];
      }
    }
    if (tok.size() % 2 != 0 || !have_name || !have_seq || !have_type) {
      return util::Status::Error("Invalid AOF manifest file format at line " +
                                 std::to_string(line_no));
    }
    if (f.name.find('/') != std::string::npos || f.name == "." || f.name == "..") {
      return util::Status::Error("AOF manifest names a file outside the AOF directory: " + f.name);
    }
    if (f.type == 'b') {
      if (m.has_base) return util::Status::Error("Found duplicate base file information");
      m.has_base = true;
      m.base = f;
      m.cur_base_seq = f.seq;
    } else if (f.type == 'h') {
      m.history.push_back(f);
    } else {
      if (f.seq <= m.cur_incr_seq && !m.incrs.empty()) {
        return util::Status::Error("Found a non-monotonic sequence number");
      }
      m.incrs.push_back(f);
      m.cur_incr_seq = f.seq;
    }
  }
  if (!m.has_base && m.incrs.empty()) {
    return util::Status::Error("Invalid AOF manifest file format: no base and no incr file");
  }
  return m;
}

std::string BaseFileName(std::string_view base_name, int64_t seq, bool rdb) {
  std::string s(base_name);
  s += '.';
  s += std::to_string(seq);
  s += rdb ? ".base.rdb" : ".base.aof";
  return s;
}

std::string IncrFileName(std::string_view base_name, int64_t seq) {
  std::string s(base_name);
  s += '.';
  s += std::to_string(seq);
  s += ".incr.aof";
  return s;
}

std::string ManifestFileName(std::string_view base_name) {
  std::string s(base_name);
  s += ".manifest";
  return s;
}

std::string TempManifestFileName(std::string_view base_name) {
  std::string s("temp-");
  s += base_name;
  s += ".manifest";
  return s;
}

}  // namespace redoubt::persistence
