// SPDX-License-Identifier: Apache-2.0
// Tests of the binary wire format of every type: exact bytes, round trips through Value and Vector, and
// the input checks PostgreSQL's typrecv functions make.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/decimal.h"
#include "base/error.h"
#include "base/value.h"
#include "base/vector.h"
#include "base/vector_value.h"
#include "base/binary_format.h"

namespace tessera {
namespace {

std::string FromHex(std::string_view hex) {
  std::string bytes;
  int pending = -1;
  for (char character : hex) {
    if (character == ' ') continue;
    int digit = character <= '9' ? character - '0' : (character | 0x20) - 'a' + 10;
    if (pending < 0) {
      pending = digit;
    } else {
      bytes.push_back(static_cast<char>(pending * 16 + digit));
      pending = -1;
    }
  }
  return bytes;
}

std::string Encode(const Value& value) {
  std::string bytes;
  EncodeBinaryValue(value, &bytes);
  return bytes;
}

std::string CodeOf(const SqlError& error) { return std::string(SqlStateCode(error.state())); }

// Decodes `hex` as `type` and returns the SQLSTATE of the error, or "" when it decoded.
std::string DecodeError(const LogicalType& type, std::string_view hex, std::string* message = nullptr) {
  try {
    DecodeBinaryParameter(type, FromHex(hex), 1);
    return "";
  } catch (const SqlError& error) {
    if (message) *message = error.info().message;
    return CodeOf(error);
  }
}

struct Sample {
  LogicalType type;
  Value value;
  std::string hex;
};

std::vector<Sample> Samples() {
  return {
      {LogicalType(TypeId::kBool), Value::Bool(true), "01"},
      {LogicalType(TypeId::kBool), Value::Bool(false), "00"},
      {LogicalType(TypeId::kInt16), Value::Int16(-2), "fffe"},
      {LogicalType(TypeId::kInt32), Value::Int32(0x12345678), "12345678"},
      {LogicalType(TypeId::kInt64), Value::Int64(-1), "ffffffffffffffff"},
      {LogicalType(TypeId::kInt64), Value::Int64(INT64_MIN), "8000000000000000"},
      {LogicalType(TypeId::kFloat32), Value::Float32(1.5f), "3fc00000"},
      {LogicalType(TypeId::kFloat64), Value::Float64(-2.5), "c004000000000000"},
      {LogicalType(TypeId::kNumeric), Value::Numeric(Decimal{150, 2}), "0002 0000 0000 0002 0001 1388"},
      {LogicalType(TypeId::kText), Value::Text("h\xc3\xa9llo"), "68c3a96c6c6f"},
      {LogicalType(TypeId::kText), Value::Text(""), ""},
      {LogicalType::Varchar(10), Value::Text("ab", LogicalType::Varchar(10)), "6162"},
      {LogicalType::Char(3), Value::Text("ab ", LogicalType::Char(3)), "616220"},
      {LogicalType(TypeId::kName), Value::Text("pg_class", LogicalType(TypeId::kName)), "70675f636c617373"},
      {LogicalType(TypeId::kBytea), Value::FromString(LogicalType(TypeId::kBytea), std::string("\0\xff", 2)), "00ff"},
      {LogicalType(TypeId::kDate), Value::Date(0), "00000000"},
      {LogicalType(TypeId::kDate), Value::Date(-1), "ffffffff"},
      {LogicalType(TypeId::kDate), Value::Date(INT32_MAX), "7fffffff"},  // infinity
      {LogicalType(TypeId::kTime), Value::Time(3600000000), "00000000d693a400"},
      {LogicalType(TypeId::kTimeTz),
       Value::FromInt(LogicalType(TypeId::kTimeTz), datetime::PackTimeTz(datetime::TimeTz{3600000000, 3600})),
       "00000000d693a400 fffff1f0"},  // 01:00:00+01: the zone in seconds west
      {LogicalType(TypeId::kTimestamp), Value::Timestamp(1), "0000000000000001"},
      {LogicalType(TypeId::kTimestampTz), Value::TimestampTz(-86400000000), "ffffffebe228a000"},
      {LogicalType(TypeId::kTimestamp), Value::Timestamp(INT64_MAX), "7fffffffffffffff"},  // infinity
      {LogicalType(TypeId::kInterval), Value::IntervalValue(Interval{1, 2, 3}), "0000000000000001 00000002 00000003"},
      {LogicalType(TypeId::kInterval), Value::IntervalValue(Interval{-1, -2, -3}),
       "ffffffffffffffff fffffffe fffffffd"},
      {LogicalType(TypeId::kOid), Value::FromInt(LogicalType(TypeId::kOid), 4294967295), "ffffffff"},
      {LogicalType(TypeId::kUuid), Value::UuidValue(ParseUuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
       "a0eebc99 9c0b 4ef8 bb6d 6bb9bd380a11"},
      // vector_send: int16 dimensions, int16 unused, big-endian float4 elements
      {LogicalType(TypeId::kVector), Value::FromString(LogicalType(TypeId::kVector), ParseVector("[1,-2.5]")),
       "0002 0000 3f800000 c0200000"},
      {LogicalType(TypeId::kInt32Array), Value::FromString(LogicalType(TypeId::kInt32Array), "{1,2}"),
       "00000001 00000000 00000017 00000002 00000001 00000004 00000001 00000004 00000002"},
      {LogicalType(TypeId::kTextArray), Value::FromString(LogicalType(TypeId::kTextArray), "{a,NULL,\"b c\",\"\"}"),
       "00000001 00000001 00000019 00000004 00000001 00000001 61 ffffffff 00000003 622063 00000000"},
      {LogicalType(TypeId::kInt16Array), Value::FromString(LogicalType(TypeId::kInt16Array), "{}"),
       "00000000 00000000 00000015"},
      {LogicalType(TypeId::kOidArray), Value::FromString(LogicalType(TypeId::kOidArray), "[0:1]={7,4294967295}"),
       "00000001 00000000 0000001a 00000002 00000000 00000004 00000007 00000004 ffffffff"},
      {LogicalType(TypeId::kInt64Array), Value::FromString(LogicalType(TypeId::kInt64Array), "{-5}"),
       "00000001 00000000 00000014 00000001 00000001 00000008 fffffffffffffffb"},
      // float4send/float8send elements: the IEEE bits (element OIDs 700 = 0x2bc, 701 = 0x2bd)
      {LogicalType(TypeId::kFloat32Array), Value::FromString(LogicalType(TypeId::kFloat32Array), "{1,-2.5,NULL}"),
       "00000001 00000001 000002bc 00000003 00000001 00000004 3f800000 00000004 c0200000 ffffffff"},
      {LogicalType(TypeId::kFloat64Array), Value::FromString(LogicalType(TypeId::kFloat64Array), "{0.1,-Infinity}"),
       "00000001 00000000 000002bd 00000002 00000001 00000008 3fb999999999999a 00000008 fff0000000000000"},
  };
}

TEST_SUITE("BinaryFormat") {
  TEST_CASE("each type encodes to PostgreSQL's send format") {
    for (const Sample& sample : Samples()) {
      CAPTURE(sample.hex);
      CHECK(Encode(sample.value) == FromHex(sample.hex));
    }
  }

  TEST_CASE("each type decodes from its send format to an equal value") {
    for (const Sample& sample : Samples()) {
      CAPTURE(sample.hex);
      Value decoded = DecodeBinaryParameter(sample.type, FromHex(sample.hex), 1);
      CHECK(!decoded.is_null());
      CHECK(decoded.type() == sample.type);
      CHECK(Encode(decoded) == FromHex(sample.hex));
    }
  }

  TEST_CASE("a vector cell encodes like the same Value, whatever its neighbours") {
    for (const Sample& sample : Samples()) {
      CAPTURE(sample.hex);
      Vector column(sample.type, 3);
      column.SetNull(0, true);
      column.SetValue(1, sample.value);
      column.SetValue(2, sample.value);
      std::string bytes;
      EncodeBinaryCell(column, 1, &bytes);
      CHECK(bytes == FromHex(sample.hex));
    }
  }

  TEST_CASE("an untyped parameter is read as text") {
    Value value = DecodeBinaryParameter(LogicalType(TypeId::kUnknown), "abc", 1);
    CHECK(value.type().id == TypeId::kText);
    CHECK(value.GetString() == "abc");
  }

  TEST_CASE("any non-zero byte is true, as boolrecv") {
    CHECK(DecodeBinaryParameter(LogicalType(TypeId::kBool), "\x02", 1).GetBool());
  }

  TEST_CASE("leftover bytes name the parameter; missing bytes are insufficient data") {
    std::string message;
    CHECK(DecodeError(LogicalType(TypeId::kInt32), "0000000100", &message) == "22P03");
    CHECK(message == "incorrect binary data format in bind parameter 1");
    try {
      DecodeBinaryParameter(LogicalType(TypeId::kInt16), FromHex("000102"), 7);
      FAIL("accepted");
    } catch (const SqlError& error) {
      CHECK(error.info().message == "incorrect binary data format in bind parameter 7");
    }
    for (TypeId id : {TypeId::kBool, TypeId::kInt16, TypeId::kInt32, TypeId::kInt64, TypeId::kFloat32, TypeId::kFloat64,
                      TypeId::kNumeric, TypeId::kDate, TypeId::kTime, TypeId::kTimestamp, TypeId::kInterval,
                      TypeId::kOid, TypeId::kInt32Array, TypeId::kUuid, TypeId::kTimeTz, TypeId::kVector}) {
      CAPTURE(static_cast<int>(id));
      CHECK(DecodeError(LogicalType(id), "", &message) == "08P01");
      CHECK(message == "insufficient data left in message");
    }
  }

  TEST_CASE("dates, times and timestamps outside PostgreSQL's range are rejected") {
    std::string message;
    CHECK(DecodeError(LogicalType(TypeId::kDate), "ffda97a7") == "");            // -2451545: 4714-11-24 BC
    CHECK(DecodeError(LogicalType(TypeId::kDate), "ffda97a6", &message) == "22008");
    CHECK(message == "date out of range");
    CHECK(DecodeError(LogicalType(TypeId::kDate), "7fda970c") == "");            // last valid day
    CHECK(DecodeError(LogicalType(TypeId::kDate), "7fda970d") == "22008");
    CHECK(DecodeError(LogicalType(TypeId::kDate), "80000000") == "");            // -infinity
    CHECK(DecodeError(LogicalType(TypeId::kTime), "ffffffffffffffff") == "22008");
    CHECK(DecodeError(LogicalType(TypeId::kTime), "000000141dd76000") == "");    // 24:00:00
    CHECK(DecodeError(LogicalType(TypeId::kTime), "000000141dd76001", &message) == "22008");
    CHECK(message == "time out of range");
    CHECK(DecodeError(LogicalType(TypeId::kTimestamp), "fd0f7cc1411fa000") == "");  // MIN_TIMESTAMP
    CHECK(DecodeError(LogicalType(TypeId::kTimestamp), "fd0f7cc1411f9fff", &message) == "22008");
    CHECK(message == "timestamp out of range");
    CHECK(DecodeError(LogicalType(TypeId::kTimestampTz), "7fffff5bb3b2a000") == "22008");  // END_TIMESTAMP
    CHECK(DecodeError(LogicalType(TypeId::kTimestampTz), "7fffff5bb3b29fff") == "");
    CHECK(DecodeError(LogicalType(TypeId::kTimestampTz), "8000000000000000") == "");  // -infinity
  }

  TEST_CASE("vectors are checked as vector_recv does") {
    const LogicalType vector(TypeId::kVector);
    std::string message;
    CHECK(DecodeError(vector, "0000 0000", &message) == "22000");
    CHECK(message == "vector must have at least 1 dimension");
    CHECK(DecodeError(vector, "ffff 0000 3f800000") == "22000");  // negative: dimensions are int16
    CHECK(DecodeError(vector, "3e81 0000", &message) == "54000");  // 16001
    CHECK(message == "vector cannot have more than 16000 dimensions");
    CHECK(DecodeError(vector, "0001 0001 3f800000", &message) == "22000");
    CHECK(message == "expected unused to be 0, not 1");
    CHECK(DecodeError(vector, "0001 0000 7fc00000", &message) == "22000");
    CHECK(message == "NaN not allowed in vector");
    CHECK(DecodeError(vector, "0001 0000 ff800000", &message) == "22000");
    CHECK(message == "infinite value not allowed in vector");
    CHECK(DecodeError(vector, "0002 0000 3f800000") == "08P01");  // one element short
    CHECK(DecodeError(vector, "0001 0000 3f800000 00") == "22P03");  // a byte too many
  }

  TEST_CASE("text must be valid UTF-8 and names shorter than 64 bytes") {
    std::string message;
    CHECK(DecodeError(LogicalType(TypeId::kText), "c328", &message) == "22021");
    CHECK(message == "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28");
    CHECK(DecodeError(LogicalType(TypeId::kVarchar), "6100", &message) == "22021");
    CHECK(DecodeError(LogicalType(TypeId::kBytea), "c328") == "");
    std::string name_63(63 * 2, '6');
    CHECK(DecodeError(LogicalType(TypeId::kName), name_63) == "");
    CHECK(DecodeError(LogicalType(TypeId::kName), name_63 + "61", &message) == "42622");
    CHECK(message == "identifier too long");
  }

  TEST_CASE("array headers are checked as array_recv does") {
    std::string message;
    CHECK(DecodeError(LogicalType(TypeId::kInt32Array), "00000007 00000000 00000017", &message) == "22P03");
    CHECK(message == "invalid number of dimensions: 7");
    CHECK(DecodeError(LogicalType(TypeId::kInt32Array), "00000001 00000002 00000017", &message) == "22P03");
    CHECK(DecodeError(LogicalType(TypeId::kInt32Array), "00000000 00000000 00000019") == "42804");
    CHECK(DecodeError(LogicalType(TypeId::kInt32Array), "00000002 00000000 00000017 00000001 00000001 00000001 "
                                                        "00000001") == "0A000");
    // A short element is insufficient data (08P01); a long one is an improper element (22P03).
    CHECK(DecodeError(LogicalType(TypeId::kInt32Array),
                      "00000001 00000000 00000017 00000001 00000001 00000002 0001") == "08P01");
    CHECK(DecodeError(LogicalType(TypeId::kInt32Array),
                      "00000001 00000000 00000017 00000001 00000001 00000005 0000000100", &message) == "22P03");
    CHECK(message == "improper binary format in array element 1");
  }

  TEST_CASE("array elements are quoted in the text form when array_out would quote them") {
    Value value = DecodeBinaryParameter(
        LogicalType(TypeId::kTextArray),
        FromHex("00000001 00000001 00000019 00000005 00000001 00000001 61 ffffffff 00000004 6e756c6c 00000002 225c "
                "00000003 617b62"),
        1);
    CHECK(value.GetString() == "{a,NULL,\"null\",\"\\\"\\\\\",\"a{b\"}");
  }
}

}  // namespace
}  // namespace tessera
