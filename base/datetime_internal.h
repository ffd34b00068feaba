// SPDX-License-Identifier: Apache-2.0
// Private to base/: calendar arithmetic, keyword tables, the date/time lexer and error helpers shared by
// datetime_parse.cc, datetime.cc, interval.cc, time_zone.cc and to_char.cc.
//
// Years here are astronomical (0 = 1 BC, -1 = 2 BC) as in PostgreSQL's struct pg_tm; "julian" means the
// Julian Day Number (day 0 = 4714-11-24 BC in the proleptic Gregorian calendar).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/datetime.h"
#include "base/error.h"

namespace tessera::datetime {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int32_t kPostgresEpochJulian = 2451545;  // 2000-01-01
constexpr int32_t kUnixEpochJulian = 2440588;      // 1970-01-01
constexpr int kDaysPerMonth = 30;                  // interval arithmetic, as PostgreSQL's DAYS_PER_MONTH
constexpr int kMonthsPerYear = 12;
// Valid range of dates: julian [0, kDateEndJulian).
constexpr int64_t kDateEndJulian = 2147483494;  // 5874898-01-01
// Valid range of timestamps: [kMinTimestamp, kEndTimestamp).
constexpr int64_t kMinTimestamp = -211813488000000000LL;  // 4714-11-24 00:00:00 BC
constexpr int64_t kEndTimestamp = 9223371331200000000LL;  // 294277-01-01 00:00:00
constexpr int64_t kTimestampEndJulian = 109203528;        // 294277-01-01

// ---- Calendar arithmetic (calendar.cc) ----

bool IsLeapYear(int64_t year);
int DaysInMonth(int64_t year, int month);
// Julian day of a calendar date (exact for years after 4800 BC). Out-of-range months and days, which
// to_char produces for intervals, give the same numbers as PostgreSQL's date2j.
int64_t YmdToJulian(int64_t year, int64_t month, int64_t day);
void JulianToYmd(int64_t julian, int* year, int* month, int* day);
int JulianToDayOfWeek(int64_t julian);  // 0 = Sunday
// True when y-m (day ignored) lies in the range the julian routines accept (4714-11 BC .. 5874898-05).
bool IsValidJulianYmd(int64_t year, int month);
bool IsValidDate(int64_t date);  // date = days since 2000-01-01
bool IsValidTimestamp(int64_t timestamp);
// ISO 8601 week number, week-numbering year and day of that year.
int IsoWeek(int year, int month, int day);
int IsoYear(int year, int month, int day);
int IsoDayOfYear(int year, int month, int day);
// Julian day of the Monday of ISO week `week` of ISO year `year`.
int64_t IsoWeekToJulian(int year, int week);

// A timestamp or interval split into fields. hour is 64-bit because intervals can hold 2^31+ hours.
struct DateTimeFields {
  int year = 0;
  int month = 0;
  int day = 0;
  int64_t hour = 0;
  int minute = 0;
  int second = 0;
  int64_t fsec = 0;  // microseconds
};

// Splits a timestamp; false when its julian day is outside [0, INT32_MAX] (PostgreSQL's timestamp2tm).
bool TimestampToFields(int64_t timestamp, DateTimeFields* fields);
// Splits the local time of a timestamptz `offset_seconds` east of UTC. The range check applies to the UTC
// instant, so the local date may fall just before 4714-11-24 BC, as in PostgreSQL.
bool TimestampToLocalFields(int64_t timestamp, int64_t offset_seconds, DateTimeFields* fields);
// Joins local fields into a timestamp, subtracting `offset_seconds` (the zone's offset east of UTC); false
// when out of range (PostgreSQL's tm2timestamp).
bool FieldsToTimestamp(const DateTimeFields& fields, int64_t offset_seconds, int64_t* timestamp);
// Splits a time of day (microseconds since midnight).
void TimeToFields(int64_t time, DateTimeFields* fields);
// Splits an interval as PostgreSQL's interval2itm: years/months from months, days, then time fields.
void IntervalToFields(const Interval& interval, DateTimeFields* fields);
// Joins fields back into an interval; false on overflow.
bool FieldsToInterval(const DateTimeFields& fields, Interval* interval);

// ---- Keywords (calendar.cc) ----

// What a word means in date/time input and in extract/date_trunc unit names.
enum class KeywordKind {
  kReserved,   // epoch, infinity, now, today, ...
  kMonth,      // value = 1..12
  kDayOfWeek,  // value = 0..6
  kAdBc,       // value = 0 (AD) or 1 (BC)
  kAmPm,       // value = 0 (AM) or 1 (PM)
  kUnits,      // value = a DateField
  kIsoTime,    // "t"
  kIgnore,     // "at", "on", "@"
  kAgo,
  kDstModifier,
};

enum class DateField {
  kMicrosecond,
  kMillisecond,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
  kTimeZone,
  kTimeZoneHour,
  kTimeZoneMinute,
  kDayOfWeek,
  kIsoDayOfWeek,
  kDayOfYear,
  kIsoYear,
  kJulian,
  kTime,  // ISO "t" designator
  // Reserved words.
  kEpoch,
  kLate,   // infinity
  kEarly,  // -infinity
  kNow,
  kToday,
  kTomorrow,
  kYesterday,
  kZulu,  // allballs
};

// extract() of the time-of-day fields (microsecond, millisecond, second, minute, hour) from split fields,
// shared by timestamp, time and interval; nullopt for any other field.
std::optional<double> ExtractClockField(DateField field, const DateTimeFields& tm);

struct Keyword {
  std::string_view token;
  KeywordKind kind;
  int value;
};

// Looks a lower-case word up in the date/time input table (months, days, reserved words, ...). Words are
// compared on their first 10 characters, as PostgreSQL does. Returns nullptr when unknown.
const Keyword* LookupDateKeyword(std::string_view lower_word);
// Looks a lower-case word up in the interval unit table ("day", "mins", "ago", ...).
const Keyword* LookupIntervalKeyword(std::string_view lower_word);

// How an extract/date_part/date_trunc unit name resolved.
struct ResolvedUnit {
  enum class Kind { kUnknown, kUnits, kReserved } kind = Kind::kUnknown;
  DateField field = DateField::kSecond;
  std::string lower_name;  // for error messages
};
// Resolves a unit for extract (interval units first, then date keywords) or, when `units_only`, for
// date_trunc (interval units only).
ResolvedUnit ResolveUnit(std::string_view name, bool units_only);

std::string ToLowerAscii(std::string_view text);

// ---- Errors (calendar.cc) ----

enum class ParseStatus {
  kOk,
  kBadFormat,         // 22007 invalid input syntax for type T: "..."
  kFieldOverflow,     // 22008 date/time field value out of range: "..."
  kMonthDayOverflow,  // 22008 the same, with the DateStyle hint
  kIntervalOverflow,  // 22015 interval field value out of range: "..."
  kZoneDisplacement,  // 22009 time zone displacement out of range: "..."
};

// ---- Lexer (datetime_lexer.cc) ----

enum class DateTokenType { kNumber, kString, kDate, kTime, kTimeZone, kSpecial };

struct DateToken {
  DateTokenType type;
  std::string text;
};

constexpr size_t kMaxDateFields = 25;

// Splits date/time or interval text into typed fields as PostgreSQL's ParseDateTime does. Returns false
// for text it rejects (bad characters, too many fields, longer than `buffer_size` bytes of fields).
bool LexDateTime(std::string_view text, size_t buffer_size, std::vector<DateToken>* tokens);

// ASCII classification as C's <ctype.h> in the "C" locale; bytes >= 0x80 are none of these.
inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAsciiAlnum(char c) { return IsAsciiDigit(c) || IsAsciiAlpha(c); }
inline bool IsAsciiSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
inline bool IsAsciiPunct(char c) { return c > ' ' && c < 127 && !IsAsciiAlnum(c); }
inline char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Reads an integer as strtol does (leading blanks, optional sign, digits) starting at *pos. Returns false
// and leaves *pos alone when there are no digits; sets *overflow when the value exceeds int64.
bool ParseLeadingInteger(std::string_view text, size_t* pos, int64_t* value, bool* overflow);
// ParseLeadingInteger limited to int32 (strtoint): values outside int32 set *overflow.
bool ParseInt32(std::string_view text, size_t* pos, int64_t* value, bool* overflow);
// Reads a fraction ".ddd" (just "." is zero) that must run to the end of `text`.
ParseStatus ParseFraction(std::string_view text, double* fraction);
// ParseFraction rounded to microseconds.
ParseStatus ParseFractionalSecond(std::string_view text, int64_t* fsec);
// Reads "h:m", "h:m:s[.f]" or "m:s.f" into hour/minute/second/fsec, checking minute < 60, second <= 60.
ParseStatus DecodeClockTime(std::string_view text, DateTimeFields* fields);

// ---- Time zones (time_zone.cc) ----

// Looks up a time zone abbreviation accepted in timestamptz input ("utc", "z", "est", "cest", ...).
// Returns false when unknown; sets the offset east of UTC and whether it is a daylight-saving zone.
bool LookupZoneAbbreviation(std::string_view lower_word, int32_t* offset_seconds, bool* is_dst);
// Resolves a full zone name that appears inside date/time input ("utc", "etc/gmt+3", "utc+3",
// "america/new_york"). Returns nullopt when Tessera does not know it.
std::optional<TimeZone> LookupZoneName(std::string_view name);

[[noreturn]] void ThrowParseError(ParseStatus status, std::string_view text, std::string_view type_name);
[[noreturn]] void ThrowOutOfRange(std::string_view what);  // 22008 "<what> out of range"
[[noreturn]] void ThrowUnitNotRecognized(std::string_view lower_unit, std::string_view type_name);
[[noreturn]] void ThrowUnitNotSupported(std::string_view lower_unit, std::string_view type_name);

constexpr std::string_view kTimestampTypeName = "timestamp without time zone";
constexpr std::string_view kTimestampTzTypeName = "timestamp with time zone";
constexpr std::string_view kDateTypeName = "date";
constexpr std::string_view kTimeTypeName = "time without time zone";
constexpr std::string_view kIntervalTypeName = "interval";

// Timestamp <-> local time shifts with range checks (throw "timestamp out of range").
int64_t ShiftTimestamp(int64_t timestamp, int64_t offset_seconds);

}  // namespace tessera::datetime
