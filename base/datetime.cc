// SPDX-License-Identifier: Apache-2.0
// Output, arithmetic, date_trunc and extract for date, time, timestamp and timestamptz, matching
// PostgreSQL 15 (DateStyle ISO).
#include <cmath>
#include <cstdio>
#include <limits>

#include "base/datetime_internal.h"

namespace tessera::datetime {
namespace {

constexpr int64_t kUnixEpochTimestamp = -946684800LL * kMicrosPerSecond;

bool IsFinite(int64_t timestamp) { return timestamp != kTimestampNegInfinity && timestamp != kTimestampPosInfinity; }

DateTimeFields FieldsOrThrow(int64_t timestamp, int64_t offset_seconds = 0) {
  DateTimeFields fields;
  if (!TimestampToLocalFields(timestamp, offset_seconds, &fields)) ThrowOutOfRange("timestamp");
  return fields;
}

int64_t TimestampOrThrow(const DateTimeFields& fields, int64_t offset_seconds) {
  int64_t timestamp;
  if (!FieldsToTimestamp(fields, offset_seconds, &timestamp)) ThrowOutOfRange("timestamp");
  return timestamp;
}

// The local fields of `timestamp` in `zone` (nullptr: a timestamp without time zone, already local).
DateTimeFields LocalFieldsOrThrow(int64_t timestamp, const TimeZone* zone) {
  return FieldsOrThrow(timestamp, zone != nullptr ? zone->OffsetAt(timestamp) : 0);
}

// The timestamp local fields in `zone` denote, with the zone's offset for that local time.
int64_t InstantOrThrow(const DateTimeFields& fields, const TimeZone* zone) {
  const int64_t local = TimestampOrThrow(fields, 0);
  return zone != nullptr ? TimestampOrThrow(fields, zone->OffsetForLocal(local)) : local;
}

// timestamp + interval with months and days applied to the local time in `zone` (nullptr: no zone).
int64_t AddIntervalInZone(int64_t timestamp, const Interval& interval, const TimeZone* zone) {
  if (!IsFinite(timestamp)) return timestamp;
  if (interval.months != 0) {
    DateTimeFields fields = LocalFieldsOrThrow(timestamp, zone);
    int64_t month = static_cast<int64_t>(fields.month) + interval.months;
    int64_t year = fields.year;
    if (month > 12) {
      year += (month - 1) / 12;
      month = (month - 1) % 12 + 1;
    } else if (month < 1) {
      year += month / 12 - 1;
      month = month % 12 + 12;
    }
    fields.year = static_cast<int>(year);
    fields.month = static_cast<int>(month);
    // Clamp to the end of the month: Jan 31 + 1 month is Feb 28 or 29.
    fields.day = std::min(fields.day, DaysInMonth(fields.year, fields.month));
    timestamp = InstantOrThrow(fields, zone);
  }
  if (interval.days != 0) {
    DateTimeFields fields = LocalFieldsOrThrow(timestamp, zone);
    int64_t julian = YmdToJulian(fields.year, fields.month, fields.day) + interval.days;
    JulianToYmd(julian, &fields.year, &fields.month, &fields.day);
    timestamp = InstantOrThrow(fields, zone);
  }
  if (__builtin_add_overflow(timestamp, interval.micros, &timestamp) || !IsValidTimestamp(timestamp)) {
    ThrowOutOfRange("timestamp");
  }
  return timestamp;
}

// Truncates local fields to `field`; `type_name` names the type in errors.
void TruncateFields(const ResolvedUnit& unit, std::string_view type_name, DateTimeFields* tm) {
  switch (unit.field) {
    case DateField::kWeek: {
      // The Monday of the ISO week; late-December and early-January days may belong to another year.
      int64_t julian = IsoWeekToJulian(IsoYear(tm->year, tm->month, tm->day), IsoWeek(tm->year, tm->month, tm->day));
      JulianToYmd(julian, &tm->year, &tm->month, &tm->day);
      tm->hour = tm->minute = tm->second = 0;
      tm->fsec = 0;
      return;
    }
    case DateField::kMillennium:
      // Millennia and centuries start in years ending in 001 (AD) or count back from 1 BC.
      tm->year = tm->year > 0 ? ((tm->year + 999) / 1000) * 1000 - 999 : -((999 - (tm->year - 1)) / 1000) * 1000 + 1;
      [[fallthrough]];
    case DateField::kCentury:
      tm->year = tm->year > 0 ? ((tm->year + 99) / 100) * 100 - 99 : -((99 - (tm->year - 1)) / 100) * 100 + 1;
      [[fallthrough]];
    case DateField::kDecade:
      if (unit.field == DateField::kDecade) {
        tm->year = tm->year > 0 ? (tm->year / 10) * 10 : -((8 - (tm->year - 1)) / 10) * 10;
      }
      [[fallthrough]];
    case DateField::kYear:
      tm->month = 1;
      [[fallthrough]];
    case DateField::kQuarter:
      tm->month = 3 * ((tm->month - 1) / 3) + 1;
      [[fallthrough]];
    case DateField::kMonth:
      tm->day = 1;
      [[fallthrough]];
    case DateField::kDay:
      tm->hour = 0;
      [[fallthrough]];
    case DateField::kHour:
      tm->minute = 0;
      [[fallthrough]];
    case DateField::kMinute:
      tm->second = 0;
      [[fallthrough]];
    case DateField::kSecond:
      tm->fsec = 0;
      return;
    case DateField::kMillisecond:
      tm->fsec = tm->fsec / 1000 * 1000;
      return;
    case DateField::kMicrosecond:
      return;
    default:
      ThrowUnitNotSupported(unit.lower_name, type_name);
  }
}

int64_t TruncateInZone(std::string_view field, int64_t timestamp, const TimeZone* zone, std::string_view type_name) {
  ResolvedUnit unit = ResolveUnit(field, /*units_only=*/true);
  if (!IsFinite(timestamp)) return timestamp;
  if (unit.kind != ResolvedUnit::Kind::kUnits) ThrowUnitNotRecognized(unit.lower_name, type_name);
  DateTimeFields fields = LocalFieldsOrThrow(timestamp, zone);
  TruncateFields(unit, type_name, &fields);
  return InstantOrThrow(fields, zone);
}

double YearOfEra(int year) { return year > 0 ? year : year - 1; }
double Decade(int year) { return year >= 0 ? year / 10 : -((8 - (year - 1)) / 10); }
double Century(int year) { return year > 0 ? (year + 99) / 100 : -((99 - (year - 1)) / 100); }
double Millennium(int year) { return year > 0 ? (year + 999) / 1000 : -((999 - (year - 1)) / 1000); }
double IsoYearOfEra(int year, int month, int day) {
  int iso_year = IsoYear(year, month, day);
  return iso_year <= 0 ? iso_year - 1 : iso_year;
}

// date_part of an infinite timestamp: ±Infinity for ever-growing fields, NULL (NaN) for cyclic ones.
double InfiniteTimestampPart(const ResolvedUnit& unit, bool negative, std::string_view type_name) {
  if (unit.kind == ResolvedUnit::Kind::kUnknown) ThrowUnitNotRecognized(unit.lower_name, type_name);
  switch (unit.field) {
    case DateField::kMicrosecond:
    case DateField::kMillisecond:
    case DateField::kSecond:
    case DateField::kMinute:
    case DateField::kHour:
    case DateField::kDay:
    case DateField::kMonth:
    case DateField::kQuarter:
    case DateField::kWeek:
    case DateField::kDayOfWeek:
    case DateField::kIsoDayOfWeek:
    case DateField::kDayOfYear:
    case DateField::kTimeZone:
    case DateField::kTimeZoneMinute:
    case DateField::kTimeZoneHour:
      return std::numeric_limits<double>::quiet_NaN();
    case DateField::kYear:
    case DateField::kDecade:
    case DateField::kCentury:
    case DateField::kMillennium:
    case DateField::kJulian:
    case DateField::kIsoYear:
    case DateField::kEpoch:
      return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    default:
      ThrowUnitNotSupported(unit.lower_name, type_name);
  }
}

// date_part of timestamp/timestamptz; `offset_seconds` is null for timestamp without time zone.
double ExtractAtOffset(std::string_view field, int64_t timestamp, const int64_t* offset_seconds) {
  std::string_view type_name = offset_seconds != nullptr ? kTimestampTzTypeName : kTimestampTypeName;
  ResolvedUnit unit = ResolveUnit(field, /*units_only=*/false);
  if (!IsFinite(timestamp)) {
    return InfiniteTimestampPart(unit, timestamp == kTimestampNegInfinity, type_name);
  }
  int64_t offset = offset_seconds != nullptr ? *offset_seconds : 0;
  if (unit.kind == ResolvedUnit::Kind::kReserved) {
    if (unit.field != DateField::kEpoch) ThrowUnitNotSupported(unit.lower_name, type_name);
    if (timestamp < INT64_MAX + kUnixEpochTimestamp) return (timestamp - kUnixEpochTimestamp) / 1000000.0;
    return (static_cast<double>(timestamp) - kUnixEpochTimestamp) / 1000000.0;
  }
  if (unit.kind != ResolvedUnit::Kind::kUnits) ThrowUnitNotRecognized(unit.lower_name, type_name);
  DateTimeFields tm = FieldsOrThrow(timestamp, offset);
  if (std::optional<double> value = ExtractClockField(unit.field, tm)) return *value;
  switch (unit.field) {
    case DateField::kTimeZone:
    case DateField::kTimeZoneHour:
    case DateField::kTimeZoneMinute:
      if (offset_seconds == nullptr) break;
      if (unit.field == DateField::kTimeZone) return static_cast<double>(offset);
      if (unit.field == DateField::kTimeZoneHour) return static_cast<double>(offset / 3600);
      return static_cast<double>(offset / 60 % 60);
    case DateField::kDay:
      return tm.day;
    case DateField::kMonth:
      return tm.month;
    case DateField::kQuarter:
      return (tm.month - 1) / 3 + 1;
    case DateField::kWeek:
      return IsoWeek(tm.year, tm.month, tm.day);
    case DateField::kYear:
      return YearOfEra(tm.year);
    case DateField::kDecade:
      return Decade(tm.year);
    case DateField::kCentury:
      return Century(tm.year);
    case DateField::kMillennium:
      return Millennium(tm.year);
    case DateField::kJulian:
      return YmdToJulian(tm.year, tm.month, tm.day) +
             ((tm.hour * 60 + tm.minute) * 60 + tm.second + tm.fsec / 1000000.0) / static_cast<double>(kSecondsPerDay);
    case DateField::kIsoYear:
      return IsoYearOfEra(tm.year, tm.month, tm.day);
    case DateField::kDayOfWeek:
    case DateField::kIsoDayOfWeek: {
      int day_of_week = JulianToDayOfWeek(YmdToJulian(tm.year, tm.month, tm.day));
      if (unit.field == DateField::kIsoDayOfWeek && day_of_week == 0) day_of_week = 7;
      return day_of_week;
    }
    case DateField::kDayOfYear:
      return static_cast<double>(YmdToJulian(tm.year, tm.month, tm.day) - YmdToJulian(tm.year, 1, 1) + 1);
    default:
      break;
  }
  ThrowUnitNotSupported(unit.lower_name, type_name);
}

}  // namespace

// ---- Calendar helpers ----

void DateToYmd(int32_t date, int* year, int* month, int* day) {
  JulianToYmd(static_cast<int64_t>(date) + kPostgresEpochJulian, year, month, day);
}

bool IsValidYmd(int year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

int32_t YmdToDate(int year, int month, int day) {
  auto fail = [&](const char* what) {
    char text[64];
    std::snprintf(text, sizeof(text), "%d-%02d-%02d", year, month, day);
    throw SqlError(SqlState::kDatetimeFieldOverflow, std::string(what) + text);
  };
  if (!IsValidYmd(year, month, day)) fail("date field value out of range: ");
  int64_t date = YmdToJulian(year, month, day) - kPostgresEpochJulian;
  if (!IsValidJulianYmd(year, month) || !IsValidDate(date)) fail("date out of range: ");
  return static_cast<int32_t>(date);
}

// ---- Arithmetic ----

int64_t DateToTimestamp(int32_t date) {
  if (date == kDatePosInfinity) return kTimestampPosInfinity;
  if (date == kDateNegInfinity) return kTimestampNegInfinity;
  if (date >= kTimestampEndJulian - kPostgresEpochJulian) {
    throw SqlError(SqlState::kDatetimeFieldOverflow, "date out of range for timestamp");
  }
  return static_cast<int64_t>(date) * kMicrosPerDay;
}

int32_t TimestampToDate(int64_t timestamp) {
  if (timestamp == kTimestampPosInfinity) return kDatePosInfinity;
  if (timestamp == kTimestampNegInfinity) return kDateNegInfinity;
  DateTimeFields fields = FieldsOrThrow(timestamp);
  return static_cast<int32_t>(YmdToJulian(fields.year, fields.month, fields.day) - kPostgresEpochJulian);
}

int64_t TimestampToTimestampTz(int64_t timestamp, const TimeZone& zone) {
  return ShiftTimestamp(timestamp, -static_cast<int64_t>(zone.OffsetForLocal(timestamp)));
}

int64_t TimestampTzToTimestamp(int64_t timestamp, const TimeZone& zone) {
  return ShiftTimestamp(timestamp, zone.OffsetAt(timestamp));
}

int64_t AddInterval(int64_t timestamp, const Interval& interval) { return AddIntervalInZone(timestamp, interval, nullptr); }

namespace {

// PackTimeTz's layout: the UTC time (time + zone west, in microseconds) times kTimeTzZoneSpan, plus the
// zone west shifted to be non-negative. |UTC time| < 1.5e11 keeps the product far inside int64.
constexpr int64_t kTimeTzZoneSpan = int64_t{1} << 17;  // > 2 * kMaxTimeTzOffset + 1

}  // namespace

int64_t PackTimeTz(const TimeTz& value) {
  const int64_t zone_west = -int64_t{value.offset_seconds};
  const int64_t utc = value.time + zone_west * kMicrosPerSecond;
  return utc * kTimeTzZoneSpan + (zone_west + kMaxTimeTzOffset);
}

TimeTz UnpackTimeTz(int64_t packed) {
  int64_t utc = packed / kTimeTzZoneSpan;
  int64_t zone_part = packed % kTimeTzZoneSpan;
  if (zone_part < 0) {  // floor division
    zone_part += kTimeTzZoneSpan;
    --utc;
  }
  const int64_t zone_west = zone_part - kMaxTimeTzOffset;
  return TimeTz{utc - zone_west * kMicrosPerSecond, static_cast<int32_t>(-zone_west)};
}

TimeTz AddIntervalToTimeTz(const TimeTz& value, const Interval& interval) {
  int64_t time = (value.time + interval.micros % kMicrosPerDay) % kMicrosPerDay;
  if (time < 0) time += kMicrosPerDay;
  return TimeTz{time, value.offset_seconds};
}

int64_t AddIntervalTz(int64_t timestamp, const Interval& interval, const TimeZone& zone) {
  return AddIntervalInZone(timestamp, interval, &zone);
}

Interval SubtractTimestamps(int64_t a, int64_t b) {
  if (!IsFinite(a) || !IsFinite(b)) {
    throw SqlError(SqlState::kDatetimeFieldOverflow, "cannot subtract infinite timestamps");
  }
  Interval result;
  if (__builtin_sub_overflow(a, b, &result.micros)) ThrowOutOfRange("interval");
  return JustifyHours(result);
}

Interval Age(int64_t a, int64_t b) {
  DateTimeFields first;
  DateTimeFields second;
  if (!TimestampToFields(a, &first) || !TimestampToFields(b, &second)) ThrowOutOfRange("timestamp");
  // Field-wise difference of the later minus the earlier time, borrowing from the next larger field.
  bool negative = a < b;
  const DateTimeFields& later = negative ? second : first;
  const DateTimeFields& earlier = negative ? first : second;
  int64_t fsec = later.fsec - earlier.fsec;
  int64_t second_diff = later.second - earlier.second;
  int64_t minute = later.minute - earlier.minute;
  int64_t hour = later.hour - earlier.hour;
  int64_t day = later.day - earlier.day;
  int64_t month = later.month - earlier.month;
  int64_t year = later.year - earlier.year;
  while (fsec < 0) {
    fsec += kMicrosPerSecond;
    --second_diff;
  }
  while (second_diff < 0) {
    second_diff += 60;
    --minute;
  }
  while (minute < 0) {
    minute += 60;
    --hour;
  }
  while (hour < 0) {
    hour += 24;
    --day;
  }
  // Borrowed days come from the month of the first argument when a < b, else of the second.
  const DateTimeFields& borrow_from = negative ? first : second;
  while (day < 0) {
    day += DaysInMonth(borrow_from.year, borrow_from.month);
    --month;
  }
  while (month < 0) {
    month += 12;
    --year;
  }
  int sign = negative ? -1 : 1;
  DateTimeFields difference;
  difference.year = static_cast<int>(sign * year);
  difference.month = static_cast<int>(sign * month);
  difference.day = static_cast<int>(sign * day);
  difference.hour = sign * hour;
  difference.minute = static_cast<int>(sign * minute);
  difference.second = static_cast<int>(sign * second_diff);
  difference.fsec = sign * fsec;
  Interval result;
  if (!FieldsToInterval(difference, &result)) ThrowOutOfRange("interval");
  return result;
}

// ---- date_trunc ----

int64_t TruncateTimestamp(std::string_view field, int64_t timestamp) {
  return TruncateInZone(field, timestamp, nullptr, kTimestampTypeName);
}

int64_t TruncateTimestampTz(std::string_view field, int64_t timestamp, const TimeZone& zone) {
  return TruncateInZone(field, timestamp, &zone, kTimestampTzTypeName);
}

// ---- extract / date_part ----

double ExtractFromTimestamp(std::string_view field, int64_t timestamp) {
  return ExtractAtOffset(field, timestamp, nullptr);
}

double ExtractFromTimestampTz(std::string_view field, int64_t timestamp, const TimeZone& zone) {
  int64_t offset = IsFinite(timestamp) ? zone.OffsetAt(timestamp) : 0;
  return ExtractAtOffset(field, timestamp, &offset);
}

double ExtractFromDate(std::string_view field, int32_t date) {
  ResolvedUnit unit = ResolveUnit(field, /*units_only=*/false);
  bool finite = date != kDatePosInfinity && date != kDateNegInfinity;
  if (!finite && unit.kind != ResolvedUnit::Kind::kUnknown) {
    switch (unit.field) {
      case DateField::kDay:
      case DateField::kMonth:
      case DateField::kQuarter:
      case DateField::kWeek:
      case DateField::kDayOfWeek:
      case DateField::kIsoDayOfWeek:
      case DateField::kDayOfYear:
        return std::numeric_limits<double>::quiet_NaN();
      case DateField::kYear:
      case DateField::kDecade:
      case DateField::kCentury:
      case DateField::kMillennium:
      case DateField::kJulian:
      case DateField::kIsoYear:
      case DateField::kEpoch:
        return date == kDateNegInfinity ? -std::numeric_limits<double>::infinity()
                                        : std::numeric_limits<double>::infinity();
      default:
        ThrowUnitNotSupported(unit.lower_name, kDateTypeName);
    }
  }
  if (unit.kind == ResolvedUnit::Kind::kReserved) {
    if (unit.field != DateField::kEpoch) ThrowUnitNotSupported(unit.lower_name, kDateTypeName);
    return static_cast<double>((static_cast<int64_t>(date) + kPostgresEpochJulian - kUnixEpochJulian) * kSecondsPerDay);
  }
  if (unit.kind != ResolvedUnit::Kind::kUnits) ThrowUnitNotRecognized(unit.lower_name, kDateTypeName);
  int year;
  int month;
  int day;
  int64_t julian = static_cast<int64_t>(date) + kPostgresEpochJulian;
  JulianToYmd(julian, &year, &month, &day);
  switch (unit.field) {
    case DateField::kDay:
      return day;
    case DateField::kMonth:
      return month;
    case DateField::kQuarter:
      return (month - 1) / 3 + 1;
    case DateField::kWeek:
      return IsoWeek(year, month, day);
    case DateField::kYear:
      return YearOfEra(year);
    case DateField::kDecade:
      return Decade(year);
    case DateField::kCentury:
      return Century(year);
    case DateField::kMillennium:
      return Millennium(year);
    case DateField::kJulian:
      return static_cast<double>(julian);
    case DateField::kIsoYear:
      return IsoYearOfEra(year, month, day);
    case DateField::kDayOfWeek:
    case DateField::kIsoDayOfWeek: {
      int day_of_week = JulianToDayOfWeek(julian);
      if (unit.field == DateField::kIsoDayOfWeek && day_of_week == 0) day_of_week = 7;
      return day_of_week;
    }
    case DateField::kDayOfYear:
      return static_cast<double>(julian - YmdToJulian(year, 1, 1) + 1);
    default:
      ThrowUnitNotSupported(unit.lower_name, kDateTypeName);
  }
}

std::optional<double> ExtractClockField(DateField field, const DateTimeFields& tm) {
  switch (field) {
    case DateField::kMicrosecond:
      return static_cast<double>(tm.second * kMicrosPerSecond + tm.fsec);
    case DateField::kMillisecond:
      return tm.second * 1000.0 + tm.fsec / 1000.0;
    case DateField::kSecond:
      return tm.second + tm.fsec / 1000000.0;
    case DateField::kMinute:
      return tm.minute;
    case DateField::kHour:
      return static_cast<double>(tm.hour);
    default:
      return std::nullopt;
  }
}

double ExtractFromTime(std::string_view field, int64_t time) {
  ResolvedUnit unit = ResolveUnit(field, /*units_only=*/false);
  if (unit.kind == ResolvedUnit::Kind::kReserved && unit.field == DateField::kEpoch) return time / 1000000.0;
  if (unit.kind != ResolvedUnit::Kind::kUnits) ThrowUnitNotRecognized(unit.lower_name, kTimeTypeName);
  DateTimeFields tm;
  TimeToFields(time, &tm);
  if (std::optional<double> value = ExtractClockField(unit.field, tm)) return *value;
  ThrowUnitNotSupported(unit.lower_name, kTimeTypeName);
}

}  // namespace tessera::datetime
