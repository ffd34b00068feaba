// SPDX-License-Identifier: Apache-2.0
// Value: one SQL value of any type, for constants, parameters and results outside the vectorized path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "base/datetime.h"
#include "base/decimal.h"
#include "base/types.h"
#include "base/uuid.h"

namespace tessera {

class Value {
 public:
  // A NULL of the given type (default: untyped NULL).
  Value() = default;
  explicit Value(LogicalType type) : type_(type) {}

  static Value Null(LogicalType type = LogicalType()) { return Value(type); }
  static Value Bool(bool value) { return Value(TypeId::kBool, Payload(value)); }
  static Value Int16(int16_t value) { return Value(TypeId::kInt16, Payload(int64_t{value})); }
  static Value Int32(int32_t value) { return Value(TypeId::kInt32, Payload(int64_t{value})); }
  static Value Int64(int64_t value) { return Value(TypeId::kInt64, Payload(value)); }
  static Value Float32(float value) { return Value(TypeId::kFloat32, Payload(double{value})); }
  static Value Float64(double value) { return Value(TypeId::kFloat64, Payload(value)); }
  static Value Numeric(Decimal value, LogicalType type = LogicalType(TypeId::kNumeric)) {
    return Value(type, Payload(value));
  }
  static Value Text(std::string value, LogicalType type = LogicalType(TypeId::kText)) {
    return Value(type, Payload(std::move(value)));
  }
  static Value Date(int32_t days) { return Value(TypeId::kDate, Payload(int64_t{days})); }
  static Value Timestamp(int64_t micros) { return Value(TypeId::kTimestamp, Payload(micros)); }
  static Value TimestampTz(int64_t micros) { return Value(TypeId::kTimestampTz, Payload(micros)); }
  static Value Time(int64_t micros) { return Value(TypeId::kTime, Payload(micros)); }
  static Value IntervalValue(Interval value) { return Value(TypeId::kInterval, Payload(value)); }
  static Value UuidValue(Uuid value) { return Value(TypeId::kUuid, Payload(value)); }
  // Any type whose physical form is an integer (ints, date, time, timestamps, oid).
  static Value FromInt(LogicalType type, int64_t value) { return Value(type, Payload(value)); }
  static Value FromString(LogicalType type, std::string value) { return Value(type, Payload(std::move(value))); }
  static Value FromDouble(LogicalType type, double value) { return Value(type, Payload(value)); }

  const LogicalType& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(payload_); }

  // Accessors; REQUIRES: !is_null() and a matching physical type.
  bool GetBool() const { return std::get<bool>(payload_); }
  int64_t GetInt() const { return std::get<int64_t>(payload_); }
  double GetDouble() const { return std::get<double>(payload_); }
  const Decimal& GetDecimal() const { return std::get<Decimal>(payload_); }
  const std::string& GetString() const { return std::get<std::string>(payload_); }
  const Interval& GetInterval() const { return std::get<Interval>(payload_); }
  const Uuid& GetUuid() const { return std::get<Uuid>(payload_); }

  // Returns a copy with a different logical type but the same payload (for domains of one physical type).
  Value WithType(LogicalType type) const {
    Value copy = *this;
    copy.type_ = type;
    return copy;
  }

  // PostgreSQL's text output for the value ("NULL" is not produced: callers check is_null()).
  // Timestamptz prints in UTC; sessions with another zone format through the engine.
  std::string ToString() const;

 private:
  using Payload = std::variant<std::monostate, bool, int64_t, double, Decimal, std::string, Interval, Uuid>;
  Value(LogicalType type, Payload payload) : type_(type), payload_(std::move(payload)) {}

  LogicalType type_;
  Payload payload_;
};

}  // namespace tessera
