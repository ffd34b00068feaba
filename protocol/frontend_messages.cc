// SPDX-License-Identifier: Apache-2.0
// Parsing and encoding of frontend messages, with the checks PostgreSQL 15's backend applies.
#include "protocol/frontend_messages.h"

#include <fmt/format.h>

#include "base/error.h"
#include "base/wire_bytes.h"

namespace tessera::protocol {

namespace {

[[noreturn]] void ThrowProtocolViolation(std::string message) {
  throw SqlError(SqlState::kProtocolViolation, std::move(message));
}

StartupMessage ParseStartupParameters(int32_t version, std::string_view body) {
  // After the version word come name/value pairs of C strings and one final NUL, which must be the
  // packet's last byte. A name without a value ends the list and is then reported as a bad layout.
  StartupMessage message;
  message.protocol_version = version;
  size_t offset = 4;
  while (offset < body.size()) {
    size_t name_end = body.find('\0', offset);
    if (name_end == offset || name_end == std::string_view::npos) break;
    size_t value_start = name_end + 1;
    size_t value_end = value_start < body.size() ? body.find('\0', value_start) : std::string_view::npos;
    if (value_end == std::string_view::npos) break;
    message.parameters.emplace_back(std::string(body.substr(offset, name_end - offset)),
                                    std::string(body.substr(value_start, value_end - value_start)));
    offset = value_end + 1;
  }
  if (body.empty() || offset != body.size() - 1 || body.back() != '\0') {
    ThrowProtocolViolation("invalid startup packet layout: expected terminator as last byte");
  }
  return message;
}

std::vector<int16_t> ReadFormatCodes(ByteReader& reader) {
  uint16_t count = reader.ReadUint16();
  std::vector<int16_t> formats;
  formats.reserve(std::min<size_t>(count, reader.remaining() / 2));
  for (uint16_t index = 0; index < count; ++index) formats.push_back(reader.ReadInt16());
  return formats;
}

BindMessage ParseBind(ByteReader& reader) {
  BindMessage bind;
  bind.portal_name = reader.ReadCString();
  bind.statement_name = reader.ReadCString();
  bind.parameter_formats = ReadFormatCodes(reader);
  uint16_t parameter_count = reader.ReadUint16();
  bind.parameters.reserve(std::min<size_t>(parameter_count, reader.remaining() / 4));
  for (uint16_t index = 0; index < parameter_count; ++index) {
    int32_t length = reader.ReadInt32();
    if (length == -1) {
      bind.parameters.emplace_back(std::nullopt);
    } else if (length < 0) {
      ThrowProtocolViolation(fmt::format("invalid length {} of bind parameter {}", length, index + 1));
    } else {
      bind.parameters.emplace_back(std::string(reader.ReadBytes(static_cast<size_t>(length))));
    }
  }
  bind.result_formats = ReadFormatCodes(reader);
  return bind;
}

FrontendMessage ParseBody(char type, ByteReader& reader) {
  switch (type) {
    case 'Q':
      return QueryMessage{std::string(reader.ReadCString())};
    case 'P': {
      ParseMessage parse;
      parse.statement_name = reader.ReadCString();
      parse.sql = reader.ReadCString();
      uint16_t count = reader.ReadUint16();
      parse.parameter_type_oids.reserve(std::min<size_t>(count, reader.remaining() / 4));
      for (uint16_t index = 0; index < count; ++index) parse.parameter_type_oids.push_back(reader.ReadUint32());
      return parse;
    }
    case 'B':
      return ParseBind(reader);
    case 'D': {
      DescribeMessage describe;
      describe.target = static_cast<char>(reader.ReadByte());
      describe.name = reader.ReadCString();
      return describe;
    }
    case 'E': {
      ExecuteMessage execute;
      execute.portal_name = reader.ReadCString();
      execute.max_rows = reader.ReadInt32();
      return execute;
    }
    case 'C': {
      CloseMessage close;
      close.target = static_cast<char>(reader.ReadByte());
      close.name = reader.ReadCString();
      return close;
    }
    case 'S':
      return SyncMessage{};
    case 'H':
      return FlushMessage{};
    case 'X':
      return TerminateMessage{};
    case 'd':
      return CopyDataMessage{std::string(reader.ReadRest())};
    case 'c':
      return CopyDoneMessage{};
    case 'f':
      return CopyFailMessage{std::string(reader.ReadCString())};
    case 'F':
      return FunctionCallMessage{std::string(reader.ReadRest())};
    case 'p':
      return PasswordMessage{std::string(reader.ReadRest())};
    default:
      ThrowProtocolViolation(fmt::format("invalid frontend message type {}", static_cast<int>(type)));
  }
}

}  // namespace

uint32_t MaxFrontendMessageLength(char type) {
  switch (type) {
    case 'Q':
    case 'P':
    case 'B':
    case 'F':
    case 'd':
      return kMaxLargeMessageLength;
    case 'D':
    case 'E':
    case 'C':
    case 'S':
    case 'H':
    case 'X':
    case 'c':
    case 'f':
      return kMaxSmallMessageLength;
    case 'p':
      return kMaxAuthMessageLength;
    default:
      return 0;
  }
}

FrontendMessage ParseStartupPacket(std::string_view body) {
  if (body.size() < 4 || body.size() + 4 > kMaxStartupPacketLength) {
    ThrowProtocolViolation("invalid length of startup packet");
  }
  ByteReader reader(body);
  int32_t code = reader.ReadInt32();
  switch (code) {
    case kSslRequestCode:
      return SslRequest{};
    case kGssEncRequestCode:
      return GssEncRequest{};
    case kCancelRequestCode: {
      if (body.size() != 12) ThrowProtocolViolation("invalid length of cancel request");
      CancelRequest cancel;
      cancel.process_id = reader.ReadInt32();
      cancel.secret_key = reader.ReadInt32();
      return cancel;
    }
    default:
      return ParseStartupParameters(code, body);
  }
}

FrontendMessage ParseFrontendMessage(char type, std::string_view body) {
  ByteReader reader(body);
  FrontendMessage message = ParseBody(type, reader);
  reader.ExpectEnd();
  return message;
}

SaslInitialResponse ParseSaslInitialResponse(std::string_view body) {
  ByteReader reader(body);
  SaslInitialResponse response;
  response.mechanism = reader.ReadCString();
  int32_t length = reader.ReadInt32();
  if (length >= 0) {
    response.data = std::string(reader.ReadBytes(static_cast<size_t>(length)));
  } else if (length != -1) {
    ThrowProtocolViolation("insufficient data left in message");
  }
  reader.ExpectEnd();
  return response;
}

std::string EncodeSaslInitialResponse(const SaslInitialResponse& response) {
  std::string body;
  ByteWriter writer(&body);
  writer.WriteCString(response.mechanism);
  writer.WriteInt32(response.data ? static_cast<int32_t>(response.data->size()) : -1);
  if (response.data) writer.WriteBytes(*response.data);
  return body;
}

FrontendMessage ParseFrame(const Frame& frame) {
  return frame.type == 0 ? ParseStartupPacket(frame.body) : ParseFrontendMessage(frame.type, frame.body);
}

namespace {

struct FrontendEncoder {
  ByteWriter writer;

  void operator()(const StartupMessage& message) {
    writer.BeginUntypedMessage();
    writer.WriteInt32(message.protocol_version);
    for (const auto& [name, value] : message.parameters) {
      writer.WriteCString(name);
      writer.WriteCString(value);
    }
    writer.WriteByte(0);
    writer.EndMessage();
  }
  void operator()(const SslRequest&) { RequestCode(kSslRequestCode); }
  void operator()(const GssEncRequest&) { RequestCode(kGssEncRequestCode); }
  void operator()(const CancelRequest& message) {
    writer.BeginUntypedMessage();
    writer.WriteInt32(kCancelRequestCode);
    writer.WriteInt32(message.process_id);
    writer.WriteInt32(message.secret_key);
    writer.EndMessage();
  }
  void operator()(const QueryMessage& message) {
    writer.BeginMessage('Q');
    writer.WriteCString(message.sql);
    writer.EndMessage();
  }
  void operator()(const ParseMessage& message) {
    writer.BeginMessage('P');
    writer.WriteCString(message.statement_name);
    writer.WriteCString(message.sql);
    writer.WriteInt16(static_cast<int16_t>(message.parameter_type_oids.size()));
    for (uint32_t oid : message.parameter_type_oids) writer.WriteUint32(oid);
    writer.EndMessage();
  }
  void operator()(const BindMessage& message) {
    writer.BeginMessage('B');
    writer.WriteCString(message.portal_name);
    writer.WriteCString(message.statement_name);
    FormatCodes(message.parameter_formats);
    writer.WriteInt16(static_cast<int16_t>(message.parameters.size()));
    for (const auto& parameter : message.parameters) {
      writer.WriteInt32(parameter ? static_cast<int32_t>(parameter->size()) : -1);
      if (parameter) writer.WriteBytes(*parameter);
    }
    FormatCodes(message.result_formats);
    writer.EndMessage();
  }
  void operator()(const DescribeMessage& message) { TargetAndName('D', message.target, message.name); }
  void operator()(const ExecuteMessage& message) {
    writer.BeginMessage('E');
    writer.WriteCString(message.portal_name);
    writer.WriteInt32(message.max_rows);
    writer.EndMessage();
  }
  void operator()(const CloseMessage& message) { TargetAndName('C', message.target, message.name); }
  void operator()(const SyncMessage&) { Empty('S'); }
  void operator()(const FlushMessage&) { Empty('H'); }
  void operator()(const TerminateMessage&) { Empty('X'); }
  void operator()(const CopyDataMessage& message) {
    writer.BeginMessage('d');
    writer.WriteBytes(message.data);
    writer.EndMessage();
  }
  void operator()(const CopyDoneMessage&) { Empty('c'); }
  void operator()(const CopyFailMessage& message) {
    writer.BeginMessage('f');
    writer.WriteCString(message.message);
    writer.EndMessage();
  }
  void operator()(const FunctionCallMessage& message) {
    writer.BeginMessage('F');
    writer.WriteBytes(message.body);
    writer.EndMessage();
  }
  void operator()(const PasswordMessage& message) {
    writer.BeginMessage('p');
    writer.WriteBytes(message.body);
    writer.EndMessage();
  }

  void RequestCode(int32_t code) {
    writer.BeginUntypedMessage();
    writer.WriteInt32(code);
    writer.EndMessage();
  }
  void FormatCodes(const std::vector<int16_t>& formats) {
    writer.WriteInt16(static_cast<int16_t>(formats.size()));
    for (int16_t format : formats) writer.WriteInt16(format);
  }
  void TargetAndName(char type, char target, const std::string& name) {
    writer.BeginMessage(type);
    writer.WriteByte(static_cast<uint8_t>(target));
    writer.WriteCString(name);
    writer.EndMessage();
  }
  void Empty(char type) {
    writer.BeginMessage(type);
    writer.EndMessage();
  }
};

}  // namespace

void EncodeFrontendMessage(const FrontendMessage& message, std::string* out) {
  std::visit(FrontendEncoder{ByteWriter(out)}, message);
}

}  // namespace tessera::protocol
