// SPDX-License-Identifier: Apache-2.0
// Interval input (PostgreSQL's verbose, SQL and ISO 8601 forms), output in IntervalStyle 'postgres',
// arithmetic, justify_*, date_trunc and extract, matching PostgreSQL 15.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "base/datetime_internal.h"

namespace tessera::datetime {
namespace {

constexpr size_t kIntervalBufferSize = 256;

// Interval fields while parsing: years, months and days are kept apart until the end.
struct IntervalParts {
  int64_t micros = 0;
  int32_t days = 0;
  int32_t months = 0;
  int32_t years = 0;
};

bool FitsInInt64(double value) {
  return value >= static_cast<double>(INT64_MIN) && value < -static_cast<double>(INT64_MIN);
}

bool AddFractionalMicros(double fraction, int64_t scale, IntervalParts* parts) {
  if (fraction == 0) return true;
  fraction *= static_cast<double>(scale);
  if (std::isnan(fraction) || !FitsInInt64(fraction)) return false;
  return !__builtin_add_overflow(parts->micros, static_cast<int64_t>(std::rint(fraction)), &parts->micros);
}

bool AddMicros(int64_t value, double fraction, int64_t scale, IntervalParts* parts) {
  int64_t product;
  if (__builtin_mul_overflow(value, scale, &product) ||
      __builtin_add_overflow(parts->micros, product, &parts->micros)) {
    return false;
  }
  return AddFractionalMicros(fraction, scale, parts);
}

// Adds a fraction of `scale` days: whole days to days, the rest to microseconds.
bool AddFractionalDays(double fraction, int scale, IntervalParts* parts) {
  if (fraction == 0) return true;
  fraction *= scale;
  int extra_days = static_cast<int>(fraction);
  if (__builtin_add_overflow(parts->days, extra_days, &parts->days)) return false;
  return AddFractionalMicros(fraction - extra_days, kMicrosPerDay, parts);
}

bool AddFractionalYears(double fraction, int scale, IntervalParts* parts) {
  if (fraction == 0) return true;
  int extra_months = static_cast<int>(std::rint(fraction * scale * kMonthsPerYear));
  return !__builtin_add_overflow(parts->months, extra_months, &parts->months);
}

bool AddDays(int64_t value, int scale, IntervalParts* parts) {
  int32_t days;
  if (value < INT32_MIN || value > INT32_MAX) return false;
  return !__builtin_mul_overflow(static_cast<int32_t>(value), scale, &days) &&
         !__builtin_add_overflow(parts->days, days, &parts->days);
}

bool AddMonths(int64_t value, IntervalParts* parts) {
  if (value < INT32_MIN || value > INT32_MAX) return false;
  return !__builtin_add_overflow(parts->months, static_cast<int32_t>(value), &parts->months);
}

bool AddYears(int64_t value, int scale, IntervalParts* parts) {
  int32_t years;
  if (value < INT32_MIN || value > INT32_MAX) return false;
  return !__builtin_mul_overflow(static_cast<int32_t>(value), scale, &years) &&
         !__builtin_add_overflow(parts->years, years, &parts->years);
}

// Reads "hh:mm[:ss[.f]]" (or "mm:ss.f") into the microseconds. Like PostgreSQL 15 it replaces what
// smaller units to its right contributed there ("1.5 days 01:00" is 1 day 01:00:00). With the range
// MINUTE TO SECOND, "a:b" is minutes and seconds.
ParseStatus SetClockTime(std::string_view text, int32_t range, IntervalParts* parts) {
  DateTimeFields fields;
  ParseStatus status = DecodeClockTime(text, &fields);
  if (status != ParseStatus::kOk) return status;
  int64_t micros = fields.fsec;
  int64_t product;
  if (__builtin_mul_overflow(fields.hour, kMicrosPerHour, &product) ||
      __builtin_add_overflow(micros, product, &micros) ||
      __builtin_add_overflow(micros, fields.minute * kMicrosPerMinute, &micros) ||
      __builtin_add_overflow(micros, fields.second * kMicrosPerSecond, &micros)) {
    return ParseStatus::kFieldOverflow;
  }
  const bool hours_minutes = text.find(':') == text.rfind(':') && text.find('.') == std::string_view::npos;
  if (hours_minutes && range == (kIntervalMinuteBit | kIntervalSecondBit)) micros /= 60;
  parts->micros = micros;
  return ParseStatus::kOk;
}

// Bits of the units already given; a unit given twice is a syntax error.
constexpr uint32_t kMicrosecondBit = 1u << 0;
constexpr uint32_t kMillisecondBit = 1u << 1;
constexpr uint32_t kSecondBit = 1u << 2;
constexpr uint32_t kMinuteBit = 1u << 3;
constexpr uint32_t kHourBit = 1u << 4;
constexpr uint32_t kDayBit = 1u << 5;
constexpr uint32_t kWeekBit = 1u << 6;
constexpr uint32_t kMonthBit = 1u << 7;
constexpr uint32_t kYearBit = 1u << 8;
constexpr uint32_t kDecadeBit = 1u << 9;
constexpr uint32_t kCenturyBit = 1u << 10;
constexpr uint32_t kMillenniumBit = 1u << 11;
constexpr uint32_t kAllSecondsMask = kSecondBit | kMillisecondBit | kMicrosecondBit;
constexpr uint32_t kTimeMask = kHourBit | kMinuteBit | kAllSecondsMask;

// Applies "value[.fraction] unit" to the parts.
ParseStatus ApplyUnit(DateField unit, int64_t value, double fraction, IntervalParts* parts, uint32_t* token_mask) {
  bool ok = false;
  switch (unit) {
    case DateField::kMicrosecond:
      ok = AddMicros(value, fraction, 1, parts);
      *token_mask = kMicrosecondBit;
      break;
    case DateField::kMillisecond:
      ok = AddMicros(value, fraction, 1000, parts);
      *token_mask = kMillisecondBit;
      break;
    case DateField::kSecond:
      ok = AddMicros(value, fraction, kMicrosPerSecond, parts);
      // Fractional seconds also count as milli- and microseconds.
      *token_mask = fraction == 0 ? kSecondBit : kAllSecondsMask;
      break;
    case DateField::kMinute:
      ok = AddMicros(value, fraction, kMicrosPerMinute, parts);
      *token_mask = kMinuteBit;
      break;
    case DateField::kHour:
      ok = AddMicros(value, fraction, kMicrosPerHour, parts);
      *token_mask = kHourBit;
      break;
    case DateField::kDay:
      ok = AddDays(value, 1, parts) && AddFractionalMicros(fraction, kMicrosPerDay, parts);
      *token_mask = kDayBit;
      break;
    case DateField::kWeek:
      ok = AddDays(value, 7, parts) && AddFractionalDays(fraction, 7, parts);
      *token_mask = kWeekBit;
      break;
    case DateField::kMonth:
      ok = AddMonths(value, parts) && AddFractionalDays(fraction, kDaysPerMonth, parts);
      *token_mask = kMonthBit;
      break;
    case DateField::kYear:
      ok = AddYears(value, 1, parts) && AddFractionalYears(fraction, 1, parts);
      *token_mask = kYearBit;
      break;
    case DateField::kDecade:
      ok = AddYears(value, 10, parts) && AddFractionalYears(fraction, 10, parts);
      *token_mask = kDecadeBit;
      break;
    case DateField::kCentury:
      ok = AddYears(value, 100, parts) && AddFractionalYears(fraction, 100, parts);
      *token_mask = kCenturyBit;
      break;
    case DateField::kMillennium:
      ok = AddYears(value, 1000, parts) && AddFractionalYears(fraction, 1000, parts);
      *token_mask = kMillenniumBit;
      break;
    default:
      return ParseStatus::kBadFormat;
  }
  return ok ? ParseStatus::kOk : ParseStatus::kFieldOverflow;
}

// What a bare number means while reading right to left: the unit to its right, seconds by default, or
// nothing valid (right after "ago").
struct PendingUnit {
  enum class Kind { kDefault, kUnit, kNone } kind = Kind::kDefault;
  DateField field = DateField::kSecond;
};

// The unit of a bare number under an interval typmod's field range: its lowest field.
DateField DefaultUnit(int32_t range) {
  if (range == kIntervalFullRange || (range & kIntervalSecondBit)) return DateField::kSecond;
  if (range & kIntervalMinuteBit) return DateField::kMinute;
  if (range & kIntervalHourBit) return DateField::kHour;
  if (range & kIntervalDayBit) return DateField::kDay;
  if (range & kIntervalMonthBit) return DateField::kMonth;
  if (range & kIntervalYearBit) return DateField::kYear;
  return DateField::kSecond;
}

// Reads a signed number field: "5", "-1.5", "1-2" (years-months).
ParseStatus ApplyNumber(const std::string& text, PendingUnit* pending, IntervalParts* parts, uint32_t* token_mask) {
  DateField unit = pending->field;
  size_t pos = 0;
  int64_t value = 0;
  bool overflow = false;
  ParseLeadingInteger(text, &pos, &value, &overflow);
  if (overflow) return ParseStatus::kFieldOverflow;
  double fraction = 0;
  if (pos < text.size() && text[pos] == '-') {
    // SQL-standard "years-months".
    size_t month_pos = pos + 1;
    int64_t months = 0;
    ParseLeadingInteger(text, &month_pos, &months, &overflow);
    if (overflow || months < 0 || months >= kMonthsPerYear) return ParseStatus::kFieldOverflow;
    if (month_pos != text.size()) return ParseStatus::kBadFormat;
    unit = DateField::kMonth;
    pending->kind = PendingUnit::Kind::kUnit;
    pending->field = DateField::kMonth;
    if (text[0] == '-') months = -months;
    if (__builtin_mul_overflow(value, kMonthsPerYear, &value) || __builtin_add_overflow(value, months, &value)) {
      return ParseStatus::kFieldOverflow;
    }
  } else if (pos < text.size() && text[pos] == '.') {
    ParseStatus status = ParseFraction(std::string_view(text).substr(pos), &fraction);
    if (status != ParseStatus::kOk) return status;
    if (text[0] == '-') fraction = -fraction;
  } else if (pos != text.size()) {
    return ParseStatus::kBadFormat;
  }
  // Right after "ago" only the years-months form, which names its own unit, is accepted.
  if (pending->kind == PendingUnit::Kind::kNone) return ParseStatus::kBadFormat;
  ParseStatus status = ApplyUnit(unit, value, fraction, parts, token_mask);
  if (status != ParseStatus::kOk) return status;
  // A number of hours makes the next number to its left a number of days ("1 2 hours").
  if (unit == DateField::kHour) {
    pending->kind = PendingUnit::Kind::kUnit;
    pending->field = DateField::kDay;
  }
  return ParseStatus::kOk;
}

// Reads PostgreSQL's verbose form right to left, so that each unit is known before its number.
ParseStatus DecodeVerboseInterval(const std::vector<DateToken>& tokens, int32_t range, IntervalParts* parts) {
  uint32_t seen_mask = 0;
  PendingUnit pending;
  pending.field = DefaultUnit(range);
  bool is_before = false;
  for (size_t index = tokens.size(); index-- > 0;) {
    const DateToken& token = tokens[index];
    uint32_t token_mask = 0;
    switch (token.type) {
      case DateTokenType::kTime: {
        ParseStatus status = SetClockTime(token.text, range, parts);
        if (status != ParseStatus::kOk) return status;
        token_mask = kTimeMask;
        pending = {PendingUnit::Kind::kUnit, DateField::kDay};
        break;
      }
      case DateTokenType::kTimeZone:
        // A signed time "-01:02:03"; other signed fields are numbers.
        if (token.text.find(':', 1) != std::string::npos) {
          IntervalParts time;
          if (SetClockTime(std::string_view(token.text).substr(1), range, &time) == ParseStatus::kOk) {
            parts->micros = token.text[0] == '-' ? -time.micros : time.micros;
            token_mask = kTimeMask;
            pending = {PendingUnit::Kind::kUnit, DateField::kDay};
            break;
          }
        }
        [[fallthrough]];
      case DateTokenType::kDate:
      case DateTokenType::kNumber: {
        ParseStatus status = ApplyNumber(token.text, &pending, parts, &token_mask);
        if (status != ParseStatus::kOk) return status;
        break;
      }
      case DateTokenType::kString:
      case DateTokenType::kSpecial: {
        // A unit word without a number to its left is accepted and ignored ("day 1" is one second).
        const Keyword* keyword = LookupIntervalKeyword(token.text);
        if (keyword == nullptr) return ParseStatus::kBadFormat;
        if (keyword->kind == KeywordKind::kIgnore) continue;
        if (keyword->kind == KeywordKind::kUnits) {
          pending = {PendingUnit::Kind::kUnit, static_cast<DateField>(keyword->value)};
        } else if (keyword->kind == KeywordKind::kAgo) {
          is_before = true;
          pending.kind = PendingUnit::Kind::kNone;
        } else {
          return ParseStatus::kBadFormat;
        }
        break;
      }
    }
    if (token_mask & seen_mask) return ParseStatus::kBadFormat;
    seen_mask |= token_mask;
  }
  if (seen_mask == 0) return ParseStatus::kBadFormat;
  if (is_before) {
    if (parts->micros == INT64_MIN || parts->days == INT32_MIN || parts->months == INT32_MIN ||
        parts->years == INT32_MIN) {
      return ParseStatus::kFieldOverflow;
    }
    parts->micros = -parts->micros;
    parts->days = -parts->days;
    parts->months = -parts->months;
    parts->years = -parts->years;
  }
  return ParseStatus::kOk;
}

// Reads a signed decimal number as strtod does; splits it into an integer and a fraction part.
ParseStatus ParseIso8601Number(std::string_view text, size_t* pos, int64_t* integer, double* fraction) {
  if (*pos >= text.size()) return ParseStatus::kBadFormat;
  char first = text[*pos];
  if (!((first >= '0' && first <= '9') || first == '-' || first == '.')) return ParseStatus::kBadFormat;
  std::string rest(text.substr(*pos));
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(rest.c_str(), &end);
  if (end == rest.c_str() || errno != 0) return ParseStatus::kBadFormat;
  if (std::isnan(value) || value < -1.0e15 || value > 1.0e15) return ParseStatus::kFieldOverflow;
  *integer = static_cast<int64_t>(std::trunc(value));
  *fraction = value - static_cast<double>(*integer);
  *pos += static_cast<size_t>(end - rest.c_str());
  return ParseStatus::kOk;
}

size_t Iso8601IntegerWidth(std::string_view text) {
  size_t pos = (!text.empty() && text[0] == '-') ? 1 : 0;
  size_t width = 0;
  while (pos + width < text.size() && text[pos + width] >= '0' && text[pos + width] <= '9') ++width;
  return width;
}

// Reads ISO 8601 "P1Y2M3DT4H5M6S" (designators) or "P0001-02-03T04:05:06" / "P00010203T040506"
// (alternative format).
ParseStatus DecodeIso8601Interval(std::string_view text, IntervalParts* parts) {
  *parts = IntervalParts{};
  if (text.size() < 2 || text[0] != 'P') return ParseStatus::kBadFormat;
  size_t pos = 1;
  bool in_date = true;
  bool have_field = false;
  constexpr ParseStatus kOverflow = ParseStatus::kFieldOverflow;
  auto at_end = [&] { return pos >= text.size(); };
  auto enter_time = [&] {
    in_date = false;
    have_field = false;
  };
  while (!at_end()) {
    if (text[pos] == 'T') {
      enter_time();
      ++pos;
      continue;
    }
    size_t field_start = pos;
    int64_t value;
    double fraction;
    ParseStatus status = ParseIso8601Number(text, &pos, &value, &fraction);
    if (status != ParseStatus::kOk) return status;
    char unit = at_end() ? '\0' : text[pos++];
    std::string_view field = text.substr(field_start);
    if (in_date) {
      switch (unit) {
        case 'Y':
          if (!AddYears(value, 1, parts) || !AddFractionalYears(fraction, 1, parts)) return kOverflow;
          break;
        case 'M':
          if (!AddMonths(value, parts) || !AddFractionalDays(fraction, kDaysPerMonth, parts)) return kOverflow;
          break;
        case 'W':
          if (!AddDays(value, 7, parts) || !AddFractionalDays(fraction, 7, parts)) return kOverflow;
          break;
        case 'D':
          if (!AddDays(value, 1, parts) || !AddFractionalMicros(fraction, kMicrosPerDay, parts)) return kOverflow;
          break;
        case 'T':
        case '\0':
          if (Iso8601IntegerWidth(field) == 8 && !have_field) {
            // Basic alternative format YYYYMMDD.
            if (!AddYears(value / 10000, 1, parts) || !AddMonths((value / 100) % 100, parts) ||
                !AddDays(value % 100, 1, parts) || !AddFractionalMicros(fraction, kMicrosPerDay, parts)) {
              return kOverflow;
            }
            if (unit == '\0') return ParseStatus::kOk;
            enter_time();
            continue;
          }
          [[fallthrough]];
        case '-':
          // Extended alternative format YYYY-MM-DD.
          if (have_field) return ParseStatus::kBadFormat;
          if (!AddYears(value, 1, parts) || !AddFractionalYears(fraction, 1, parts)) return kOverflow;
          if (unit == '\0') return ParseStatus::kOk;
          if (unit == 'T') {
            enter_time();
            continue;
          }
          status = ParseIso8601Number(text, &pos, &value, &fraction);
          if (status != ParseStatus::kOk) return status;
          if (!AddMonths(value, parts) || !AddFractionalDays(fraction, kDaysPerMonth, parts)) return kOverflow;
          if (at_end()) return ParseStatus::kOk;
          if (text[pos] == 'T') {
            enter_time();
            continue;
          }
          if (text[pos] != '-') return ParseStatus::kBadFormat;
          ++pos;
          status = ParseIso8601Number(text, &pos, &value, &fraction);
          if (status != ParseStatus::kOk) return status;
          if (!AddDays(value, 1, parts) || !AddFractionalMicros(fraction, kMicrosPerDay, parts)) return kOverflow;
          if (at_end()) return ParseStatus::kOk;
          if (text[pos] == 'T') {
            enter_time();
            continue;
          }
          return ParseStatus::kBadFormat;
        default:
          return ParseStatus::kBadFormat;
      }
    } else {
      switch (unit) {
        case 'H':
          if (!AddMicros(value, fraction, kMicrosPerHour, parts)) return kOverflow;
          break;
        case 'M':
          if (!AddMicros(value, fraction, kMicrosPerMinute, parts)) return kOverflow;
          break;
        case 'S':
          if (!AddMicros(value, fraction, kMicrosPerSecond, parts)) return kOverflow;
          break;
        case '\0':
          if (Iso8601IntegerWidth(field) == 6 && !have_field) {
            // Basic alternative format hhmmss.
            if (!AddMicros(value / 10000, 0, kMicrosPerHour, parts) ||
                !AddMicros((value / 100) % 100, 0, kMicrosPerMinute, parts) ||
                !AddMicros(value % 100, 0, kMicrosPerSecond, parts) || !AddFractionalMicros(fraction, 1, parts)) {
              return kOverflow;
            }
            return ParseStatus::kOk;
          }
          [[fallthrough]];
        case ':':
          // Extended alternative format hh:mm:ss.
          if (have_field) return ParseStatus::kBadFormat;
          if (!AddMicros(value, fraction, kMicrosPerHour, parts)) return kOverflow;
          if (unit == '\0') return ParseStatus::kOk;
          status = ParseIso8601Number(text, &pos, &value, &fraction);
          if (status != ParseStatus::kOk) return status;
          if (!AddMicros(value, fraction, kMicrosPerMinute, parts)) return kOverflow;
          if (at_end()) return ParseStatus::kOk;
          if (text[pos] != ':') return ParseStatus::kBadFormat;
          ++pos;
          status = ParseIso8601Number(text, &pos, &value, &fraction);
          if (status != ParseStatus::kOk) return status;
          if (!AddMicros(value, fraction, kMicrosPerSecond, parts)) return kOverflow;
          if (at_end()) return ParseStatus::kOk;
          return ParseStatus::kBadFormat;
        default:
          return ParseStatus::kBadFormat;
      }
    }
    have_field = true;
  }
  return ParseStatus::kOk;
}

Interval IntervalOrThrow(const DateTimeFields& fields) {
  Interval result;
  if (!FieldsToInterval(fields, &result)) ThrowOutOfRange("interval");
  return result;
}

// Rounds to microsecond precision, as PostgreSQL's TSROUND.
double RoundToMicros(double value) { return std::rint(value * 1000000.0) / 1000000.0; }

// Spreads the fractional months and days of a scaled interval down into days and microseconds.
Interval CascadeScaled(const Interval& interval, double scaled_months, double scaled_days, double scaled_micros) {
  constexpr double kSecondsPerDayDouble = static_cast<double>(kSecondsPerDay);
  if (std::isnan(scaled_months) || scaled_months > INT32_MAX || scaled_months < INT32_MIN || std::isnan(scaled_days) ||
      scaled_days > INT32_MAX || scaled_days < INT32_MIN) {
    ThrowOutOfRange("interval");
  }
  Interval result;
  result.months = static_cast<int32_t>(scaled_months);
  result.days = static_cast<int32_t>(scaled_days);
  double month_remainder_days = RoundToMicros((scaled_months - result.months) * kDaysPerMonth);
  double second_remainder =
      RoundToMicros((scaled_days - result.days + month_remainder_days - static_cast<int>(month_remainder_days)) *
                    kSecondsPerDayDouble);
  if (std::fabs(second_remainder) >= kSecondsPerDayDouble) {
    int extra_days = static_cast<int>(second_remainder / kSecondsPerDayDouble);
    if (__builtin_add_overflow(result.days, extra_days, &result.days)) ThrowOutOfRange("interval");
    second_remainder -= extra_days * kSecondsPerDayDouble;
  }
  if (__builtin_add_overflow(result.days, static_cast<int32_t>(month_remainder_days), &result.days)) {
    ThrowOutOfRange("interval");
  }
  double micros = std::rint(scaled_micros + second_remainder * kMicrosPerSecond);
  if (std::isnan(micros) || !FitsInInt64(micros)) ThrowOutOfRange("interval");
  result.micros = static_cast<int64_t>(micros);
  return result;
}

// IntervalStyle postgres: "1 year 2 mons -3 days +04:05:06.7".
std::string FormatPostgresInterval(const DateTimeFields& fields) {
  std::string out;
  bool is_zero = true;
  bool is_before = false;  // the previous part was negative, so a positive one gets a '+'
  auto add_part = [&](int64_t value, const char* unit) {
    if (value == 0) return;
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%s%s%lld %s%s", is_zero ? "" : " ", (is_before && value > 0) ? "+" : "",
                  static_cast<long long>(value), unit, value != 1 ? "s" : "");
    out += buffer;
    is_before = value < 0;
    is_zero = false;
  };
  add_part(fields.year, "year");
  add_part(fields.month, "mon");
  add_part(fields.day, "day");
  if (is_zero || fields.hour != 0 || fields.minute != 0 || fields.second != 0 || fields.fsec != 0) {
    bool minus = fields.hour < 0 || fields.minute < 0 || fields.second < 0 || fields.fsec < 0;
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%s%s%02lld:%02d:", is_zero ? "" : " ", minus ? "-" : (is_before ? "+" : ""),
                  static_cast<long long>(std::llabs(fields.hour)), std::abs(fields.minute));
    out += buffer;
    std::snprintf(buffer, sizeof(buffer), "%02d", std::abs(fields.second));
    out += buffer;
    if (fields.fsec != 0) {
      std::snprintf(buffer, sizeof(buffer), ".%06lld", static_cast<long long>(std::llabs(fields.fsec)));
      std::string fraction(buffer);
      while (fraction.back() == '0') fraction.pop_back();
      out += fraction;
    }
  }
  return out;
}

// Appends seconds as AppendSeconds does: |second| (two digits when `fill_zeros`) and a trimmed fraction.
void AppendIntervalSeconds(std::string* out, int second, int64_t fsec, bool fill_zeros) {
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), fill_zeros ? "%02d" : "%d", std::abs(second));
  *out += buffer;
  if (fsec == 0) return;
  std::snprintf(buffer, sizeof(buffer), ".%06lld", static_cast<long long>(std::llabs(fsec)));
  std::string fraction(buffer);
  while (fraction.back() == '0') fraction.pop_back();
  *out += fraction;
}

// IntervalStyle postgres_verbose: "@ 1 year 2 mons 3 days ago".
std::string FormatVerboseInterval(const DateTimeFields& fields) {
  std::string out = "@";
  bool is_zero = true;
  bool is_before = false;
  auto add_part = [&](int64_t value, const char* unit) {
    if (value == 0) return;
    if (is_zero) {
      is_before = value < 0;
      value = std::llabs(value);
    } else if (is_before) {
      value = -value;
    }
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), " %lld %s%s", static_cast<long long>(value), unit, value == 1 ? "" : "s");
    out += buffer;
    is_zero = false;
  };
  add_part(fields.year, "year");
  add_part(fields.month, "mon");
  add_part(fields.day, "day");
  add_part(fields.hour, "hour");
  add_part(fields.minute, "min");
  if (fields.second != 0 || fields.fsec != 0) {
    out += ' ';
    if (fields.second < 0 || (fields.second == 0 && fields.fsec < 0)) {
      if (is_zero) {
        is_before = true;
      } else if (!is_before) {
        out += '-';
      }
    } else if (is_before) {
      out += '-';
    }
    AppendIntervalSeconds(&out, fields.second, fields.fsec, false);
    out += (std::abs(fields.second) != 1 || fields.fsec != 0) ? " secs" : " sec";
    is_zero = false;
  }
  if (is_zero) out += " 0";
  if (is_before) out += " ago";
  return out;
}

// IntervalStyle sql_standard: "1-2", "3 4:05:06", "-1-2", or "+1-2 -3 +4:05:06" for mixed signs.
std::string FormatSqlStandardInterval(DateTimeFields fields) {
  const bool has_negative = fields.year < 0 || fields.month < 0 || fields.day < 0 || fields.hour < 0 ||
                            fields.minute < 0 || fields.second < 0 || fields.fsec < 0;
  const bool has_positive = fields.year > 0 || fields.month > 0 || fields.day > 0 || fields.hour > 0 ||
                            fields.minute > 0 || fields.second > 0 || fields.fsec > 0;
  const bool has_year_month = fields.year != 0 || fields.month != 0;
  const bool has_day_time =
      fields.day != 0 || fields.hour != 0 || fields.minute != 0 || fields.second != 0 || fields.fsec != 0;
  const bool standard_value = !(has_negative && has_positive) && !(has_year_month && has_day_time);
  std::string out;
  if (has_negative && standard_value) {
    out = "-";
    fields = DateTimeFields{-fields.year, -fields.month, -fields.day, -fields.hour, -fields.minute, -fields.second,
                            -fields.fsec};
  }
  char buffer[128];
  if (!has_negative && !has_positive) return "0";
  if (!standard_value) {
    const char year_sign = (fields.year < 0 || fields.month < 0) ? '-' : '+';
    const char day_sign = fields.day < 0 ? '-' : '+';
    const char time_sign = (fields.hour < 0 || fields.minute < 0 || fields.second < 0 || fields.fsec < 0) ? '-' : '+';
    std::snprintf(buffer, sizeof(buffer), "%c%d-%d %c%d %c%lld:%02d:", year_sign, std::abs(fields.year),
                  std::abs(fields.month), day_sign, std::abs(fields.day), time_sign,
                  static_cast<long long>(std::llabs(fields.hour)), std::abs(fields.minute));
    out += buffer;
    AppendIntervalSeconds(&out, fields.second, fields.fsec, true);
  } else if (has_year_month) {
    std::snprintf(buffer, sizeof(buffer), "%d-%d", fields.year, fields.month);
    out += buffer;
  } else {
    if (fields.day != 0) {
      std::snprintf(buffer, sizeof(buffer), "%d ", fields.day);
      out += buffer;
    }
    std::snprintf(buffer, sizeof(buffer), "%lld:%02d:", static_cast<long long>(fields.hour), fields.minute);
    out += buffer;
    AppendIntervalSeconds(&out, fields.second, fields.fsec, true);
  }
  return out;
}

// IntervalStyle iso_8601: "P1Y2M3DT4H5M6.5S", "PT0S" for zero.
std::string FormatIso8601Interval(const DateTimeFields& fields) {
  if (fields.year == 0 && fields.month == 0 && fields.day == 0 && fields.hour == 0 && fields.minute == 0 &&
      fields.second == 0 && fields.fsec == 0) {
    return "PT0S";
  }
  std::string out = "P";
  auto add_part = [&](int64_t value, char unit) {
    if (value != 0) out += std::to_string(value) + unit;
  };
  add_part(fields.year, 'Y');
  add_part(fields.month, 'M');
  add_part(fields.day, 'D');
  if (fields.hour != 0 || fields.minute != 0 || fields.second != 0 || fields.fsec != 0) out += 'T';
  add_part(fields.hour, 'H');
  add_part(fields.minute, 'M');
  if (fields.second != 0 || fields.fsec != 0) {
    if (fields.second < 0 || fields.fsec < 0) out += '-';
    AppendIntervalSeconds(&out, fields.second, fields.fsec, false);
    out += 'S';
  }
  return out;
}

}  // namespace

// ---- Input and output ----

Interval ParseInterval(std::string_view text, int32_t typmod) {
  std::vector<DateToken> tokens;
  IntervalParts parts;
  const int32_t range = IntervalTypmodRange(typmod);
  ParseStatus status = LexDateTime(text, kIntervalBufferSize, &tokens) ? DecodeVerboseInterval(tokens, range, &parts)
                                                                       : ParseStatus::kBadFormat;
  if (status == ParseStatus::kBadFormat) status = DecodeIso8601Interval(text, &parts);
  if (status == ParseStatus::kFieldOverflow) status = ParseStatus::kIntervalOverflow;
  if (status != ParseStatus::kOk) ThrowParseError(status, text, "interval");
  int64_t total_months = static_cast<int64_t>(parts.years) * kMonthsPerYear + parts.months;
  if (total_months > INT32_MAX || total_months < INT32_MIN) ThrowOutOfRange("interval");
  return AdjustIntervalForTypmod(Interval{parts.micros, parts.days, static_cast<int32_t>(total_months)}, typmod);
}

std::string FormatInterval(const Interval& interval, IntervalStyle style) {
  DateTimeFields fields;
  IntervalToFields(interval, &fields);
  switch (style) {
    case IntervalStyle::kPostgres: return FormatPostgresInterval(fields);
    case IntervalStyle::kPostgresVerbose: return FormatVerboseInterval(fields);
    case IntervalStyle::kSqlStandard: return FormatSqlStandardInterval(fields);
    case IntervalStyle::kIso8601: return FormatIso8601Interval(fields);
  }
  return FormatPostgresInterval(fields);
}

// ---- Arithmetic ----

Interval MultiplyInterval(const Interval& interval, double factor) {
  return CascadeScaled(interval, interval.months * factor, interval.days * factor, interval.micros * factor);
}

Interval DivideInterval(const Interval& interval, double divisor) {
  if (divisor == 0.0) throw SqlError(SqlState::kDivisionByZero, "division by zero");
  return CascadeScaled(interval, interval.months / divisor, interval.days / divisor, interval.micros / divisor);
}

Interval AddIntervals(const Interval& a, const Interval& b) {
  Interval result;
  if (__builtin_add_overflow(a.months, b.months, &result.months) ||
      __builtin_add_overflow(a.days, b.days, &result.days) ||
      __builtin_add_overflow(a.micros, b.micros, &result.micros)) {
    ThrowOutOfRange("interval");
  }
  return result;
}

Interval NegateInterval(const Interval& interval) {
  if (interval.micros == INT64_MIN || interval.days == INT32_MIN || interval.months == INT32_MIN) {
    ThrowOutOfRange("interval");
  }
  return Interval{-interval.micros, -interval.days, -interval.months};
}

int CompareIntervals(const Interval& a, const Interval& b) {
  auto span = [](const Interval& interval) {
    __int128 days = static_cast<__int128>(interval.months) * kDaysPerMonth + interval.days;
    return days * kMicrosPerDay + interval.micros;
  };
  __int128 left = span(a);
  __int128 right = span(b);
  return left < right ? -1 : (left > right ? 1 : 0);
}

Interval JustifyHours(const Interval& interval) {
  Interval result = interval;
  int64_t whole_days = result.micros / kMicrosPerDay;
  result.micros -= whole_days * kMicrosPerDay;
  int64_t days = static_cast<int64_t>(result.days) + whole_days;
  if (days > INT32_MAX || days < INT32_MIN) ThrowOutOfRange("interval");
  result.days = static_cast<int32_t>(days);
  if (result.days > 0 && result.micros < 0) {
    result.micros += kMicrosPerDay;
    result.days--;
  } else if (result.days < 0 && result.micros > 0) {
    result.micros -= kMicrosPerDay;
    result.days++;
  }
  return result;
}

Interval JustifyDays(const Interval& interval) {
  Interval result = interval;
  int32_t whole_months = result.days / kDaysPerMonth;
  result.days -= whole_months * kDaysPerMonth;
  if (__builtin_add_overflow(result.months, whole_months, &result.months)) ThrowOutOfRange("interval");
  if (result.months > 0 && result.days < 0) {
    result.days += kDaysPerMonth;
    result.months--;
  } else if (result.months < 0 && result.days > 0) {
    result.days -= kDaysPerMonth;
    result.months++;
  }
  return result;
}

// ---- date_trunc / extract ----

Interval TruncateInterval(std::string_view field, const Interval& interval) {
  ResolvedUnit unit = ResolveUnit(field, /*units_only=*/true);
  if (unit.kind != ResolvedUnit::Kind::kUnits) ThrowUnitNotRecognized(unit.lower_name, kIntervalTypeName);
  DateTimeFields tm;
  IntervalToFields(interval, &tm);
  switch (unit.field) {
    case DateField::kMillennium:
      tm.year = (tm.year / 1000) * 1000;
      [[fallthrough]];
    case DateField::kCentury:
      tm.year = (tm.year / 100) * 100;
      [[fallthrough]];
    case DateField::kDecade:
      tm.year = (tm.year / 10) * 10;
      [[fallthrough]];
    case DateField::kYear:
      tm.month = 0;
      [[fallthrough]];
    case DateField::kQuarter:
      tm.month = 3 * (tm.month / 3);
      [[fallthrough]];
    case DateField::kMonth:
      tm.day = 0;
      [[fallthrough]];
    case DateField::kDay:
      tm.hour = 0;
      [[fallthrough]];
    case DateField::kHour:
      tm.minute = 0;
      [[fallthrough]];
    case DateField::kMinute:
      tm.second = 0;
      [[fallthrough]];
    case DateField::kSecond:
      tm.fsec = 0;
      break;
    case DateField::kMillisecond:
      tm.fsec = tm.fsec / 1000 * 1000;
      break;
    case DateField::kMicrosecond:
      break;
    case DateField::kWeek:
      throw SqlError(SqlState::kFeatureNotSupported, "unit \"" + unit.lower_name + "\" not supported for type interval")
          .WithDetail("Months usually have fractional weeks.");
    default:
      ThrowUnitNotSupported(unit.lower_name, kIntervalTypeName);
  }
  return IntervalOrThrow(tm);
}

double ExtractFromInterval(std::string_view field, const Interval& interval) {
  ResolvedUnit unit = ResolveUnit(field, /*units_only=*/false);
  if (unit.kind == ResolvedUnit::Kind::kReserved && unit.field == DateField::kEpoch) {
    double result = interval.micros / 1000000.0;
    result += 365.25 * kSecondsPerDay * (interval.months / kMonthsPerYear);
    result += static_cast<double>(kDaysPerMonth) * kSecondsPerDay * (interval.months % kMonthsPerYear);
    result += static_cast<double>(kSecondsPerDay) * interval.days;
    return result;
  }
  if (unit.kind != ResolvedUnit::Kind::kUnits) ThrowUnitNotRecognized(unit.lower_name, kIntervalTypeName);
  DateTimeFields tm;
  IntervalToFields(interval, &tm);
  if (std::optional<double> value = ExtractClockField(unit.field, tm)) return *value;
  switch (unit.field) {
    case DateField::kDay:
      return tm.day;
    case DateField::kMonth:
      return tm.month;
    case DateField::kQuarter:
      return tm.month / 3 + 1;
    case DateField::kYear:
      return tm.year;
    case DateField::kDecade:
      return tm.year / 10;
    case DateField::kCentury:
      return tm.year / 100;
    case DateField::kMillennium:
      return tm.year / 1000;
    default:
      ThrowUnitNotSupported(unit.lower_name, kIntervalTypeName);
  }
}

}  // namespace tessera::datetime
