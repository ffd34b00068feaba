// SPDX-License-Identifier: Apache-2.0
// Encoding and parsing of backend messages.
#include "protocol/backend_messages.h"

#include <charconv>

#include <fmt/format.h>

#include "base/wire_bytes.h"

namespace tessera::protocol {

ErrorFields ErrorFields::FromInfo(const ErrorInfo& info, std::string severity) {
  ErrorFields fields;
  fields.severity = std::move(severity);
  fields.code = std::string(SqlStateCode(info.state));
  fields.message = info.message;
  fields.detail = info.detail;
  fields.hint = info.hint;
  fields.position = info.position;
  fields.context = info.context;
  return fields;
}

namespace {

// Authentication request codes of the 'R' message.
constexpr int32_t kAuthenticationOk = 0;
constexpr int32_t kAuthenticationSasl = 10;
constexpr int32_t kAuthenticationSaslContinue = 11;
constexpr int32_t kAuthenticationSaslFinal = 12;

void WriteErrorFields(const ErrorFields& fields, ByteWriter& writer) {
  // Field order as PostgreSQL's send_message_to_frontend: S V C M D H P W, then the terminator.
  auto field = [&](char tag, std::string_view value) {
    writer.WriteByte(static_cast<uint8_t>(tag));
    writer.WriteCString(value);
  };
  field('S', fields.severity);
  field('V', fields.severity);
  field('C', fields.code);
  field('M', fields.message);
  if (!fields.detail.empty()) field('D', fields.detail);
  if (!fields.hint.empty()) field('H', fields.hint);
  if (fields.position > 0) field('P', std::to_string(fields.position));
  if (!fields.context.empty()) field('W', fields.context);
  writer.WriteByte(0);
}

struct BackendEncoder {
  ByteWriter writer;

  void operator()(const AuthenticationOk&) {
    writer.BeginMessage('R');
    writer.WriteInt32(kAuthenticationOk);
    writer.EndMessage();
  }
  void operator()(const AuthenticationSasl& message) {
    writer.BeginMessage('R');
    writer.WriteInt32(kAuthenticationSasl);
    for (const std::string& mechanism : message.mechanisms) writer.WriteCString(mechanism);
    writer.WriteByte(0);
    writer.EndMessage();
  }
  void operator()(const AuthenticationSaslContinue& message) { SaslData(kAuthenticationSaslContinue, message.data); }
  void operator()(const AuthenticationSaslFinal& message) { SaslData(kAuthenticationSaslFinal, message.data); }
  void operator()(const ParameterStatus& message) {
    writer.BeginMessage('S');
    writer.WriteCString(message.name);
    writer.WriteCString(message.value);
    writer.EndMessage();
  }
  void operator()(const BackendKeyData& message) {
    writer.BeginMessage('K');
    writer.WriteInt32(message.process_id);
    writer.WriteInt32(message.secret_key);
    writer.EndMessage();
  }
  void operator()(const ReadyForQuery& message) {
    writer.BeginMessage('Z');
    writer.WriteByte(static_cast<uint8_t>(message.transaction_status));
    writer.EndMessage();
  }
  void operator()(const RowDescription& message) {
    writer.BeginMessage('T');
    writer.WriteInt16(static_cast<int16_t>(message.fields.size()));
    for (const FieldDescription& field : message.fields) {
      writer.WriteCString(field.name);
      writer.WriteUint32(field.table_oid);
      writer.WriteInt16(field.column_number);
      writer.WriteUint32(field.type_oid);
      writer.WriteInt16(field.type_length);
      writer.WriteInt32(field.type_modifier);
      writer.WriteInt16(field.format);
    }
    writer.EndMessage();
  }
  void operator()(const DataRow& message) {
    writer.BeginMessage('D');
    writer.WriteInt16(static_cast<int16_t>(message.values.size()));
    for (const auto& value : message.values) {
      writer.WriteInt32(value ? static_cast<int32_t>(value->size()) : -1);
      if (value) writer.WriteBytes(*value);
    }
    writer.EndMessage();
  }
  void operator()(const CommandComplete& message) {
    writer.BeginMessage('C');
    writer.WriteCString(message.tag);
    writer.EndMessage();
  }
  void operator()(const EmptyQueryResponse&) { Empty('I'); }
  void operator()(const ErrorResponse& message) {
    writer.BeginMessage('E');
    WriteErrorFields(message.fields, writer);
    writer.EndMessage();
  }
  void operator()(const NoticeResponse& message) {
    writer.BeginMessage('N');
    WriteErrorFields(message.fields, writer);
    writer.EndMessage();
  }
  void operator()(const ParseComplete&) { Empty('1'); }
  void operator()(const BindComplete&) { Empty('2'); }
  void operator()(const CloseComplete&) { Empty('3'); }
  void operator()(const NoData&) { Empty('n'); }
  void operator()(const ParameterDescription& message) {
    writer.BeginMessage('t');
    writer.WriteInt16(static_cast<int16_t>(message.type_oids.size()));
    for (uint32_t oid : message.type_oids) writer.WriteUint32(oid);
    writer.EndMessage();
  }
  void operator()(const PortalSuspended&) { Empty('s'); }
  void operator()(const NegotiateProtocolVersion& message) {
    writer.BeginMessage('v');
    writer.WriteInt32(message.newest_minor_version);
    writer.WriteInt32(static_cast<int32_t>(message.unrecognized_options.size()));
    for (const std::string& option : message.unrecognized_options) writer.WriteCString(option);
    writer.EndMessage();
  }
  void operator()(const CopyResponse& message) {
    writer.BeginMessage(message.copy_in ? 'G' : 'H');
    writer.WriteByte(static_cast<uint8_t>(message.format));
    writer.WriteInt16(static_cast<int16_t>(message.column_formats.size()));
    for (int16_t format : message.column_formats) writer.WriteInt16(format);
    writer.EndMessage();
  }
  void operator()(const CopyData& message) {
    writer.BeginMessage('d');
    writer.WriteBytes(message.data);
    writer.EndMessage();
  }
  void operator()(const CopyDone&) { Empty('c'); }

  void Empty(char type) {
    writer.BeginMessage(type);
    writer.EndMessage();
  }
  void SaslData(int32_t code, std::string_view data) {
    writer.BeginMessage('R');
    writer.WriteInt32(code);
    writer.WriteBytes(data);
    writer.EndMessage();
  }
};

ErrorFields ReadErrorFields(ByteReader& reader) {
  ErrorFields fields;
  fields.severity.clear();
  fields.code.clear();
  for (;;) {
    char tag = static_cast<char>(reader.ReadByte());
    if (tag == '\0') break;
    std::string_view value = reader.ReadCString();
    switch (tag) {
      case 'S': if (fields.severity.empty()) fields.severity = value; break;
      case 'V': fields.severity = value; break;
      case 'C': fields.code = value; break;
      case 'M': fields.message = value; break;
      case 'D': fields.detail = value; break;
      case 'H': fields.hint = value; break;
      case 'P': std::from_chars(value.data(), value.data() + value.size(), fields.position); break;
      case 'W': fields.context = value; break;
      default: break;  // fields Tessera does not keep (F, L, R, schema/table/column names)
    }
  }
  return fields;
}

BackendMessage ParseAuthentication(ByteReader& reader) {
  int32_t code = reader.ReadInt32();
  switch (code) {
    case kAuthenticationOk:
      return AuthenticationOk{};
    case kAuthenticationSasl: {
      AuthenticationSasl sasl;
      for (std::string_view name = reader.ReadCString(); !name.empty(); name = reader.ReadCString()) {
        sasl.mechanisms.emplace_back(name);
      }
      return sasl;
    }
    case kAuthenticationSaslContinue:
      return AuthenticationSaslContinue{std::string(reader.ReadRest())};
    case kAuthenticationSaslFinal:
      return AuthenticationSaslFinal{std::string(reader.ReadRest())};
    default:
      throw SqlError(SqlState::kProtocolViolation, fmt::format("unsupported authentication request {}", code));
  }
}

BackendMessage ParseBody(char type, ByteReader& reader) {
  switch (type) {
    case 'R':
      return ParseAuthentication(reader);
    case 'S': {
      ParameterStatus status;
      status.name = reader.ReadCString();
      status.value = reader.ReadCString();
      return status;
    }
    case 'K': {
      BackendKeyData key;
      key.process_id = reader.ReadInt32();
      key.secret_key = reader.ReadInt32();
      return key;
    }
    case 'Z':
      return ReadyForQuery{static_cast<char>(reader.ReadByte())};
    case 'T': {
      RowDescription description;
      uint16_t count = reader.ReadUint16();
      for (uint16_t index = 0; index < count; ++index) {
        FieldDescription field;
        field.name = reader.ReadCString();
        field.table_oid = reader.ReadUint32();
        field.column_number = reader.ReadInt16();
        field.type_oid = reader.ReadUint32();
        field.type_length = reader.ReadInt16();
        field.type_modifier = reader.ReadInt32();
        field.format = reader.ReadInt16();
        description.fields.push_back(std::move(field));
      }
      return description;
    }
    case 'D': {
      DataRow row;
      uint16_t count = reader.ReadUint16();
      for (uint16_t index = 0; index < count; ++index) {
        int32_t length = reader.ReadInt32();
        if (length < 0) {
          row.values.emplace_back(std::nullopt);
        } else {
          row.values.emplace_back(std::string(reader.ReadBytes(static_cast<size_t>(length))));
        }
      }
      return row;
    }
    case 'C':
      return CommandComplete{std::string(reader.ReadCString())};
    case 'I': return EmptyQueryResponse{};
    case 'E': return ErrorResponse{ReadErrorFields(reader)};
    case 'N': return NoticeResponse{ReadErrorFields(reader)};
    case '1': return ParseComplete{};
    case '2': return BindComplete{};
    case '3': return CloseComplete{};
    case 'n': return NoData{};
    case 's': return PortalSuspended{};
    case 't': {
      ParameterDescription description;
      uint16_t count = reader.ReadUint16();
      for (uint16_t index = 0; index < count; ++index) description.type_oids.push_back(reader.ReadUint32());
      return description;
    }
    case 'v': {
      NegotiateProtocolVersion negotiate;
      negotiate.newest_minor_version = reader.ReadInt32();
      int32_t count = reader.ReadInt32();
      for (int32_t index = 0; index < count; ++index) {
        negotiate.unrecognized_options.emplace_back(reader.ReadCString());
      }
      return negotiate;
    }
    case 'G':
    case 'H': {
      CopyResponse response;
      response.copy_in = type == 'G';
      response.format = static_cast<int8_t>(reader.ReadByte());
      uint16_t count = reader.ReadUint16();
      for (uint16_t index = 0; index < count; ++index) response.column_formats.push_back(reader.ReadInt16());
      return response;
    }
    case 'd': return CopyData{std::string(reader.ReadBytes(reader.remaining()))};
    case 'c': return CopyDone{};
    default:
      throw SqlError(SqlState::kProtocolViolation,
                     fmt::format("unexpected backend message type {}", static_cast<int>(type)));
  }
}

}  // namespace

void EncodeBackendMessage(const BackendMessage& message, std::string* out) {
  std::visit(BackendEncoder{ByteWriter(out)}, message);
}

BackendMessage ParseBackendMessage(char type, std::string_view body) {
  ByteReader reader(body);
  BackendMessage message = ParseBody(type, reader);
  reader.ExpectEnd();
  return message;
}

size_t ParseBackendMessages(std::string_view bytes, std::vector<BackendMessage>* messages) {
  size_t offset = 0;
  while (bytes.size() - offset >= 5) {
    uint32_t length = LoadBigEndian32(bytes.data() + offset + 1);
    if (length < 4) throw SqlError(SqlState::kProtocolViolation, "invalid message length");
    if (bytes.size() - offset - 1 < length) break;
    messages->push_back(ParseBackendMessage(bytes[offset], bytes.substr(offset + 5, length - 4)));
    offset += 1 + length;
  }
  return offset;
}

}  // namespace tessera::protocol
