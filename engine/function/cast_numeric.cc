// SPDX-License-Identifier: Apache-2.0
// Casts among bool, integers, floats, numeric and oid, with PostgreSQL's rounding (rint for floats, half
// away from zero for numeric), range checks and numeric(p,s) typmods.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <type_traits>

#include "base/decimal.h"
#include "engine/function/cast_kernels.h"
#include "engine/function/kernel_builder.h"

namespace tessera::engine::builtin {

namespace {

// Tags the C++ type of a TypeId for the dispatch below. `Oid` is stored as int64 but converts as
// PostgreSQL's unsigned 32-bit oid.
struct OidTag {};
template <typename T>
struct TypeTag {
  using Type = T;
};

template <typename Visitor>
void VisitNumberType(TypeId id, Visitor&& visitor) {
  switch (id) {
    case TypeId::kBool: return visitor(TypeTag<bool>{});
    case TypeId::kInt16: return visitor(TypeTag<int16_t>{});
    case TypeId::kInt32: return visitor(TypeTag<int32_t>{});
    case TypeId::kInt64: return visitor(TypeTag<int64_t>{});
    case TypeId::kFloat32: return visitor(TypeTag<float>{});
    case TypeId::kFloat64: return visitor(TypeTag<double>{});
    case TypeId::kNumeric: return visitor(TypeTag<Decimal>{});
    case TypeId::kOid: return visitor(TypeTag<OidTag>{});
    default: throw SqlError(SqlState::kInternalError, "not a number type in a number cast");
  }
}

// The physical C++ type a tag lies in a vector as.
template <typename T>
using Stored = std::conditional_t<std::is_same_v<T, bool>, uint8_t, std::conditional_t<std::is_same_v<T, OidTag>, int64_t, T>>;

template <typename T>
constexpr bool kIsInteger = std::is_same_v<T, int16_t> || std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>;
template <typename T>
constexpr bool kIsFloat = std::is_same_v<T, float> || std::is_same_v<T, double>;

constexpr int64_t kMaxOid = std::numeric_limits<uint32_t>::max();

// Rounds a float to an integer of type To as PostgreSQL's dtoi4 and friends: rint (half to even), and
// out of range (or NaN) is an error.
template <typename To>
To FloatToInteger(double value, uint32_t& errors) {
  const double rounded = std::rint(value);
  constexpr double kLow = static_cast<double>(std::numeric_limits<To>::min());
  if (std::isnan(rounded) || rounded < kLow || rounded >= -kLow) {
    errors |= kRowOverflow;
    return 0;
  }
  return static_cast<To>(rounded);
}

template <typename To>
To DecimalToInteger(const Decimal& value, uint32_t& errors) {
  const Decimal rounded = value.Round(0).Rescale(0);
  if (rounded.value < std::numeric_limits<To>::min() || rounded.value > std::numeric_limits<To>::max()) {
    errors |= kRowOverflow;
    return 0;
  }
  return static_cast<To>(rounded.value);
}

// float4 -> numeric goes through 6 significant digits, as PostgreSQL's float4_numeric.
Decimal Float32ToDecimal(float value) {
  if (std::isnan(value) || std::isinf(value)) return Decimal::FromDouble(value);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*g", std::numeric_limits<float>::digits10, static_cast<double>(value));
  return Decimal::Parse(buffer);
}

// Converts one value. `errors` collects kRowOverflow/kRowUnderflow; OID range errors use kRowInputOutOfRange.
template <typename From, typename To>
Stored<To> Convert(Stored<From> value, uint32_t& errors) {
  if constexpr (std::is_same_v<From, To>) {
    return value;
  } else if constexpr (std::is_same_v<To, bool>) {
    if constexpr (kIsInteger<From> || std::is_same_v<From, OidTag>) return static_cast<uint8_t>(value != 0);
    return 0;
  } else if constexpr (std::is_same_v<From, bool>) {
    if constexpr (std::is_same_v<To, Decimal>) return Decimal::FromInt64(value);
    if constexpr (kIsInteger<To> || kIsFloat<To>) return static_cast<To>(value);
    return Stored<To>{};
  } else if constexpr (std::is_same_v<To, OidTag>) {
    if constexpr (std::is_same_v<From, int64_t>) {
      if (value < 0 || value > kMaxOid) errors |= kRowInputOutOfRange;
      return value;
    } else if constexpr (kIsInteger<From>) {
      return static_cast<int64_t>(static_cast<uint32_t>(static_cast<int32_t>(value)));
    }
    return 0;
  } else if constexpr (std::is_same_v<From, OidTag>) {
    if constexpr (std::is_same_v<To, int32_t>) return static_cast<int32_t>(static_cast<uint32_t>(value));
    if constexpr (kIsInteger<To>) return static_cast<To>(value);
    return Stored<To>{};
  } else if constexpr (kIsInteger<To>) {
    if constexpr (kIsInteger<From>) {
      if (value < std::numeric_limits<To>::min() || value > std::numeric_limits<To>::max()) errors |= kRowOverflow;
      return static_cast<To>(value);
    } else if constexpr (kIsFloat<From>) {
      return FloatToInteger<To>(value, errors);
    } else {
      return DecimalToInteger<To>(value, errors);
    }
  } else if constexpr (std::is_same_v<To, float>) {
    if constexpr (std::is_same_v<From, Decimal>) {
      return static_cast<float>(value.ToDouble());
    } else {
      const auto narrowed = static_cast<float>(value);
      if constexpr (std::is_same_v<From, double>) {
        if (std::isinf(narrowed) && !std::isinf(value)) errors |= kRowOverflow;
        if (narrowed == 0 && value != 0) errors |= kRowUnderflow;
      }
      return narrowed;
    }
  } else if constexpr (std::is_same_v<To, double>) {
    if constexpr (std::is_same_v<From, Decimal>) {
      return value.ToDouble();
    } else {
      return static_cast<double>(value);
    }
  } else if constexpr (std::is_same_v<To, Decimal>) {
    if constexpr (std::is_same_v<From, float>) {
      return Float32ToDecimal(value);
    } else if constexpr (std::is_same_v<From, double>) {
      return Decimal::FromDouble(value);
    } else {
      return Decimal::FromInt64(static_cast<int64_t>(value));
    }
  }
}

template <typename From, typename To>
void CastLoop(const Vector& input, const LogicalType& target, Vector& result) {
  uint32_t errors = kRowOk;
  ExecuteUnary<Stored<From>, Stored<To>>(input, input.size(), result, [&errors](Stored<From> value) {
    return Convert<From, To>(value, errors);
  });
  if (errors != kRowOk) {
    if (errors & kRowInputOutOfRange) throw SqlError(SqlState::kNumericValueOutOfRange, "OID out of range");
    RaiseRowError(errors, OverflowMessage<Stored<To>>());
  }
  if constexpr (std::is_same_v<To, Decimal>) {
    const int precision = target.NumericPrecision();
    if (precision < 0) return;
    const int scale = target.NumericScale();
    Decimal* values = result.Data<Decimal>();
    for (idx_t row = 0; row < input.size(); ++row) {
      if (!input.IsNull(row)) values[row] = values[row].ApplyTypmod(precision, scale);
    }
  }
}

}  // namespace

void CastNumberVector(const Vector& input, const LogicalType& target, Vector& result) {
  VisitNumberType(input.type().id, [&](auto from) {
    VisitNumberType(target.id, [&](auto to) {
      CastLoop<typename decltype(from)::Type, typename decltype(to)::Type>(input, target, result);
    });
  });
}

}  // namespace tessera::engine::builtin
