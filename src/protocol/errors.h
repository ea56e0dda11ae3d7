// Every error text a Redis client can see, in one place, byte for byte as Redis 7.0 sends it
// (without the leading '-' and the trailing CRLF, which the reply writer adds).
#pragma once

#include <string_view>

namespace redoubt::errors {

inline constexpr std::string_view kSyntax = "ERR syntax error";
// Scripting.
inline constexpr std::string_view kBusyScript =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kNoScript = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view kNotBusy = "NOTBUSY No scripts in execution right now.";
inline constexpr std::string_view kUnkillable =
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
    "either wait the script termination or kill the server in a hard way using the SHUTDOWN "
    "NOSAVE command.";
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kIncrNanInf = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kOutOfRange = "ERR index out of range";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kInvalidExpire = "ERR invalid expire time in '%s' command";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthNoPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are "
    "you sure your configuration is correct?";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kBitOffset = "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kTimeoutOutOfRange = "ERR timeout is out of range";
inline constexpr std::string_view kNegativeTimeout = "ERR timeout is negative";
inline constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";
inline constexpr std::string_view kNumkeysPositive = "ERR numkeys should be greater than 0";

// Protocol errors: sent as "-ERR Protocol error: <reason>" and the connection is then closed.
inline constexpr std::string_view kProtoTooBigInline = "too big inline request";
inline constexpr std::string_view kProtoUnbalancedQuotes = "unbalanced quotes in request";
inline constexpr std::string_view kProtoTooBigMbulkCount = "too big mbulk count string";
inline constexpr std::string_view kProtoInvalidMbulkLen = "invalid multibulk length";
inline constexpr std::string_view kProtoUnauthMbulkLen = "unauthenticated multibulk length";
inline constexpr std::string_view kProtoTooBigBulkCount = "too big bulk count string";
inline constexpr std::string_view kProtoInvalidBulkLen = "invalid bulk length";
inline constexpr std::string_view kProtoUnauthBulkLen = "unauthenticated bulk length";

}  // namespace redoubt::errors
