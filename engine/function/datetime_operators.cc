// SPDX-License-Identifier: Apache-2.0
// Date/time arithmetic operators: date ± int, date - date, date/time/timestamp[tz] ± interval,
// timestamp - timestamp, time - time, interval ± * / interval, with PostgreSQL's range errors.
#include <cstdint>

#include "base/datetime.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/temporal_values.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

namespace {

// Dates PostgreSQL accepts: julian days [0, 2147483494), here counted from 2000-01-01 (julian 2451545).
constexpr int64_t kMinDate = -2451545;
constexpr int64_t kEndDate = 2147483494 - 2451545;

int32_t AddDays(int32_t date, int64_t days) {
  if (!IsFiniteDate(date)) return date;
  const int64_t result = int64_t{date} + days;
  if (result < kMinDate || result >= kEndDate) throw SqlError(SqlState::kDatetimeFieldOverflow, "date out of range");
  return static_cast<int32_t>(result);
}

int32_t SubtractDates(int32_t a, int32_t b) {
  if (!IsFiniteDate(a) || !IsFiniteDate(b)) {
    throw SqlError(SqlState::kDatetimeFieldOverflow, "cannot subtract infinite dates");
  }
  return a - b;
}

int64_t AddToTimestamp(int64_t timestamp, const Interval& interval) {
  return IsFiniteTimestamp(timestamp) ? datetime::AddInterval(timestamp, interval) : timestamp;
}

int64_t AddToTimestampTz(int64_t timestamp, const Interval& interval, const datetime::TimeZone& zone) {
  return IsFiniteTimestamp(timestamp) ? datetime::AddIntervalTz(timestamp, interval, zone) : timestamp;
}

Interval SubtractTimestamps(int64_t a, int64_t b) {
  if (!IsFiniteTimestamp(a) || !IsFiniteTimestamp(b)) {
    throw SqlError(SqlState::kDatetimeFieldOverflow, "cannot subtract infinite timestamps");
  }
  return datetime::SubtractTimestamps(a, b);
}

// time ± interval wraps around midnight; only the interval's time part counts.
int64_t AddToTime(int64_t time, const Interval& interval) {
  int64_t result = (time + interval.micros % datetime::kMicrosPerDay) % datetime::kMicrosPerDay;
  return result < 0 ? result + datetime::kMicrosPerDay : result;
}

void RegisterDateOperators(FunctionRegistry& registry) {
  AddFunction(registry, "+", {kDateType, kInt32Type}, kDateType,
              BinaryKernel<int32_t, int32_t, int32_t>([](int32_t date, int32_t days) { return AddDays(date, days); }));
  AddFunction(registry, "+", {kInt32Type, kDateType}, kDateType,
              BinaryKernel<int32_t, int32_t, int32_t>([](int32_t days, int32_t date) { return AddDays(date, days); }));
  AddFunction(registry, "-", {kDateType, kInt32Type}, kDateType,
              BinaryKernel<int32_t, int32_t, int32_t>([](int32_t date, int32_t days) { return AddDays(date, -int64_t{days}); }));
  AddFunction(registry, "-", {kDateType, kDateType}, kInt32Type, BinaryKernel<int32_t, int32_t, int32_t>(SubtractDates));
  AddFunction(registry, "+", {kDateType, kIntervalType}, kTimestampType,
              BinaryKernel<int32_t, Interval, int64_t>([](int32_t date, const Interval& interval) {
                return AddToTimestamp(DateToTimestampValue(date), interval);
              }));
  AddFunction(registry, "+", {kIntervalType, kDateType}, kTimestampType,
              BinaryKernel<Interval, int32_t, int64_t>([](const Interval& interval, int32_t date) {
                return AddToTimestamp(DateToTimestampValue(date), interval);
              }));
  AddFunction(registry, "-", {kDateType, kIntervalType}, kTimestampType,
              BinaryKernel<int32_t, Interval, int64_t>([](int32_t date, const Interval& interval) {
                return AddToTimestamp(DateToTimestampValue(date), datetime::NegateInterval(interval));
              }));
  AddFunction(registry, "+", {kDateType, kTimeType}, kTimestampType,
              BinaryKernel<int32_t, int64_t, int64_t>([](int32_t date, int64_t time) {
                const int64_t timestamp = DateToTimestampValue(date);
                return IsFiniteTimestamp(timestamp) ? timestamp + time : timestamp;
              }));
  AddFunction(registry, "+", {kTimeType, kDateType}, kTimestampType,
              BinaryKernel<int64_t, int32_t, int64_t>([](int64_t time, int32_t date) {
                const int64_t timestamp = DateToTimestampValue(date);
                return IsFiniteTimestamp(timestamp) ? timestamp + time : timestamp;
              }));
}

void RegisterTimestampOperators(FunctionRegistry& registry) {
  AddFunction(registry, "+", {kTimestampType, kIntervalType}, kTimestampType,
              BinaryKernel<int64_t, Interval, int64_t>(AddToTimestamp));
  AddFunction(registry, "+", {kIntervalType, kTimestampType}, kTimestampType,
              BinaryKernel<Interval, int64_t, int64_t>([](const Interval& interval, int64_t timestamp) {
                return AddToTimestamp(timestamp, interval);
              }));
  AddFunction(registry, "-", {kTimestampType, kIntervalType}, kTimestampType,
              BinaryKernel<int64_t, Interval, int64_t>([](int64_t timestamp, const Interval& interval) {
                return AddToTimestamp(timestamp, datetime::NegateInterval(interval));
              }));
  AddFunction(registry, "+", {kTimestampTzType, kIntervalType}, kTimestampTzType,
              ContextBinaryKernel<int64_t, Interval, int64_t>([](int64_t timestamp, const Interval& interval, ExecContext& context) {
                return AddToTimestampTz(timestamp, interval, context.time_zone);
              }));
  AddFunction(registry, "+", {kIntervalType, kTimestampTzType}, kTimestampTzType,
              ContextBinaryKernel<Interval, int64_t, int64_t>([](const Interval& interval, int64_t timestamp, ExecContext& context) {
                return AddToTimestampTz(timestamp, interval, context.time_zone);
              }));
  AddFunction(registry, "-", {kTimestampTzType, kIntervalType}, kTimestampTzType,
              ContextBinaryKernel<int64_t, Interval, int64_t>([](int64_t timestamp, const Interval& interval, ExecContext& context) {
                return AddToTimestampTz(timestamp, datetime::NegateInterval(interval), context.time_zone);
              }));
  for (LogicalType type : {kTimestampType, kTimestampTzType}) {
    AddFunction(registry, "-", {type, type}, kIntervalType, BinaryKernel<int64_t, int64_t, Interval>(SubtractTimestamps));
  }
  AddFunction(registry, "+", {kTimeType, kIntervalType}, kTimeType, BinaryKernel<int64_t, Interval, int64_t>(AddToTime));
  AddFunction(registry, "+", {kIntervalType, kTimeType}, kTimeType,
              BinaryKernel<Interval, int64_t, int64_t>([](const Interval& interval, int64_t time) { return AddToTime(time, interval); }));
  AddFunction(registry, "-", {kTimeType, kIntervalType}, kTimeType,
              BinaryKernel<int64_t, Interval, int64_t>([](int64_t time, const Interval& interval) {
                return AddToTime(time, datetime::NegateInterval(interval));
              }));
  // timetz +/- interval moves the time of day; the zone stays.
  const LogicalType timetz(TypeId::kTimeTz);
  const auto add_to_timetz = [](int64_t packed, const Interval& interval) {
    return datetime::PackTimeTz(datetime::AddIntervalToTimeTz(datetime::UnpackTimeTz(packed), interval));
  };
  AddFunction(registry, "+", {timetz, kIntervalType}, timetz, BinaryKernel<int64_t, Interval, int64_t>(add_to_timetz));
  AddFunction(registry, "+", {kIntervalType, timetz}, timetz,
              BinaryKernel<Interval, int64_t, int64_t>([add_to_timetz](const Interval& interval, int64_t packed) {
                return add_to_timetz(packed, interval);
              }));
  AddFunction(registry, "-", {timetz, kIntervalType}, timetz,
              BinaryKernel<int64_t, Interval, int64_t>([add_to_timetz](int64_t packed, const Interval& interval) {
                return add_to_timetz(packed, Interval{-(interval.micros % datetime::kMicrosPerDay), 0, 0});
              }));
  AddFunction(registry, "-", {kTimeType, kTimeType}, kIntervalType,
              BinaryKernel<int64_t, int64_t, Interval>([](int64_t a, int64_t b) { return Interval{a - b, 0, 0}; }));
}

void RegisterIntervalOperators(FunctionRegistry& registry) {
  AddFunction(registry, "+", {kIntervalType, kIntervalType}, kIntervalType,
              BinaryKernel<Interval, Interval, Interval>(datetime::AddIntervals));
  AddFunction(registry, "-", {kIntervalType, kIntervalType}, kIntervalType,
              BinaryKernel<Interval, Interval, Interval>([](const Interval& a, const Interval& b) {
                return datetime::AddIntervals(a, datetime::NegateInterval(b));
              }));
  AddFunction(registry, "-", {kIntervalType}, kIntervalType, UnaryKernel<Interval, Interval>(datetime::NegateInterval));
  AddFunction(registry, "+", {kIntervalType}, kIntervalType, UnaryKernel<Interval, Interval>([](const Interval& interval) {
                return interval;
              }));
  AddFunction(registry, "*", {kIntervalType, kFloat64Type}, kIntervalType,
              BinaryKernel<Interval, double, Interval>(datetime::MultiplyInterval));
  AddFunction(registry, "*", {kFloat64Type, kIntervalType}, kIntervalType,
              BinaryKernel<double, Interval, Interval>([](double factor, const Interval& interval) {
                return datetime::MultiplyInterval(interval, factor);
              }));
  AddFunction(registry, "/", {kIntervalType, kFloat64Type}, kIntervalType,
              BinaryKernel<Interval, double, Interval>(datetime::DivideInterval));
}

}  // namespace

void builtin::RegisterDatetimeOperators(FunctionRegistry& registry) {
  RegisterDateOperators(registry);
  RegisterTimestampOperators(registry);
  RegisterIntervalOperators(registry);
}

}  // namespace tessera::engine
