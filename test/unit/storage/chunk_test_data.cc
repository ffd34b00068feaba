// SPDX-License-Identifier: Apache-2.0
// Random column vectors for chunk tests.
#include "chunk_test_data.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "base/decimal.h"
#include "base/vector_value.h"

namespace tessera::storage::testing {
namespace {

template <typename T>
T EdgeOrRandom(std::mt19937_64& random) {
  using Limits = std::numeric_limits<T>;
  const T edges[] = {Limits::min(), Limits::max(), T(0), T(-1), T(1)};
  if (random() % 8 == 0) return edges[random() % 5];
  return static_cast<T>(random());
}

double RandomDouble(std::mt19937_64& random) {
  const double edges[] = {0.0, -0.0, std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::quiet_NaN(),
                          std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                          std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
                          std::numeric_limits<double>::denorm_min(), 1.5};
  if (random() % 6 == 0) return edges[random() % 10];
  uint64_t bits = random();
  double value;
  std::memcpy(&value, &bits, 8);
  return value;  // any bit pattern, NaN payloads included
}

std::string RandomString(std::mt19937_64& random) {
  static const size_t lengths[] = {0, 1, 5, 17, 100, 3000};
  size_t length = lengths[random() % 6];
  if (random() % 200 == 0) length = 70000;
  std::string text(length, '\0');
  for (auto& byte : text) byte = static_cast<char>(random() % 4 == 0 ? random() : 'a' + random() % 3);
  return text;
}

Interval RandomInterval(std::mt19937_64& random) {
  if (random() % 8 == 0) {
    return Interval{std::numeric_limits<int64_t>::max(), std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
  }
  return Interval{static_cast<int64_t>(random() % 100000000000), static_cast<int32_t>(random() % 61) - 30,
                  static_cast<int32_t>(random() % 25) - 12};
}

Uuid RandomUuidBytes(std::mt19937_64& random) {
  Uuid uuid;
  const uint8_t edge = random() % 2 == 0 ? 0x00 : 0xff;
  for (auto& byte : uuid.bytes) byte = random() % 8 == 0 ? edge : static_cast<uint8_t>(random());
  return uuid;
}

// The uuid whose last eight bytes hold `number` big-endian, so that shaped uuids order as the numbers.
Uuid NumberedUuid(int64_t number) {
  Uuid uuid;
  for (int index = 0; index < 8; ++index) uuid.bytes[15 - index] = static_cast<uint8_t>(static_cast<uint64_t>(number) >> (8 * index));
  return uuid;
}

// A vector payload of 1 to 40 dimensions (so whole and partial float32 lanes), with edge elements.
std::string RandomVectorPayload(std::mt19937_64& random) {
  std::string payload;
  const int dimensions = 1 + static_cast<int>(random() % 40);
  for (int index = 0; index < dimensions; ++index) {
    const float edges[] = {0.0f, -0.0f, 1e-45f, -3.4028235e38f, 1.0f};
    const float element = random() % 8 == 0 ? edges[random() % 5] : static_cast<float>(RandomDouble(random));
    AppendVectorElement(payload, std::isfinite(element) ? element : 0.5f);
  }
  return payload;
}

// The vector [number / 4, number % 3, -1], so that shaped vectors repeat as the numbers do.
std::string NumberedVectorPayload(int64_t number) {
  std::string payload;
  for (float element : {static_cast<float>(number) / 4, static_cast<float>(number % 3), -1.0f}) {
    AppendVectorElement(payload, element);
  }
  return payload;
}

// One random value of `type` for a random-shaped column; `base` and `step` shape sorted and small-range data.
Value RandomValue(const LogicalType& type, std::mt19937_64& random) {
  if (type.id == TypeId::kVector) return Value::FromString(type, RandomVectorPayload(random));
  switch (GetPhysicalType(type)) {
    case PhysicalType::kBool: return Value::Bool(random() & 1);
    case PhysicalType::kInt16: return Value::FromInt(type, EdgeOrRandom<int16_t>(random));
    case PhysicalType::kInt32: return Value::FromInt(type, EdgeOrRandom<int32_t>(random));
    case PhysicalType::kInt64: return Value::FromInt(type, EdgeOrRandom<int64_t>(random));
    case PhysicalType::kFloat32: return Value::Float32(static_cast<float>(RandomDouble(random)));
    case PhysicalType::kFloat64: return Value::Float64(RandomDouble(random));
    case PhysicalType::kDecimal: {
      // Mostly one scale within int64 (the integer form); sometimes another scale or a 38-digit value.
      __int128 unscaled = static_cast<int64_t>(random());
      int32_t scale = 2;
      if (random() % 16 == 0) scale = 5;
      if (random() % 16 == 0) unscaled = unscaled * static_cast<__int128>(1000000000000000000LL) * 10;
      return Value::Numeric(Decimal{unscaled, scale}, type);
    }
    case PhysicalType::kString: return Value::FromString(type, RandomString(random));
    case PhysicalType::kInterval: return Value::IntervalValue(RandomInterval(random));
    case PhysicalType::kUuid: return Value::UuidValue(RandomUuidBytes(random));
    case PhysicalType::kInvalid: break;
  }
  return Value::Null(type);
}

// The value for row `row` of an integer-like column of `shape`.
int64_t ShapedInteger(Shape shape, size_t row, std::mt19937_64& random) {
  switch (shape) {
    case Shape::kSorted: return static_cast<int64_t>(row) * 3 + static_cast<int64_t>(random() % 3);
    case Shape::kConstant: return 7;
    case Shape::kFewDistinct: return static_cast<int64_t>(random() % 5) * 1000;
    case Shape::kSmallRange: return 1000 + static_cast<int64_t>(random() % 100);
    case Shape::kRandom: break;
  }
  return 0;
}

Value ShapedValue(const LogicalType& type, Shape shape, size_t row, std::mt19937_64& random) {
  if (shape == Shape::kRandom) return RandomValue(type, random);
  const int64_t number = ShapedInteger(shape, row, random);
  if (type.id == TypeId::kVector) return Value::FromString(type, NumberedVectorPayload(number));
  switch (GetPhysicalType(type)) {
    case PhysicalType::kBool: return Value::Bool(number % 2 != 0);
    case PhysicalType::kInt16:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64: return Value::FromInt(type, number);
    case PhysicalType::kFloat32: return Value::Float32(static_cast<float>(number) / 4);
    case PhysicalType::kFloat64: return Value::Float64(static_cast<double>(number) / 4);
    case PhysicalType::kDecimal: return Value::Numeric(Decimal{number, 2}, type);
    case PhysicalType::kString: {
      std::string text = std::to_string(number);
      return Value::FromString(type, shape == Shape::kSorted ? std::string(12 - text.size(), '0') + text : text);
    }
    case PhysicalType::kInterval: return Value::IntervalValue(Interval{number, 0, 0});
    case PhysicalType::kUuid: return Value::UuidValue(NumberedUuid(number));
    case PhysicalType::kInvalid: break;
  }
  return Value::Null(type);
}

bool RowIsNull(NullPattern nulls, size_t row, size_t rows, std::mt19937_64& random) {
  switch (nulls) {
    case NullPattern::kNone: return false;
    case NullPattern::kAll: return true;
    case NullPattern::kSome: return random() % 10 == 0;
    case NullPattern::kLeading: return row < rows / 3 + 1;
  }
  return false;
}

}  // namespace

std::vector<LogicalType> ChunkTestTypes() {
  return {TypeId::kBool,     TypeId::kInt16,     TypeId::kInt32, TypeId::kInt64,
          TypeId::kFloat32,  TypeId::kFloat64,   LogicalType::Numeric(20, 2),
          TypeId::kText,     TypeId::kBytea,     TypeId::kDate,  TypeId::kTime,
          TypeId::kTimestamp, TypeId::kInterval, TypeId::kUuid, TypeId::kVector};
}

std::string Describe(const LogicalType& type, Shape shape, NullPattern nulls, size_t rows) {
  return FormatType(type) + " shape " + std::to_string(static_cast<int>(shape)) + " nulls " +
         std::to_string(static_cast<int>(nulls)) + " rows " + std::to_string(rows);
}

Vector MakeVector(const LogicalType& type, Shape shape, NullPattern nulls, size_t rows, std::mt19937_64& random) {
  Vector vector(type, rows);
  for (size_t row = 0; row < rows; ++row) {
    if (RowIsNull(nulls, row, rows, random)) {
      vector.SetNull(row, true);
    } else {
      vector.SetValue(row, ShapedValue(type, shape, row, random));
    }
  }
  return vector;
}

bool SameRow(const Vector& left, idx_t left_row, const Vector& right, idx_t right_row) {
  if (left.IsNull(left_row) || right.IsNull(right_row)) return left.IsNull(left_row) == right.IsNull(right_row);
  switch (left.physical_type()) {
    case PhysicalType::kString: return left.GetString(left_row) == right.GetString(right_row);
    case PhysicalType::kDecimal: {
      const Decimal& a = left.Data<Decimal>()[left_row];
      const Decimal& b = right.Data<Decimal>()[right_row];
      return a.value == b.value && a.scale == b.scale;
    }
    case PhysicalType::kInterval: return left.Data<Interval>()[left_row] == right.Data<Interval>()[right_row];
    default: {
      const size_t width = PhysicalWidth(left.physical_type());
      return std::memcmp(left.Data<char>() + left_row * width, right.Data<char>() + right_row * width, width) == 0;
    }
  }
}

}  // namespace tessera::storage::testing
