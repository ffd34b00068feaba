// SPDX-License-Identifier: Apache-2.0
// Backend (server → client) messages of PostgreSQL wire protocol v3: their decoded form, an encoder that
// writes them exactly as PostgreSQL 15 does, and a parser for clients and tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/error.h"

namespace tessera::protocol {

struct AuthenticationOk {
  bool operator==(const AuthenticationOk&) const = default;
};  // 'R' with code 0
// 'R' with code 10: the server asks for SASL authentication with one of `mechanisms`.
struct AuthenticationSasl {
  std::vector<std::string> mechanisms;

  bool operator==(const AuthenticationSasl&) const = default;
};
// 'R' with code 11: a SASL challenge (for SCRAM, the server-first message).
struct AuthenticationSaslContinue {
  std::string data;

  bool operator==(const AuthenticationSaslContinue&) const = default;
};
// 'R' with code 12: the SASL outcome (for SCRAM, the server-final message with the server signature).
struct AuthenticationSaslFinal {
  std::string data;

  bool operator==(const AuthenticationSaslFinal&) const = default;
};
struct ParameterStatus {     // 'S'
  std::string name;
  std::string value;

  bool operator==(const ParameterStatus&) const = default;
};
struct BackendKeyData {  // 'K'
  int32_t process_id = 0;
  int32_t secret_key = 0;

  bool operator==(const BackendKeyData&) const = default;
};
struct ReadyForQuery {  // 'Z'
  char transaction_status = 'I';  // 'I' idle, 'T' in a block, 'E' in a failed block

  bool operator==(const ReadyForQuery&) const = default;
};
// One column of a RowDescription.
struct FieldDescription {
  std::string name;
  uint32_t table_oid = 0;
  int16_t column_number = 0;
  uint32_t type_oid = 0;
  int16_t type_length = 0;  // pg_type.typlen: -1 varlena, -2 C string
  int32_t type_modifier = -1;
  int16_t format = 0;  // 0 text, 1 binary

  bool operator==(const FieldDescription&) const = default;
};
struct RowDescription {  // 'T'
  std::vector<FieldDescription> fields;

  bool operator==(const RowDescription&) const = default;
};
struct DataRow {  // 'D'
  std::vector<std::optional<std::string>> values;  // nullopt = NULL

  bool operator==(const DataRow&) const = default;
};
struct CommandComplete {  // 'C'
  std::string tag;

  bool operator==(const CommandComplete&) const = default;
};
struct EmptyQueryResponse {
  bool operator==(const EmptyQueryResponse&) const = default;
};  // 'I'

// The fields of an ErrorResponse or NoticeResponse. `code` is the five-character SQLSTATE as sent, so
// workers' codes pass through unchanged.
struct ErrorFields {
  std::string severity = "ERROR";  // ERROR, FATAL, PANIC / WARNING, NOTICE, DEBUG, INFO, LOG
  std::string code = "XX000";
  std::string message;
  std::string detail;
  std::string hint;
  int position = 0;  // 1-based; 0 = not sent
  std::string context;

  static ErrorFields FromInfo(const ErrorInfo& info, std::string severity);

  bool operator==(const ErrorFields&) const = default;
};
struct ErrorResponse {  // 'E'
  ErrorFields fields;

  bool operator==(const ErrorResponse&) const = default;
};
struct NoticeResponse {  // 'N'
  ErrorFields fields;

  bool operator==(const NoticeResponse&) const = default;
};
struct ParseComplete {
  bool operator==(const ParseComplete&) const = default;
};         // '1'
struct BindComplete {
  bool operator==(const BindComplete&) const = default;
};          // '2'
struct CloseComplete {
  bool operator==(const CloseComplete&) const = default;
};         // '3'
struct NoData {
  bool operator==(const NoData&) const = default;
};                // 'n'
struct ParameterDescription {    // 't'
  std::vector<uint32_t> type_oids;

  bool operator==(const ParameterDescription&) const = default;
};
struct PortalSuspended {
  bool operator==(const PortalSuspended&) const = default;
};  // 's'
struct NegotiateProtocolVersion {  // 'v'
  int32_t newest_minor_version = 0;
  std::vector<std::string> unrecognized_options;

  bool operator==(const NegotiateProtocolVersion&) const = default;
};

// CopyInResponse 'G' / CopyOutResponse 'H': the COPY sub-protocol starts.
struct CopyResponse {
  bool copy_in = true;     // 'G' (client sends data) or 'H' (server sends data)
  int8_t format = 0;       // overall format: 0 text (text and CSV), 1 binary
  std::vector<int16_t> column_formats;

  bool operator==(const CopyResponse&) const = default;
};
struct CopyData {  // 'd' (the same message in both directions)
  std::string data;

  bool operator==(const CopyData&) const = default;
};
struct CopyDone {
  bool operator==(const CopyDone&) const = default;
};  // 'c'

using BackendMessage =
    std::variant<AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery, RowDescription, DataRow,
                 CommandComplete, EmptyQueryResponse, ErrorResponse, NoticeResponse, ParseComplete,
                 BindComplete, CloseComplete, NoData, ParameterDescription, PortalSuspended,
                 NegotiateProtocolVersion, CopyResponse, CopyData, CopyDone, AuthenticationSasl,
                 AuthenticationSaslContinue, AuthenticationSaslFinal>;

// Appends the wire form of `message` to `out`.
void EncodeBackendMessage(const BackendMessage& message, std::string* out);

// Parses one backend message body (type byte and length word removed). Throws SqlError 08P01 for
// malformed content or a type this parser does not know.
BackendMessage ParseBackendMessage(char type, std::string_view body);

// Splits `bytes` into backend messages; returns how many bytes were consumed (whole messages only).
size_t ParseBackendMessages(std::string_view bytes, std::vector<BackendMessage>* messages);

}  // namespace tessera::protocol
