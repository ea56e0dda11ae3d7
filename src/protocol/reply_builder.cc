#include "protocol/reply_builder.h"

#include <charconv>
#include <cmath>

#include "util/numbers.h"

namespace redoubt::protocol {

void ReplyBuilder::Header(char type, int64_t n) {
  char buf[24];
  buf[0] = type;
  char* end = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out_->append(buf, end - buf);
}

void ReplyBuilder::SimpleString(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Error(std::string_view text) {
  ++errors;
  if (error_stats != nullptr) {
    std::string_view prefix = text.substr(0, text.find(' '));
    auto it = error_stats->find(prefix);
    if (it != error_stats->end()) {
      ++it->second;
    } else if (error_stats->size() < kMaxErrorTypes) {
      error_stats->emplace(std::string(prefix), 1);
    }
  }
  out_->push_back('-');
  // An error line cannot carry newlines; Redis replaces them with spaces.
  size_t start = out_->size();
  out_->append(text);
  for (size_t i = start; i < out_->size(); ++i) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  }
  out_->append("\r\n", 2);
}

void ReplyBuilder::Integer(int64_t v) { Header(':', v); }

void ReplyBuilder::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Null() {
  if (resp_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyBuilder::NullArray() {
  if (resp_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyBuilder::Array(int64_t n) { Header('*', n); }
void ReplyBuilder::Map(int64_t n) { resp_ >= 3 ? Header('%', n) : Header('*', 2 * n); }
void ReplyBuilder::Set(int64_t n) { Header(resp_ >= 3 ? '~' : '*', n); }
void ReplyBuilder::Push(int64_t n) { Header(resp_ >= 3 ? '>' : '*', n); }

void ReplyBuilder::Double(double v) {
  char buf[64];
  size_t n = util::FormatDouble(v, buf, sizeof(buf));
  if (resp_ >= 3) {
    out_->push_back(',');
    out_->append(buf, n);
    out_->append("\r\n", 2);
  } else {
    Bulk(std::string_view(buf, n));
  }
}

void ReplyBuilder::Bool(bool v) {
  if (resp_ >= 3) {
    out_->append(v ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(v ? ":1\r\n" : ":0\r\n", 4);
  }
}

void ReplyBuilder::Verbatim(std::string_view s) {
  if (resp_ < 3) return Bulk(s);
  Header('=', static_cast<int64_t>(s.size() + 4));
  out_->append("txt:", 4);
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyBuilder::BigNum(std::string_view digits) {
  if (resp_ < 3) return Bulk(digits);
  out_->push_back('(');
  out_->append(digits);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Attribute(int64_t n) {
  if (resp_ >= 3) Header('|', n);
}

}  // namespace redoubt::protocol
