// SPDX-License-Identifier: Apache-2.0
// Text input of date, time, timestamp and timestamptz as PostgreSQL 15 reads it with DateStyle 'ISO, MDY':
// the lexer's typed fields (datetime_lexer.cc) are assigned to year/month/day/time by their shape and by
// what is already known.
#include <cmath>
#include <cstdlib>
#include <optional>

#include "base/datetime_internal.h"

namespace tessera::datetime {

// ---- Statement clock ----

namespace {
thread_local const ScopedStatementClock* current_clock = nullptr;
}  // namespace

ScopedStatementClock::ScopedStatementClock(int64_t now, TimeZone zone)
    : now_(now), zone_(std::move(zone)), previous_(current_clock) {
  current_clock = this;
}

ScopedStatementClock::~ScopedStatementClock() { current_clock = previous_; }

// ---- Decoder ----

namespace {

constexpr size_t kDateBufferSize = 128 + kMaxDateFields;

// Which fields the input has set so far; a field set twice is a syntax error.
enum FieldBit : uint32_t {
  kYearBit = 1 << 0,
  kMonthBit = 1 << 1,
  kDayBit = 1 << 2,
  kHourBit = 1 << 3,
  kMinuteBit = 1 << 4,
  kSecondBit = 1 << 5,
  kMillisecondBit = 1 << 6,
  kMicrosecondBit = 1 << 7,
  kZoneBit = 1 << 8,
  kDayOfYearBit = 1 << 9,
  kDayOfWeekBit = 1 << 10,
  kAmPmBit = 1 << 11,
  kAdBcBit = 1 << 12,
  kDaylightZoneBit = 1 << 13,
  kDaylightModifierBit = 1 << 14,
};
constexpr uint32_t kDateMask = kYearBit | kMonthBit | kDayBit;
constexpr uint32_t kAllSecondsMask = kSecondBit | kMillisecondBit | kMicrosecondBit;
constexpr uint32_t kTimeMask = kHourBit | kMinuteBit | kAllSecondsMask;

enum class Meridian { k24Hour, kAm, kPm };
enum class ResultKind { kDateTime, kTimeOnly, kEpoch, kLate, kEarly };

bool TimeOverflows(int64_t hour, int64_t minute, int64_t second, int64_t fsec) {
  if (hour < 0 || hour > 24 || minute < 0 || minute >= 60 || second < 0 || second > 60 || fsec < 0 ||
      fsec > kMicrosPerSecond) {
    return true;
  }
  return ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + fsec > kMicrosPerDay;
}

const ScopedStatementClock& RequireClock(std::string_view word) {
  if (current_clock == nullptr) {
    throw SqlError(SqlState::kFeatureNotSupported,
                   "date/time value \"" + std::string(word) + "\" needs a statement clock");
  }
  return *current_clock;
}

// Decodes the fields of one date/time string. `mode_time_only` selects time input rules (PostgreSQL's
// DecodeTimeOnly) instead of date/timestamp rules (DecodeDateTime).
class DateTimeDecoder {
 public:
  DateTimeDecoder(const std::vector<DateToken>& tokens, bool time_only, const TimeZone* session_zone)
      : tokens_(tokens), time_only_(time_only), session_zone_(session_zone) {}

  ParseStatus Decode();

  const DateTimeFields& fields() const { return tm_; }
  ResultKind kind() const { return kind_; }
  // The zone offset east of UTC given in the input, if any.
  std::optional<int32_t> zone() const {
    return (fmask_ & kZoneBit) ? std::optional<int32_t>(zone_offset_) : std::nullopt;
  }

 private:
  ParseStatus DecodeToken(size_t index, uint32_t* tmask, bool* skip);
  ParseStatus DecodeDateToken(size_t index, uint32_t* tmask);
  ParseStatus DecodeNumberToken(size_t index, uint32_t* tmask);
  ParseStatus DecodeLabeledNumber(const std::string& text, uint32_t* tmask);
  ParseStatus DecodeWord(size_t index, uint32_t* tmask, bool* skip);
  ParseStatus DecodeDate(std::string_view text, uint32_t* tmask);
  ParseStatus DecodeNumber(std::string_view text, bool have_text_month, uint32_t fmask, uint32_t* tmask);
  ParseStatus DecodeNumberField(std::string_view text, uint32_t fmask, uint32_t* tmask);
  ParseStatus DecodeZone(std::string_view text);
  ParseStatus ValidateDate();
  void SetCurrentDate(int day_offset);
  const TimeZone& SessionZone(std::string_view word);

  const std::vector<DateToken>& tokens_;
  const bool time_only_;
  const TimeZone* session_zone_;

  DateTimeFields tm_;
  int day_of_year_ = 0;
  uint32_t fmask_ = 0;
  ResultKind kind_ = ResultKind::kDateTime;
  Meridian meridian_ = Meridian::k24Hour;
  bool is_two_digit_year_ = false;
  bool is_bc_ = false;
  bool is_julian_ = false;
  bool have_text_month_ = false;
  std::optional<DateField> prefix_;  // a unit label ("j", "t", "y", ...) waiting for its number
  int32_t zone_offset_ = 0;
};

const TimeZone& DateTimeDecoder::SessionZone(std::string_view word) {
  if (session_zone_ != nullptr) return *session_zone_;
  return RequireClock(word).zone();
}

void DateTimeDecoder::SetCurrentDate(int day_offset) {
  const ScopedStatementClock& clock =
      RequireClock(day_offset == 0 ? "today" : (day_offset > 0 ? "tomorrow" : "yesterday"));
  int64_t local = clock.now() + SessionZone("today").offset_seconds * kMicrosPerSecond;
  DateTimeFields now;
  TimestampToFields(local, &now);
  JulianToYmd(YmdToJulian(now.year, now.month, now.day) + day_offset, &tm_.year, &tm_.month, &tm_.day);
}

ParseStatus DateTimeDecoder::Decode() {
  if (time_only_) kind_ = ResultKind::kTimeOnly;
  for (size_t index = 0; index < tokens_.size(); ++index) {
    uint32_t tmask = 0;
    bool skip = false;
    ParseStatus status = DecodeToken(index, &tmask, &skip);
    if (status != ParseStatus::kOk) return status;
    if (skip) continue;
    if (tmask & fmask_) return ParseStatus::kBadFormat;
    fmask_ |= tmask;
  }
  // Special values ('epoch', 'infinity') ignore the other fields.
  if (kind_ != ResultKind::kDateTime && kind_ != ResultKind::kTimeOnly) return ParseStatus::kOk;
  ParseStatus status = ValidateDate();
  if (status != ParseStatus::kOk) return status;
  if (meridian_ != Meridian::k24Hour && tm_.hour > 12) return ParseStatus::kFieldOverflow;
  if (meridian_ == Meridian::kAm && tm_.hour == 12) {
    tm_.hour = 0;
  } else if (meridian_ == Meridian::kPm && tm_.hour != 12) {
    tm_.hour += 12;
  }
  if (time_only_) {
    if (TimeOverflows(tm_.hour, tm_.minute, tm_.second, tm_.fsec)) return ParseStatus::kFieldOverflow;
    if ((fmask_ & kTimeMask) != kTimeMask) return ParseStatus::kBadFormat;
    return ParseStatus::kOk;
  }
  // A time without a date, or a partial date, is not a timestamp.
  if ((fmask_ & kDateMask) != kDateMask) return ParseStatus::kBadFormat;
  if (!(fmask_ & kZoneBit) && (fmask_ & kDaylightModifierBit)) return ParseStatus::kBadFormat;
  return ParseStatus::kOk;
}

ParseStatus DateTimeDecoder::DecodeToken(size_t index, uint32_t* tmask, bool* skip) {
  const DateToken& token = tokens_[index];
  switch (token.type) {
    case DateTokenType::kDate:
      return DecodeDateToken(index, tmask);
    case DateTokenType::kTime: {
      if (prefix_) {
        if (*prefix_ != DateField::kTime) return ParseStatus::kBadFormat;
        prefix_.reset();
      }
      DateTimeFields clock;
      ParseStatus status = DecodeClockTime(token.text, &clock);
      if (status != ParseStatus::kOk) return status;
      tm_.hour = clock.hour;
      tm_.minute = clock.minute;
      tm_.second = clock.second;
      tm_.fsec = clock.fsec;
      *tmask = kTimeMask;
      if (!time_only_ && TimeOverflows(tm_.hour, tm_.minute, tm_.second, tm_.fsec)) {
        return ParseStatus::kFieldOverflow;
      }
      return ParseStatus::kOk;
    }
    case DateTokenType::kTimeZone:
      *tmask = kZoneBit;
      return DecodeZone(token.text);
    case DateTokenType::kNumber:
      return DecodeNumberToken(index, tmask);
    case DateTokenType::kString:
    case DateTokenType::kSpecial:
      return DecodeWord(index, tmask, skip);
  }
  return ParseStatus::kBadFormat;
}

// A field with embedded separators: a date ("2024-01-15", "jan-15-2024"), or after a date a zone name
// ("america/new_york") or a run-together time with a zone ("103000-05").
ParseStatus DateTimeDecoder::DecodeDateToken(size_t index, uint32_t* tmask) {
  const std::string& text = tokens_[index].text;
  bool as_date;
  if (time_only_) {
    as_date = index == 0 && tokens_.size() >= 2 &&
              (tokens_.back().type == DateTokenType::kDate || tokens_[1].type == DateTokenType::kTime);
  } else {
    as_date = !prefix_ && (fmask_ & (kMonthBit | kDayBit)) != (kMonthBit | kDayBit);
  }
  if (as_date) return DecodeDate(text, tmask);
  if (IsAsciiDigit(text[0]) || prefix_) {
    if (prefix_) {
      if (*prefix_ != DateField::kTime) return ParseStatus::kBadFormat;
      prefix_.reset();
    }
    if ((fmask_ & kTimeMask) == kTimeMask) return ParseStatus::kBadFormat;
    size_t dash = text.find('-');
    if (dash == std::string::npos) return ParseStatus::kBadFormat;
    ParseStatus status = DecodeZone(std::string_view(text).substr(dash));
    if (status != ParseStatus::kOk) return status;
    uint32_t fmask = time_only_ ? (fmask_ | kDateMask) : fmask_;
    status = DecodeNumberField(std::string_view(text).substr(0, dash), fmask, tmask);
    if (status != ParseStatus::kOk) return status;
    *tmask |= kZoneBit;
    return ParseStatus::kOk;
  }
  int32_t offset;
  if (!LookupZoneName(text, &offset)) {
    throw SqlError(SqlState::kInvalidParameterValue, "time zone \"" + text + "\" not recognized");
  }
  zone_offset_ = offset;
  *tmask = kZoneBit;
  return ParseStatus::kOk;
}

ParseStatus DateTimeDecoder::DecodeNumberToken(size_t index, uint32_t* tmask) {
  const std::string& text = tokens_[index].text;
  if (prefix_) return DecodeLabeledNumber(text, tmask);
  size_t length = text.size();
  size_t dot = text.find('.');
  if (time_only_) {
    if (dot != std::string::npos) {
      if (index == 0 && tokens_.size() >= 2 && tokens_.back().type == DateTokenType::kDate) {
        return DecodeDate(text, tmask);
      }
      if (dot > 2) return DecodeNumberField(text, fmask_ | kDateMask, tmask);
      return ParseStatus::kBadFormat;
    }
    if (length > 4) return DecodeNumberField(text, fmask_ | kDateMask, tmask);
    return DecodeNumber(text, false, fmask_ | kDateMask, tmask);
  }
  if (dot != std::string::npos && !(fmask_ & kDateMask)) return DecodeDate(text, tmask);
  // "20240115", "103000", "040506.789": concatenated date or time.
  if (dot != std::string::npos && dot > 2) return DecodeNumberField(text, fmask_, tmask);
  if (length >= 6 && (!(fmask_ & kDateMask) || !(fmask_ & kTimeMask))) {
    return DecodeNumberField(text, fmask_, tmask);
  }
  return DecodeNumber(text, have_text_month_, fmask_, tmask);
}

// A number after a unit label: "j2451545", "t103000", "y2001m02d04".
ParseStatus DateTimeDecoder::DecodeLabeledNumber(const std::string& text, uint32_t* tmask) {
  DateField prefix = *prefix_;
  prefix_.reset();
  size_t pos = 0;
  int64_t value = 0;
  bool overflow = false;
  ParseInt32(text, &pos, &value, &overflow);
  if (overflow) return ParseStatus::kFieldOverflow;
  std::string_view rest = std::string_view(text).substr(pos);
  if (!rest.empty() && rest[0] == '.') {
    if (prefix != DateField::kJulian && prefix != DateField::kTime && prefix != DateField::kSecond) {
      return ParseStatus::kBadFormat;
    }
  } else if (!rest.empty()) {
    return ParseStatus::kBadFormat;
  }
  switch (prefix) {
    case DateField::kYear:
      tm_.year = static_cast<int>(value);
      *tmask = kYearBit;
      return ParseStatus::kOk;
    case DateField::kMonth:
      // "m" after a month and an hour means minutes.
      if ((fmask_ & kMonthBit) && (fmask_ & kHourBit)) {
        tm_.minute = static_cast<int>(value);
        *tmask = kMinuteBit;
      } else {
        tm_.month = static_cast<int>(value);
        *tmask = kMonthBit;
      }
      return ParseStatus::kOk;
    case DateField::kDay:
      tm_.day = static_cast<int>(value);
      *tmask = kDayBit;
      return ParseStatus::kOk;
    case DateField::kHour:
      tm_.hour = value;
      *tmask = kHourBit;
      return ParseStatus::kOk;
    case DateField::kMinute:
      tm_.minute = static_cast<int>(value);
      *tmask = kMinuteBit;
      return ParseStatus::kOk;
    case DateField::kSecond:
      tm_.second = static_cast<int>(value);
      *tmask = kSecondBit;
      if (!rest.empty()) {
        *tmask = kAllSecondsMask;
        return ParseFractionalSecond(rest, &tm_.fsec);
      }
      return ParseStatus::kOk;
    case DateField::kJulian: {
      if (value < 0) return ParseStatus::kFieldOverflow;
      *tmask = kDateMask;
      JulianToYmd(value, &tm_.year, &tm_.month, &tm_.day);
      is_julian_ = true;
      if (!rest.empty()) {
        double fraction;
        ParseStatus status = ParseFraction(rest, &fraction);
        if (status != ParseStatus::kOk) return status;
        TimeToFields(static_cast<int64_t>(fraction * kMicrosPerDay), &tm_);
        *tmask |= kTimeMask;
      }
      return ParseStatus::kOk;
    }
    case DateField::kTime: {
      ParseStatus status = DecodeNumberField(text, fmask_ | kDateMask, tmask);
      if (status != ParseStatus::kOk) return status;
      return *tmask == kTimeMask ? ParseStatus::kOk : ParseStatus::kBadFormat;
    }
    default:
      return ParseStatus::kBadFormat;
  }
}

ParseStatus DateTimeDecoder::DecodeWord(size_t index, uint32_t* tmask, bool* skip) {
  const std::string& word = tokens_[index].text;
  // Zone abbreviations take precedence over keywords.
  int32_t offset;
  bool is_dst;
  if (LookupZoneAbbreviation(word, &offset, &is_dst)) {
    *tmask = is_dst ? (kDaylightZoneBit | kZoneBit) : kZoneBit;
    zone_offset_ = offset;
    return ParseStatus::kOk;
  }
  const Keyword* keyword = LookupDateKeyword(word);
  if (keyword == nullptr) {
    // An all-letter zone name.
    if (!LookupZoneName(word, &offset)) return ParseStatus::kBadFormat;
    zone_offset_ = offset;
    *tmask = kZoneBit;
    return ParseStatus::kOk;
  }
  switch (keyword->kind) {
    case KeywordKind::kIgnore:
      *skip = true;
      return ParseStatus::kOk;
    case KeywordKind::kReserved: {
      auto field = static_cast<DateField>(keyword->value);
      if (time_only_) {
        if (field == DateField::kNow) {
          const ScopedStatementClock& clock = RequireClock(word);
          int64_t local = clock.now() + SessionZone(word).offset_seconds * kMicrosPerSecond;
          int64_t time = local % kMicrosPerDay;
          TimeToFields(time < 0 ? time + kMicrosPerDay : time, &tm_);
          *tmask = kTimeMask;
        } else if (field == DateField::kZulu) {
          tm_.hour = tm_.minute = tm_.second = 0;
          *tmask = kTimeMask | kZoneBit;
        } else {
          return ParseStatus::kBadFormat;
        }
        return ParseStatus::kOk;
      }
      *tmask = kDateMask;
      switch (field) {
        case DateField::kNow: {
          const ScopedStatementClock& clock = RequireClock(word);
          const TimeZone& zone = SessionZone(word);
          TimestampToFields(clock.now() + zone.offset_seconds * kMicrosPerSecond, &tm_);
          zone_offset_ = zone.offset_seconds;
          *tmask = kDateMask | kTimeMask | kZoneBit;
          break;
        }
        case DateField::kYesterday:
          SetCurrentDate(-1);
          break;
        case DateField::kToday:
          SetCurrentDate(0);
          break;
        case DateField::kTomorrow:
          SetCurrentDate(1);
          break;
        case DateField::kZulu:
          tm_.hour = tm_.minute = tm_.second = 0;
          zone_offset_ = 0;
          *tmask = kTimeMask | kZoneBit;
          break;
        case DateField::kEpoch:
          kind_ = ResultKind::kEpoch;
          break;
        case DateField::kLate:
          kind_ = ResultKind::kLate;
          break;
        case DateField::kEarly:
          kind_ = ResultKind::kEarly;
          break;
        default:
          return ParseStatus::kBadFormat;
      }
      return ParseStatus::kOk;
    }
    case KeywordKind::kMonth:
      if (time_only_) return ParseStatus::kBadFormat;
      // "15 january": the number read as a month was the day.
      *tmask = kMonthBit;
      if ((fmask_ & kMonthBit) && !have_text_month_ && !(fmask_ & kDayBit) && tm_.month >= 1 && tm_.month <= 31) {
        tm_.day = tm_.month;
        *tmask = kDayBit;
      }
      have_text_month_ = true;
      tm_.month = keyword->value;
      return ParseStatus::kOk;
    case KeywordKind::kDstModifier:
      *tmask = kDaylightModifierBit | kDaylightZoneBit;
      zone_offset_ += keyword->value;
      return ParseStatus::kOk;
    case KeywordKind::kAmPm:
      *tmask = kAmPmBit;
      meridian_ = keyword->value == 0 ? Meridian::kAm : Meridian::kPm;
      return ParseStatus::kOk;
    case KeywordKind::kAdBc:
      *tmask = kAdBcBit;
      is_bc_ = keyword->value == 1;
      return ParseStatus::kOk;
    case KeywordKind::kDayOfWeek:
      if (time_only_) return ParseStatus::kBadFormat;
      *tmask = kDayOfWeekBit;
      return ParseStatus::kOk;
    case KeywordKind::kUnits:
      if (prefix_) return ParseStatus::kBadFormat;
      prefix_ = static_cast<DateField>(keyword->value);
      return ParseStatus::kOk;
    case KeywordKind::kIsoTime: {
      // "t" announces the time of an ISO 8601 timestamp.
      if (prefix_) return ParseStatus::kBadFormat;
      if (!time_only_ && (fmask_ & kDateMask) != kDateMask) return ParseStatus::kBadFormat;
      if (index + 1 >= tokens_.size()) return ParseStatus::kBadFormat;
      DateTokenType next = tokens_[index + 1].type;
      if (next != DateTokenType::kNumber && next != DateTokenType::kTime && next != DateTokenType::kDate) {
        return ParseStatus::kBadFormat;
      }
      prefix_ = DateField::kTime;
      return ParseStatus::kOk;
    }
    case KeywordKind::kAgo:
      break;
  }
  return ParseStatus::kBadFormat;
}

// Splits a date field at its separators and assigns the parts; text months first.
ParseStatus DateTimeDecoder::DecodeDate(std::string_view text, uint32_t* tmask) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos < text.size() && parts.size() < kMaxDateFields) {
    while (pos < text.size() && !IsAsciiAlnum(text[pos])) ++pos;
    if (pos == text.size()) return ParseStatus::kBadFormat;
    size_t start = pos;
    if (IsAsciiDigit(text[pos])) {
      while (pos < text.size() && IsAsciiDigit(text[pos])) ++pos;
    } else {
      while (pos < text.size() && IsAsciiAlpha(text[pos])) ++pos;
    }
    parts.push_back(text.substr(start, pos - start));
    if (pos < text.size()) ++pos;  // the character after a part ends it
  }
  uint32_t fmask = fmask_;
  *tmask = 0;
  bool have_text_month = false;
  std::vector<bool> done(parts.size(), false);
  for (size_t index = 0; index < parts.size(); ++index) {
    if (!IsAsciiAlpha(parts[index][0])) continue;
    const Keyword* keyword = LookupDateKeyword(ToLowerAscii(parts[index]));
    if (keyword != nullptr && keyword->kind == KeywordKind::kIgnore) continue;
    if (keyword == nullptr || keyword->kind != KeywordKind::kMonth) return ParseStatus::kBadFormat;
    if (fmask & kMonthBit) return ParseStatus::kBadFormat;
    tm_.month = keyword->value;
    have_text_month = true;
    fmask |= kMonthBit;
    *tmask |= kMonthBit;
    done[index] = true;
  }
  for (size_t index = 0; index < parts.size(); ++index) {
    if (done[index]) continue;
    uint32_t dmask = 0;
    int64_t saved_fsec = tm_.fsec;
    ParseStatus status = DecodeNumber(parts[index], have_text_month, fmask, &dmask);
    tm_.fsec = saved_fsec;  // a fraction inside a date is not the seconds' fraction
    if (status != ParseStatus::kOk) return status;
    if (fmask & dmask) return ParseStatus::kBadFormat;
    fmask |= dmask;
    *tmask |= dmask;
  }
  if ((fmask & ~(kDayOfYearBit | kZoneBit)) != kDateMask) return ParseStatus::kBadFormat;
  return ParseStatus::kOk;
}

// Assigns a lone number to the next date field the order MDY (or a 3+ digit year) implies.
ParseStatus DateTimeDecoder::DecodeNumber(std::string_view text, bool have_text_month, uint32_t fmask,
                                          uint32_t* tmask) {
  *tmask = 0;
  size_t pos = 0;
  int64_t value = 0;
  bool overflow = false;
  if (!ParseInt32(text, &pos, &value, &overflow)) return ParseStatus::kBadFormat;
  if (overflow) return ParseStatus::kFieldOverflow;
  if (pos < text.size() && text[pos] == '.') {
    // More than two digits before the point: a run-together date or time ("2001.360", "040506.789").
    if (pos > 2) return DecodeNumberField(text, fmask | kDateMask, tmask);
    ParseStatus status = ParseFractionalSecond(text.substr(pos), &tm_.fsec);
    if (status != ParseStatus::kOk) return status;
  } else if (pos != text.size()) {
    return ParseStatus::kBadFormat;
  }
  int val = static_cast<int>(value);
  size_t length = text.size();
  // "2024-015": day of year.
  if (length == 3 && (fmask & kDateMask) == kYearBit && val >= 1 && val <= 366) {
    *tmask = kDayOfYearBit | kMonthBit | kDayBit;
    day_of_year_ = val;
    return ParseStatus::kOk;
  }
  switch (fmask & kDateMask) {
    case 0:
      // Nothing yet: YYYY-MM-DD when the first field has 3+ digits, otherwise MDY order.
      if (length >= 3) {
        *tmask = kYearBit;
        tm_.year = val;
      } else {
        *tmask = kMonthBit;
        tm_.month = val;
      }
      break;
    case kYearBit:
      *tmask = kMonthBit;
      tm_.month = val;
      break;
    case kMonthBit:
      // After a text month, MON-DD-YYYY and YYYY-MON-DD are both accepted.
      if (have_text_month && length >= 3) {
        *tmask = kYearBit;
        tm_.year = val;
      } else {
        *tmask = kDayBit;
        tm_.day = val;
      }
      break;
    case kYearBit | kMonthBit:
      if (have_text_month && length >= 3 && is_two_digit_year_) {
        // DD-MON-YYYY: the first number was the day after all.
        *tmask = kDayBit;
        tm_.day = tm_.year;
        tm_.year = val;
        is_two_digit_year_ = false;
      } else {
        *tmask = kDayBit;
        tm_.day = val;
      }
      break;
    case kDayBit:
      *tmask = kMonthBit;
      tm_.month = val;
      break;
    case kMonthBit | kDayBit:
      *tmask = kYearBit;
      tm_.year = val;
      break;
    case kDateMask:
      // A full date already: this must be a run-together time.
      return DecodeNumberField(text, fmask, tmask);
    default:
      return ParseStatus::kBadFormat;
  }
  if (*tmask == kYearBit) is_two_digit_year_ = length <= 2;
  return ParseStatus::kOk;
}

// Reads a run-together number: YYYYMMDD / YYMMDD when the date is incomplete, else HHMMSS or HHMM, with an
// optional fraction of a second.
ParseStatus DateTimeDecoder::DecodeNumberField(std::string_view text, uint32_t fmask, uint32_t* tmask) {
  size_t dot = text.find('.');
  if (dot != std::string_view::npos) {
    tm_.fsec = static_cast<int64_t>(std::rint(std::strtod(std::string(text.substr(dot)).c_str(), nullptr) * 1e6));
    text = text.substr(0, dot);
  } else if ((fmask & kDateMask) != kDateMask && text.size() >= 6) {
    auto number = [](std::string_view digits) {
      return static_cast<int>(std::strtoll(std::string(digits).c_str(), nullptr, 10));
    };
    size_t length = text.size();
    *tmask = kDateMask;
    tm_.day = number(text.substr(length - 2));
    tm_.month = number(text.substr(length - 4, 2));
    tm_.year = number(text.substr(0, length - 4));
    if (length - 4 == 2) is_two_digit_year_ = true;
    return ParseStatus::kOk;
  }
  if ((fmask & kTimeMask) != kTimeMask && (text.size() == 6 || text.size() == 4)) {
    auto number = [](std::string_view digits) { return std::atoi(std::string(digits).c_str()); };
    *tmask = kTimeMask;
    tm_.hour = number(text.substr(0, 2));
    tm_.minute = number(text.substr(2, 2));
    tm_.second = text.size() == 6 ? number(text.substr(4)) : 0;
    return ParseStatus::kOk;
  }
  return ParseStatus::kBadFormat;
}

// Reads "+hh", "+hh:mm", "+hh:mm:ss" or "+hhmm" (sign east of UTC), at most 15:59:59.
ParseStatus DateTimeDecoder::DecodeZone(std::string_view text) {
  if (text.empty() || (text[0] != '+' && text[0] != '-')) return ParseStatus::kBadFormat;
  size_t pos = 1;
  int64_t hour = 0;
  int64_t minute = 0;
  int64_t second = 0;
  bool overflow = false;
  ParseInt32(text, &pos, &hour, &overflow);
  if (overflow) return ParseStatus::kZoneDisplacement;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    ParseInt32(text, &pos, &minute, &overflow);
    if (overflow) return ParseStatus::kZoneDisplacement;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      ParseInt32(text, &pos, &second, &overflow);
      if (overflow) return ParseStatus::kZoneDisplacement;
    }
  } else if (pos == text.size() && text.size() > 3) {
    minute = hour % 100;
    hour /= 100;
  }
  if (hour < 0 || hour > 15 || minute < 0 || minute >= 60 || second < 0 || second >= 60) {
    return ParseStatus::kZoneDisplacement;
  }
  int64_t offset = (hour * 60 + minute) * 60 + second;
  zone_offset_ = static_cast<int32_t>(text[0] == '-' ? -offset : offset);
  if (pos != text.size()) return ParseStatus::kBadFormat;
  return ParseStatus::kOk;
}

// Applies BC and two-digit years, day of year, and checks month and day.
ParseStatus DateTimeDecoder::ValidateDate() {
  if (fmask_ & kYearBit) {
    if (is_julian_) {
      // The julian day already gave an astronomical year.
    } else if (is_bc_) {
      if (tm_.year <= 0) return ParseStatus::kFieldOverflow;
      tm_.year = -(tm_.year - 1);
    } else if (is_two_digit_year_) {
      if (tm_.year < 0) return ParseStatus::kFieldOverflow;
      if (tm_.year < 70) {
        tm_.year += 2000;
      } else if (tm_.year < 100) {
        tm_.year += 1900;
      }
    } else if (tm_.year <= 0) {
      return ParseStatus::kFieldOverflow;
    }
  }
  if (fmask_ & kDayOfYearBit) {
    JulianToYmd(YmdToJulian(tm_.year, 1, 1) + day_of_year_ - 1, &tm_.year, &tm_.month, &tm_.day);
  }
  if ((fmask_ & kMonthBit) && (tm_.month < 1 || tm_.month > 12)) return ParseStatus::kMonthDayOverflow;
  if ((fmask_ & kDayBit) && (tm_.day < 1 || tm_.day > 31)) return ParseStatus::kMonthDayOverflow;
  if ((fmask_ & kDateMask) == kDateMask && tm_.day > DaysInMonth(tm_.year, tm_.month)) {
    return ParseStatus::kFieldOverflow;
  }
  return ParseStatus::kOk;
}

// Lexes and decodes; throws the parse error named after `type_name`.
DateTimeDecoder DecodeOrThrow(std::string_view text, std::string_view type_name, bool time_only,
                              const TimeZone* session_zone, std::vector<DateToken>* tokens) {
  if (!LexDateTime(text, kDateBufferSize, tokens)) ThrowParseError(ParseStatus::kBadFormat, text, type_name);
  DateTimeDecoder decoder(*tokens, time_only, session_zone);
  ParseStatus status = decoder.Decode();
  if (status != ParseStatus::kOk) ThrowParseError(status, text, type_name);
  return decoder;
}

constexpr int64_t kUnixEpochTimestamp = -946684800LL * kMicrosPerSecond;

int64_t DecodeTimestamp(std::string_view text, std::string_view type_name, const TimeZone* zone) {
  std::vector<DateToken> tokens;
  DateTimeDecoder decoder = DecodeOrThrow(text, type_name, false, zone, &tokens);
  switch (decoder.kind()) {
    case ResultKind::kEpoch:
      return kUnixEpochTimestamp;
    case ResultKind::kLate:
      return kTimestampPosInfinity;
    case ResultKind::kEarly:
      return kTimestampNegInfinity;
    default:
      break;
  }
  int64_t offset = 0;
  if (zone != nullptr) offset = decoder.zone().value_or(zone->offset_seconds);
  int64_t result;
  if (!FieldsToTimestamp(decoder.fields(), offset, &result)) {
    throw SqlError(SqlState::kDatetimeFieldOverflow, "timestamp out of range: \"" + std::string(text) + "\"");
  }
  return result;
}

}  // namespace

int32_t ParseDate(std::string_view text) {
  std::vector<DateToken> tokens;
  DateTimeDecoder decoder = DecodeOrThrow(text, "date", false, nullptr, &tokens);
  DateTimeFields fields = decoder.fields();
  switch (decoder.kind()) {
    case ResultKind::kEpoch:
      fields.year = 1970;
      fields.month = 1;
      fields.day = 1;
      break;
    case ResultKind::kLate:
      return kDatePosInfinity;
    case ResultKind::kEarly:
      return kDateNegInfinity;
    default:
      break;
  }
  if (!IsValidJulianYmd(fields.year, fields.month)) {
    throw SqlError(SqlState::kDatetimeFieldOverflow, "date out of range: \"" + std::string(text) + "\"");
  }
  int64_t date = YmdToJulian(fields.year, fields.month, fields.day) - kPostgresEpochJulian;
  if (!IsValidDate(date)) {
    throw SqlError(SqlState::kDatetimeFieldOverflow, "date out of range: \"" + std::string(text) + "\"");
  }
  return static_cast<int32_t>(date);
}

int64_t ParseTime(std::string_view text) {
  std::vector<DateToken> tokens;
  DateTimeDecoder decoder = DecodeOrThrow(text, "time", true, nullptr, &tokens);
  const DateTimeFields& fields = decoder.fields();
  return ((fields.hour * 60 + fields.minute) * 60 + fields.second) * kMicrosPerSecond + fields.fsec;
}

int64_t ParseTimestamp(std::string_view text) { return DecodeTimestamp(text, "timestamp", nullptr); }

int64_t ParseTimestampTz(std::string_view text, const TimeZone& zone) {
  return DecodeTimestamp(text, "timestamp with time zone", &zone);
}

}  // namespace tessera::datetime
