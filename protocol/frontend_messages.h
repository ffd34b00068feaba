// SPDX-License-Identifier: Apache-2.0
// Frontend (client → server) messages of PostgreSQL wire protocol v3: their decoded form, the parser
// that builds them from a frame's body with PostgreSQL's validation, and an encoder for clients and tests.
//
// The format is PostgreSQL 15's ("Message Formats" in the PostgreSQL manual); protocol/README.md lists
// what Tessera accepts. Parsing is pure: no I/O, no session state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tessera::protocol {

// Protocol version codes that may open a startup packet.
constexpr int32_t kProtocolVersion3 = 3 << 16;  // 3.0
constexpr int32_t kCancelRequestCode = (1234 << 16) | 5678;
constexpr int32_t kSslRequestCode = (1234 << 16) | 5679;
constexpr int32_t kGssEncRequestCode = (1234 << 16) | 5680;

// Length limits (the length word included), as PostgreSQL 15 enforces them.
constexpr uint32_t kMaxStartupPacketLength = 10000;
constexpr uint32_t kMaxAuthMessageLength = 65535;             // 'p' (PG_MAX_AUTH_TOKEN_LENGTH)
constexpr uint32_t kMaxSmallMessageLength = 10000;            // Sync, Flush, Describe, Close, ...
constexpr uint32_t kMaxLargeMessageLength = (1u << 30) - 2;  // Query, Parse, Bind, CopyData, ...

// ---- Startup phase (packets without a type byte) ----

struct StartupMessage {
  int32_t protocol_version = kProtocolVersion3;
  std::vector<std::pair<std::string, std::string>> parameters;  // in the order sent

  bool operator==(const StartupMessage&) const = default;
};
struct SslRequest {
  bool operator==(const SslRequest&) const = default;
};
struct GssEncRequest {
  bool operator==(const GssEncRequest&) const = default;
};
struct CancelRequest {
  int32_t process_id = 0;
  int32_t secret_key = 0;

  bool operator==(const CancelRequest&) const = default;
};

// ---- Normal phase (type byte + length) ----

struct QueryMessage {  // 'Q'
  std::string sql;

  bool operator==(const QueryMessage&) const = default;
};
struct ParseMessage {  // 'P'
  std::string statement_name;
  std::string sql;
  std::vector<uint32_t> parameter_type_oids;  // 0 = infer

  bool operator==(const ParseMessage&) const = default;
};
struct BindMessage {  // 'B'
  std::string portal_name;
  std::string statement_name;
  std::vector<int16_t> parameter_formats;            // 0, 1 or one per parameter
  std::vector<std::optional<std::string>> parameters;  // nullopt = NULL
  std::vector<int16_t> result_formats;               // 0, 1 or one per result column

  bool operator==(const BindMessage&) const = default;
};
struct DescribeMessage {  // 'D'
  char target = 'S';     // 'S' statement or 'P' portal (anything else is rejected by the session)
  std::string name;

  bool operator==(const DescribeMessage&) const = default;
};
struct ExecuteMessage {  // 'E'
  std::string portal_name;
  int32_t max_rows = 0;  // <= 0: all rows

  bool operator==(const ExecuteMessage&) const = default;
};
struct CloseMessage {  // 'C'
  char target = 'S';
  std::string name;

  bool operator==(const CloseMessage&) const = default;
};
struct SyncMessage {
  bool operator==(const SyncMessage&) const = default;
};       // 'S'
struct FlushMessage {
  bool operator==(const FlushMessage&) const = default;
};      // 'H'
struct TerminateMessage {
  bool operator==(const TerminateMessage&) const = default;
};  // 'X'
struct CopyDataMessage {     // 'd'
  std::string data;

  bool operator==(const CopyDataMessage&) const = default;
};
struct CopyDoneMessage {
  bool operator==(const CopyDoneMessage&) const = default;
};  // 'c'
struct CopyFailMessage {    // 'f'
  std::string message;

  bool operator==(const CopyFailMessage&) const = default;
};
// 'p': PasswordMessage, SASLInitialResponse or SASLResponse, which only the authentication state tells
// apart; kept opaque (see ParseSaslInitialResponse).
struct PasswordMessage {
  std::string body;

  bool operator==(const PasswordMessage&) const = default;
};
struct FunctionCallMessage {  // 'F': kept opaque; Tessera does not support the fast-path interface
  std::string body;

  bool operator==(const FunctionCallMessage&) const = default;
};

using FrontendMessage =
    std::variant<StartupMessage, SslRequest, GssEncRequest, CancelRequest, QueryMessage, ParseMessage,
                 BindMessage, DescribeMessage, ExecuteMessage, CloseMessage, SyncMessage, FlushMessage,
                 TerminateMessage, CopyDataMessage, CopyDoneMessage, CopyFailMessage, FunctionCallMessage,
                 PasswordMessage>;

// A message as cut from the byte stream: `type` is 0 for a startup-phase packet. `body` excludes the type
// byte and the length word.
struct Frame {
  char type = 0;
  std::string body;

  bool operator==(const Frame&) const = default;
};

// Returns the longest length word (inclusive) PostgreSQL accepts for a frontend message type, or 0 when the
// type is not a frontend message type at all.
uint32_t MaxFrontendMessageLength(char type);

// Parses a startup-phase packet body (after the length word). Throws SqlError: 08P01 for a malformed
// packet ("invalid startup packet layout: expected terminator as last byte", "invalid length of startup
// packet"). The protocol version of a StartupMessage is not checked here.
FrontendMessage ParseStartupPacket(std::string_view body);

// Parses a normal-phase message. Throws SqlError 08P01 for an unknown type ("invalid frontend message
// type N") and for malformed content ("invalid message format", "insufficient data left in message",
// "invalid string in message").
FrontendMessage ParseFrontendMessage(char type, std::string_view body);
FrontendMessage ParseFrame(const Frame& frame);

// The first 'p' message of a SASL exchange: the mechanism the client chose and its first message
// (nullopt when the client sent length -1, i.e. no data).
struct SaslInitialResponse {
  std::string mechanism;
  std::optional<std::string> data;

  bool operator==(const SaslInitialResponse&) const = default;
};
// Parses a PasswordMessage body as SASLInitialResponse. Throws SqlError 08P01 when malformed.
SaslInitialResponse ParseSaslInitialResponse(std::string_view body);
// Returns the PasswordMessage body of a SASLInitialResponse (for clients and tests).
std::string EncodeSaslInitialResponse(const SaslInitialResponse& response);

// Appends the wire form of `message` (startup packets without type byte). For clients and tests.
void EncodeFrontendMessage(const FrontendMessage& message, std::string* out);

}  // namespace tessera::protocol
