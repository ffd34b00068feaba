// SPDX-License-Identifier: Apache-2.0
// Calendar arithmetic, the date/time keyword tables and the error helpers behind base/datetime.h.
#include <algorithm>
#include <array>
#include <climits>

#include "base/datetime_internal.h"

namespace tessera::datetime {

// ---- Calendar arithmetic ----

bool IsLeapYear(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int64_t year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t quotient = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --quotient;
  return quotient;
}

}  // namespace

// The classic integer day count over years that start on March 1st (so that the leap day ends a year),
// with months weighted by 7834/256 days. For months outside 1..12 it extrapolates linearly, as
// PostgreSQL's date2j does, which to_char relies on for intervals.
int64_t YmdToJulian(int64_t year, int64_t month, int64_t day) {
  if (month > 2) {
    month += 1;
    year += 4800;
  } else {
    month += 13;
    year += 4799;
  }
  int64_t century = year / 100;
  return year * 365 - 32167 + year / 4 - century + century / 4 + 7834 * month / 256 + day;
}

void JulianToYmd(int64_t julian, int* year, int* month, int* day) {
  int64_t days = julian - kUnixEpochJulian + 719468;
  int64_t era = FloorDiv(days, 146097);
  int64_t day_of_era = days - era * 146097;
  int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t month_index = (5 * day_of_year + 2) / 153;  // 0 = March
  *day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  *month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  *year = static_cast<int>(year_of_era + era * 400 + (*month <= 2 ? 1 : 0));
}

int JulianToDayOfWeek(int64_t julian) {
  int64_t day = (julian + 1) % 7;
  return static_cast<int>(day < 0 ? day + 7 : day);
}

bool IsValidJulianYmd(int64_t year, int month) {
  return (year > -4713 || (year == -4713 && month >= 11)) && (year < 5874898 || (year == 5874898 && month < 6));
}

bool IsValidDate(int64_t date) {
  return date >= -static_cast<int64_t>(kPostgresEpochJulian) && date < kDateEndJulian - kPostgresEpochJulian;
}

bool IsValidTimestamp(int64_t timestamp) { return timestamp >= kMinTimestamp && timestamp < kEndTimestamp; }

namespace {

// Julian day of the Monday that starts ISO week 1 of `year` (the week holding January 4th).
int64_t IsoWeekOneStart(int64_t year) {
  int64_t january4 = YmdToJulian(year, 1, 4);
  return january4 - (JulianToDayOfWeek(january4) + 6) % 7;
}

}  // namespace

int IsoYear(int year, int month, int day) {
  int64_t julian = YmdToJulian(year, month, day);
  if (julian < IsoWeekOneStart(year)) return year - 1;
  if (julian >= IsoWeekOneStart(static_cast<int64_t>(year) + 1)) return year + 1;
  return year;
}

int IsoWeek(int year, int month, int day) {
  int64_t julian = YmdToJulian(year, month, day);
  return static_cast<int>((julian - IsoWeekOneStart(IsoYear(year, month, day))) / 7 + 1);
}

int IsoDayOfYear(int year, int month, int day) {
  return static_cast<int>(YmdToJulian(year, month, day) - IsoWeekOneStart(IsoYear(year, month, day)) + 1);
}

int64_t IsoWeekToJulian(int year, int week) { return IsoWeekOneStart(year) + (week - 1) * 7; }

void TimeToFields(int64_t time, DateTimeFields* fields) {
  fields->hour = time / kMicrosPerHour;
  time -= fields->hour * kMicrosPerHour;
  fields->minute = static_cast<int>(time / kMicrosPerMinute);
  time -= fields->minute * kMicrosPerMinute;
  fields->second = static_cast<int>(time / kMicrosPerSecond);
  fields->fsec = time - fields->second * kMicrosPerSecond;
}

namespace {

// Julian day and time of day of a timestamp.
void SplitTimestamp(int64_t timestamp, int64_t* julian, int64_t* time) {
  *julian = timestamp / kMicrosPerDay;
  *time = timestamp % kMicrosPerDay;
  if (*time < 0) {
    *time += kMicrosPerDay;
    *julian -= 1;
  }
  *julian += kPostgresEpochJulian;
}

}  // namespace

bool TimestampToFields(int64_t timestamp, DateTimeFields* fields) {
  return TimestampToLocalFields(timestamp, 0, fields);
}

bool TimestampToLocalFields(int64_t timestamp, int64_t offset_seconds, DateTimeFields* fields) {
  int64_t julian;
  int64_t time;
  SplitTimestamp(timestamp, &julian, &time);
  if (julian < 0 || julian > INT32_MAX) return false;
  if (offset_seconds != 0) {
    int64_t local;
    if (__builtin_add_overflow(timestamp, offset_seconds * kMicrosPerSecond, &local)) return false;
    SplitTimestamp(local, &julian, &time);
  }
  JulianToYmd(julian, &fields->year, &fields->month, &fields->day);
  TimeToFields(time, fields);
  return true;
}

bool FieldsToTimestamp(const DateTimeFields& fields, int64_t offset_seconds, int64_t* timestamp) {
  if (!IsValidJulianYmd(fields.year, fields.month)) return false;
  int64_t date = YmdToJulian(fields.year, fields.month, fields.day) - kPostgresEpochJulian;
  int64_t time = ((fields.hour * 60 + fields.minute) * 60 + fields.second) * kMicrosPerSecond + fields.fsec;
  int64_t result;
  if (__builtin_mul_overflow(date, kMicrosPerDay, &result) || __builtin_add_overflow(result, time, &result) ||
      __builtin_sub_overflow(result, offset_seconds * kMicrosPerSecond, &result)) {
    return false;
  }
  if (!IsValidTimestamp(result)) return false;
  *timestamp = result;
  return true;
}

void IntervalToFields(const Interval& interval, DateTimeFields* fields) {
  fields->year = interval.months / kMonthsPerYear;
  fields->month = interval.months % kMonthsPerYear;
  fields->day = interval.days;
  TimeToFields(interval.micros, fields);
}

bool FieldsToInterval(const DateTimeFields& fields, Interval* interval) {
  int64_t total_months = static_cast<int64_t>(fields.year) * kMonthsPerYear + fields.month;
  if (total_months > INT32_MAX || total_months < INT32_MIN) return false;
  int64_t micros;
  if (__builtin_mul_overflow(fields.hour, kMicrosPerHour, &micros) ||
      __builtin_add_overflow(micros, fields.minute * kMicrosPerMinute, &micros) ||
      __builtin_add_overflow(micros, fields.second * kMicrosPerSecond, &micros) ||
      __builtin_add_overflow(micros, fields.fsec, &micros)) {
    return false;
  }
  interval->months = static_cast<int32_t>(total_months);
  interval->days = fields.day;
  interval->micros = micros;
  return true;
}

int64_t ShiftTimestamp(int64_t timestamp, int64_t offset_seconds) {
  if (timestamp == kTimestampNegInfinity || timestamp == kTimestampPosInfinity) return timestamp;
  int64_t result;
  if (__builtin_add_overflow(timestamp, offset_seconds * kMicrosPerSecond, &result) || !IsValidTimestamp(result)) {
    ThrowOutOfRange("timestamp");
  }
  return result;
}

// ---- Keywords ----

namespace {

using K = KeywordKind;
using F = DateField;

constexpr int Value(DateField field) { return static_cast<int>(field); }

// Sorted by token; tokens are at most 10 characters.
constexpr Keyword kDateKeywords[] = {
    {"-infinity", K::kReserved, Value(F::kEarly)},
    {"ad", K::kAdBc, 0},
    {"allballs", K::kReserved, Value(F::kZulu)},
    {"am", K::kAmPm, 0},
    {"apr", K::kMonth, 4},
    {"april", K::kMonth, 4},
    {"at", K::kIgnore, 0},
    {"aug", K::kMonth, 8},
    {"august", K::kMonth, 8},
    {"bc", K::kAdBc, 1},
    {"d", K::kUnits, Value(F::kDay)},
    {"dec", K::kMonth, 12},
    {"december", K::kMonth, 12},
    {"dow", K::kUnits, Value(F::kDayOfWeek)},
    {"doy", K::kUnits, Value(F::kDayOfYear)},
    {"dst", K::kDstModifier, 3600},
    {"epoch", K::kReserved, Value(F::kEpoch)},
    {"feb", K::kMonth, 2},
    {"february", K::kMonth, 2},
    {"fri", K::kDayOfWeek, 5},
    {"friday", K::kDayOfWeek, 5},
    {"h", K::kUnits, Value(F::kHour)},
    {"infinity", K::kReserved, Value(F::kLate)},
    {"isodow", K::kUnits, Value(F::kIsoDayOfWeek)},
    {"isoyear", K::kUnits, Value(F::kIsoYear)},
    {"j", K::kUnits, Value(F::kJulian)},
    {"jan", K::kMonth, 1},
    {"january", K::kMonth, 1},
    {"jd", K::kUnits, Value(F::kJulian)},
    {"jul", K::kMonth, 7},
    {"julian", K::kUnits, Value(F::kJulian)},
    {"july", K::kMonth, 7},
    {"jun", K::kMonth, 6},
    {"june", K::kMonth, 6},
    {"m", K::kUnits, Value(F::kMonth)},
    {"mar", K::kMonth, 3},
    {"march", K::kMonth, 3},
    {"may", K::kMonth, 5},
    {"mm", K::kUnits, Value(F::kMinute)},
    {"mon", K::kDayOfWeek, 1},
    {"monday", K::kDayOfWeek, 1},
    {"nov", K::kMonth, 11},
    {"november", K::kMonth, 11},
    {"now", K::kReserved, Value(F::kNow)},
    {"oct", K::kMonth, 10},
    {"october", K::kMonth, 10},
    {"on", K::kIgnore, 0},
    {"pm", K::kAmPm, 1},
    {"s", K::kUnits, Value(F::kSecond)},
    {"sat", K::kDayOfWeek, 6},
    {"saturday", K::kDayOfWeek, 6},
    {"sep", K::kMonth, 9},
    {"sept", K::kMonth, 9},
    {"september", K::kMonth, 9},
    {"sun", K::kDayOfWeek, 0},
    {"sunday", K::kDayOfWeek, 0},
    {"t", K::kIsoTime, Value(F::kTime)},
    {"thu", K::kDayOfWeek, 4},
    {"thur", K::kDayOfWeek, 4},
    {"thurs", K::kDayOfWeek, 4},
    {"thursday", K::kDayOfWeek, 4},
    {"today", K::kReserved, Value(F::kToday)},
    {"tomorrow", K::kReserved, Value(F::kTomorrow)},
    {"tue", K::kDayOfWeek, 2},
    {"tues", K::kDayOfWeek, 2},
    {"tuesday", K::kDayOfWeek, 2},
    {"wed", K::kDayOfWeek, 3},
    {"wednesday", K::kDayOfWeek, 3},
    {"weds", K::kDayOfWeek, 3},
    {"y", K::kUnits, Value(F::kYear)},
    {"yesterday", K::kReserved, Value(F::kYesterday)},
};

constexpr Keyword kIntervalKeywords[] = {
    {"@", K::kIgnore, 0},
    {"ago", K::kAgo, 0},
    {"c", K::kUnits, Value(F::kCentury)},
    {"cent", K::kUnits, Value(F::kCentury)},
    {"centuries", K::kUnits, Value(F::kCentury)},
    {"century", K::kUnits, Value(F::kCentury)},
    {"d", K::kUnits, Value(F::kDay)},
    {"day", K::kUnits, Value(F::kDay)},
    {"days", K::kUnits, Value(F::kDay)},
    {"dec", K::kUnits, Value(F::kDecade)},
    {"decade", K::kUnits, Value(F::kDecade)},
    {"decades", K::kUnits, Value(F::kDecade)},
    {"decs", K::kUnits, Value(F::kDecade)},
    {"h", K::kUnits, Value(F::kHour)},
    {"hour", K::kUnits, Value(F::kHour)},
    {"hours", K::kUnits, Value(F::kHour)},
    {"hr", K::kUnits, Value(F::kHour)},
    {"hrs", K::kUnits, Value(F::kHour)},
    {"m", K::kUnits, Value(F::kMinute)},
    {"microsecon", K::kUnits, Value(F::kMicrosecond)},
    {"mil", K::kUnits, Value(F::kMillennium)},
    {"millennia", K::kUnits, Value(F::kMillennium)},
    {"millennium", K::kUnits, Value(F::kMillennium)},
    {"millisecon", K::kUnits, Value(F::kMillisecond)},
    {"mils", K::kUnits, Value(F::kMillennium)},
    {"min", K::kUnits, Value(F::kMinute)},
    {"mins", K::kUnits, Value(F::kMinute)},
    {"minute", K::kUnits, Value(F::kMinute)},
    {"minutes", K::kUnits, Value(F::kMinute)},
    {"mon", K::kUnits, Value(F::kMonth)},
    {"mons", K::kUnits, Value(F::kMonth)},
    {"month", K::kUnits, Value(F::kMonth)},
    {"months", K::kUnits, Value(F::kMonth)},
    {"ms", K::kUnits, Value(F::kMillisecond)},
    {"msec", K::kUnits, Value(F::kMillisecond)},
    {"msecond", K::kUnits, Value(F::kMillisecond)},
    {"mseconds", K::kUnits, Value(F::kMillisecond)},
    {"msecs", K::kUnits, Value(F::kMillisecond)},
    {"qtr", K::kUnits, Value(F::kQuarter)},
    {"quarter", K::kUnits, Value(F::kQuarter)},
    {"s", K::kUnits, Value(F::kSecond)},
    {"sec", K::kUnits, Value(F::kSecond)},
    {"second", K::kUnits, Value(F::kSecond)},
    {"seconds", K::kUnits, Value(F::kSecond)},
    {"secs", K::kUnits, Value(F::kSecond)},
    {"timezone", K::kUnits, Value(F::kTimeZone)},
    {"timezone_h", K::kUnits, Value(F::kTimeZoneHour)},
    {"timezone_m", K::kUnits, Value(F::kTimeZoneMinute)},
    {"us", K::kUnits, Value(F::kMicrosecond)},
    {"usec", K::kUnits, Value(F::kMicrosecond)},
    {"usecond", K::kUnits, Value(F::kMicrosecond)},
    {"useconds", K::kUnits, Value(F::kMicrosecond)},
    {"usecs", K::kUnits, Value(F::kMicrosecond)},
    {"w", K::kUnits, Value(F::kWeek)},
    {"week", K::kUnits, Value(F::kWeek)},
    {"weeks", K::kUnits, Value(F::kWeek)},
    {"y", K::kUnits, Value(F::kYear)},
    {"year", K::kUnits, Value(F::kYear)},
    {"years", K::kUnits, Value(F::kYear)},
    {"yr", K::kUnits, Value(F::kYear)},
    {"yrs", K::kUnits, Value(F::kYear)},
};

// Words match on their first 10 characters, so "microseconds" finds "microsecon".
constexpr size_t kMaxTokenLength = 10;

template <size_t N>
const Keyword* Lookup(const Keyword (&table)[N], std::string_view word) {
  std::string_view key = word.substr(0, kMaxTokenLength);
  auto it = std::lower_bound(std::begin(table), std::end(table), key,
                             [](const Keyword& keyword, std::string_view k) { return keyword.token < k; });
  if (it != std::end(table) && it->token == key) return it;
  return nullptr;
}

}  // namespace

const Keyword* LookupDateKeyword(std::string_view lower_word) { return Lookup(kDateKeywords, lower_word); }

const Keyword* LookupIntervalKeyword(std::string_view lower_word) { return Lookup(kIntervalKeywords, lower_word); }

std::string ToLowerAscii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

ResolvedUnit ResolveUnit(std::string_view name, bool units_only) {
  ResolvedUnit unit;
  // PostgreSQL folds the unit like an identifier: lower case, at most 63 bytes.
  unit.lower_name = ToLowerAscii(name.substr(0, 63));
  const Keyword* keyword = LookupIntervalKeyword(unit.lower_name);
  if (keyword == nullptr && !units_only) keyword = LookupDateKeyword(unit.lower_name);
  if (keyword == nullptr) return unit;
  if (keyword->kind == KeywordKind::kUnits) {
    unit.kind = ResolvedUnit::Kind::kUnits;
  } else if (keyword->kind == KeywordKind::kReserved) {
    unit.kind = ResolvedUnit::Kind::kReserved;
  } else {
    return unit;
  }
  unit.field = static_cast<DateField>(keyword->value);
  return unit;
}

// ---- Errors ----

void ThrowParseError(ParseStatus status, std::string_view text, std::string_view type_name) {
  std::string quoted = "\"" + std::string(text) + "\"";
  switch (status) {
    case ParseStatus::kFieldOverflow:
      throw SqlError(SqlState::kDatetimeFieldOverflow, "date/time field value out of range: " + quoted);
    case ParseStatus::kMonthDayOverflow:
      throw SqlError(SqlState::kDatetimeFieldOverflow, "date/time field value out of range: " + quoted)
          .WithHint("Perhaps you need a different \"datestyle\" setting.");
    case ParseStatus::kIntervalOverflow:
      throw SqlError(SqlState::kIntervalFieldOverflow, "interval field value out of range: " + quoted);
    case ParseStatus::kZoneDisplacement:
      throw SqlError(SqlState::kInvalidTimeZoneDisplacementValue, "time zone displacement out of range: " + quoted);
    case ParseStatus::kOk:
    case ParseStatus::kBadFormat:
      break;
  }
  throw SqlError(SqlState::kInvalidDatetimeFormat,
                 "invalid input syntax for type " + std::string(type_name) + ": " + quoted);
}

void ThrowOutOfRange(std::string_view what) {
  throw SqlError(SqlState::kDatetimeFieldOverflow, std::string(what) + " out of range");
}

void ThrowUnitNotRecognized(std::string_view lower_unit, std::string_view type_name) {
  throw SqlError(SqlState::kInvalidParameterValue,
                 "unit \"" + std::string(lower_unit) + "\" not recognized for type " + std::string(type_name));
}

void ThrowUnitNotSupported(std::string_view lower_unit, std::string_view type_name) {
  throw SqlError(SqlState::kFeatureNotSupported,
                 "unit \"" + std::string(lower_unit) + "\" not supported for type " + std::string(type_name));
}

}  // namespace tessera::datetime
