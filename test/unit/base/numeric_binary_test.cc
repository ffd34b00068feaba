// SPDX-License-Identifier: Apache-2.0
// Tests of numeric's binary format: PostgreSQL's digit/weight/sign/dscale layout for known values,
// truncation beyond dscale, invalid headers, and random round trips.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "base/decimal.h"
#include "base/error.h"
#include "base/binary_format.h"

namespace tessera {
namespace {

// The header and digits as numeric_send writes them.
struct NumericWire {
  int weight;
  uint16_t sign;
  int display_scale;
  std::vector<int> digits;
};

std::string Pack(const NumericWire& wire) {
  std::string bytes;
  ByteWriter writer(&bytes);
  writer.WriteInt16(static_cast<int16_t>(wire.digits.size()));
  writer.WriteInt16(static_cast<int16_t>(wire.weight));
  writer.WriteInt16(static_cast<int16_t>(wire.sign));
  writer.WriteInt16(static_cast<int16_t>(wire.display_scale));
  for (int digit : wire.digits) writer.WriteInt16(static_cast<int16_t>(digit));
  return bytes;
}

Decimal Make(__int128 value, int scale) { return Decimal{value, scale}; }

__int128 Parse128(const std::string& digits) {
  __int128 value = 0;
  bool negative = digits[0] == '-';
  for (size_t index = negative ? 1 : 0; index < digits.size(); ++index) value = value * 10 + (digits[index] - '0');
  return negative ? -value : value;
}

Decimal DecodeBytes(const std::string& bytes) {
  ByteReader reader(bytes);
  Decimal result = DecodeNumericBinary(reader);
  CHECK(reader.AtEnd());
  return result;
}

std::string DecodeErrorCode(const NumericWire& wire) {
  try {
    DecodeBytes(Pack(wire));
    return "";
  } catch (const SqlError& error) {
    return std::string(SqlStateCode(error.state()));
  }
}

TEST_SUITE("NumericBinary") {
  TEST_CASE("known values encode as PostgreSQL's numeric_send") {
    struct Case {
      Decimal value;
      NumericWire wire;
    };
    std::vector<Case> cases = {
        {Make(0, 0), {0, 0x0000, 0, {}}},
        {Make(0, 2), {0, 0x0000, 2, {}}},
        {Make(150, 2), {0, 0x0000, 2, {1, 5000}}},
        {Make(12345678, 3), {1, 0x0000, 3, {1, 2345, 6780}}},
        {Make(-1, 4), {-1, 0x4000, 4, {1}}},
        {Make(5, 2), {-1, 0x0000, 2, {500}}},
        {Make(10000, 0), {1, 0x0000, 0, {1}}},
        {Make(100000000, 4), {1, 0x0000, 4, {1}}},
        {Make(-99999999, 0), {1, 0x4000, 0, {9999, 9999}}},
        {Make(1, 9), {-3, 0x0000, 9, {1000}}},
        {Make(Parse128("99999999999999999999999999999999999999"), 0),
         {9, 0x0000, 0, {99, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999}}},
        {Make(Parse128("-12345678901234567890123456789012345678"), 38),
         {-1, 0x4000, 38, {1234, 5678, 9012, 3456, 7890, 1234, 5678, 9012, 3456, 7800}}},
    };
    for (const Case& test_case : cases) {
      CAPTURE(test_case.wire.weight);
      CAPTURE(test_case.wire.display_scale);
      std::string bytes;
      EncodeNumericBinary(test_case.value, &bytes);
      CHECK(bytes == Pack(test_case.wire));
      Decimal decoded = DecodeBytes(bytes);
      CHECK(decoded.value == test_case.value.value);
      CHECK(decoded.scale == test_case.value.scale);
    }
  }

  TEST_CASE("digits hidden by dscale are truncated, as numeric_recv does") {
    Decimal decoded = DecodeBytes(Pack({0, 0x0000, 2, {1, 2399}}));  // 1.2399 with dscale 2
    CHECK(decoded.value == 123);
    CHECK(decoded.scale == 2);
    decoded = DecodeBytes(Pack({-2, 0x4000, 0, {5}}));  // -0.00000005 with dscale 0
    CHECK(decoded.value == 0);
  }

  TEST_CASE("leading zero digits and a larger dscale than needed are accepted") {
    Decimal decoded = DecodeBytes(Pack({1, 0x0000, 5, {0, 7}}));
    CHECK(decoded.value == 700000);
    CHECK(decoded.scale == 5);
  }

  TEST_CASE("invalid headers and digits are rejected with 22P03") {
    CHECK(DecodeErrorCode({0, 0x1234, 0, {1}}) == "22P03");     // sign
    CHECK(DecodeErrorCode({0, 0x0000, 0x4000, {1}}) == "22P03");  // dscale
    CHECK(DecodeErrorCode({0, 0x0000, 0, {10000}}) == "22P03");   // digit
    CHECK(DecodeErrorCode({0, 0x0000, 0, {-1}}) == "22P03");
    std::string too_many;
    ByteWriter(&too_many).WriteInt16(3001);
    too_many += std::string(6, '\0');
    try {
      DecodeBytes(too_many);
      FAIL("accepted");
    } catch (const SqlError& error) {
      CHECK(SqlStateCode(error.state()) == "22P03");
    }
  }

  TEST_CASE("NaN and infinities are not supported; values beyond 38 digits overflow") {
    CHECK(DecodeErrorCode({0, 0xC000, 0, {}}) == "0A000");
    CHECK(DecodeErrorCode({0, 0xD000, 0, {}}) == "0A000");
    CHECK(DecodeErrorCode({0, 0xF000, 0, {}}) == "0A000");
    CHECK(DecodeErrorCode({9, 0x0000, 0, {100}}) == "22003");    // 10^38
    CHECK(DecodeErrorCode({0, 0x0000, 39, {1}}) == "22003");     // scale beyond 38
    CHECK(DecodeErrorCode({1000, 0x0000, 0, {1}}) == "22003");
    CHECK(DecodeErrorCode({-1000, 0x0000, 0, {1}}) == "");       // truncated to 0
  }

  TEST_CASE("random values round-trip exactly") {
    std::mt19937_64 random(20240601);
    for (int iteration = 0; iteration < 20000; ++iteration) {
      int digits = static_cast<int>(random() % 39);
      __int128 magnitude = 0;
      for (int digit = 0; digit < digits; ++digit) magnitude = magnitude * 10 + static_cast<int>(random() % 10);
      Decimal value{(random() & 1) ? -magnitude : magnitude, static_cast<int32_t>(random() % 39)};
      std::string bytes;
      EncodeNumericBinary(value, &bytes);
      Decimal decoded = DecodeBytes(bytes);
      CAPTURE(iteration);
      CHECK(decoded.value == value.value);
      CHECK(decoded.scale == value.scale);
    }
  }
}

}  // namespace
}  // namespace tessera
