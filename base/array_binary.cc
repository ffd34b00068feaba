// SPDX-License-Identifier: Apache-2.0
// One-dimensional arrays in PostgreSQL's binary format, converted to and from the array text syntax
// Tessera stores them in.
#include <strings.h>

#include <charconv>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/binary_format.h"
#include "base/error.h"
#include "base/text_format.h"
#include "base/utf8.h"

namespace tessera {

namespace {

using Element = std::optional<std::string>;  // nullopt = NULL

bool IsArraySpace(char character) {
  return character == ' ' || character == '\t' || character == '\n' || character == '\r' ||
         character == '\v' || character == '\f';
}

[[noreturn]] void ThrowMalformed(std::string_view text) {
  throw SqlError(SqlState::kInternalError, fmt::format("malformed array literal: \"{}\"", text));
}

// Parses array_out's syntax: optional "[lower:upper]=" then {elem,elem,...}. Returns the lower bound.
int32_t ParseArrayText(std::string_view text, std::vector<Element>* elements) {
  int32_t lower_bound = 1;
  size_t position = 0;
  if (!text.empty() && text[0] == '[') {
    size_t colon = text.find(':');
    size_t equals = text.find("]=");
    if (colon == std::string_view::npos || equals == std::string_view::npos) ThrowMalformed(text);
    std::from_chars(text.data() + 1, text.data() + colon, lower_bound);
    position = equals + 2;
  }
  if (position >= text.size() || text[position] != '{' || text.back() != '}') ThrowMalformed(text);
  ++position;
  size_t end = text.size() - 1;
  while (position < end) {
    while (position < end && IsArraySpace(text[position])) ++position;
    if (text[position] == '{') {
      throw SqlError(SqlState::kFeatureNotSupported, "binary output of multidimensional arrays is not supported");
    }
    std::string value;
    bool quoted = false;
    if (text[position] == '"') {
      quoted = true;
      ++position;
      while (position < end && text[position] != '"') {
        if (text[position] == '\\' && position + 1 < end) ++position;
        value.push_back(text[position++]);
      }
      ++position;  // closing quote
      while (position < end && text[position] != ',') ++position;
    } else {
      size_t last_non_space = 0;
      while (position < end && text[position] != ',') {
        if (text[position] == '\\' && position + 1 < end) ++position;
        value.push_back(text[position++]);
        if (!IsArraySpace(value.back())) last_non_space = value.size();
      }
      value.resize(last_non_space);
    }
    if (!quoted && value.size() == 4 && strncasecmp(value.c_str(), "null", 4) == 0) {
      elements->emplace_back(std::nullopt);
    } else {
      elements->emplace_back(std::move(value));
    }
    ++position;  // comma
  }
  return lower_bound;
}

// Appends `value` to array text, quoted when array_out would quote it.
void AppendArrayElementText(std::string_view value, std::string* text) {
  bool needs_quotes = value.empty() || (value.size() == 4 && strncasecmp(value.data(), "null", 4) == 0);
  for (char character : value) {
    if (character == '{' || character == '}' || character == ',' || character == '"' || character == '\\' ||
        IsArraySpace(character)) {
      needs_quotes = true;
    }
  }
  if (!needs_quotes) {
    text->append(value);
    return;
  }
  text->push_back('"');
  for (char character : value) {
    if (character == '"' || character == '\\') text->push_back('\\');
    text->push_back(character);
  }
  text->push_back('"');
}

template <typename T>
T ParseInteger(std::string_view text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) ThrowMalformed(text);
  return value;
}

void EncodeElement(TypeId element_type, const std::string& text, ByteWriter& writer) {
  switch (element_type) {
    case TypeId::kInt16: writer.WriteInt16(ParseInteger<int16_t>(text)); break;
    case TypeId::kInt32: writer.WriteInt32(ParseInteger<int32_t>(text)); break;
    case TypeId::kInt64: writer.WriteInt64(ParseInteger<int64_t>(text)); break;
    case TypeId::kOid: writer.WriteUint32(ParseInteger<uint32_t>(text)); break;
    case TypeId::kFloat32: {  // float4send: the IEEE bits
      const float value = text_format::ParseFloat32(text);
      uint32_t bits;
      std::memcpy(&bits, &value, sizeof(bits));
      writer.WriteUint32(bits);
      break;
    }
    case TypeId::kFloat64: {
      const double value = text_format::ParseFloat64(text);
      uint64_t bits;
      std::memcpy(&bits, &value, sizeof(bits));
      writer.WriteInt64(static_cast<int64_t>(bits));
      break;
    }
    default: writer.WriteBytes(text); break;
  }
}

std::string DecodeElement(TypeId element_type, ByteReader& reader) {
  switch (element_type) {
    case TypeId::kInt16: return std::to_string(reader.ReadInt16());
    case TypeId::kInt32: return std::to_string(reader.ReadInt32());
    case TypeId::kInt64: return std::to_string(reader.ReadInt64());
    case TypeId::kOid: return std::to_string(reader.ReadUint32());
    case TypeId::kFloat32: {
      const uint32_t bits = reader.ReadUint32();
      float value;
      std::memcpy(&value, &bits, sizeof(value));
      return text_format::FormatFloat32(value);
    }
    case TypeId::kFloat64: {
      const uint64_t bits = static_cast<uint64_t>(reader.ReadInt64());
      double value;
      std::memcpy(&value, &bits, sizeof(value));
      return text_format::FormatFloat64(value);
    }
    default: {
      std::string_view text = reader.ReadRest();
      ValidateUtf8(text);
      return std::string(text);
    }
  }
}

}  // namespace

TypeId ArrayElementType(TypeId array_type) {
  switch (array_type) {
    case TypeId::kTextArray: return TypeId::kText;
    case TypeId::kInt16Array: return TypeId::kInt16;
    case TypeId::kInt32Array: return TypeId::kInt32;
    case TypeId::kInt64Array: return TypeId::kInt64;
    case TypeId::kOidArray: return TypeId::kOid;
    case TypeId::kFloat32Array: return TypeId::kFloat32;
    case TypeId::kFloat64Array: return TypeId::kFloat64;
    default: return TypeId::kUnknown;
  }
}

void EncodeArrayBinary(TypeId array_type, std::string_view array_text, std::string* out) {
  std::vector<Element> elements;
  int32_t lower_bound = ParseArrayText(array_text, &elements);
  TypeId element_type = ArrayElementType(array_type);
  bool has_nulls = false;
  for (const Element& element : elements) has_nulls |= !element.has_value();

  ByteWriter writer(out);
  writer.WriteInt32(elements.empty() ? 0 : 1);
  writer.WriteInt32(has_nulls ? 1 : 0);
  writer.WriteUint32(TypeOid(LogicalType(element_type)));
  if (elements.empty()) return;
  writer.WriteInt32(static_cast<int32_t>(elements.size()));
  writer.WriteInt32(lower_bound);
  for (const Element& element : elements) {
    if (!element) {
      writer.WriteInt32(-1);
      continue;
    }
    size_t length_offset = out->size();
    writer.WriteInt32(0);
    EncodeElement(element_type, *element, writer);
    StoreBigEndian32(out->data() + length_offset, static_cast<uint32_t>(out->size() - length_offset - 4));
  }
}

std::string DecodeArrayBinary(TypeId array_type, ByteReader& reader) {
  // array_recv's checks, in its order.
  int32_t dimensions = reader.ReadInt32();
  if (dimensions < 0 || dimensions > 6) {
    throw SqlError(SqlState::kInvalidBinaryRepresentation, fmt::format("invalid number of dimensions: {}", dimensions));
  }
  int32_t flags = reader.ReadInt32();
  if (flags != 0 && flags != 1) throw SqlError(SqlState::kInvalidBinaryRepresentation, "invalid array flags");
  uint32_t element_oid = reader.ReadUint32();
  TypeId element_type = ArrayElementType(array_type);
  uint32_t expected_oid = TypeOid(LogicalType(element_type));
  if (element_oid != expected_oid) {
    throw SqlError(SqlState::kDatatypeMismatch,
                   fmt::format("binary data has array element type {} instead of expected {}", element_oid,
                               expected_oid));
  }
  if (dimensions == 0) return "{}";
  if (dimensions > 1) {
    throw SqlError(SqlState::kFeatureNotSupported, "binary input of multidimensional arrays is not supported");
  }
  int32_t count = reader.ReadInt32();
  int32_t lower_bound = reader.ReadInt32();
  if (count < 0 || static_cast<int64_t>(lower_bound) + count - 1 > INT32_MAX) {
    throw SqlError(SqlState::kProgramLimitExceeded, "array size exceeds the maximum allowed");
  }
  std::string text;
  if (lower_bound != 1 && count > 0) text = fmt::format("[{}:{}]=", lower_bound, lower_bound + count - 1);
  text.push_back('{');
  for (int32_t index = 0; index < count; ++index) {
    if (index > 0) text.push_back(',');
    int32_t length = reader.ReadInt32();
    if (length == -1) {
      text.append("NULL");
      continue;
    }
    if (length < 0) throw SqlError(SqlState::kInvalidBinaryRepresentation, "insufficient data left in message");
    ByteReader element_reader(reader.ReadBytes(static_cast<size_t>(length)));
    std::string element = DecodeElement(element_type, element_reader);
    if (!element_reader.AtEnd()) {
      throw SqlError(SqlState::kInvalidBinaryRepresentation, "improper binary format in array element " +
                                                                 std::to_string(index + 1));
    }
    AppendArrayElementText(element, &text);
  }
  text.push_back('}');
  return text;
}

}  // namespace tessera
