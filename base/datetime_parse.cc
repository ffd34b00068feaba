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
constexpr uint32_t kYearBit = 1u << 0;
constexpr uint32_t kMonthBit = 1u << 1;
constexpr uint32_t kDayBit = 1u << 2;
constexpr uint32_t kHourBit = 1u << 3;
constexpr uint32_t kMinuteBit = 1u << 4;
constexpr uint32_t kSecondBit = 1u << 5;
constexpr uint32_t kMillisecondBit = 1u << 6;
constexpr uint32_t kMicrosecondBit = 1u << 7;
constexpr uint32_t kZoneBit = 1u << 8;
constexpr uint32_t kDayOfYearBit = 1u << 9;
constexpr uint32_t kDayOfWeekBit = 1u << 10;
constexpr uint32_t kAmPmBit = 1u << 11;
constexpr uint32_t kAdBcBit = 1u << 12;
constexpr uint32_t kDaylightZoneBit = 1u << 13;
constexpr uint32_t kDaylightModifierBit = 1u << 14;
constexpr uint32_t kReservedBit = 1u << 15;
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

// Decodes the fields of one date/time string. `time_only` selects time input rules (PostgreSQL's
// DecodeTimeOnly) instead of date/timestamp rules (DecodeDateTime).
class DateTimeDecoder {
 public:
  DateTimeDecoder(const std::vector<DateToken>& tokens, bool time_only, const TimeZone* session_zone,
                  DateOrder order)
      : tokens_(tokens), time_only_(time_only), session_zone_(session_zone), order_(order) {}

  ParseStatus Decode();

  const DateTimeFields& fields() const { return fields_; }
  ResultKind kind() const { return kind_; }
  // The zone offset east of UTC given in the input, if any, for the local time `local`.
  std::optional<int32_t> ZoneOffset(int64_t local) const {
    if (!(seen_mask_ & kZoneBit)) return std::nullopt;
    return named_zone_ ? named_zone_->OffsetForLocal(local) : zone_offset_;
  }

 private:
  ParseStatus DecodeToken(size_t index, uint32_t* token_mask, bool* skip);
  ParseStatus DecodeDateToken(size_t index, uint32_t* token_mask);
  ParseStatus DecodeNumberToken(size_t index, uint32_t* token_mask);
  ParseStatus DecodeLabeledNumber(const std::string& text, uint32_t* token_mask);
  ParseStatus DecodeWord(size_t index, uint32_t* token_mask, bool* skip);
  ParseStatus DecodeDate(std::string_view text, uint32_t* token_mask);
  ParseStatus DecodeNumber(std::string_view text, bool have_text_month, uint32_t seen_mask, uint32_t* token_mask);
  ParseStatus DecodeNumberField(std::string_view text, uint32_t seen_mask, uint32_t* token_mask);
  ParseStatus DecodeZone(std::string_view text);
  ParseStatus ValidateDate();
  DateTimeFields LocalNow(std::string_view word, int32_t* offset_seconds);
  void SetCurrentDate(std::string_view word, int day_offset);

  const std::vector<DateToken>& tokens_;
  const bool time_only_;
  const TimeZone* session_zone_;
  const DateOrder order_;  // DateStyle's field order for ambiguous numeric dates

  DateTimeFields fields_;
  int day_of_year_ = 0;
  uint32_t seen_mask_ = 0;
  ResultKind kind_ = ResultKind::kDateTime;
  Meridian meridian_ = Meridian::k24Hour;
  bool is_two_digit_year_ = false;
  bool is_bc_ = false;
  bool is_julian_ = false;
  bool have_text_month_ = false;
  std::optional<DateField> prefix_;  // a unit label ("j", "t", "y", ...) waiting for its number
  int32_t zone_offset_ = 0;
  std::optional<TimeZone> named_zone_;  // a zone given by name, whose offset depends on the date
  std::string clockless_word_;  // 'now' or 'today' seen without a statement clock
};

// The statement's current local time in the session zone. Without a clock, remembers the word (reported
// only if the rest of the input is valid) and returns 2000-01-01 00:00.
DateTimeFields DateTimeDecoder::LocalNow(std::string_view word, int32_t* offset_seconds) {
  DateTimeFields now;
  *offset_seconds = 0;
  if (current_clock == nullptr) {
    if (clockless_word_.empty()) clockless_word_ = word;
    TimestampToFields(0, &now);
    return now;
  }
  *offset_seconds = session_zone_ != nullptr ? session_zone_->OffsetAt(current_clock->now())
                                             : current_clock->zone().OffsetAt(current_clock->now());
  TimestampToLocalFields(current_clock->now(), *offset_seconds, &now);
  return now;
}

void DateTimeDecoder::SetCurrentDate(std::string_view word, int day_offset) {
  int32_t offset;
  DateTimeFields now = LocalNow(word, &offset);
  JulianToYmd(YmdToJulian(now.year, now.month, now.day) + day_offset, &fields_.year, &fields_.month, &fields_.day);
}

ParseStatus DateTimeDecoder::Decode() {
  if (time_only_) kind_ = ResultKind::kTimeOnly;
  for (size_t index = 0; index < tokens_.size(); ++index) {
    uint32_t token_mask = 0;
    bool skip = false;
    ParseStatus status = DecodeToken(index, &token_mask, &skip);
    if (status != ParseStatus::kOk) return status;
    if (skip) continue;
    if (token_mask & seen_mask_) return ParseStatus::kBadFormat;
    seen_mask_ |= token_mask;
  }
  ParseStatus status = ValidateDate();
  if (status != ParseStatus::kOk) return status;
  if (meridian_ != Meridian::k24Hour && fields_.hour > 12) return ParseStatus::kFieldOverflow;
  if (meridian_ == Meridian::kAm && fields_.hour == 12) {
    fields_.hour = 0;
  } else if (meridian_ == Meridian::kPm && fields_.hour != 12) {
    fields_.hour += 12;
  }
  if (time_only_) {
    if (TimeOverflows(fields_.hour, fields_.minute, fields_.second, fields_.fsec)) return ParseStatus::kFieldOverflow;
    if ((seen_mask_ & kTimeMask) != kTimeMask) return ParseStatus::kBadFormat;
  } else if (kind_ == ResultKind::kDateTime) {
    // A time without a date, or a partial date, is not a timestamp.
    if ((seen_mask_ & kDateMask) != kDateMask) return ParseStatus::kBadFormat;
    if (!(seen_mask_ & kZoneBit) && (seen_mask_ & kDaylightModifierBit)) return ParseStatus::kBadFormat;
  }
  if (!clockless_word_.empty()) {
    throw SqlError(SqlState::kFeatureNotSupported,
                   "date/time value \"" + clockless_word_ + "\" needs a statement clock");
  }
  return ParseStatus::kOk;
}

ParseStatus DateTimeDecoder::DecodeToken(size_t index, uint32_t* token_mask, bool* skip) {
  const DateToken& token = tokens_[index];
  switch (token.type) {
    case DateTokenType::kDate:
      return DecodeDateToken(index, token_mask);
    case DateTokenType::kTime: {
      if (prefix_) {
        if (!time_only_ && *prefix_ != DateField::kTime) return ParseStatus::kBadFormat;
        prefix_.reset();
      }
      DateTimeFields clock;
      ParseStatus status = DecodeClockTime(token.text, &clock);
      if (status != ParseStatus::kOk) return status;
      fields_.hour = clock.hour;
      fields_.minute = clock.minute;
      fields_.second = clock.second;
      fields_.fsec = clock.fsec;
      *token_mask = kTimeMask;
      if (!time_only_ && TimeOverflows(fields_.hour, fields_.minute, fields_.second, fields_.fsec)) {
        return ParseStatus::kFieldOverflow;
      }
      return ParseStatus::kOk;
    }
    case DateTokenType::kTimeZone:
      *token_mask = kZoneBit;
      return DecodeZone(token.text);
    case DateTokenType::kNumber:
      return DecodeNumberToken(index, token_mask);
    case DateTokenType::kString:
    case DateTokenType::kSpecial:
      return DecodeWord(index, token_mask, skip);
  }
  return ParseStatus::kBadFormat;
}

// A field with embedded separators: a date ("2024-01-15", "jan-15-2024"), or after a date a zone name
// ("america/new_york") or a run-together time with a zone ("103000-05").
ParseStatus DateTimeDecoder::DecodeDateToken(size_t index, uint32_t* token_mask) {
  const std::string& text = tokens_[index].text;
  bool as_date;
  if (time_only_) {
    as_date = index == 0 && tokens_.size() >= 2 &&
              (tokens_.back().type == DateTokenType::kDate || tokens_[1].type == DateTokenType::kTime);
  } else {
    as_date = !prefix_ && (seen_mask_ & (kMonthBit | kDayBit)) != (kMonthBit | kDayBit);
  }
  if (as_date) return DecodeDate(text, token_mask);
  if (IsAsciiDigit(text[0]) || (prefix_ && !time_only_)) {
    if (prefix_ && !time_only_) {
      if (*prefix_ != DateField::kTime) return ParseStatus::kBadFormat;
      prefix_.reset();
    }
    if ((seen_mask_ & kTimeMask) == kTimeMask) return ParseStatus::kBadFormat;
    size_t dash = text.find('-');
    if (dash == std::string::npos) return ParseStatus::kBadFormat;
    ParseStatus status = DecodeZone(std::string_view(text).substr(dash));
    if (status != ParseStatus::kOk) return status;
    uint32_t seen_mask = time_only_ ? (seen_mask_ | kDateMask) : seen_mask_;
    status = DecodeNumberField(std::string_view(text).substr(0, dash), seen_mask, token_mask);
    if (status != ParseStatus::kOk) return status;
    *token_mask |= kZoneBit;
    return ParseStatus::kOk;
  }
  named_zone_ = LookupZoneName(text);
  if (!named_zone_) {
    throw SqlError(SqlState::kInvalidParameterValue, "time zone \"" + text + "\" not recognized");
  }
  zone_offset_ = named_zone_->offset_seconds;
  *token_mask = kZoneBit;
  return ParseStatus::kOk;
}

ParseStatus DateTimeDecoder::DecodeNumberToken(size_t index, uint32_t* token_mask) {
  const std::string& text = tokens_[index].text;
  if (prefix_) return DecodeLabeledNumber(text, token_mask);
  size_t length = text.size();
  size_t dot = text.find('.');
  if (time_only_) {
    if (dot != std::string::npos) {
      if (index == 0 && tokens_.size() >= 2 && tokens_.back().type == DateTokenType::kDate) {
        return DecodeDate(text, token_mask);
      }
      if (dot > 2) return DecodeNumberField(text, seen_mask_ | kDateMask, token_mask);
      return ParseStatus::kBadFormat;
    }
    if (length > 4) return DecodeNumberField(text, seen_mask_ | kDateMask, token_mask);
    return DecodeNumber(text, false, seen_mask_ | kDateMask, token_mask);
  }
  if (dot != std::string::npos && !(seen_mask_ & kDateMask)) return DecodeDate(text, token_mask);
  // "20240115", "103000", "040506.789": concatenated date or time.
  if (dot != std::string::npos && dot > 2) return DecodeNumberField(text, seen_mask_, token_mask);
  if (length >= 6 && (!(seen_mask_ & kDateMask) || !(seen_mask_ & kTimeMask))) {
    return DecodeNumberField(text, seen_mask_, token_mask);
  }
  return DecodeNumber(text, have_text_month_, seen_mask_, token_mask);
}

// A number after a unit label: "j2451545", "t103000", "y2001m02d04".
ParseStatus DateTimeDecoder::DecodeLabeledNumber(const std::string& text, uint32_t* token_mask) {
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
      fields_.year = static_cast<int>(value);
      *token_mask = kYearBit;
      return ParseStatus::kOk;
    case DateField::kMonth:
      // "m" after a month and an hour means minutes.
      if ((seen_mask_ & kMonthBit) && (seen_mask_ & kHourBit)) {
        fields_.minute = static_cast<int>(value);
        *token_mask = kMinuteBit;
      } else {
        fields_.month = static_cast<int>(value);
        *token_mask = kMonthBit;
      }
      return ParseStatus::kOk;
    case DateField::kDay:
      fields_.day = static_cast<int>(value);
      *token_mask = kDayBit;
      return ParseStatus::kOk;
    case DateField::kHour:
      fields_.hour = value;
      *token_mask = kHourBit;
      return ParseStatus::kOk;
    case DateField::kMinute:
      fields_.minute = static_cast<int>(value);
      *token_mask = kMinuteBit;
      return ParseStatus::kOk;
    case DateField::kSecond:
      fields_.second = static_cast<int>(value);
      *token_mask = kSecondBit;
      if (!rest.empty()) {
        *token_mask = kAllSecondsMask;
        return ParseFractionalSecond(rest, &fields_.fsec);
      }
      return ParseStatus::kOk;
    case DateField::kJulian: {
      if (value < 0) return ParseStatus::kFieldOverflow;
      *token_mask = kDateMask;
      JulianToYmd(value, &fields_.year, &fields_.month, &fields_.day);
      is_julian_ = true;
      if (!rest.empty()) {
        double fraction;
        ParseStatus status = ParseFraction(rest, &fraction);
        if (status != ParseStatus::kOk) return status;
        TimeToFields(static_cast<int64_t>(fraction * kMicrosPerDay), &fields_);
        *token_mask |= kTimeMask;
      }
      return ParseStatus::kOk;
    }
    case DateField::kTime: {
      ParseStatus status = DecodeNumberField(text, seen_mask_ | kDateMask, token_mask);
      if (status != ParseStatus::kOk) return status;
      return *token_mask == kTimeMask ? ParseStatus::kOk : ParseStatus::kBadFormat;
    }
    default:
      return ParseStatus::kBadFormat;
  }
}

ParseStatus DateTimeDecoder::DecodeWord(size_t index, uint32_t* token_mask, bool* skip) {
  const std::string& word = tokens_[index].text;
  // Zone abbreviations take precedence over keywords.
  int32_t offset;
  bool is_dst;
  if (LookupZoneAbbreviation(word, &offset, &is_dst)) {
    *token_mask = is_dst ? (kDaylightZoneBit | kZoneBit) : kZoneBit;
    zone_offset_ = offset;
    return ParseStatus::kOk;
  }
  const Keyword* keyword = LookupDateKeyword(word);
  if (keyword == nullptr) {
    // An all-letter zone name.
    named_zone_ = LookupZoneName(word);
    if (!named_zone_) return ParseStatus::kBadFormat;
    zone_offset_ = named_zone_->offset_seconds;
    *token_mask = kZoneBit;
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
          int32_t offset;
          DateTimeFields now = LocalNow(word, &offset);
          fields_.hour = now.hour;
          fields_.minute = now.minute;
          fields_.second = now.second;
          fields_.fsec = now.fsec;
          *token_mask = kTimeMask;
        } else if (field == DateField::kZulu) {
          fields_.hour = fields_.minute = fields_.second = 0;
          *token_mask = kTimeMask | kZoneBit;
        } else {
          return ParseStatus::kBadFormat;
        }
        return ParseStatus::kOk;
      }
      *token_mask = kDateMask;
      switch (field) {
        case DateField::kNow:
          fields_ = LocalNow(word, &zone_offset_);
          *token_mask = kDateMask | kTimeMask | kZoneBit;
          break;
        case DateField::kYesterday:
          SetCurrentDate(word, -1);
          break;
        case DateField::kToday:
          SetCurrentDate(word, 0);
          break;
        case DateField::kTomorrow:
          SetCurrentDate(word, 1);
          break;
        case DateField::kZulu:
          fields_.hour = fields_.minute = fields_.second = 0;
          zone_offset_ = 0;
          *token_mask = kTimeMask | kZoneBit;
          break;
        // The special values get a field bit of their own: other fields may follow but are ignored,
        // while a date field with separators is rejected (DecodeDate requires exactly the date bits).
        case DateField::kEpoch:
          kind_ = ResultKind::kEpoch;
          *token_mask = kReservedBit;
          break;
        case DateField::kLate:
          kind_ = ResultKind::kLate;
          *token_mask = kReservedBit;
          break;
        case DateField::kEarly:
          kind_ = ResultKind::kEarly;
          *token_mask = kReservedBit;
          break;
        default:
          return ParseStatus::kBadFormat;
      }
      return ParseStatus::kOk;
    }
    case KeywordKind::kMonth:
      if (time_only_) return ParseStatus::kBadFormat;
      // "15 january": the number read as a month was the day.
      *token_mask = kMonthBit;
      if ((seen_mask_ & kMonthBit) && !have_text_month_ && !(seen_mask_ & kDayBit) && fields_.month >= 1 &&
          fields_.month <= 31) {
        fields_.day = fields_.month;
        *token_mask = kDayBit;
      }
      have_text_month_ = true;
      fields_.month = keyword->value;
      return ParseStatus::kOk;
    case KeywordKind::kDstModifier:
      *token_mask = kDaylightModifierBit | kDaylightZoneBit;
      zone_offset_ += keyword->value;
      return ParseStatus::kOk;
    case KeywordKind::kAmPm:
      *token_mask = kAmPmBit;
      meridian_ = keyword->value == 0 ? Meridian::kAm : Meridian::kPm;
      return ParseStatus::kOk;
    case KeywordKind::kAdBc:
      *token_mask = kAdBcBit;
      is_bc_ = keyword->value == 1;
      return ParseStatus::kOk;
    case KeywordKind::kDayOfWeek:
      if (time_only_) return ParseStatus::kBadFormat;
      *token_mask = kDayOfWeekBit;
      return ParseStatus::kOk;
    case KeywordKind::kUnits:
      prefix_ = static_cast<DateField>(keyword->value);
      return ParseStatus::kOk;
    case KeywordKind::kIsoTime: {
      // "t" announces the time of an ISO 8601 timestamp.
      if (!time_only_ && (seen_mask_ & kDateMask) != kDateMask) return ParseStatus::kBadFormat;
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
ParseStatus DateTimeDecoder::DecodeDate(std::string_view text, uint32_t* token_mask) {
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
  uint32_t seen_mask = seen_mask_;
  *token_mask = 0;
  bool have_text_month = false;
  std::vector<bool> done(parts.size(), false);
  for (size_t index = 0; index < parts.size(); ++index) {
    if (!IsAsciiAlpha(parts[index][0])) continue;
    const Keyword* keyword = LookupDateKeyword(ToLowerAscii(parts[index]));
    if (keyword != nullptr && keyword->kind == KeywordKind::kIgnore) continue;
    if (keyword == nullptr || keyword->kind != KeywordKind::kMonth) return ParseStatus::kBadFormat;
    if (seen_mask & kMonthBit) return ParseStatus::kBadFormat;
    fields_.month = keyword->value;
    have_text_month = true;
    seen_mask |= kMonthBit;
    *token_mask |= kMonthBit;
    done[index] = true;
  }
  for (size_t index = 0; index < parts.size(); ++index) {
    if (done[index]) continue;
    uint32_t part_mask = 0;
    int64_t saved_fsec = fields_.fsec;
    ParseStatus status = DecodeNumber(parts[index], have_text_month, seen_mask, &part_mask);
    fields_.fsec = saved_fsec;  // a fraction inside a date is not the seconds' fraction
    if (status != ParseStatus::kOk) return status;
    if (seen_mask & part_mask) return ParseStatus::kBadFormat;
    seen_mask |= part_mask;
    *token_mask |= part_mask;
  }
  if ((seen_mask & ~(kDayOfYearBit | kZoneBit)) != kDateMask) return ParseStatus::kBadFormat;
  return ParseStatus::kOk;
}

// Assigns a lone number to the next date field the DateStyle order (or a 3+ digit year) implies.
ParseStatus DateTimeDecoder::DecodeNumber(std::string_view text, bool have_text_month, uint32_t seen_mask,
                                          uint32_t* token_mask) {
  *token_mask = 0;
  size_t pos = 0;
  int64_t value = 0;
  bool overflow = false;
  if (!ParseInt32(text, &pos, &value, &overflow)) return ParseStatus::kBadFormat;
  if (overflow) return ParseStatus::kFieldOverflow;
  if (pos < text.size() && text[pos] == '.') {
    // More than two digits before the point: a run-together date or time ("2001.360", "040506.789").
    if (pos > 2) return DecodeNumberField(text, seen_mask | kDateMask, token_mask);
    ParseStatus status = ParseFractionalSecond(text.substr(pos), &fields_.fsec);
    if (status != ParseStatus::kOk) return status;
  } else if (pos != text.size()) {
    return ParseStatus::kBadFormat;
  }
  int val = static_cast<int>(value);
  size_t length = text.size();
  // "2024-015": day of year.
  if (length == 3 && (seen_mask & kDateMask) == kYearBit && val >= 1 && val <= 366) {
    *token_mask = kDayOfYearBit | kMonthBit | kDayBit;
    day_of_year_ = val;
    return ParseStatus::kOk;
  }
  switch (seen_mask & kDateMask) {
    case 0:
      // Nothing yet: YYYY-MM-DD when the first field has 3+ digits, otherwise the DateStyle order.
      if (length >= 3 || order_ == DateOrder::kYmd) {
        *token_mask = kYearBit;
        fields_.year = val;
      } else if (order_ == DateOrder::kDmy) {
        *token_mask = kDayBit;
        fields_.day = val;
      } else {
        *token_mask = kMonthBit;
        fields_.month = val;
      }
      break;
    case kYearBit:
      *token_mask = kMonthBit;
      fields_.month = val;
      break;
    case kMonthBit:
      // After a text month, MON-DD-YYYY and YYYY-MON-DD are both accepted (YY-MON-DD in YMD order).
      if (have_text_month && (length >= 3 || order_ == DateOrder::kYmd)) {
        *token_mask = kYearBit;
        fields_.year = val;
      } else {
        *token_mask = kDayBit;
        fields_.day = val;
      }
      break;
    case kYearBit | kMonthBit:
      if (have_text_month && length >= 3 && is_two_digit_year_) {
        // DD-MON-YYYY: the first number was the day after all.
        *token_mask = kDayBit;
        fields_.day = fields_.year;
        fields_.year = val;
        is_two_digit_year_ = false;
      } else {
        *token_mask = kDayBit;
        fields_.day = val;
      }
      break;
    case kDayBit:
      *token_mask = kMonthBit;
      fields_.month = val;
      break;
    case kMonthBit | kDayBit:
      *token_mask = kYearBit;
      fields_.year = val;
      break;
    case kDateMask:
      // A full date already: this must be a run-together time.
      return DecodeNumberField(text, seen_mask, token_mask);
    default:
      return ParseStatus::kBadFormat;
  }
  if (*token_mask == kYearBit) is_two_digit_year_ = length <= 2;
  return ParseStatus::kOk;
}

// Reads a run-together number: YYYYMMDD / YYMMDD when the date is incomplete, else HHMMSS or HHMM, with an
// optional fraction of a second.
ParseStatus DateTimeDecoder::DecodeNumberField(std::string_view text, uint32_t seen_mask, uint32_t* token_mask) {
  size_t dot = text.find('.');
  if (dot != std::string_view::npos) {
    fields_.fsec = static_cast<int64_t>(std::rint(std::strtod(std::string(text.substr(dot)).c_str(), nullptr) * 1e6));
    text = text.substr(0, dot);
  } else if ((seen_mask & kDateMask) != kDateMask && text.size() >= 6) {
    auto number = [](std::string_view digits) {
      return static_cast<int>(std::strtoll(std::string(digits).c_str(), nullptr, 10));
    };
    size_t length = text.size();
    *token_mask = kDateMask;
    fields_.day = number(text.substr(length - 2));
    fields_.month = number(text.substr(length - 4, 2));
    fields_.year = number(text.substr(0, length - 4));
    if (length - 4 == 2) is_two_digit_year_ = true;
    return ParseStatus::kOk;
  }
  if ((seen_mask & kTimeMask) != kTimeMask && (text.size() == 6 || text.size() == 4)) {
    auto number = [](std::string_view digits) { return std::atoi(std::string(digits).c_str()); };
    *token_mask = kTimeMask;
    fields_.hour = number(text.substr(0, 2));
    fields_.minute = number(text.substr(2, 2));
    fields_.second = text.size() == 6 ? number(text.substr(4)) : 0;
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
  if (seen_mask_ & kYearBit) {
    if (is_julian_) {
      // The julian day already gave an astronomical year.
    } else if (is_bc_) {
      if (fields_.year <= 0) return ParseStatus::kFieldOverflow;
      fields_.year = -(fields_.year - 1);
    } else if (is_two_digit_year_) {
      if (fields_.year < 0) return ParseStatus::kFieldOverflow;
      if (fields_.year < 70) {
        fields_.year += 2000;
      } else if (fields_.year < 100) {
        fields_.year += 1900;
      }
    } else if (fields_.year <= 0) {
      return ParseStatus::kFieldOverflow;
    }
  }
  if (seen_mask_ & kDayOfYearBit) {
    JulianToYmd(YmdToJulian(fields_.year, 1, 1) + day_of_year_ - 1, &fields_.year, &fields_.month, &fields_.day);
  }
  if ((seen_mask_ & kMonthBit) && (fields_.month < 1 || fields_.month > 12)) return ParseStatus::kMonthDayOverflow;
  if ((seen_mask_ & kDayBit) && (fields_.day < 1 || fields_.day > 31)) return ParseStatus::kMonthDayOverflow;
  if ((seen_mask_ & kDateMask) == kDateMask && fields_.day > DaysInMonth(fields_.year, fields_.month)) {
    return ParseStatus::kFieldOverflow;
  }
  return ParseStatus::kOk;
}

// Lexes and decodes; throws the parse error named after `type_name`.
DateTimeDecoder DecodeOrThrow(std::string_view text, std::string_view type_name, bool time_only,
                              const TimeZone* session_zone, DateOrder order, std::vector<DateToken>* tokens) {
  if (!LexDateTime(text, kDateBufferSize, tokens)) ThrowParseError(ParseStatus::kBadFormat, text, type_name);
  DateTimeDecoder decoder(*tokens, time_only, session_zone, order);
  ParseStatus status = decoder.Decode();
  if (status != ParseStatus::kOk) ThrowParseError(status, text, type_name);
  return decoder;
}

constexpr int64_t kUnixEpochTimestamp = -946684800LL * kMicrosPerSecond;

int64_t DecodeTimestamp(std::string_view text, std::string_view type_name, const TimeZone* zone, DateOrder order) {
  std::vector<DateToken> tokens;
  DateTimeDecoder decoder = DecodeOrThrow(text, type_name, false, zone, order, &tokens);
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
  int64_t local = 0;
  if (zone != nullptr && FieldsToTimestamp(decoder.fields(), 0, &local)) {
    offset = decoder.ZoneOffset(local).value_or(zone->OffsetForLocal(local));
  }
  int64_t result;
  if (!FieldsToTimestamp(decoder.fields(), offset, &result)) {
    throw SqlError(SqlState::kDatetimeFieldOverflow, "timestamp out of range: \"" + std::string(text) + "\"");
  }
  return result;
}

}  // namespace

int32_t ParseDate(std::string_view text, DateOrder order) {
  std::vector<DateToken> tokens;
  DateTimeDecoder decoder = DecodeOrThrow(text, "date", false, nullptr, order, &tokens);
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
  DateTimeDecoder decoder = DecodeOrThrow(text, "time", true, nullptr, DateOrder::kMdy, &tokens);
  const DateTimeFields& fields = decoder.fields();
  return ((fields.hour * 60 + fields.minute) * 60 + fields.second) * kMicrosPerSecond + fields.fsec;
}

TimeTz ParseTimeTz(std::string_view text, const TimeZone& zone) {
  std::vector<DateToken> tokens;
  DateTimeDecoder decoder = DecodeOrThrow(text, "time with time zone", true, &zone, DateOrder::kMdy, &tokens);
  const DateTimeFields& fields = decoder.fields();
  TimeTz result;
  result.time = ((fields.hour * 60 + fields.minute) * 60 + fields.second) * kMicrosPerSecond + fields.fsec;
  // The offset of a zone given by name, or of the session zone, depends on the date: the input's, else
  // today's (as PostgreSQL's DecodeTimeOnly).
  DateTimeFields day = fields;
  if (day.year == 0) {
    if (current_clock != nullptr) {
      TimestampToLocalFields(current_clock->now(), zone.OffsetAt(current_clock->now()), &day);
    } else {
      TimestampToFields(0, &day);
    }
  }
  int64_t local = 0;
  FieldsToTimestamp(DateTimeFields{day.year, day.month, day.day, 0, 0, 0, 0}, 0, &local);
  local += result.time;
  result.offset_seconds = decoder.ZoneOffset(local).value_or(zone.OffsetForLocal(local));
  if (result.offset_seconds < -kMaxTimeTzOffset || result.offset_seconds > kMaxTimeTzOffset) {
    ThrowParseError(ParseStatus::kZoneDisplacement, text, "time with time zone");
  }
  return result;
}

namespace {

// The common ISO form "YYYY-MM-DD HH:MM:SS[.f{1,6}]" (what COPY loads by the million), read directly;
// false for anything else, which the general decoder reads (and rejects with PostgreSQL's messages).
bool ParseIsoTimestamp(std::string_view text, int64_t* result) {
  if (text.size() < 19 || text.size() > 26 || text[4] != '-' || text[7] != '-' || text[10] != ' ' ||
      text[13] != ':' || text[16] != ':') {
    return false;
  }
  auto digits = [&](size_t begin, size_t count, int* value) {
    *value = 0;
    for (size_t index = begin; index < begin + count; ++index) {
      const unsigned digit = static_cast<unsigned char>(text[index]) - '0';
      if (digit > 9) return false;
      *value = *value * 10 + static_cast<int>(digit);
    }
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!digits(0, 4, &year) || !digits(5, 2, &month) || !digits(8, 2, &day) || !digits(11, 2, &hour) ||
      !digits(14, 2, &minute) || !digits(17, 2, &second)) {
    return false;
  }
  int64_t micros = 0;
  if (text.size() > 19) {
    if (text[19] != '.' || text.size() == 20) return false;
    int fraction = 0;
    if (!digits(20, text.size() - 20, &fraction)) return false;
    micros = fraction;
    for (size_t scale = text.size() - 20; scale < 6; ++scale) micros *= 10;
  }
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 ||
      day > kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0) || hour > 23 || minute > 59 || second > 59) {
    return false;
  }
  *result = DateToTimestamp(YmdToDate(year, month, day)) +
            ((hour * int64_t{60} + minute) * 60 + second) * kMicrosPerSecond + micros;
  return true;
}

}  // namespace

int64_t ParseTimestamp(std::string_view text, DateOrder order) {
  int64_t result;
  if (ParseIsoTimestamp(text, &result)) return result;
  return DecodeTimestamp(text, "timestamp", nullptr, order);
}

int64_t ParseTimestampTz(std::string_view text, const TimeZone& zone, DateOrder order) {
  return DecodeTimestamp(text, "timestamp with time zone", &zone, order);
}

}  // namespace tessera::datetime
