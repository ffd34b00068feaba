// SPDX-License-Identifier: Apache-2.0
// SQL order and byte forms of values by physical type.
#include "storage/encoding/physical_value.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "base/datetime.h"
#include "base/decimal.h"

namespace tessera::storage {
namespace {

constexpr size_t kDecimalBytes = 20;
constexpr size_t kIntervalBytes = 16;
constexpr size_t kUuidBytes = 16;  // the bytes in order; memcmp is the SQL order

template <typename T>
T Load(const char* bytes) {
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

Decimal DecimalFromBytes(const char* bytes) { return Decimal{Load<__int128>(bytes), Load<int32_t>(bytes + 16)}; }

Interval IntervalFromBytes(const char* bytes) {
  return Interval{Load<int64_t>(bytes), Load<int32_t>(bytes + 8), Load<int32_t>(bytes + 12)};
}

int CompareBytes(PhysicalType type, const char* left, const char* right) {
  switch (type) {
    case PhysicalType::kFloat32: return CompareFloatSql(Load<float>(left), Load<float>(right));
    case PhysicalType::kFloat64: return CompareFloatSql(Load<double>(left), Load<double>(right));
    case PhysicalType::kDecimal: return Decimal::Compare(DecimalFromBytes(left), DecimalFromBytes(right));
    case PhysicalType::kInterval: return datetime::CompareIntervals(IntervalFromBytes(left), IntervalFromBytes(right));
    default: return 0;
  }
}

template <PhysicalType kType>
bool FixedLessOf(const char* left, const char* right) {
  const int order = CompareBytes(kType, left, right);
  return order != 0 ? order < 0 : std::memcmp(left, right, FixedWidth(kType)) < 0;
}

}  // namespace

int CompareFloatSql(double left, double right) {
  const bool left_nan = std::isnan(left);
  const bool right_nan = std::isnan(right);
  if (left_nan || right_nan) return left_nan == right_nan ? 0 : (left_nan ? 1 : -1);
  return left < right ? -1 : (left > right ? 1 : 0);
}

int ComparePhysical(PhysicalType type, const Value& left, const Value& right) {
  auto three_way = [](const auto& a, const auto& b) { return a < b ? -1 : (b < a ? 1 : 0); };
  switch (type) {
    case PhysicalType::kBool: return three_way(left.GetBool(), right.GetBool());
    case PhysicalType::kInt16:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64: return three_way(left.GetInt(), right.GetInt());
    case PhysicalType::kFloat32:
    case PhysicalType::kFloat64: return CompareFloatSql(left.GetDouble(), right.GetDouble());
    case PhysicalType::kDecimal: return Decimal::Compare(left.GetDecimal(), right.GetDecimal());
    case PhysicalType::kString: return three_way(std::string_view(left.GetString()), std::string_view(right.GetString()));
    case PhysicalType::kInterval: return datetime::CompareIntervals(left.GetInterval(), right.GetInterval());
    case PhysicalType::kUuid: return three_way(left.GetUuid(), right.GetUuid());
    case PhysicalType::kInvalid: return 0;
  }
  return 0;
}

LogicalType StatsType(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBool: return TypeId::kBool;
    case PhysicalType::kInt16: return TypeId::kInt16;
    case PhysicalType::kInt32: return TypeId::kInt32;
    case PhysicalType::kInt64: return TypeId::kInt64;
    case PhysicalType::kFloat32: return TypeId::kFloat32;
    case PhysicalType::kFloat64: return TypeId::kFloat64;
    case PhysicalType::kDecimal: return TypeId::kNumeric;
    case PhysicalType::kString: return TypeId::kText;
    case PhysicalType::kInterval: return TypeId::kInterval;
    case PhysicalType::kUuid: return TypeId::kUuid;
    case PhysicalType::kInvalid: return TypeId::kUnknown;
  }
  return TypeId::kUnknown;
}

size_t FixedWidth(PhysicalType type) {
  switch (type) {
    case PhysicalType::kFloat32: return 4;
    case PhysicalType::kFloat64: return 8;
    case PhysicalType::kDecimal: return kDecimalBytes;
    case PhysicalType::kInterval: return kIntervalBytes;
    case PhysicalType::kUuid: return kUuidBytes;
    default: return 0;
  }
}

FixedLess FixedLessFor(PhysicalType type) {
  switch (type) {
    case PhysicalType::kFloat32: return &FixedLessOf<PhysicalType::kFloat32>;
    case PhysicalType::kFloat64: return &FixedLessOf<PhysicalType::kFloat64>;
    case PhysicalType::kDecimal: return &FixedLessOf<PhysicalType::kDecimal>;
    case PhysicalType::kUuid: return &FixedLessOf<PhysicalType::kUuid>;
    default: return &FixedLessOf<PhysicalType::kInterval>;
  }
}

void ToFixedBytes(PhysicalType type, const void* data, char* bytes) {
  if (type == PhysicalType::kDecimal) {
    const auto* decimal = static_cast<const Decimal*>(data);
    std::memcpy(bytes, &decimal->value, 16);
    std::memcpy(bytes + 16, &decimal->scale, 4);
  } else if (type == PhysicalType::kInterval) {
    const auto* interval = static_cast<const Interval*>(data);
    std::memcpy(bytes, &interval->micros, 8);
    std::memcpy(bytes + 8, &interval->days, 4);
    std::memcpy(bytes + 12, &interval->months, 4);
  } else {
    std::memcpy(bytes, data, FixedWidth(type));
  }
}

void FromFixedBytes(PhysicalType type, const char* bytes, void* data) {
  if (type == PhysicalType::kDecimal) {
    *static_cast<Decimal*>(data) = DecimalFromBytes(bytes);
  } else if (type == PhysicalType::kInterval) {
    *static_cast<Interval*>(data) = IntervalFromBytes(bytes);
  } else {
    std::memcpy(data, bytes, FixedWidth(type));
  }
}

Value FixedBytesToValue(PhysicalType type, const char* bytes) {
  switch (type) {
    case PhysicalType::kFloat32: return Value::Float32(Load<float>(bytes));
    case PhysicalType::kFloat64: return Value::Float64(Load<double>(bytes));
    case PhysicalType::kDecimal: return Value::Numeric(DecimalFromBytes(bytes));
    case PhysicalType::kUuid: return Value::UuidValue(Load<Uuid>(bytes));
    default: return Value::IntervalValue(IntervalFromBytes(bytes));
  }
}

std::string StatsBytes(PhysicalType type, const Value& value) {
  std::string bytes;
  if (type == PhysicalType::kString) return value.GetString();
  if (FixedWidth(type) == 0) {
    const int64_t number = type == PhysicalType::kBool ? value.GetBool() : value.GetInt();
    return std::string(reinterpret_cast<const char*>(&number), 8);
  }
  bytes.resize(FixedWidth(type));
  if (type == PhysicalType::kFloat32) {
    const float number = static_cast<float>(value.GetDouble());
    std::memcpy(bytes.data(), &number, 4);
  } else if (type == PhysicalType::kFloat64) {
    const double number = value.GetDouble();
    std::memcpy(bytes.data(), &number, 8);
  } else if (type == PhysicalType::kDecimal) {
    ToFixedBytes(type, &value.GetDecimal(), bytes.data());
  } else if (type == PhysicalType::kUuid) {
    ToFixedBytes(type, &value.GetUuid(), bytes.data());
  } else {
    ToFixedBytes(type, &value.GetInterval(), bytes.data());
  }
  return bytes;
}

bool StatsValue(PhysicalType type, std::string_view bytes, Value* value) {
  if (type == PhysicalType::kString) {
    *value = Value::Text(std::string(bytes));
    return true;
  }
  const size_t width = FixedWidth(type) == 0 ? 8 : FixedWidth(type);
  if (bytes.size() != width || type == PhysicalType::kInvalid) return false;
  if (FixedWidth(type) != 0) {
    *value = FixedBytesToValue(type, bytes.data());
  } else if (type == PhysicalType::kBool) {
    *value = Value::Bool(Load<int64_t>(bytes.data()) != 0);
  } else {
    *value = Value::FromInt(StatsType(type), Load<int64_t>(bytes.data()));
  }
  return true;
}

}  // namespace tessera::storage
