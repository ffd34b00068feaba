// SPDX-License-Identifier: Apache-2.0
// The comparison operators = <> < <= > >= for every type, with PostgreSQL's orderings: NaN equal to NaN
// and above every other float, numeric by value whatever its scale, text bytewise (collation "C"),
// bpchar without trailing spaces, intervals as 30-day months.
#include <cmath>
#include <string_view>

#include "base/datetime.h"
#include "base/decimal.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/temporal_values.h"
#include "engine/function/utf8.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

namespace {

// Registers the six comparisons of (left, right) given `compare(a, b)` returning <0, 0 or >0.
template <typename Left, typename Right, typename Compare>
void RegisterComparisons(FunctionRegistry& registry, LogicalType left, LogicalType right, Compare compare) {
  AddFunction(registry, "=", {left, right}, kBoolType, BinaryKernel<Left, Right, uint8_t>([compare](Left a, Right b) {
                return static_cast<uint8_t>(compare(a, b) == 0);
              }));
  AddFunction(registry, "<>", {left, right}, kBoolType, BinaryKernel<Left, Right, uint8_t>([compare](Left a, Right b) {
                return static_cast<uint8_t>(compare(a, b) != 0);
              }));
  AddFunction(registry, "<", {left, right}, kBoolType, BinaryKernel<Left, Right, uint8_t>([compare](Left a, Right b) {
                return static_cast<uint8_t>(compare(a, b) < 0);
              }));
  AddFunction(registry, "<=", {left, right}, kBoolType, BinaryKernel<Left, Right, uint8_t>([compare](Left a, Right b) {
                return static_cast<uint8_t>(compare(a, b) <= 0);
              }));
  AddFunction(registry, ">", {left, right}, kBoolType, BinaryKernel<Left, Right, uint8_t>([compare](Left a, Right b) {
                return static_cast<uint8_t>(compare(a, b) > 0);
              }));
  AddFunction(registry, ">=", {left, right}, kBoolType, BinaryKernel<Left, Right, uint8_t>([compare](Left a, Right b) {
                return static_cast<uint8_t>(compare(a, b) >= 0);
              }));
}

// As RegisterComparisons, for comparisons that need the session (time zone).
template <typename Left, typename Right, typename Compare>
void RegisterContextComparisons(FunctionRegistry& registry, LogicalType left, LogicalType right,
                                Compare compare) {
  const auto add = [&](const char* name, auto test) {
    AddFunction(registry, name, {left, right}, kBoolType,
                ContextBinaryKernel<Left, Right, uint8_t>([compare, test](Left a, Right b, ExecContext& context) {
                  return static_cast<uint8_t>(test(compare(a, b, context)));
                }));
  };
  add("=", [](int order) { return order == 0; });
  add("<>", [](int order) { return order != 0; });
  add("<", [](int order) { return order < 0; });
  add("<=", [](int order) { return order <= 0; });
  add(">", [](int order) { return order > 0; });
  add(">=", [](int order) { return order >= 0; });
}

template <typename T>
int CompareOrdered(T a, T b) {
  return (a > b) - (a < b);
}

// PostgreSQL's float ordering: NaN equals NaN and sorts above everything else; -0 equals 0.
int CompareFloats(double a, double b) {
  if (std::isnan(a)) return std::isnan(b) ? 0 : 1;
  if (std::isnan(b)) return -1;
  return (a > b) - (a < b);
}

int CompareBytes(std::string_view a, std::string_view b) {
  const int order = a.compare(b);
  return (order > 0) - (order < 0);
}

void RegisterNumberComparisons(FunctionRegistry& registry) {
  RegisterComparisons<uint8_t, uint8_t>(registry, kBoolType, kBoolType, CompareOrdered<uint8_t>);
  const auto integer = [](auto a, auto b) { return CompareOrdered<int64_t>(a, b); };
  RegisterComparisons<int16_t, int16_t>(registry, kInt16Type, kInt16Type, integer);
  RegisterComparisons<int32_t, int32_t>(registry, kInt32Type, kInt32Type, integer);
  RegisterComparisons<int64_t, int64_t>(registry, kInt64Type, kInt64Type, integer);
  RegisterComparisons<int16_t, int32_t>(registry, kInt16Type, kInt32Type, integer);
  RegisterComparisons<int32_t, int16_t>(registry, kInt32Type, kInt16Type, integer);
  RegisterComparisons<int16_t, int64_t>(registry, kInt16Type, kInt64Type, integer);
  RegisterComparisons<int64_t, int16_t>(registry, kInt64Type, kInt16Type, integer);
  RegisterComparisons<int32_t, int64_t>(registry, kInt32Type, kInt64Type, integer);
  RegisterComparisons<int64_t, int32_t>(registry, kInt64Type, kInt32Type, integer);
  RegisterComparisons<int64_t, int64_t>(registry, kOidType, kOidType, integer);
  const auto floats = [](auto a, auto b) { return CompareFloats(a, b); };
  RegisterComparisons<float, float>(registry, kFloat32Type, kFloat32Type, floats);
  RegisterComparisons<double, double>(registry, kFloat64Type, kFloat64Type, floats);
  RegisterComparisons<float, double>(registry, kFloat32Type, kFloat64Type, floats);
  RegisterComparisons<double, float>(registry, kFloat64Type, kFloat32Type, floats);
  RegisterComparisons<Decimal, Decimal>(registry, kNumericType, kNumericType, &Decimal::Compare);
}

void RegisterStringComparisons(FunctionRegistry& registry) {
  for (TypeId id : {TypeId::kText, TypeId::kVarchar, TypeId::kName, TypeId::kBytea, TypeId::kTextArray}) {
    RegisterComparisons<std::string_view, std::string_view>(registry, LogicalType(id), LogicalType(id),
                                                            CompareBytes);
  }
  RegisterComparisons<std::string_view, std::string_view>(
      registry, kCharType, kCharType, [](std::string_view a, std::string_view b) {
        return CompareBytes(TrimTrailingSpaces(a), TrimTrailingSpaces(b));
      });
}

void RegisterTemporalComparisons(FunctionRegistry& registry) {
  RegisterComparisons<int32_t, int32_t>(registry, kDateType, kDateType, CompareOrdered<int32_t>);
  // timetz compares as its packed form: by UTC time, then zone (datetime::PackTimeTz).
  for (TypeId id : {TypeId::kTime, TypeId::kTimeTz, TypeId::kTimestamp, TypeId::kTimestampTz}) {
    RegisterComparisons<int64_t, int64_t>(registry, LogicalType(id), LogicalType(id), CompareOrdered<int64_t>);
  }
  RegisterComparisons<Interval, Interval>(registry, kIntervalType, kIntervalType, datetime::CompareIntervals);

  // Cross-type comparisons PostgreSQL has operators for: dates and timestamps compare as timestamps.
  RegisterComparisons<int32_t, int64_t>(registry, kDateType, kTimestampType, [](int32_t date, int64_t timestamp) {
    return CompareOrdered<int64_t>(DateToTimestampValue(date), timestamp);
  });
  RegisterComparisons<int64_t, int32_t>(registry, kTimestampType, kDateType, [](int64_t timestamp, int32_t date) {
    return CompareOrdered<int64_t>(timestamp, DateToTimestampValue(date));
  });
  RegisterContextComparisons<int32_t, int64_t>(
      registry, kDateType, kTimestampTzType, [](int32_t date, int64_t timestamp, ExecContext& context) {
        return CompareOrdered<int64_t>(DateToTimestampTzValue(date, context.time_zone), timestamp);
      });
  RegisterContextComparisons<int64_t, int32_t>(
      registry, kTimestampTzType, kDateType, [](int64_t timestamp, int32_t date, ExecContext& context) {
        return CompareOrdered<int64_t>(timestamp, DateToTimestampTzValue(date, context.time_zone));
      });
  RegisterContextComparisons<int64_t, int64_t>(
      registry, kTimestampType, kTimestampTzType, [](int64_t local, int64_t timestamp, ExecContext& context) {
        return CompareOrdered<int64_t>(LocalToTimestampTz(local, context.time_zone), timestamp);
      });
  RegisterContextComparisons<int64_t, int64_t>(
      registry, kTimestampTzType, kTimestampType, [](int64_t timestamp, int64_t local, ExecContext& context) {
        return CompareOrdered<int64_t>(timestamp, LocalToTimestampTz(local, context.time_zone));
      });
}

}  // namespace

void RegisterComparisonFunctions(FunctionRegistry& registry) {
  RegisterNumberComparisons(registry);
  RegisterStringComparisons(registry);
  RegisterTemporalComparisons(registry);
}

}  // namespace tessera::engine
