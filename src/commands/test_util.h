// In-process command test harness: a fresh ServerState with default config and one client;
// commands run through the real admission pipeline (commands::Dispatch) and tests check the
// raw RESP bytes or a decoded reply. Header-only, because only test binaries may link GoogleTest.
#pragma once

#include <gtest/gtest.h>
#include <time.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "runtime/command_table.h"
#include "runtime/dispatch.h"
#include "runtime/server_state.h"
#include "util/numbers.h"

namespace redoubt::commands::testing {

// A decoded RESP2/RESP3 reply.
struct Resp {
  char type = 0;            // the RESP type byte: '+', '-', ':', '$', '*', '_', '%', '~', ...
  bool null = false;        // "$-1", "*-1" or RESP3 "_"
  std::string str;          // simple string, error, bulk string, or the integer's text
  int64_t integer = 0;      // ':' replies
  std::vector<Resp> elems;  // aggregates (a map's pairs flattened)
};

// Decodes one reply from `in` starting at *pos, advancing *pos. Returns false (and leaves *pos
// unspecified) on malformed or truncated input.
inline bool DecodeResp(std::string_view in, size_t* pos, Resp* out) {
  if (*pos >= in.size()) return false;
  size_t eol = in.find("\r\n", *pos);
  if (eol == std::string_view::npos) return false;
  out->type = in[*pos];
  std::string_view line = in.substr(*pos + 1, eol - *pos - 1);
  *pos = eol + 2;
  auto parse_len = [&](int64_t* n) { return util::ParseInt64(line, n); };
  switch (out->type) {
    case '+':
    case '-':
    case ',':
    case '(':
    case '#':
      out->str = std::string(line);
      return true;
    case ':':
      out->str = std::string(line);
      return util::ParseInt64(line, &out->integer);
    case '_':
      out->null = true;
      return true;
    case '$':
    case '=':
    case '!': {
      int64_t n;
      if (!parse_len(&n)) return false;
      if (n < 0) {
        out->null = true;
        return true;
      }
      if (in.size() - *pos < static_cast<uint64_t>(n) + 2) return false;
      out->str = std::string(in.substr(*pos, n));
      *pos += n + 2;
      return true;
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      int64_t n;
      if (!parse_len(&n)) return false;
      if (n < 0) {
        out->null = true;
        return true;
      }
      if (out->type == '%') n *= 2;
      out->elems.resize(n);
      for (Resp& e : out->elems) {
        if (!DecodeResp(in, pos, &e)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

class CommandTester {
 public:
  CommandTester() {
    state_.config = &config_;
    state_.cfg = &config_.mutable_values();
    state_.InitDatabases(state_.cfg->databases);
    state_.command_stats.resize(CommandTable::Get().by_id().size());
    state_.latency.ResizeCommands(CommandTable::Get().by_id().size());
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    SetTime(ts.tv_sec * 1000LL + ts.tv_nsec / 1000000);
    client_.id = state_.sessions.next_client_id++;
    client_.addr = "127.0.0.1:40000";
    client_.laddr = "127.0.0.1:6379";
    client_.ctime_ms = client_.last_interaction_ms = state_.clock.now_ms;
    state_.sessions.clients[client_.id] = &client_;
  }
  ~CommandTester() { DetachClient(state_, client_); }
  CommandTester(const CommandTester&) = delete;
  CommandTester& operator=(const CommandTester&) = delete;

  // Runs one command; returns its raw reply bytes.
  std::string Run(std::initializer_list<std::string_view> args) {
    return Run(std::vector<std::string>(args.begin(), args.end()));
  }
  std::string Run(const std::vector<std::string>& args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    client_.reply_buf.clear();
    client_.reply_pos = 0;
    Dispatch(state_, client_, views);
    std::string out = std::move(client_.reply_buf);
    client_.reply_buf.clear();
    return out;
  }

  // Runs a command and decodes its reply (a test failure if it is not exactly one reply).
  Resp RunResp(std::initializer_list<std::string_view> args) { return Decode(Run(args)); }
  Resp RunResp(const std::vector<std::string>& args) { return Decode(Run(args)); }

  // The integer reply; a test failure (and INT64_MIN) for anything else.
  int64_t RunInt(std::initializer_list<std::string_view> args) {
    Resp r = RunResp(args);
    EXPECT_EQ(r.type, ':') << "reply: " << r.str;
    return r.type == ':' ? r.integer : INT64_MIN;
  }
  // The bulk string reply, or "(nil)" for a null reply; a test failure for anything else.
  std::string RunBulk(std::initializer_list<std::string_view> args) {
    Resp r = RunResp(args);
    if (r.null) return "(nil)";
    EXPECT_EQ(r.type, '$') << "reply: " << r.str;
    return r.str;
  }
  // The error text (without '-'); a test failure (and "") when the reply is not an error.
  std::string RunError(std::initializer_list<std::string_view> args) {
    Resp r = RunResp(args);
    EXPECT_EQ(r.type, '-') << "reply: " << r.str;
    return r.type == '-' ? r.str : "";
  }
  // The strings of a flat array reply (bulk or simple strings; nulls read "(nil)").
  std::vector<std::string> RunArray(std::initializer_list<std::string_view> args) {
    return Strings(RunResp(args));
  }

  static std::vector<std::string> Strings(const Resp& r) {
    EXPECT_TRUE(r.type == '*' || r.type == '~' || r.type == '%') << "reply: " << r.str;
    std::vector<std::string> out;
    for (const Resp& e : r.elems) out.push_back(e.null ? "(nil)" : e.str);
    return out;
  }

  // The store's clock: fixed between commands, as a command sees one "now".
  void SetTime(int64_t unix_ms) {
    state_.clock.now_ms = unix_ms;
    state_.clock.lru_clock = static_cast<uint32_t>(unix_ms / 1000) & ((1u << 24) - 1);
  }
  void AdvanceTime(int64_t ms) { SetTime(state_.clock.now_ms + ms); }
  int64_t now_ms() const { return state_.clock.now_ms; }

  ServerState& state() { return state_; }
  Client& client() { return client_; }
  config::Config& config() { return config_; }
  config::ServerConfig& cfg() { return config_.mutable_values(); }
  store::Db& db() { return state_.db(client_.db_index); }

 private:
  static Resp Decode(const std::string& raw) {
    Resp r;
    size_t pos = 0;
    bool ok = DecodeResp(raw, &pos, &r);
    EXPECT_TRUE(ok && pos == raw.size()) << "not exactly one RESP reply: " << raw;
    return r;
  }

  config::Config config_;
  ServerState state_;
  Client client_;
};

}  // namespace redoubt::commands::testing
