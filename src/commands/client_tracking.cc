#include "commands/client_tracking.h"

#include <string>
#include <vector>

#include "protocol/errors.h"
#include "runtime/tracking.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

using util::EqualsIgnoreCase;

struct TrackingOptions {
  bool on = false;
  uint64_t redirect = 0;
  uint32_t flags = 0;  // tracking_flag bits
  std::vector<std::string_view> prefixes;
};

// The options after ON|OFF, in Redis's order of checks; false after replying the error.
bool ParseTrackingOptions(CommandContext& cx, TrackingOptions* o) {
  for (size_t j = 3; j < cx.argc(); ++j) {
    std::string_view opt = cx.args[j];
    bool more = j + 1 < cx.argc();
    if (EqualsIgnoreCase(opt, "redirect") && more) {
      ++j;
      if (o->redirect != 0) {
        cx.reply.Error("ERR A client can only redirect to a single other client");
        return false;
      }
      int64_t id;
      if (!util::ParseInt64(cx.args[j], &id)) {
        cx.reply.Error(errors::kNotInteger);
        return false;
      }
      // The target must exist now; if it goes away later, the redirect is reported broken.
      if (cx.server.sessions.clients.find(static_cast<uint64_t>(id)) ==
          cx.server.sessions.clients.end()) {
        cx.reply.Error("ERR The client ID you want redirect to does not exist");
        return false;
      }
      o->redirect = static_cast<uint64_t>(id);
    } else if (EqualsIgnoreCase(opt, "bcast")) {
      o->flags |= tracking_flag::kBcast;
    } else if (EqualsIgnoreCase(opt, "optin")) {
      o->flags |= tracking_flag::kOptin;
    } else if (EqualsIgnoreCase(opt, "optout")) {
      o->flags |= tracking_flag::kOptout;
    } else if (EqualsIgnoreCase(opt, "noloop")) {
      o->flags |= tracking_flag::kNoloop;
    } else if (EqualsIgnoreCase(opt, "prefix") && more) {
      o->prefixes.push_back(cx.args[++j]);
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// Whether ON with these options fits the client's current tracking mode; Redis's texts.
bool CheckTrackingOn(CommandContext& cx, const TrackingOptions& o) {
  const uint32_t mine = cx.client.tracking.flags;
  const bool bcast = o.flags & tracking_flag::kBcast;
  const char* err = nullptr;
  if (!bcast && !o.prefixes.empty()) {
    err = "ERR PREFIX option requires BCAST mode to be enabled";
  } else if ((mine & tracking_flag::kOn) && bool(mine & tracking_flag::kBcast) != bcast) {
    err =
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and "
        "then re-enabling it with a different mode.";
  } else if (bcast && (o.flags & (tracking_flag::kOptin | tracking_flag::kOptout))) {
    err = "ERR OPTIN and OPTOUT are not compatible with BCAST";
  } else if ((o.flags & tracking_flag::kOptin) && (o.flags & tracking_flag::kOptout)) {
    err = "ERR You can't specify both OPTIN mode and OPTOUT mode";
  } else if (((o.flags & tracking_flag::kOptin) && (mine & tracking_flag::kOptout)) ||
             ((o.flags & tracking_flag::kOptout) && (mine & tracking_flag::kOptin))) {
    err =
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and "
        "then re-enabling it with a different mode.";
  }
  if (err != nullptr) {
    cx.reply.Error(err);
    return false;
  }
  std::string overlap;
  if (bcast && !TrackingCheckPrefixes(cx.client, o.prefixes, &overlap)) {
    cx.reply.Error(overlap);
    return false;
  }
  return true;
}

}  // namespace

// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]
void ClientTrackingCommand(CommandContext& cx) {
  TrackingOptions o;
  if (!ParseTrackingOptions(cx, &o)) return;
  if (EqualsIgnoreCase(cx.args[2], "on")) {
    if (!CheckTrackingOn(cx, o)) return;
    TrackingEnable(cx.server, cx.client, o.redirect, o.flags, o.prefixes);
  } else if (EqualsIgnoreCase(cx.args[2], "off")) {
    TrackingDisable(cx.server, cx.client);
  } else {
    return cx.reply.Error(errors::kSyntax);
  }
  cx.reply.Ok();
}

// CLIENT CACHING YES|NO: whether the next command's reads are tracked (OPTIN / OPTOUT).
void ClientCachingCommand(CommandContext& cx) {
  uint32_t& f = cx.client.tracking.flags;
  if (!(f & tracking_flag::kOn)) {
    return cx.reply.Error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
        "OPTOUT mode enabled");
  }
  std::string_view opt = cx.args[2];
  if (EqualsIgnoreCase(opt, "yes")) {
    if (!(f & tracking_flag::kOptin)) {
      return cx.reply.Error(
          "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
    }
  } else if (EqualsIgnoreCase(opt, "no")) {
    if (!(f & tracking_flag::kOptout)) {
      return cx.reply.Error(
          "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
    }
  } else {
    return cx.reply.Error(errors::kSyntax);
  }
  f |= tracking_flag::kCaching;
  cx.reply.Ok();
}

void ClientGetRedirCommand(CommandContext& cx) {
  const ClientTracking& t = cx.client.tracking;
  cx.reply.Integer((t.flags & tracking_flag::kOn) ? static_cast<int64_t>(t.redirect) : -1);
}

void ClientTrackingInfoCommand(CommandContext& cx) {
  const ClientTracking& t = cx.client.tracking;
  std::vector<std::string_view> flags;
  flags.push_back((t.flags & tracking_flag::kOn) ? "on" : "off");
  if (t.flags & tracking_flag::kBcast) flags.push_back("bcast");
  if (t.flags & tracking_flag::kOptin) {
    flags.push_back("optin");
    if (t.flags & tracking_flag::kCaching) flags.push_back("caching-yes");
  }
  if (t.flags & tracking_flag::kOptout) {
    flags.push_back("optout");
    if (t.flags & tracking_flag::kCaching) flags.push_back("caching-no");
  }
  if (t.flags & tracking_flag::kNoloop) flags.push_back("noloop");
  if (t.flags & tracking_flag::kBrokenRedirect) flags.push_back("broken_redirect");
  cx.reply.Map(3);
  cx.reply.Bulk("flags");
  cx.reply.Set(static_cast<int64_t>(flags.size()));
  for (std::string_view f : flags) cx.reply.Bulk(f);
  cx.reply.Bulk("redirect");
  cx.reply.Integer((t.flags & tracking_flag::kOn) ? static_cast<int64_t>(t.redirect) : -1);
  cx.reply.Bulk("prefixes");
  cx.reply.Array(static_cast<int64_t>(t.prefixes.size()));
  for (const std::string& p : t.prefixes) cx.reply.Bulk(p);
}

}  // namespace redoubt::commands
