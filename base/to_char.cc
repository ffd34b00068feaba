// SPDX-License-Identifier: Apache-2.0
// to_char for timestamps, timestamptz and intervals: PostgreSQL 15's template patterns (YYYY, MM, Month,
// DD, Day, HH24, MI, SS, US, AM, TZ, ...), FM/TM prefixes, TH suffixes and quoted literals.
#include <cstdio>
#include <cstdlib>

#include "base/datetime_internal.h"

namespace tessera::datetime {
namespace {

enum class Pattern {
  kAdDotsUpper,
  kAdDotsLower,
  kAdUpper,
  kAdLower,  // A.D. a.d. AD ad (and B.C. ...)
  kBcDotsUpper,
  kBcDotsLower,
  kBcUpper,
  kBcLower,
  kAmDotsUpper,
  kAmDotsLower,
  kAmUpper,
  kAmLower,  // A.M. a.m. AM am (and P.M. ...)
  kPmDotsUpper,
  kPmDotsLower,
  kPmUpper,
  kPmLower,
  kCentury,
  kDayUpper,
  kDayCapital,
  kDayLower,
  kDayOfYear,
  kDayOfMonth,
  kDayShortUpper,
  kDayShortCapital,
  kDayShortLower,
  kDayOfWeek,
  kFraction1,
  kFraction2,
  kFraction3,
  kFraction4,
  kFraction5,
  kFraction6,
  kFixedFormat,
  kHour24,
  kHour12,
  kHour,
  kIsoDayOfYear,
  kIsoDayOfWeek,
  kIsoWeek,
  kIsoYear4,
  kIsoYear3,
  kIsoYear2,
  kIsoYear1,
  kJulian,
  kMinute,
  kMonthNumber,
  kMonthUpper,
  kMonthCapital,
  kMonthLower,
  kMonthShortUpper,
  kMonthShortCapital,
  kMonthShortLower,
  kMillisecond,
  kOffset,
  kQuarter,
  kRomanUpper,
  kRomanLower,
  kSecondsOfDay,
  kSecond,
  kZoneHour,
  kZoneMinute,
  kZoneUpper,
  kZoneLower,
  kMicrosecond,
  kWeekOfYear,
  kWeekOfMonth,
  kYearComma,
  kYear4,
  kYear3,
  kYear2,
  kYear1,
};

struct PatternName {
  std::string_view name;
  Pattern pattern;
};

// Longest names first, so that the first match is PostgreSQL's match.
constexpr PatternName kPatterns[] = {
    {"SSSSS", Pattern::kSecondsOfDay},
    {"sssss", Pattern::kSecondsOfDay},
    {"MONTH", Pattern::kMonthUpper},
    {"Month", Pattern::kMonthCapital},
    {"month", Pattern::kMonthLower},
    {"Y,YYY", Pattern::kYearComma},
    {"y,yyy", Pattern::kYearComma},
    {"A.D.", Pattern::kAdDotsUpper},
    {"a.d.", Pattern::kAdDotsLower},
    {"B.C.", Pattern::kBcDotsUpper},
    {"b.c.", Pattern::kBcDotsLower},
    {"A.M.", Pattern::kAmDotsUpper},
    {"a.m.", Pattern::kAmDotsLower},
    {"P.M.", Pattern::kPmDotsUpper},
    {"p.m.", Pattern::kPmDotsLower},
    {"HH24", Pattern::kHour24},
    {"hh24", Pattern::kHour24},
    {"HH12", Pattern::kHour12},
    {"hh12", Pattern::kHour12},
    {"IDDD", Pattern::kIsoDayOfYear},
    {"iddd", Pattern::kIsoDayOfYear},
    {"IYYY", Pattern::kIsoYear4},
    {"iyyy", Pattern::kIsoYear4},
    {"SSSS", Pattern::kSecondsOfDay},
    {"ssss", Pattern::kSecondsOfDay},
    {"YYYY", Pattern::kYear4},
    {"yyyy", Pattern::kYear4},
    {"DAY", Pattern::kDayUpper},
    {"Day", Pattern::kDayCapital},
    {"day", Pattern::kDayLower},
    {"DDD", Pattern::kDayOfYear},
    {"ddd", Pattern::kDayOfYear},
    {"FF1", Pattern::kFraction1},
    {"FF2", Pattern::kFraction2},
    {"FF3", Pattern::kFraction3},
    {"FF4", Pattern::kFraction4},
    {"FF5", Pattern::kFraction5},
    {"FF6", Pattern::kFraction6},
    {"ff1", Pattern::kFraction1},
    {"ff2", Pattern::kFraction2},
    {"ff3", Pattern::kFraction3},
    {"ff4", Pattern::kFraction4},
    {"ff5", Pattern::kFraction5},
    {"ff6", Pattern::kFraction6},
    {"IYY", Pattern::kIsoYear3},
    {"iyy", Pattern::kIsoYear3},
    {"MON", Pattern::kMonthShortUpper},
    {"Mon", Pattern::kMonthShortCapital},
    {"mon", Pattern::kMonthShortLower},
    {"TZH", Pattern::kZoneHour},
    {"tzh", Pattern::kZoneHour},
    {"TZM", Pattern::kZoneMinute},
    {"tzm", Pattern::kZoneMinute},
    {"YYY", Pattern::kYear3},
    {"yyy", Pattern::kYear3},
    {"AD", Pattern::kAdUpper},
    {"ad", Pattern::kAdLower},
    {"AM", Pattern::kAmUpper},
    {"am", Pattern::kAmLower},
    {"BC", Pattern::kBcUpper},
    {"bc", Pattern::kBcLower},
    {"CC", Pattern::kCentury},
    {"cc", Pattern::kCentury},
    {"DD", Pattern::kDayOfMonth},
    {"dd", Pattern::kDayOfMonth},
    {"DY", Pattern::kDayShortUpper},
    {"Dy", Pattern::kDayShortCapital},
    {"dy", Pattern::kDayShortLower},
    {"FX", Pattern::kFixedFormat},
    {"fx", Pattern::kFixedFormat},
    {"HH", Pattern::kHour},
    {"hh", Pattern::kHour},
    {"ID", Pattern::kIsoDayOfWeek},
    {"id", Pattern::kIsoDayOfWeek},
    {"IW", Pattern::kIsoWeek},
    {"iw", Pattern::kIsoWeek},
    {"IY", Pattern::kIsoYear2},
    {"iy", Pattern::kIsoYear2},
    {"MI", Pattern::kMinute},
    {"mi", Pattern::kMinute},
    {"MM", Pattern::kMonthNumber},
    {"mm", Pattern::kMonthNumber},
    {"MS", Pattern::kMillisecond},
    {"ms", Pattern::kMillisecond},
    {"OF", Pattern::kOffset},
    {"of", Pattern::kOffset},
    {"PM", Pattern::kPmUpper},
    {"pm", Pattern::kPmLower},
    {"RM", Pattern::kRomanUpper},
    {"rm", Pattern::kRomanLower},
    {"SS", Pattern::kSecond},
    {"ss", Pattern::kSecond},
    {"TZ", Pattern::kZoneUpper},
    {"tz", Pattern::kZoneLower},
    {"US", Pattern::kMicrosecond},
    {"us", Pattern::kMicrosecond},
    {"WW", Pattern::kWeekOfYear},
    {"ww", Pattern::kWeekOfYear},
    {"YY", Pattern::kYear2},
    {"yy", Pattern::kYear2},
    {"D", Pattern::kDayOfWeek},
    {"d", Pattern::kDayOfWeek},
    {"I", Pattern::kIsoYear1},
    {"i", Pattern::kIsoYear1},
    {"J", Pattern::kJulian},
    {"j", Pattern::kJulian},
    {"Q", Pattern::kQuarter},
    {"q", Pattern::kQuarter},
    {"W", Pattern::kWeekOfMonth},
    {"w", Pattern::kWeekOfMonth},
    {"Y", Pattern::kYear1},
    {"y", Pattern::kYear1},
};

constexpr const char* kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDayNames[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
// December first, as PostgreSQL indexes them.
constexpr const char* kRomanMonths[] = {"XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I"};

// The broken-down value to_char prints.
struct ToCharInput {
  DateTimeFields tm;  // astronomical year for timestamps; interval fields for intervals
  int day_of_week = 0;
  int day_of_year = 0;
  int64_t offset_seconds = 0;                 // east of UTC
  const std::string* abbreviation = nullptr;  // null: no zone (timestamp without time zone, interval)
  bool is_interval = false;
};

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Format(const char* format, long long value, int width) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, width, value);
  return buffer;
}

// "%0*lld": zero-padded to `width`, one more for a minus sign; FM turns padding off.
std::string Padded(long long value, int width, bool fill_mode) {
  return Format("%0*lld", value, fill_mode ? 0 : (value >= 0 ? width : width + 1));
}

// Left-justifies a name in nine columns unless FM or TM is given.
std::string PaddedName(const std::string& name, bool no_padding) {
  if (no_padding || name.size() >= 9) return name;
  return name + std::string(9 - name.size(), ' ');
}

// Appends the English ordinal suffix (st, nd, rd, th) to a formatted number.
void AppendOrdinal(std::string* number, bool upper) {
  char last = number->empty() ? ' ' : number->back();
  if (last < '0' || last > '9') {
    throw SqlError(SqlState::kInvalidTextRepresentation, "\"" + *number + "\" is not a number");
  }
  if (number->size() > 1 && (*number)[number->size() - 2] == '1') last = '0';  // 11th, 12th, 13th
  const char* suffix = last == '1' ? "st" : last == '2' ? "nd" : last == '3' ? "rd" : "th";
  *number += upper ? Upper(suffix) : std::string(suffix);
}

[[noreturn]] void ThrowInvalidForInterval() {
  throw SqlError(SqlState::kInvalidDatetimeFormat, "invalid format specification for an interval value")
      .WithHint("Intervals are not tied to specific calendar dates.");
}

bool IsCalendarOnly(Pattern pattern) {
  switch (pattern) {
    case Pattern::kAdDotsUpper:
    case Pattern::kAdDotsLower:
    case Pattern::kAdUpper:
    case Pattern::kAdLower:
    case Pattern::kBcDotsUpper:
    case Pattern::kBcDotsLower:
    case Pattern::kBcUpper:
    case Pattern::kBcLower:
    case Pattern::kMonthUpper:
    case Pattern::kMonthCapital:
    case Pattern::kMonthLower:
    case Pattern::kMonthShortUpper:
    case Pattern::kMonthShortCapital:
    case Pattern::kMonthShortLower:
    case Pattern::kDayUpper:
    case Pattern::kDayCapital:
    case Pattern::kDayLower:
    case Pattern::kDayShortUpper:
    case Pattern::kDayShortCapital:
    case Pattern::kDayShortLower:
    case Pattern::kDayOfWeek:
    case Pattern::kIsoDayOfWeek:
    case Pattern::kZoneUpper:
    case Pattern::kZoneLower:
    case Pattern::kZoneHour:
    case Pattern::kZoneMinute:
    case Pattern::kOffset:
      return true;
    default:
      return false;
  }
}

// The year as printed: BC years count up from 1 for timestamps; intervals print theirs as is.
long long DisplayYear(long long year, bool is_interval) { return is_interval || year > 0 ? year : -(year - 1); }

// Formats one text (non-numeric) pattern.
std::string FormatText(Pattern pattern, const ToCharInput& in, bool no_padding, bool fill_mode) {
  const DateTimeFields& tm = in.tm;
  bool bc = tm.year <= 0;
  bool pm = tm.hour % 24 >= 12;
  switch (pattern) {
    case Pattern::kAdDotsUpper:
    case Pattern::kBcDotsUpper:
      return bc ? "B.C." : "A.D.";
    case Pattern::kAdDotsLower:
    case Pattern::kBcDotsLower:
      return bc ? "b.c." : "a.d.";
    case Pattern::kAdUpper:
    case Pattern::kBcUpper:
      return bc ? "BC" : "AD";
    case Pattern::kAdLower:
    case Pattern::kBcLower:
      return bc ? "bc" : "ad";
    case Pattern::kAmDotsUpper:
    case Pattern::kPmDotsUpper:
      return pm ? "P.M." : "A.M.";
    case Pattern::kAmDotsLower:
    case Pattern::kPmDotsLower:
      return pm ? "p.m." : "a.m.";
    case Pattern::kAmUpper:
    case Pattern::kPmUpper:
      return pm ? "PM" : "AM";
    case Pattern::kAmLower:
    case Pattern::kPmLower:
      return pm ? "pm" : "am";
    case Pattern::kMonthUpper:
    case Pattern::kMonthCapital:
    case Pattern::kMonthLower: {
      if (tm.month == 0) return "";
      std::string name = kMonthNames[tm.month - 1];
      if (pattern == Pattern::kMonthUpper) name = Upper(name);
      if (pattern == Pattern::kMonthLower) name = Lower(name);
      return PaddedName(name, no_padding);
    }
    case Pattern::kMonthShortUpper:
    case Pattern::kMonthShortCapital:
    case Pattern::kMonthShortLower: {
      if (tm.month == 0) return "";
      std::string name = std::string(kMonthNames[tm.month - 1]).substr(0, 3);
      if (pattern == Pattern::kMonthShortUpper) return Upper(name);
      return pattern == Pattern::kMonthShortLower ? Lower(name) : name;
    }
    case Pattern::kDayUpper:
    case Pattern::kDayCapital:
    case Pattern::kDayLower: {
      std::string name = kDayNames[in.day_of_week];
      if (pattern == Pattern::kDayUpper) name = Upper(name);
      if (pattern == Pattern::kDayLower) name = Lower(name);
      return PaddedName(name, no_padding);
    }
    case Pattern::kDayShortUpper:
    case Pattern::kDayShortCapital:
    case Pattern::kDayShortLower: {
      std::string name = std::string(kDayNames[in.day_of_week]).substr(0, 3);
      if (pattern == Pattern::kDayShortUpper) return Upper(name);
      return pattern == Pattern::kDayShortLower ? Lower(name) : name;
    }
    case Pattern::kRomanUpper:
    case Pattern::kRomanLower: {
      if (tm.month == 0 && tm.year == 0) return "";
      int index;
      if (tm.month == 0) {
        index = tm.year >= 0 ? 0 : 11;  // whole years of an interval
      } else if (tm.month < 0) {
        index = -(tm.month + 1);
      } else {
        index = 12 - tm.month;
      }
      std::string roman = kRomanMonths[index];
      if (pattern == Pattern::kRomanLower) roman = Lower(roman);
      if (fill_mode || roman.size() >= 4) return roman;
      return roman + std::string(4 - roman.size(), ' ');
    }
    case Pattern::kZoneUpper:
    case Pattern::kZoneLower:
      if (in.abbreviation == nullptr) return "";
      return pattern == Pattern::kZoneUpper ? Upper(*in.abbreviation) : Lower(*in.abbreviation);
    case Pattern::kZoneHour:
      return (in.offset_seconds >= 0 ? "+" : "-") + Format("%0*lld", std::llabs(in.offset_seconds) / 3600, 2);
    case Pattern::kZoneMinute:
      return Format("%0*lld", std::llabs(in.offset_seconds) % 3600 / 60, 2);
    case Pattern::kOffset: {
      long long absolute = std::llabs(in.offset_seconds);
      std::string out = (in.offset_seconds >= 0 ? "+" : "-") + Format("%0*lld", absolute / 3600, fill_mode ? 0 : 2);
      if (absolute % 3600 != 0) out += ":" + Format("%0*lld", absolute % 3600 / 60, 2);
      return out;
    }
    default:
      return "";
  }
}

// Formats one numeric pattern; returns false when it prints nothing (a quarter of a month-less interval).
bool FormatNumber(Pattern pattern, const ToCharInput& in, bool fm, std::string* out) {
  const DateTimeFields& tm = in.tm;
  bool interval = in.is_interval;
  switch (pattern) {
    case Pattern::kHour:
    case Pattern::kHour12: {
      long long hour = tm.hour % 12 == 0 ? 12 : tm.hour % 12;
      *out = Format("%0*lld", hour, fm ? 0 : (tm.hour >= 0 ? 2 : 3));
      return true;
    }
    case Pattern::kHour24:
      *out = Format("%0*lld", tm.hour, fm ? 0 : (tm.hour >= 0 ? 2 : 3));
      return true;
    case Pattern::kMinute:
      *out = Padded(tm.minute, 2, fm);
      return true;
    case Pattern::kSecond:
      *out = Padded(tm.second, 2, fm);
      return true;
    case Pattern::kFraction1:
      *out = Format("%0*lld", tm.fsec / 100000, 1);
      return true;
    case Pattern::kFraction2:
      *out = Format("%0*lld", tm.fsec / 10000, 2);
      return true;
    case Pattern::kFraction3:
    case Pattern::kMillisecond:
      *out = Format("%0*lld", tm.fsec / 1000, 3);
      return true;
    case Pattern::kFraction4:
      *out = Format("%0*lld", tm.fsec / 100, 4);
      return true;
    case Pattern::kFraction5:
      *out = Format("%0*lld", tm.fsec / 10, 5);
      return true;
    case Pattern::kFraction6:
    case Pattern::kMicrosecond:
      *out = Format("%0*lld", tm.fsec, 6);
      return true;
    case Pattern::kSecondsOfDay:
      *out = std::to_string(tm.hour * 3600 + tm.minute * 60 + tm.second);
      return true;
    case Pattern::kMonthNumber:
      *out = Padded(tm.month, 2, fm);
      return true;
    case Pattern::kDayOfYear:
      *out = Format("%0*lld", in.day_of_year, fm ? 0 : 3);
      return true;
    case Pattern::kIsoDayOfYear:
      *out = Format("%0*lld", IsoDayOfYear(tm.year, tm.month, tm.day), fm ? 0 : 3);
      return true;
    case Pattern::kDayOfMonth:
      *out = Format("%0*lld", tm.day, fm ? 0 : 2);
      return true;
    case Pattern::kDayOfWeek:
      *out = std::to_string(in.day_of_week + 1);
      return true;
    case Pattern::kIsoDayOfWeek:
      *out = std::to_string(in.day_of_week == 0 ? 7 : in.day_of_week);
      return true;
    case Pattern::kWeekOfYear:
      *out = Format("%0*lld", (static_cast<long long>(in.day_of_year) - 1) / 7 + 1, fm ? 0 : 2);
      return true;
    case Pattern::kIsoWeek:
      *out = Format("%0*lld", IsoWeek(tm.year, tm.month, tm.day), fm ? 0 : 2);
      return true;
    case Pattern::kWeekOfMonth:
      *out = std::to_string((tm.day - 1) / 7 + 1);
      return true;
    case Pattern::kQuarter:
      if (tm.month == 0) return false;
      *out = std::to_string((tm.month - 1) / 3 + 1);
      return true;
    case Pattern::kJulian:
      *out = std::to_string(YmdToJulian(tm.year, tm.month, tm.day));
      return true;
    case Pattern::kCentury: {
      long long century;
      if (interval) {
        century = tm.year / 100;
      } else {
        century = tm.year > 0 ? (tm.year - 1) / 100 + 1 : tm.year / 100 - 1;
      }
      *out = century <= 99 && century >= -99 ? Padded(century, 2, fm) : std::to_string(century);
      return true;
    }
    case Pattern::kYearComma: {
      long long year = DisplayYear(tm.year, interval);
      long long thousands = year / 1000;
      char buffer[64];
      std::snprintf(buffer, sizeof(buffer), "%lld,%03lld", thousands, year - thousands * 1000);
      *out = buffer;
      return true;
    }
    case Pattern::kYear4:
    case Pattern::kIsoYear4:
    case Pattern::kYear3:
    case Pattern::kIsoYear3:
    case Pattern::kYear2:
    case Pattern::kIsoYear2:
    case Pattern::kYear1:
    case Pattern::kIsoYear1: {
      bool iso = pattern == Pattern::kIsoYear4 || pattern == Pattern::kIsoYear3 || pattern == Pattern::kIsoYear2 ||
                 pattern == Pattern::kIsoYear1;
      long long year = DisplayYear(iso ? IsoYear(tm.year, tm.month, tm.day) : tm.year, interval);
      // The width follows the sign of the calendar year, even for the ISO year.
      bool negative = DisplayYear(tm.year, interval) < 0;
      if (pattern == Pattern::kYear4 || pattern == Pattern::kIsoYear4) {
        *out = Format("%0*lld", year, fm ? 0 : (negative ? 5 : 4));
      } else if (pattern == Pattern::kYear3 || pattern == Pattern::kIsoYear3) {
        *out = Format("%0*lld", year % 1000, fm ? 0 : (negative ? 4 : 3));
      } else if (pattern == Pattern::kYear2 || pattern == Pattern::kIsoYear2) {
        *out = Format("%0*lld", year % 100, fm ? 0 : (negative ? 3 : 2));
      } else {
        *out = Format("%0*lld", year % 10, 1);
      }
      return true;
    }
    default:
      return false;
  }
}

bool IsNumeric(Pattern pattern) {
  switch (pattern) {
    case Pattern::kHour:
    case Pattern::kHour12:
    case Pattern::kHour24:
    case Pattern::kMinute:
    case Pattern::kSecond:
    case Pattern::kFraction1:
    case Pattern::kFraction2:
    case Pattern::kFraction3:
    case Pattern::kFraction4:
    case Pattern::kFraction5:
    case Pattern::kFraction6:
    case Pattern::kMillisecond:
    case Pattern::kMicrosecond:
    case Pattern::kSecondsOfDay:
    case Pattern::kMonthNumber:
    case Pattern::kDayOfYear:
    case Pattern::kIsoDayOfYear:
    case Pattern::kDayOfMonth:
    case Pattern::kDayOfWeek:
    case Pattern::kIsoDayOfWeek:
    case Pattern::kWeekOfYear:
    case Pattern::kIsoWeek:
    case Pattern::kWeekOfMonth:
    case Pattern::kQuarter:
    case Pattern::kJulian:
    case Pattern::kCentury:
    case Pattern::kYearComma:
    case Pattern::kYear4:
    case Pattern::kIsoYear4:
    case Pattern::kYear3:
    case Pattern::kIsoYear3:
    case Pattern::kYear2:
    case Pattern::kIsoYear2:
    case Pattern::kYear1:
    case Pattern::kIsoYear1:
      return true;
    default:
      return false;
  }
}

const PatternName* MatchPattern(std::string_view rest) {
  for (const PatternName& candidate : kPatterns) {
    if (rest.substr(0, candidate.name.size()) == candidate.name) return &candidate;
  }
  return nullptr;
}

std::string FormatToChar(const ToCharInput& in, std::string_view format) {
  std::string out;
  size_t pos = 0;
  while (pos < format.size()) {
    std::string_view rest = format.substr(pos);
    // Prefixes: FM (no padding) and TM (translated names; English here, unpadded).
    bool fill_mode = false;
    bool translate = false;
    if (rest.substr(0, 2) == "FM" || rest.substr(0, 2) == "fm") {
      fill_mode = true;
      pos += 2;
    } else if (rest.substr(0, 2) == "TM" || rest.substr(0, 2) == "tm") {
      translate = true;
      pos += 2;
    }
    if (pos >= format.size()) break;
    rest = format.substr(pos);
    if (const PatternName* match = MatchPattern(rest)) {
      pos += match->name.size();
      // Suffixes: TH/th (ordinal) and SP (spell mode, accepted and ignored).
      bool ordinal = false;
      bool ordinal_upper = false;
      std::string_view suffix = format.substr(pos, 2);
      if (suffix == "TH" || suffix == "th") {
        ordinal = true;
        ordinal_upper = suffix == "TH";
        pos += 2;
      } else if (suffix == "SP") {
        pos += 2;
      }
      if (in.is_interval && IsCalendarOnly(match->pattern)) ThrowInvalidForInterval();
      if (IsNumeric(match->pattern)) {
        std::string piece;
        if (FormatNumber(match->pattern, in, fill_mode, &piece)) {
          if (ordinal) AppendOrdinal(&piece, ordinal_upper);
          out += piece;
        }
      } else {
        out += FormatText(match->pattern, in, fill_mode || translate, fill_mode);
      }
      continue;
    }
    if (rest[0] == '"') {
      // A quoted literal; backslash escapes the next character.
      ++pos;
      while (pos < format.size() && format[pos] != '"') {
        if (format[pos] == '\\' && pos + 1 < format.size()) ++pos;
        out += format[pos++];
      }
      if (pos < format.size()) ++pos;
      continue;
    }
    // Outside quotes a backslash only escapes a double quote.
    if (rest[0] == '\\' && rest.size() > 1 && rest[1] == '"') ++pos;
    out += format[pos++];
  }
  return out;
}

ToCharInput TimestampInput(int64_t timestamp, int64_t offset_seconds) {
  ToCharInput in;
  if (!TimestampToLocalFields(timestamp, offset_seconds, &in.tm)) ThrowOutOfRange("timestamp");
  int64_t julian = YmdToJulian(in.tm.year, in.tm.month, in.tm.day);
  in.day_of_week = JulianToDayOfWeek(julian);
  in.day_of_year = static_cast<int>(julian - YmdToJulian(in.tm.year, 1, 1) + 1);
  return in;
}

}  // namespace

std::string TimestampToChar(int64_t timestamp, std::string_view pattern) {
  if (timestamp == kTimestampNegInfinity || timestamp == kTimestampPosInfinity) return "";
  return FormatToChar(TimestampInput(timestamp, 0), pattern);
}

std::string TimestampTzToChar(int64_t timestamp, std::string_view pattern, const TimeZone& zone) {
  if (timestamp == kTimestampNegInfinity || timestamp == kTimestampPosInfinity) return "";
  const int32_t offset = zone.OffsetAt(timestamp);
  ToCharInput in = TimestampInput(timestamp, offset);
  std::string abbreviation = zone.AbbreviationAt(timestamp);
  in.offset_seconds = offset;
  in.abbreviation = &abbreviation;
  return FormatToChar(in, pattern);
}

std::string IntervalToChar(const Interval& interval, std::string_view pattern) {
  ToCharInput in;
  IntervalToFields(interval, &in.tm);
  in.is_interval = true;
  // Day of week is meaningless; day of year approximates the whole span in days.
  // Wraps around for spans beyond int32 days, as PostgreSQL's int arithmetic does.
  in.day_of_year = static_cast<int32_t>(
      (static_cast<int64_t>(in.tm.year) * kMonthsPerYear + in.tm.month) * kDaysPerMonth + in.tm.day);
  return FormatToChar(in, pattern);
}

}  // namespace tessera::datetime
