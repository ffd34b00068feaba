// SPDX-License-Identifier: Apache-2.0
// Binary send/recv of scalar types, for vector cells, Values and Bind parameters.
#include "base/binary_format.h"

#include <cstring>

#include <fmt/format.h>

#include "base/check.h"
#include "base/datetime.h"
#include "base/error.h"
#include "base/json_text.h"
#include "base/utf8.h"
#include "base/vector_value.h"

namespace tessera {

namespace {

// PostgreSQL's valid ranges (datatype/timestamp.h), relative to 2000-01-01; infinities are allowed too.
constexpr int32_t kMinDate = -2451545;                          // 4714-11-24 BC
constexpr int32_t kEndDate = 2147483494 - 2451545;              // exclusive
constexpr int64_t kMinTimestamp = -211813488000000000;          // 4714-11-24 00:00:00 BC
constexpr int64_t kEndTimestamp = 9223371331200000000;          // exclusive, 294277-01-01
constexpr size_t kNameDataLength = 64;                          // NAMEDATALEN

// Reads one vector cell in the shapes EncodeCell asks for.
struct VectorCell {
  const Vector& column;
  idx_t row;

  bool GetBool() const { return column.Data<uint8_t>()[row] != 0; }
  int64_t GetInt() const {
    switch (column.physical_type()) {
      case PhysicalType::kBool: return column.Data<uint8_t>()[row];
      case PhysicalType::kInt16: return column.Data<int16_t>()[row];
      case PhysicalType::kInt32: return column.Data<int32_t>()[row];
      default: return column.Data<int64_t>()[row];
    }
  }
  double GetDouble() const {
    return column.physical_type() == PhysicalType::kFloat32 ? column.Data<float>()[row]
                                                            : column.Data<double>()[row];
  }
  const Decimal& GetDecimal() const { return column.Data<Decimal>()[row]; }
  std::string_view GetString() const { return column.GetString(row); }
  const Interval& GetInterval() const { return column.Data<Interval>()[row]; }
  const Uuid& GetUuid() const { return column.Data<Uuid>()[row]; }
};

struct ValueCell {
  const Value& value;

  bool GetBool() const { return value.GetBool(); }
  int64_t GetInt() const { return value.GetInt(); }
  double GetDouble() const { return value.GetDouble(); }
  const Decimal& GetDecimal() const { return value.GetDecimal(); }
  std::string_view GetString() const { return value.GetString(); }
  const Interval& GetInterval() const { return value.GetInterval(); }
  const Uuid& GetUuid() const { return value.GetUuid(); }
};

// vector_send: int16 dimensions, int16 unused (0), then each element as a big-endian float4.
void EncodeVectorBinary(std::string_view payload, ByteWriter& writer) {
  const int dimensions = VectorDimensions(payload);
  writer.WriteInt16(static_cast<int16_t>(dimensions));
  writer.WriteInt16(0);
  for (int index = 0; index < dimensions; ++index) {
    const float element = VectorElement(payload, index);
    uint32_t bits;
    std::memcpy(&bits, &element, sizeof(bits));
    writer.WriteUint32(bits);
  }
}

// vector_recv, with its checks: dimensions within 1..16000, unused 0, finite elements.
std::string DecodeVectorBinary(ByteReader& reader) {
  const int16_t dimensions = reader.ReadInt16();
  const int16_t unused = reader.ReadInt16();
  CheckVectorDimensions(dimensions);
  if (unused != 0) throw SqlError(SqlState::kDataException, fmt::format("expected unused to be 0, not {}", unused));
  std::string payload;
  payload.reserve(static_cast<size_t>(dimensions) * sizeof(float));
  for (int index = 0; index < dimensions; ++index) {
    const uint32_t bits = reader.ReadUint32();
    float element;
    std::memcpy(&element, &bits, sizeof(element));
    CheckVectorElement(element);
    AppendVectorElement(payload, element);
  }
  return payload;
}

template <typename Cell>
void EncodeCell(const LogicalType& type, const Cell& cell, std::string* out) {
  ByteWriter writer(out);
  switch (type.id) {
    case TypeId::kBool: writer.WriteByte(cell.GetBool() ? 1 : 0); return;
    case TypeId::kInt16: writer.WriteInt16(static_cast<int16_t>(cell.GetInt())); return;
    case TypeId::kInt32:
    case TypeId::kDate: writer.WriteInt32(static_cast<int32_t>(cell.GetInt())); return;
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: writer.WriteInt64(cell.GetInt()); return;
    case TypeId::kOid: writer.WriteUint32(static_cast<uint32_t>(cell.GetInt())); return;
    case TypeId::kTimeTz: {  // timetz_send: the time, then the zone in seconds west of UTC
      const datetime::TimeTz value = datetime::UnpackTimeTz(cell.GetInt());
      writer.WriteInt64(value.time);
      writer.WriteInt32(-value.offset_seconds);
      return;
    }
    case TypeId::kFloat32: {
      float number = static_cast<float>(cell.GetDouble());
      uint32_t bits;
      std::memcpy(&bits, &number, sizeof(bits));
      writer.WriteUint32(bits);
      return;
    }
    case TypeId::kFloat64: {
      double number = cell.GetDouble();
      uint64_t bits;
      std::memcpy(&bits, &number, sizeof(bits));
      writer.WriteInt64(static_cast<int64_t>(bits));
      return;
    }
    case TypeId::kNumeric: EncodeNumericBinary(cell.GetDecimal(), out); return;
    case TypeId::kInterval: {
      const Interval& interval = cell.GetInterval();
      writer.WriteInt64(interval.micros);
      writer.WriteInt32(interval.days);
      writer.WriteInt32(interval.months);
      return;
    }
    case TypeId::kUuid: {  // uuid_send: the 16 bytes
      const Uuid& uuid = cell.GetUuid();
      writer.WriteBytes(std::string_view(reinterpret_cast<const char*>(uuid.bytes.data()), uuid.bytes.size()));
      return;
    }
    case TypeId::kVector: EncodeVectorBinary(cell.GetString(), writer); return;
    case TypeId::kTextArray:
    case TypeId::kInt16Array:
    case TypeId::kInt32Array:
    case TypeId::kInt64Array:
    case TypeId::kOidArray:
    case TypeId::kFloat32Array:
    case TypeId::kFloat64Array: EncodeArrayBinary(type.id, cell.GetString(), out); return;
    case TypeId::kUnknown:
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kName:
    case TypeId::kJson:  // json_send: the text
    case TypeId::kBytea: writer.WriteBytes(cell.GetString()); return;
  }
  throw SqlError(SqlState::kInternalError, "binary output for an unknown type");
}

[[noreturn]] void ThrowOutOfRange(const char* what) {
  throw SqlError(SqlState::kDatetimeFieldOverflow, fmt::format("{} out of range", what));
}

int64_t ReadTimestamp(ByteReader& reader) {
  int64_t micros = reader.ReadInt64();
  bool infinite = micros == datetime::kTimestampNegInfinity || micros == datetime::kTimestampPosInfinity;
  if (!infinite && (micros < kMinTimestamp || micros >= kEndTimestamp)) ThrowOutOfRange("timestamp");
  return micros;
}

Value DecodeText(const LogicalType& type, ByteReader& reader) {
  std::string_view text = reader.ReadRest();
  ValidateUtf8(text);
  if (type.id == TypeId::kName && text.size() >= kNameDataLength) {
    throw SqlError(SqlState::kNameTooLong, "identifier too long")
        .WithDetail(fmt::format("Identifier must be less than {} characters.", kNameDataLength));
  }
  return Value::Text(std::string(text), type);
}

Value DecodeValue(const LogicalType& type, ByteReader& reader) {
  switch (type.id) {
    case TypeId::kBool: return Value::Bool(reader.ReadByte() != 0);
    case TypeId::kInt16: return Value::FromInt(type, reader.ReadInt16());
    case TypeId::kInt32: return Value::FromInt(type, reader.ReadInt32());
    case TypeId::kInt64: return Value::FromInt(type, reader.ReadInt64());
    case TypeId::kOid: return Value::FromInt(type, reader.ReadUint32());
    case TypeId::kFloat32: {
      uint32_t bits = reader.ReadUint32();
      float number;
      std::memcpy(&number, &bits, sizeof(number));
      return Value::FromDouble(type, number);
    }
    case TypeId::kFloat64: {
      uint64_t bits = reader.ReadUint64();
      double number;
      std::memcpy(&number, &bits, sizeof(number));
      return Value::FromDouble(type, number);
    }
    case TypeId::kNumeric: return Value::Numeric(DecodeNumericBinary(reader), type);
    case TypeId::kDate: {
      int32_t days = reader.ReadInt32();
      bool infinite = days == datetime::kDateNegInfinity || days == datetime::kDatePosInfinity;
      if (!infinite && (days < kMinDate || days >= kEndDate)) ThrowOutOfRange("date");
      return Value::FromInt(type, days);
    }
    case TypeId::kTime: {
      int64_t micros = reader.ReadInt64();
      if (micros < 0 || micros > datetime::kMicrosPerDay) ThrowOutOfRange("time");
      return Value::FromInt(type, micros);
    }
    case TypeId::kTimeTz: {  // timetz_recv's range checks
      datetime::TimeTz value;
      value.time = reader.ReadInt64();
      if (value.time < 0 || value.time > datetime::kMicrosPerDay) ThrowOutOfRange("time");
      const int32_t zone_west = reader.ReadInt32();
      if (zone_west < -datetime::kMaxTimeTzOffset || zone_west > datetime::kMaxTimeTzOffset) {
        throw SqlError(SqlState::kInvalidTimeZoneDisplacementValue, "time zone displacement out of range");
      }
      value.offset_seconds = -zone_west;
      return Value::FromInt(type, datetime::PackTimeTz(value));
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return Value::FromInt(type, ReadTimestamp(reader));
    case TypeId::kInterval: {
      Interval interval;
      interval.micros = reader.ReadInt64();
      interval.days = reader.ReadInt32();
      interval.months = reader.ReadInt32();
      return Value::IntervalValue(interval).WithType(type);
    }
    case TypeId::kBytea: return Value::FromString(type, std::string(reader.ReadRest()));
    case TypeId::kJson: {  // json_recv: text, validated
      Value text = DecodeText(type, reader);
      ValidateJson(text.GetString());
      return text;
    }
    case TypeId::kUuid: {  // uuid_recv: 16 bytes
      Uuid uuid;
      const std::string_view bytes = reader.ReadBytes(uuid.bytes.size());
      std::memcpy(uuid.bytes.data(), bytes.data(), uuid.bytes.size());
      return Value::UuidValue(uuid);
    }
    case TypeId::kVector: return Value::FromString(type, DecodeVectorBinary(reader));
    case TypeId::kTextArray:
    case TypeId::kInt16Array:
    case TypeId::kInt32Array:
    case TypeId::kInt64Array:
    case TypeId::kOidArray:
    case TypeId::kFloat32Array:
    case TypeId::kFloat64Array: return Value::FromString(type, DecodeArrayBinary(type.id, reader));
    case TypeId::kUnknown: return DecodeText(LogicalType(TypeId::kText), reader);
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kName: return DecodeText(type, reader);
  }
  throw SqlError(SqlState::kFeatureNotSupported, "binary input for this type is not supported");
}

}  // namespace

Value DecodeBinaryParameter(const LogicalType& type, std::string_view bytes, int parameter_number) {
  ByteReader reader(bytes);
  Value value = DecodeValue(type, reader);
  if (!reader.AtEnd()) {
    throw SqlError(SqlState::kInvalidBinaryRepresentation,
                   fmt::format("incorrect binary data format in bind parameter {}", parameter_number));
  }
  return value;
}

void DecodeBinaryCell(std::string_view bytes, int column_number, Vector* column, idx_t row) {
  ByteReader reader(bytes);
  const Value value = DecodeValue(column->type(), reader);
  if (!reader.AtEnd()) {
    throw SqlError(SqlState::kProtocolViolation,
                   fmt::format("incorrect binary data format in result column {}", column_number));
  }
  column->SetValue(row, value);
}

void AppendBinaryCopyHeader(std::string* out) {
  out->append(kBinaryCopySignature);
  out->append(8, '\0');  // flags, header extension length
}

void AppendBinaryCopyRow(const Batch& batch, idx_t row, std::string* out) {
  ByteWriter writer(out);
  writer.WriteInt16(static_cast<int16_t>(batch.columns.size()));
  for (const Vector& column : batch.columns) {
    if (column.IsNull(row)) {
      writer.WriteInt32(-1);
      continue;
    }
    const size_t length_at = out->size();
    writer.WriteInt32(0);
    EncodeBinaryCell(column, row, out);
    StoreBigEndian32(out->data() + length_at, static_cast<uint32_t>(out->size() - length_at - 4));
  }
}

void EncodeBinaryCell(const Vector& column, idx_t row, std::string* out) {
  TESSERA_DCHECK(!column.IsNull(row));
  EncodeCell(column.type(), VectorCell{column, row}, out);
}

void EncodeBinaryValue(const Value& value, std::string* out) {
  TESSERA_DCHECK(!value.is_null());
  EncodeCell(value.type(), ValueCell{value}, out);
}

}  // namespace tessera
