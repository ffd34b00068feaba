// SPDX-License-Identifier: Apache-2.0
// Dates, times, timestamps and intervals as PostgreSQL 15 stores and prints them (DateStyle ISO, MDY;
// IntervalStyle postgres). Dates are days since 2000-01-01; times and timestamps are microseconds (since
// midnight / since 2000-01-01 00:00:00 UTC). Parse functions throw SqlError 22007 on bad text and 22008 when
// out of range.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tessera {

struct Interval {
  int64_t micros = 0;
  int32_t days = 0;
  int32_t months = 0;

  bool operator==(const Interval& other) const = default;
};

namespace datetime {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
// Special values as PostgreSQL's: 'infinity' and '-infinity'.
constexpr int32_t kDateNegInfinity = INT32_MIN;
constexpr int32_t kDatePosInfinity = INT32_MAX;
constexpr int64_t kTimestampNegInfinity = INT64_MIN;
constexpr int64_t kTimestampPosInfinity = INT64_MAX;

// Output styles (DateStyle, IntervalStyle) and the field order of ambiguous date input (DateStyle's
// second part).
enum class DateStyle { kIso, kPostgres, kSql, kGerman };
enum class DateOrder { kMdy, kDmy, kYmd };
enum class IntervalStyle { kPostgres, kPostgresVerbose, kSqlStandard, kIso8601 };
struct DateTimeStyle {
  DateStyle date_style = DateStyle::kIso;
  DateOrder date_order = DateOrder::kMdy;
  IntervalStyle interval_style = IntervalStyle::kPostgres;
};
// Parses a DateStyle setting ("ISO, MDY", "sql", "European", ...) on top of `current` as PostgreSQL's
// check_datestyle does; throws 22023 for bad values. FormatDateStyle prints it as SHOW does.
DateTimeStyle ParseDateStyle(std::string_view text, DateTimeStyle current);
std::string FormatDateStyle(const DateTimeStyle& style);
// Parses an IntervalStyle setting (postgres, postgres_verbose, sql_standard, iso_8601); throws 22023.
IntervalStyle ParseIntervalStyle(std::string_view text);

class ZoneRules;  // a parsed tz database zone (time_zone_rules.h)

// The session's time zone: a fixed offset east of UTC in seconds ('UTC', '+02:00', 'UTC+3' in POSIX
// sense), or a tz database zone whose offset depends on the instant ('America/Los_Angeles').
struct TimeZone {
  int32_t offset_seconds = 0;  // fixed zones only
  std::string name = "UTC";
  std::shared_ptr<const ZoneRules> rules;  // nullptr for fixed zones

  // The offset east of UTC in effect at the UTC instant `timestamp` (microseconds since 2000-01-01).
  int32_t OffsetAt(int64_t timestamp) const;
  // The offset that local wall-clock time `local` has in this zone, resolving the hour skipped or
  // repeated at a daylight-saving change as PostgreSQL does (skipped: the offset before; repeated: after).
  int32_t OffsetForLocal(int64_t local) const;
  // The abbreviation in effect at `timestamp` ("PST", "CEST", "UTC", "+05").
  std::string AbbreviationAt(int64_t timestamp) const;
};
// Parses a TimeZone setting value; throws 22023 for zones Tessera does not know.
TimeZone ParseTimeZone(std::string_view text);
// The abbreviation to_char's TZ prints for the zone: "UTC", "GMT", "+05" (for SET TimeZone = 5), "" for a
// POSIX zone without a name such as '+02:00'.
std::string TimeZoneAbbreviation(const TimeZone& zone);

// 'now', 'today', 'tomorrow', 'yesterday' (and 'now' for time) read the clock installed on the calling
// thread: `now` is the transaction start (UTC microseconds since 2000-01-01) and `zone` the session
// TimeZone (used by the Parse functions that take no zone). Without a clock those inputs throw 0A000.
// The engine installs one around each statement; clocks nest, the innermost wins.
class ScopedStatementClock {
 public:
  ScopedStatementClock(int64_t now, TimeZone zone);
  ~ScopedStatementClock();
  ScopedStatementClock(const ScopedStatementClock&) = delete;
  ScopedStatementClock& operator=(const ScopedStatementClock&) = delete;

  int64_t now() const { return now_; }
  const TimeZone& zone() const { return zone_; }

 private:
  int64_t now_;
  TimeZone zone_;
  const ScopedStatementClock* previous_;
};

// Input reads ambiguous numeric dates ("01/02/03") in `order`; output follows `style`.
int32_t ParseDate(std::string_view text, DateOrder order = DateOrder::kMdy);
std::string FormatDate(int32_t date, const DateTimeStyle& style = {});
int64_t ParseTime(std::string_view text);
std::string FormatTime(int64_t time);
// time with time zone: a time of day and its zone's offset east of UTC in seconds (at most 15:59:59;
// PostgreSQL stores the offset west). Vectors hold it as one int64 (PackTimeTz) whose integer order is
// PostgreSQL's timetz_cmp: by the UTC time, then by zone (west), so equal means same time and zone.
struct TimeTz {
  int64_t time = 0;
  int32_t offset_seconds = 0;
};
constexpr int32_t kMaxTimeTzOffset = 15 * 3600 + 59 * 60 + 59;
int64_t PackTimeTz(const TimeTz& value);
TimeTz UnpackTimeTz(int64_t packed);
// Input without a zone takes `zone`'s offset on the given date, or on the statement clock's date.
TimeTz ParseTimeTz(std::string_view text, const TimeZone& zone);
std::string FormatTimeTz(const TimeTz& value);
// timetz + interval: the interval's time part moves the time of day (wrapping at midnight); its days and
// months do nothing, as in PostgreSQL.
TimeTz AddIntervalToTimeTz(const TimeTz& value, const Interval& interval);
int64_t ParseTimestamp(std::string_view text, DateOrder order = DateOrder::kMdy);
std::string FormatTimestamp(int64_t timestamp, const DateTimeStyle& style = {});
// timestamptz input without an explicit zone is read in `zone`; output is printed in `zone` ("+00", or
// the zone's abbreviation in the Postgres, SQL and German styles).
int64_t ParseTimestampTz(std::string_view text, const TimeZone& zone, DateOrder order = DateOrder::kMdy);
std::string FormatTimestampTz(int64_t timestamp, const TimeZone& zone, const DateTimeStyle& style = {});
// `typmod` is an interval typmod (below) or -1: its field range says what a bare number means
// ('1' with INTERVAL YEAR is a year) and the result is truncated and rounded to it.
Interval ParseInterval(std::string_view text, int32_t typmod = -1);
std::string FormatInterval(const Interval& interval, IntervalStyle style = IntervalStyle::kPostgres);

// Interval typmods as PostgreSQL encodes them: the field range (INTERVAL DAY TO SECOND) as a mask of
// the Interval*Bit fields in the high half, the fractional-second precision (or 0xFFFF) in the low half.
constexpr int32_t kIntervalMonthBit = 1 << 1;
constexpr int32_t kIntervalYearBit = 1 << 2;
constexpr int32_t kIntervalDayBit = 1 << 3;
constexpr int32_t kIntervalHourBit = 1 << 10;
constexpr int32_t kIntervalMinuteBit = 1 << 11;
constexpr int32_t kIntervalSecondBit = 1 << 12;
constexpr int32_t kIntervalFullRange = 0x7FFF;
constexpr int32_t kIntervalFullPrecision = 0xFFFF;
// Builds the typmod of INTERVAL `range` (precision) as intervaltypmodin does: -1 for a plain interval;
// 22023 for a negative precision, one above 6 is reduced to 6.
int32_t MakeIntervalTypmod(int32_t range, int32_t precision);
int32_t IntervalTypmodRange(int32_t typmod);      // kIntervalFullRange for -1
int32_t IntervalTypmodPrecision(int32_t typmod);  // kIntervalFullPrecision for -1
// Truncates the fields below the typmod's range and rounds the seconds to its precision, as
// PostgreSQL's AdjustIntervalForTypmod.
Interval AdjustIntervalForTypmod(const Interval& interval, int32_t typmod);
// The typmod as format_type prints it after "interval": " day to second(2)", "(3)", "" for -1.
std::string FormatIntervalTypmod(int32_t typmod);

// Calendar helpers. Years are astronomical: 0 is 1 BC, -1 is 2 BC (make_date's -44 is year -43 here).
// REQUIRES (DateToYmd): a finite date.
void DateToYmd(int32_t date, int* year, int* month, int* day);
int32_t YmdToDate(int year, int month, int day);  // throws 22008 when out of range
bool IsValidYmd(int year, int month, int day);

// Arithmetic (throw 22008 on overflow).
int64_t DateToTimestamp(int32_t date);
int32_t TimestampToDate(int64_t timestamp);
// timestamp <-> timestamptz casts: the local time in `zone` and the instant it names.
int64_t TimestampToTimestampTz(int64_t timestamp, const TimeZone& zone);
int64_t TimestampTzToTimestamp(int64_t timestamp, const TimeZone& zone);
int64_t AddInterval(int64_t timestamp, const Interval& interval);       // timestamp + interval
int64_t AddIntervalTz(int64_t timestamp, const Interval& interval, const TimeZone& zone);
Interval SubtractTimestamps(int64_t a, int64_t b);                      // a - b, in days + micros
Interval MultiplyInterval(const Interval& interval, double factor);
Interval DivideInterval(const Interval& interval, double divisor);      // 22012 for zero
Interval AddIntervals(const Interval& a, const Interval& b);
Interval NegateInterval(const Interval& interval);
// Compares intervals as PostgreSQL does (30-day months, 24-hour days).
int CompareIntervals(const Interval& a, const Interval& b);
// age(a, b): symbolic years/months/days difference as PostgreSQL prints it.
Interval Age(int64_t a, int64_t b);
Interval JustifyHours(const Interval& interval);
Interval JustifyDays(const Interval& interval);

// date_trunc(field, ts) for field in microseconds..millennium; throws 22023 for an unknown unit.
int64_t TruncateTimestamp(std::string_view field, int64_t timestamp);
int64_t TruncateTimestampTz(std::string_view field, int64_t timestamp, const TimeZone& zone);
Interval TruncateInterval(std::string_view field, const Interval& interval);
// extract/date_part: the field's value as a double (epoch, year, month, day, hour, minute, second with
// fraction, milliseconds, microseconds, dow, isodow, doy, week, quarter, decade, century, millennium,
// isoyear, julian). Throws 22023 for unknown fields, 0A000 for fields the type lacks. Returns NaN where
// PostgreSQL returns NULL (oscillating fields of infinite values). Dates follow extract(), so
// ExtractFromDate("hour", d) throws 0A000 where date_part('hour', d) would cast to timestamp.
double ExtractFromTimestamp(std::string_view field, int64_t timestamp);
// Fields of the local time in `zone`, plus timezone, timezone_hour and timezone_minute.
double ExtractFromTimestampTz(std::string_view field, int64_t timestamp, const TimeZone& zone);
double ExtractFromDate(std::string_view field, int32_t date);
double ExtractFromTime(std::string_view field, int64_t time);
double ExtractFromInterval(std::string_view field, const Interval& interval);
// to_char(timestamp, pattern) for the common patterns (YYYY, YY, MM, Mon, Month, DD, D, DDD, HH, HH12,
// HH24, MI, SS, MS, US, AM/PM, TZ, Day, Dy, FM prefix, quoted text). TZ prints nothing for a timestamp
// without time zone, as in PostgreSQL. Returns "" for infinite timestamps (PostgreSQL returns NULL).
// IntervalToChar throws 22007 for calendar-only patterns (Month, Day, AD, TZ, ...).
std::string TimestampToChar(int64_t timestamp, std::string_view pattern);
std::string TimestampTzToChar(int64_t timestamp, std::string_view pattern, const TimeZone& zone);
std::string IntervalToChar(const Interval& interval, std::string_view pattern);

}  // namespace datetime
}  // namespace tessera
