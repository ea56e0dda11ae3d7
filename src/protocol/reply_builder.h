// Reply writer: appends RESP2 or RESP3 replies to an output buffer. Aggregates whose RESP3 type
// has no RESP2 equivalent (map, set, double, null, boolean) are downgraded as Redis does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace redoubt::protocol {

class ReplyBuilder {
 public:
  ReplyBuilder() = default;
  ReplyBuilder(std::string* out, int resp) : out_(out), resp_(resp) {}

  void Reset(std::string* out, int resp) {
    out_ = out;
    resp_ = resp;
  }
  int resp() const { return resp_; }
  void set_resp(int resp) { resp_ = resp; }
  std::string* buffer() { return out_; }

  void Ok() { out_->append("+OK\r\n", 5); }
  void SimpleString(std::string_view s);
  // `text` is the whole error line without '-', e.g. "ERR syntax error".
  void Error(std::string_view text);
  void Integer(int64_t v);
  void Bulk(std::string_view s);
  void Null();       // RESP2 "$-1", RESP3 "_"
  void NullArray();  // RESP2 "*-1", RESP3 "_"
  void Array(int64_t n);
  void Map(int64_t n);   // n pairs; RESP2: an array of 2n elements
  void Set(int64_t n);   // RESP2: an array
  void Push(int64_t n);  // RESP2: an array
  void Double(double v);
  void Bool(bool v);  // RESP2: integer 1/0
  // A bulk string in RESP2, a verbatim string ("txt") in RESP3.
  void Verbatim(std::string_view s);
  // RESP3 big number ("(digits"); a bulk string in RESP2.
  void BigNum(std::string_view digits);
  // RESP3 attribute header of n pairs (a reply follows it); nothing in RESP2, as Redis.
  void Attribute(int64_t n);
  void EmptyArray() { out_->append("*0\r\n", 4); }
  void BulkOrNull(const std::string_view* s) { s ? Bulk(*s) : Null(); }

 private:
  void Header(char type, int64_t n);

  std::string* out_ = nullptr;
  int resp_ = 2;

 public:
  uint64_t errors = 0;  // error replies written (INFO's total_error_replies)
  // When set, every error reply is counted by its prefix ("ERR", "WRONGTYPE"...), for INFO
  // errorstats; at most kMaxErrorTypes distinct prefixes, as Redis.
  std::map<std::string, uint64_t, std::less<>>* error_stats = nullptr;
  static constexpr size_t kMaxErrorTypes = 128;
};

}  // namespace redoubt::protocol
