// SPDX-License-Identifier: Apache-2.0
// Date/time functions: now() and the current_* values, clock_timestamp, date_trunc, date_part (float8)
// and extract (numeric, exact as PostgreSQL 14+), age, make_date/make_time/make_timestamp, justify_*,
// to_timestamp and isfinite. timestamptz fields are taken in the session's time zone.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "base/datetime.h"
#include "base/decimal.h"
#include "base/text_format.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/temporal_values.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

namespace {

constexpr int64_t kUnixEpochOffsetMicros = int64_t{946684800} * datetime::kMicrosPerSecond;  // 1970 -> 2000
constexpr int32_t kPostgresEpochJulian = 2451545;

// --- Units ---------------------------------------------------------------------------------------------

// The extract/date_part units whose value is not a plain integer, or that need special handling.
enum class Unit { kEpoch, kSecond, kMillisecond, kMicrosecond, kJulian, kTimezone, kTimezoneHour, kTimezoneMinute,
                  kMonotonic, kOther };

// Lower-cases a unit name as PostgreSQL does before looking it up.
std::string LowerUnit(std::string_view unit) { return ConvertCase(unit, false); }

// Classifies a unit as PostgreSQL's DecodeUnits matches it: lower-cased, first 10 characters.
Unit ClassifyUnit(std::string_view lowered) {
  const std::string_view key = lowered.substr(0, 10);
  const auto is_one_of = [key](std::initializer_list<std::string_view> names) {
    for (std::string_view name : names) {
      if (key == name) return true;
    }
    return false;
  };
  if (key == "epoch") return Unit::kEpoch;
  if (is_one_of({"s", "sec", "second", "seconds", "secs"})) return Unit::kSecond;
  if (is_one_of({"ms", "msec", "msecond", "mseconds", "msecs", "millisecon"})) return Unit::kMillisecond;
  if (is_one_of({"us", "usec", "usecond", "useconds", "usecs", "microsecon"})) return Unit::kMicrosecond;
  if (is_one_of({"j", "jd", "julian"})) return Unit::kJulian;
  if (key == "timezone") return Unit::kTimezone;
  if (key == "timezone_h") return Unit::kTimezoneHour;
  if (key == "timezone_m") return Unit::kTimezoneMinute;
  if (is_one_of({"y", "year", "years", "yr", "yrs", "decade", "decades", "dec", "decs", "century", "centuries", "c",
                 "cent", "millennium", "millennia", "mil", "mils", "isoyear"})) {
    return Unit::kMonotonic;
  }
  return Unit::kOther;
}

// --- date_part / extract -------------------------------------------------------------------------------

// The session-zone fields of a timestamptz that are not calendar fields.
bool ZoneField(Unit unit, const datetime::TimeZone& zone, int64_t timestamp, double* value) {
  const int32_t offset = zone.OffsetAt(timestamp);
  switch (unit) {
    case Unit::kTimezone: *value = offset; return true;
    case Unit::kTimezoneHour: *value = offset / 3600; return true;
    case Unit::kTimezoneMinute: *value = (offset / 60) % 60; return true;
    default: return false;
  }
}

// date_part on a timestamp (local wall clock) or timestamptz. Returns false for NULL (a non-monotonic
// field of an infinite timestamp).
// For an infinite input: false (NULL) for units that are not monotonic, ±infinity for the others, an
// error for unknown units. `validate` checks that the unit exists for the type; timestamps accept the
// time zone units when infinite (`zone_units_known`), dates do not.
template <typename Validate>
bool InfinitePart(Unit unit, bool positive, bool zone_units_known, Validate validate, double* value) {
  const bool zone_unit = unit == Unit::kTimezone || unit == Unit::kTimezoneHour || unit == Unit::kTimezoneMinute;
  if (!zone_unit || !zone_units_known) validate();
  if (unit != Unit::kEpoch && unit != Unit::kMonotonic && unit != Unit::kJulian) return false;
  *value = positive ? INFINITY : -INFINITY;
  return true;
}

bool TimestampPart(std::string_view unit_text, int64_t timestamp, bool with_zone, const ExecContext& context,
                   double* value) {
  const std::string lowered = LowerUnit(unit_text);
  const Unit unit = ClassifyUnit(lowered);
  if (!IsFiniteTimestamp(timestamp)) {
    return InfinitePart(unit, timestamp > 0, true, [&lowered] { datetime::ExtractFromTimestamp(lowered, 0); }, value);
  }
  if (with_zone && ZoneField(unit, context.time_zone, timestamp, value)) return true;
  const int64_t local = with_zone && unit != Unit::kEpoch ? TimestampTzToLocal(timestamp, context.time_zone) : timestamp;
  *value = datetime::ExtractFromTimestamp(lowered, local);
  return true;
}

// The exact numeric value of extract() for the units that have fractions; other units are integral.
Decimal ExactPart(Unit unit, double approximate, int64_t micros_of_minute, int64_t epoch_micros) {
  switch (unit) {
    case Unit::kEpoch: return Decimal{epoch_micros, 6};
    case Unit::kSecond: return Decimal{micros_of_minute, 6};
    case Unit::kMillisecond: return Decimal{micros_of_minute, 3};
    case Unit::kMicrosecond: return Decimal::FromInt64(micros_of_minute);
    default: return Decimal::FromInt64(static_cast<int64_t>(approximate));
  }
}

[[noreturn]] void ThrowInfiniteNumeric() {
  throw SqlError(SqlState::kFeatureNotSupported, "cannot represent an infinite extract() result as numeric");
}

int64_t PositiveModulo(int64_t value, int64_t divisor) {
  const int64_t remainder = value % divisor;
  return remainder < 0 ? remainder + divisor : remainder;
}

bool ExtractTimestamp(std::string_view unit_text, int64_t timestamp, bool with_zone, const ExecContext& context,
                      Decimal* result) {
  double approximate = 0;
  if (!TimestampPart(unit_text, timestamp, with_zone, context, &approximate)) return false;
  if (std::isinf(approximate)) ThrowInfiniteNumeric();
  const Unit unit = ClassifyUnit(LowerUnit(unit_text));
  if (with_zone && (unit == Unit::kTimezone || unit == Unit::kTimezoneHour || unit == Unit::kTimezoneMinute)) {
    *result = Decimal::FromInt64(static_cast<int64_t>(approximate));
    return true;
  }
  const int64_t local = with_zone ? TimestampTzToLocal(timestamp, context.time_zone) : timestamp;
  const int64_t micros_of_day = PositiveModulo(local, datetime::kMicrosPerDay);
  if (unit == Unit::kJulian) {
    const int64_t julian_day = datetime::TimestampToDate(local) + int64_t{kPostgresEpochJulian};
    *result = Decimal::Add(Decimal::FromInt64(julian_day),
                           Decimal::Divide(Decimal::FromInt64(micros_of_day), Decimal::FromInt64(datetime::kMicrosPerDay)));
    return true;
  }
  *result = ExactPart(unit, approximate, micros_of_day % datetime::kMicrosPerMinute, timestamp + kUnixEpochOffsetMicros);
  return true;
}

Decimal ExtractTime(std::string_view unit_text, int64_t time) {
  const std::string lowered = LowerUnit(unit_text);
  const double approximate = datetime::ExtractFromTime(lowered, time);
  return ExactPart(ClassifyUnit(lowered), approximate, time % datetime::kMicrosPerMinute, time);
}

Decimal ExtractInterval(std::string_view unit_text, const Interval& interval) {
  const std::string lowered = LowerUnit(unit_text);
  const double approximate = datetime::ExtractFromInterval(lowered, interval);
  // PostgreSQL's interval epoch: 365.25-day years, 30-day months, computed exactly in quarter days.
  const int64_t quarter_days = int64_t{1461} * (interval.months / 12) + int64_t{120} * (interval.months % 12) +
                               int64_t{4} * interval.days;
  const int64_t epoch_micros = quarter_days * (datetime::kMicrosPerDay / 4) + interval.micros;
  return ExactPart(ClassifyUnit(lowered), approximate, interval.micros % datetime::kMicrosPerMinute, epoch_micros);
}

bool ExtractDate(std::string_view unit_text, int32_t date, Decimal* result) {
  const std::string lowered = LowerUnit(unit_text);
  double value = 0;
  if (!IsFiniteDate(date)) {
    const Unit unit = ClassifyUnit(lowered);
    if (!InfinitePart(unit, date > 0, false, [&lowered] { datetime::ExtractFromDate(lowered, 0); }, &value)) return false;
    ThrowInfiniteNumeric();
  }
  value = datetime::ExtractFromDate(lowered, date);
  *result = Decimal::FromInt64(static_cast<int64_t>(value));
  return true;
}

void RegisterPartFunctions(FunctionRegistry& registry) {
  // date_part(text, x) -> float8.
  for (bool with_zone : {false, true}) {
    const LogicalType type = with_zone ? kTimestampTzType : kTimestampType;
    AddFunction(registry, "date_part", {kTextType, type}, kFloat64Type,
                RowKernel([with_zone](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext& context) {
                  double value = 0;
                  if (TimestampPart(args[0].GetString(row), args[1].Data<int64_t>()[row], with_zone, context, &value)) {
                    result.Data<double>()[row] = value;
                  } else {
                    result.SetNull(row, true);
                  }
                }));
    AddFunction(registry, "extract", {kTextType, type}, kNumericType,
                RowKernel([with_zone](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext& context) {
                  Decimal value;
                  if (ExtractTimestamp(args[0].GetString(row), args[1].Data<int64_t>()[row], with_zone, context, &value)) {
                    result.Data<Decimal>()[row] = value;
                  } else {
                    result.SetNull(row, true);
                  }
                }));
  }
  // date_part(text, date) is date_part(text, date::timestamp) in PostgreSQL, so time units are allowed.
  AddFunction(registry, "date_part", {kTextType, kDateType}, kFloat64Type,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext& context) {
                double value = 0;
                const int64_t timestamp = DateToTimestampValue(args[1].Data<int32_t>()[row]);
                if (TimestampPart(args[0].GetString(row), timestamp, false, context, &value)) {
                  result.Data<double>()[row] = value;
                } else {
                  result.SetNull(row, true);
                }
              }));
  AddFunction(registry, "date_part", {kTextType, kTimeType}, kFloat64Type,
              BinaryKernel<std::string_view, int64_t, double>([](std::string_view unit, int64_t time) {
                return datetime::ExtractFromTime(LowerUnit(unit), time);
              }));
  AddFunction(registry, "date_part", {kTextType, kIntervalType}, kFloat64Type,
              BinaryKernel<std::string_view, Interval, double>([](std::string_view unit, const Interval& interval) {
                return datetime::ExtractFromInterval(LowerUnit(unit), interval);
              }));
  AddFunction(registry, "extract", {kTextType, kDateType}, kNumericType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                Decimal value;
                if (ExtractDate(args[0].GetString(row), args[1].Data<int32_t>()[row], &value)) {
                  result.Data<Decimal>()[row] = value;
                } else {
                  result.SetNull(row, true);
                }
              }));
  AddFunction(registry, "extract", {kTextType, kTimeType}, kNumericType, BinaryKernel<std::string_view, int64_t, Decimal>(ExtractTime));
  AddFunction(registry, "extract", {kTextType, kIntervalType}, kNumericType,
              BinaryKernel<std::string_view, Interval, Decimal>(ExtractInterval));
}

// --- Current time --------------------------------------------------------------------------------------

int64_t ClockTimestamp() {
  const auto since_unix = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return since_unix.count() - kUnixEpochOffsetMicros;
}

// Today's date in the session's zone, at transaction start.
int32_t CurrentDate(const ExecContext& context) {
  return datetime::TimestampToDate(TimestampTzToLocal(context.transaction_timestamp, context.time_zone));
}

// Registers a function of no arguments whose value comes from `value(context)`; volatile so that it is
// never folded into a cached plan.
template <typename T, typename ValueOf>
void AddCurrentValue(FunctionRegistry& registry, const char* name, LogicalType type, ValueOf value) {
  ScalarFunction function;
  function.name = name;
  function.return_type = type;
  function.is_volatile = true;
  function.kernel = [value](const std::vector<Vector>&, idx_t count, Vector& result, ExecContext& context) {
    T* out = result.Data<T>();
    for (idx_t row = 0; row < count; ++row) out[row] = value(context);
  };
  registry.Register(std::move(function));
}

void RegisterCurrentTime(FunctionRegistry& registry) {
  const auto transaction_start = [](const ExecContext& context) { return context.transaction_timestamp; };
  for (const char* name : {"now", "current_timestamp", "transaction_timestamp"}) {
    AddCurrentValue<int64_t>(registry, name, kTimestampTzType, transaction_start);
  }
  AddCurrentValue<int64_t>(registry, "statement_timestamp", kTimestampTzType,
                           [](const ExecContext& context) { return context.statement_timestamp; });
  AddCurrentValue<int64_t>(registry, "clock_timestamp", kTimestampTzType, [](const ExecContext&) { return ClockTimestamp(); });
  AddCurrentValue<int32_t>(registry, "current_date", kDateType, CurrentDate);
  AddCurrentValue<int64_t>(registry, "localtimestamp", kTimestampType, [](const ExecContext& context) {
    return TimestampTzToLocal(context.transaction_timestamp, context.time_zone);
  });
  AddCurrentValue<int64_t>(registry, "localtime", kTimeType, [](const ExecContext& context) {
    return PositiveModulo(TimestampTzToLocal(context.transaction_timestamp, context.time_zone), datetime::kMicrosPerDay);
  });
}

// --- Construction --------------------------------------------------------------------------------------

// make_date's year: negative years are BC (-1 = 1 BC = astronomical 0); year 0 does not exist.
int32_t MakeDate(int32_t year, int32_t month, int32_t day) {
  const int astronomical = year < 0 ? year + 1 : year;
  if (year == 0 || !datetime::IsValidYmd(astronomical, month, day)) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "date field value out of range: %d-%02d-%02d", year, month, day);
    throw SqlError(SqlState::kDatetimeFieldOverflow, buffer);
  }
  return datetime::YmdToDate(astronomical, month, day);
}

// Microseconds since midnight for make_time/make_timestamp; 24:00:00 and 60 seconds are allowed.
int64_t MakeTime(int32_t hour, int32_t minute, double second) {
  const bool fields_ok = hour >= 0 && hour <= 24 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60;
  const int64_t micros = fields_ok ? ((int64_t{hour} * 60 + minute) * 60) * datetime::kMicrosPerSecond +
                                         static_cast<int64_t>(std::rint(second * datetime::kMicrosPerSecond))
                                   : 0;
  if (!fields_ok || micros > datetime::kMicrosPerDay) {
    char buffer[96];
    std::snprintf(buffer, sizeof(buffer), "time field value out of range: %d:%02d:%02g", hour, minute, second);
    throw SqlError(SqlState::kDatetimeFieldOverflow, buffer);
  }
  return micros;
}

// to_timestamp(seconds since 1970): NaN is an error, infinities stay infinite.
int64_t ToTimestamp(double seconds) {
  if (std::isnan(seconds)) throw SqlError(SqlState::kDatetimeFieldOverflow, "timestamp cannot be NaN");
  if (std::isinf(seconds)) return seconds > 0 ? datetime::kTimestampPosInfinity : datetime::kTimestampNegInfinity;
  // Valid timestamps span julian days [0, 109203528), measured here from the Unix epoch (julian 2440588).
  constexpr double kMinSeconds = -2440588.0 * 86400.0;
  constexpr double kEndSeconds = (109203528.0 - 2440588.0) * 86400.0;
  if (seconds < kMinSeconds || seconds >= kEndSeconds) {
    throw SqlError(SqlState::kDatetimeFieldOverflow,
                   "timestamp out of range: \"" + text_format::FormatFloat64(seconds) + "\"");
  }
  return static_cast<int64_t>(std::rint(seconds * datetime::kMicrosPerSecond)) - kUnixEpochOffsetMicros;
}

// justify_interval: whole days to months and whole 24 hours to days, with all fields of one sign.
Interval JustifyInterval(const Interval& interval) {
  Interval result = interval;
  int64_t months = result.months;
  int64_t days = result.days;
  if ((days > 0 && result.micros > 0) || (days < 0 && result.micros < 0)) {
    months += days / 30;
    days %= 30;
  }
  days += result.micros / datetime::kMicrosPerDay;
  result.micros %= datetime::kMicrosPerDay;
  months += days / 30;
  days %= 30;
  if (months > 0 && (days < 0 || (days == 0 && result.micros < 0))) {
    days += 30;
    --months;
  } else if (months < 0 && (days > 0 || (days == 0 && result.micros > 0))) {
    days -= 30;
    ++months;
  }
  if (days > 0 && result.micros < 0) {
    result.micros += datetime::kMicrosPerDay;
    --days;
  } else if (days < 0 && result.micros > 0) {
    result.micros -= datetime::kMicrosPerDay;
    ++days;
  }
  if (months > INT32_MAX || months < INT32_MIN) throw SqlError(SqlState::kDatetimeFieldOverflow, "interval out of range");
  result.months = static_cast<int32_t>(months);
  result.days = static_cast<int32_t>(days);
  return result;
}

void RegisterConstruction(FunctionRegistry& registry) {
  AddFunction(registry, "make_date", {kInt32Type, kInt32Type, kInt32Type}, kDateType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                result.Data<int32_t>()[row] = MakeDate(args[0].Data<int32_t>()[row], args[1].Data<int32_t>()[row],
                                                       args[2].Data<int32_t>()[row]);
              }));
  AddFunction(registry, "make_time", {kInt32Type, kInt32Type, kFloat64Type}, kTimeType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                result.Data<int64_t>()[row] = MakeTime(args[0].Data<int32_t>()[row], args[1].Data<int32_t>()[row],
                                                       args[2].Data<double>()[row]);
              }));
  AddFunction(registry, "make_timestamp", {kInt32Type, kInt32Type, kInt32Type, kInt32Type, kInt32Type, kFloat64Type},
              kTimestampType, RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                const int32_t date = MakeDate(args[0].Data<int32_t>()[row], args[1].Data<int32_t>()[row],
                                              args[2].Data<int32_t>()[row]);
                const int64_t time = MakeTime(args[3].Data<int32_t>()[row], args[4].Data<int32_t>()[row],
                                              args[5].Data<double>()[row]);
                result.Data<int64_t>()[row] = datetime::DateToTimestamp(date) + time;
              }));
  AddFunction(registry, "to_timestamp", {kFloat64Type}, kTimestampTzType, UnaryKernel<double, int64_t>(ToTimestamp));
  AddFunction(registry, "justify_days", {kIntervalType}, kIntervalType, UnaryKernel<Interval, Interval>(datetime::JustifyDays));
  AddFunction(registry, "justify_hours", {kIntervalType}, kIntervalType, UnaryKernel<Interval, Interval>(datetime::JustifyHours));
  AddFunction(registry, "justify_interval", {kIntervalType}, kIntervalType, UnaryKernel<Interval, Interval>(JustifyInterval));
}

// --- Truncation, age, isfinite -------------------------------------------------------------------------

void RegisterTruncationAndAge(FunctionRegistry& registry) {
  AddFunction(registry, "date_trunc", {kTextType, kTimestampType}, kTimestampType,
              BinaryKernel<std::string_view, int64_t, int64_t>([](std::string_view unit, int64_t timestamp) {
                return datetime::TruncateTimestamp(LowerUnit(unit), timestamp);
              }));
  AddFunction(registry, "date_trunc", {kTextType, kTimestampTzType}, kTimestampTzType,
              ContextBinaryKernel<std::string_view, int64_t, int64_t>([](std::string_view unit, int64_t timestamp,
                                                                           ExecContext& context) {
                const int64_t local = TimestampTzToLocal(timestamp, context.time_zone);
                return LocalToTimestampTz(datetime::TruncateTimestamp(LowerUnit(unit), local), context.time_zone);
              }));
  AddFunction(registry, "date_trunc", {kTextType, kIntervalType}, kIntervalType,
              BinaryKernel<std::string_view, Interval, Interval>([](std::string_view unit, const Interval& interval) {
                return datetime::TruncateInterval(LowerUnit(unit), interval);
              }));
  AddFunction(registry, "age", {kTimestampType, kTimestampType}, kIntervalType,
              BinaryKernel<int64_t, int64_t, Interval>(datetime::Age));
  AddFunction(registry, "age", {kTimestampTzType, kTimestampTzType}, kIntervalType,
              ContextBinaryKernel<int64_t, int64_t, Interval>([](int64_t a, int64_t b, ExecContext& context) {
                return datetime::Age(TimestampTzToLocal(a, context.time_zone), TimestampTzToLocal(b, context.time_zone));
              }));
  // age(x) is age(current_date, x), both as wall-clock times.
  AddFunction(registry, "age", {kTimestampType}, kIntervalType,
              ContextUnaryKernel<int64_t, Interval>([](int64_t timestamp, ExecContext& context) {
                return datetime::Age(datetime::DateToTimestamp(CurrentDate(context)), timestamp);
              }));
  AddFunction(registry, "age", {kTimestampTzType}, kIntervalType,
              ContextUnaryKernel<int64_t, Interval>([](int64_t timestamp, ExecContext& context) {
                return datetime::Age(datetime::DateToTimestamp(CurrentDate(context)),
                                     TimestampTzToLocal(timestamp, context.time_zone));
              }));
  AddFunction(registry, "isfinite", {kDateType}, kBoolType,
              UnaryKernel<int32_t, uint8_t>([](int32_t date) { return static_cast<uint8_t>(IsFiniteDate(date)); }));
  for (LogicalType type : {kTimestampType, kTimestampTzType}) {
    AddFunction(registry, "isfinite", {type}, kBoolType, UnaryKernel<int64_t, uint8_t>([](int64_t timestamp) {
                  return static_cast<uint8_t>(IsFiniteTimestamp(timestamp));
                }));
  }
  AddFunction(registry, "isfinite", {kIntervalType}, kBoolType,
              UnaryKernel<Interval, uint8_t>([](const Interval&) { return uint8_t{1}; }));
}

}  // namespace

void RegisterDatetimeFunctions(FunctionRegistry& registry) {
  RegisterPartFunctions(registry);
  RegisterCurrentTime(registry);
  RegisterConstruction(registry);
  RegisterTruncationAndAge(registry);
  RegisterDatetimeOperators(registry);
  RegisterToCharFunctions(registry);
}

}  // namespace tessera::engine
