// SPDX-License-Identifier: Apache-2.0
// to_char(value, pattern) for timestamps (in the session's zone for timestamptz), intervals and numbers.
#include <string>
#include <string_view>

#include "base/datetime.h"
#include "base/decimal.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/number_format.h"
#include "engine/function/temporal_values.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

void builtin::RegisterToCharFunctions(FunctionRegistry& registry) {
  AddFunction(registry, "to_char", {kTimestampType, kTextType}, kTextType,
              BinaryStringKernel<int64_t, std::string_view>([](int64_t timestamp, std::string_view pattern) {
                return datetime::TimestampToChar(timestamp, pattern);
              }));
  AddFunction(registry, "to_char", {kTimestampTzType, kTextType}, kTextType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext& context) {
                const int64_t local = TimestampTzToLocal(args[0].Data<int64_t>()[row], context.time_zone);
                result.SetString(row, datetime::TimestampToChar(local, args[1].GetString(row)));
              }));
  AddFunction(registry, "to_char", {kIntervalType, kTextType}, kTextType,
              BinaryStringKernel<Interval, std::string_view>([](const Interval& interval, std::string_view pattern) {
                return datetime::IntervalToChar(interval, pattern);
              }));
  AddFunction(registry, "to_char", {kNumericType, kTextType}, kTextType,
              BinaryStringKernel<Decimal, std::string_view>(FormatNumber));
  AddFunction(registry, "to_char", {kInt32Type, kTextType}, kTextType,
              BinaryStringKernel<int32_t, std::string_view>([](int32_t value, std::string_view pattern) {
                return FormatNumber(Decimal::FromInt64(value), pattern);
              }));
  AddFunction(registry, "to_char", {kInt64Type, kTextType}, kTextType,
              BinaryStringKernel<int64_t, std::string_view>([](int64_t value, std::string_view pattern) {
                return FormatNumber(Decimal::FromInt64(value), pattern);
              }));
  AddFunction(registry, "to_char", {kFloat64Type, kTextType}, kTextType,
              BinaryStringKernel<double, std::string_view>([](double value, std::string_view pattern) {
                return FormatFloatNumber(value, pattern, 15);
              }));
  AddFunction(registry, "to_char", {kFloat32Type, kTextType}, kTextType,
              BinaryStringKernel<float, std::string_view>([](float value, std::string_view pattern) {
                return FormatFloatNumber(value, pattern, 6);
              }));
}

}  // namespace tessera::engine
