// SPDX-License-Identifier: Apache-2.0
// Text output of date, time, timestamp and timestamptz in PostgreSQL 15's DateStyles (ISO, Postgres, SQL,
// German with MDY/DMY/YMD order), and the DateStyle and IntervalStyle settings themselves.
#include <cstdio>
#include <vector>

#include "base/datetime_internal.h"

namespace tessera::datetime {
namespace {

constexpr const char* kMonthAbbreviations[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kDayAbbreviations[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

int YearOfEra(int year) { return year > 0 ? year : -(year - 1); }

// Appends "SS" and, when fsec is not zero, ".ffffff" without trailing zeros.
void AppendSeconds(std::string* out, int second, int64_t fsec) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%02d", second < 0 ? -second : second);
  *out += buffer;
  if (fsec == 0) return;
  std::snprintf(buffer, sizeof(buffer), ".%06lld", static_cast<long long>(fsec < 0 ? -fsec : fsec));
  std::string fraction(buffer);
  while (fraction.back() == '0') fraction.pop_back();
  *out += fraction;
}

void AppendClock(std::string* out, const DateTimeFields& fields) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%02lld:%02d:", static_cast<long long>(fields.hour), fields.minute);
  *out += buffer;
  AppendSeconds(out, fields.second, fields.fsec);
}

// Appends the date part as EncodeDateOnly/EncodeDateTime lay it out: "YYYY-MM-DD", "MM/DD/YYYY",
// "DD.MM.YYYY", "MM-DD-YYYY" (Postgres style, date only).
void AppendDate(std::string* out, const DateTimeFields& fields, const DateTimeStyle& style) {
  const int year = YearOfEra(fields.year);
  const bool day_first = style.date_order == DateOrder::kDmy;
  const int first = day_first ? fields.day : fields.month;
  const int second = day_first ? fields.month : fields.day;
  char buffer[48];
  switch (style.date_style) {
    case DateStyle::kIso:
      std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", year, fields.month, fields.day);
      break;
    case DateStyle::kSql:
      std::snprintf(buffer, sizeof(buffer), "%02d/%02d/%04d", first, second, year);
      break;
    case DateStyle::kGerman:
      std::snprintf(buffer, sizeof(buffer), "%02d.%02d.%04d", fields.day, fields.month, year);
      break;
    case DateStyle::kPostgres:
      std::snprintf(buffer, sizeof(buffer), "%02d-%02d-%04d", first, second, year);
      break;
  }
  *out += buffer;
}

// Appends "+hh", "+hh:mm" or "+hh:mm:ss" for an offset east of UTC.
void AppendZoneOffset(std::string* out, int64_t offset_seconds) {
  int64_t absolute = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  char buffer[32];
  int64_t hours = absolute / 3600;
  int64_t minutes = absolute / 60 % 60;
  int64_t seconds = absolute % 60;
  char sign = offset_seconds >= 0 ? '+' : '-';
  if (seconds != 0) {
    std::snprintf(buffer, sizeof(buffer), "%c%02lld:%02lld:%02lld", sign, static_cast<long long>(hours),
                  static_cast<long long>(minutes), static_cast<long long>(seconds));
  } else if (minutes != 0) {
    std::snprintf(buffer, sizeof(buffer), "%c%02lld:%02lld", sign, static_cast<long long>(hours),
                  static_cast<long long>(minutes));
  } else {
    std::snprintf(buffer, sizeof(buffer), "%c%02lld", sign, static_cast<long long>(hours));
  }
  *out += buffer;
}

// The zone as EncodeDateTime prints it: the numeric offset in ISO style, otherwise a space and the
// abbreviation (which may be empty, as for SET TimeZone = '+05:30').
void AppendZone(std::string* out, int64_t offset_seconds, const std::string& abbreviation, DateStyle style) {
  if (style == DateStyle::kIso) {
    AppendZoneOffset(out, offset_seconds);
  } else {
    *out += ' ' + abbreviation;
  }
}

// PostgreSQL's EncodeDateTime. `zone` is null for timestamp without time zone.
std::string FormatLocalTimestamp(const DateTimeFields& fields, const DateTimeStyle& style, const int64_t* offset,
                                 const std::string& abbreviation) {
  std::string out;
  if (style.date_style == DateStyle::kPostgres) {
    const int day_of_week = JulianToDayOfWeek(YmdToJulian(fields.year, fields.month, fields.day));
    char buffer[48];
    if (style.date_order == DateOrder::kDmy) {
      std::snprintf(buffer, sizeof(buffer), "%s %02d %s ", kDayAbbreviations[day_of_week], fields.day,
                    kMonthAbbreviations[fields.month - 1]);
    } else {
      std::snprintf(buffer, sizeof(buffer), "%s %s %02d ", kDayAbbreviations[day_of_week],
                    kMonthAbbreviations[fields.month - 1], fields.day);
    }
    out += buffer;
    AppendClock(&out, fields);
    std::snprintf(buffer, sizeof(buffer), " %04d", YearOfEra(fields.year));
    out += buffer;
  } else {
    AppendDate(&out, fields, style);
    out += ' ';
    AppendClock(&out, fields);
  }
  if (offset != nullptr) AppendZone(&out, *offset, abbreviation, style.date_style);
  if (fields.year <= 0) out += " BC";
  return out;
}

[[noreturn]] void ThrowBadDateStyle(std::string_view text, const std::string& detail) {
  throw SqlError(SqlState::kInvalidParameterValue, "invalid value for parameter \"DateStyle\": \"" +
                                                       std::string(text) + "\"")
      .WithDetail(detail);
}

// Splits a list setting as SplitIdentifierString does: comma-separated, blanks trimmed, unquoted words
// lower-cased. Returns false for an empty element.
bool SplitSettingList(std::string_view text, std::vector<std::string>* words) {
  size_t pos = 0;
  while (true) {
    while (pos < text.size() && IsAsciiSpace(text[pos])) ++pos;
    std::string word;
    if (pos < text.size() && text[pos] == '"') {
      ++pos;
      while (pos < text.size() && !(text[pos] == '"' && (pos + 1 >= text.size() || text[pos + 1] != '"'))) {
        if (text[pos] == '"') ++pos;
        word += text[pos++];
      }
      if (pos >= text.size()) return false;
      ++pos;
    } else {
      while (pos < text.size() && text[pos] != ',' && !IsAsciiSpace(text[pos])) word += ToLowerAscii(text[pos++]);
      if (word.empty()) return false;
    }
    words->push_back(word);
    while (pos < text.size() && IsAsciiSpace(text[pos])) ++pos;
    if (pos == text.size()) return true;
    if (text[pos] != ',') return false;
    ++pos;
  }
}

}  // namespace

std::string FormatDate(int32_t date, const DateTimeStyle& style) {
  if (date == kDatePosInfinity) return "infinity";
  if (date == kDateNegInfinity) return "-infinity";
  DateTimeFields fields;
  JulianToYmd(static_cast<int64_t>(date) + kPostgresEpochJulian, &fields.year, &fields.month, &fields.day);
  std::string out;
  AppendDate(&out, fields, style);
  if (fields.year <= 0) out += " BC";
  return out;
}

std::string FormatTime(int64_t time) {
  DateTimeFields fields;
  TimeToFields(time, &fields);
  std::string out;
  AppendClock(&out, fields);
  return out;
}

std::string FormatTimeTz(const TimeTz& value) {
  std::string out = FormatTime(value.time);
  AppendZoneOffset(&out, value.offset_seconds);
  return out;
}

std::string FormatTimestamp(int64_t timestamp, const DateTimeStyle& style) {
  if (timestamp == kTimestampPosInfinity) return "infinity";
  if (timestamp == kTimestampNegInfinity) return "-infinity";
  DateTimeFields fields;
  if (!TimestampToFields(timestamp, &fields)) ThrowOutOfRange("timestamp");
  return FormatLocalTimestamp(fields, style, nullptr, "");
}

std::string FormatTimestampTz(int64_t timestamp, const TimeZone& zone, const DateTimeStyle& style) {
  if (timestamp == kTimestampPosInfinity) return "infinity";
  if (timestamp == kTimestampNegInfinity) return "-infinity";
  const int64_t offset = zone.OffsetAt(timestamp);
  DateTimeFields fields;
  if (!TimestampToLocalFields(timestamp, offset, &fields)) ThrowOutOfRange("timestamp");
  std::string abbreviation = style.date_style == DateStyle::kIso ? "" : zone.AbbreviationAt(timestamp);
  return FormatLocalTimestamp(fields, style, &offset, abbreviation);
}

DateTimeStyle ParseDateStyle(std::string_view text, DateTimeStyle current) {
  std::vector<std::string> words;
  if (!SplitSettingList(text, &words)) ThrowBadDateStyle(text, "List syntax is invalid.");
  DateTimeStyle result = current;
  bool have_style = false;
  bool have_order = false;
  bool conflict = false;
  auto set_style = [&](DateStyle style) {
    if (have_style && result.date_style != style) conflict = true;
    result.date_style = style;
    have_style = true;
  };
  auto set_order = [&](DateOrder order) {
    if (have_order && result.date_order != order) conflict = true;
    result.date_order = order;
    have_order = true;
  };
  for (const std::string& word : words) {
    if (word == "iso") {
      set_style(DateStyle::kIso);
    } else if (word == "sql") {
      set_style(DateStyle::kSql);
    } else if (word.compare(0, 8, "postgres") == 0) {
      set_style(DateStyle::kPostgres);
    } else if (word == "german") {
      set_style(DateStyle::kGerman);
      if (!have_order) result.date_order = DateOrder::kDmy;
    } else if (word == "ymd") {
      set_order(DateOrder::kYmd);
    } else if (word == "dmy" || word.compare(0, 4, "euro") == 0) {
      set_order(DateOrder::kDmy);
    } else if (word == "mdy" || word == "us" || word.compare(0, 7, "noneuro") == 0) {
      set_order(DateOrder::kMdy);
    } else if (word == "default") {
      if (!have_style) result.date_style = DateStyle::kIso;
      if (!have_order) result.date_order = DateOrder::kMdy;
    } else {
      ThrowBadDateStyle(text, "Unrecognized key word: \"" + word + "\".");
    }
  }
  if (conflict) ThrowBadDateStyle(text, "Conflicting \"datestyle\" specifications.");
  return result;
}

std::string FormatDateStyle(const DateTimeStyle& style) {
  std::string out;
  switch (style.date_style) {
    case DateStyle::kIso: out = "ISO"; break;
    case DateStyle::kSql: out = "SQL"; break;
    case DateStyle::kGerman: out = "German"; break;
    case DateStyle::kPostgres: out = "Postgres"; break;
  }
  switch (style.date_order) {
    case DateOrder::kYmd: return out + ", YMD";
    case DateOrder::kDmy: return out + ", DMY";
    case DateOrder::kMdy: return out + ", MDY";
  }
  return out;
}

IntervalStyle ParseIntervalStyle(std::string_view text) {
  const std::string lower = ToLowerAscii(text);
  if (lower == "postgres") return IntervalStyle::kPostgres;
  if (lower == "postgres_verbose") return IntervalStyle::kPostgresVerbose;
  if (lower == "sql_standard") return IntervalStyle::kSqlStandard;
  if (lower == "iso_8601") return IntervalStyle::kIso8601;
  throw SqlError(SqlState::kInvalidParameterValue,
                 "invalid value for parameter \"IntervalStyle\": \"" + std::string(text) + "\"")
      .WithHint("Available values: postgres, postgres_verbose, sql_standard, iso_8601.");
}

}  // namespace tessera::datetime
