// SPDX-License-Identifier: Apache-2.0
// The lexer that splits date/time and interval text into typed fields, and the small number and clock-time
// readers that the date/time and interval decoders share.
#include <cmath>
#include <cstdlib>

#include "base/datetime_internal.h"

namespace tessera::datetime {

bool LexDateTime(std::string_view text, size_t buffer_size, std::vector<DateToken>* tokens) {
  tokens->clear();
  size_t used = 0;
  size_t pos = 0;
  auto at = [&](size_t index) { return index < text.size() ? text[index] : '\0'; };
  while (pos < text.size()) {
    char c = text[pos];
    if (IsAsciiSpace(c)) {
      ++pos;
      continue;
    }
    DateToken token{DateTokenType::kNumber, {}};
    std::string& field = token.text;
    if (IsAsciiDigit(c)) {
      while (IsAsciiDigit(at(pos))) field += text[pos++];
      if (at(pos) == ':') {
        // A time: digits, colons and a fraction.
        token.type = DateTokenType::kTime;
        field += text[pos++];
        while (IsAsciiDigit(at(pos)) || at(pos) == ':' || at(pos) == '.') field += text[pos++];
      } else if (at(pos) == '-' || at(pos) == '/' || at(pos) == '.') {
        // A date with separators, possibly with a text month; "1.5" stays a number.
        char delimiter = text[pos];
        field += text[pos++];
        if (IsAsciiDigit(at(pos))) {
          token.type = delimiter == '.' ? DateTokenType::kNumber : DateTokenType::kDate;
          while (IsAsciiDigit(at(pos))) field += text[pos++];
          if (at(pos) == delimiter) {
            token.type = DateTokenType::kDate;
            field += text[pos++];
            while (IsAsciiDigit(at(pos)) || at(pos) == delimiter) field += text[pos++];
          }
        } else {
          token.type = DateTokenType::kDate;
          while (IsAsciiAlnum(at(pos)) || at(pos) == delimiter) field += ToLowerAscii(text[pos++]);
        }
      }
    } else if (c == '.') {
      field += text[pos++];
      while (IsAsciiDigit(at(pos))) field += text[pos++];
    } else if (IsAsciiAlpha(c)) {
      token.type = DateTokenType::kString;
      while (IsAsciiAlpha(at(pos))) field += ToLowerAscii(text[pos++]);
      // A word followed by '-', '/' or '.' is a date ("jan-15-2024") or a zone name ("america/new_york");
      // followed by a digit or '+' it is a zone ("utc+3") unless the word is a keyword ("t10:00").
      char next = at(pos);
      bool is_date = next == '-' || next == '/' || next == '.';
      if (!is_date && (next == '+' || IsAsciiDigit(next))) is_date = LookupDateKeyword(field) == nullptr;
      if (is_date) {
        token.type = DateTokenType::kDate;
        do {
          field += ToLowerAscii(text[pos++]);
        } while (at(pos) == '+' || at(pos) == '-' || at(pos) == '/' || at(pos) == '_' || at(pos) == '.' ||
                 at(pos) == ':' || IsAsciiAlnum(at(pos)));
      }
    } else if (c == '+' || c == '-') {
      field += text[pos++];
      while (IsAsciiSpace(at(pos))) ++pos;
      if (IsAsciiDigit(at(pos))) {
        // A numeric zone, or a signed number/time in an interval.
        token.type = DateTokenType::kTimeZone;
        field += text[pos++];
        while (IsAsciiDigit(at(pos)) || at(pos) == ':' || at(pos) == '.' || at(pos) == '-') field += text[pos++];
      } else if (IsAsciiAlpha(at(pos))) {
        token.type = DateTokenType::kSpecial;
        while (IsAsciiAlpha(at(pos))) field += ToLowerAscii(text[pos++]);
      } else {
        return false;
      }
    } else if (IsAsciiPunct(c)) {
      ++pos;  // other punctuation only separates fields
      continue;
    } else {
      return false;
    }
    used += field.size() + 1;
    if (used > buffer_size || tokens->size() >= kMaxDateFields) return false;
    tokens->push_back(std::move(token));
  }
  return true;
}

// ---- Field parsers shared with interval input ----

bool ParseLeadingInteger(std::string_view text, size_t* pos, int64_t* value, bool* overflow) {
  size_t index = *pos;
  while (index < text.size() && IsAsciiSpace(text[index])) ++index;
  bool negative = false;
  if (index < text.size() && (text[index] == '+' || text[index] == '-')) {
    negative = text[index] == '-';
    ++index;
  }
  if (index >= text.size() || !IsAsciiDigit(text[index])) return false;
  // Accumulate negatively so that INT64_MIN is representable.
  int64_t result = 0;
  *overflow = false;
  while (index < text.size() && IsAsciiDigit(text[index])) {
    int digit = text[index++] - '0';
    if (__builtin_mul_overflow(result, 10, &result) || __builtin_sub_overflow(result, digit, &result)) {
      *overflow = true;
    }
  }
  if (!negative && !*overflow) {
    if (result == INT64_MIN) {
      *overflow = true;
    } else {
      result = -result;
    }
  }
  *value = *overflow ? (negative ? INT64_MIN : INT64_MAX) : result;
  *pos = index;
  return true;
}

ParseStatus ParseFraction(std::string_view text, double* fraction) {
  if (text.size() == 1) {
    *fraction = 0;
    return ParseStatus::kOk;
  }
  for (size_t index = 1; index < text.size(); ++index) {
    if (!IsAsciiDigit(text[index])) return ParseStatus::kBadFormat;
  }
  *fraction = std::strtod(std::string(text).c_str(), nullptr);
  return ParseStatus::kOk;
}

bool ParseInt32(std::string_view text, size_t* pos, int64_t* value, bool* overflow) {
  if (!ParseLeadingInteger(text, pos, value, overflow)) return false;
  if (*value > INT32_MAX || *value < INT32_MIN) *overflow = true;
  return true;
}

ParseStatus ParseFractionalSecond(std::string_view text, int64_t* fsec) {
  double fraction;
  ParseStatus status = ParseFraction(text, &fraction);
  if (status != ParseStatus::kOk) return status;
  *fsec = static_cast<int64_t>(std::rint(fraction * 1000000));
  return ParseStatus::kOk;
}

ParseStatus DecodeClockTime(std::string_view text, DateTimeFields* fields) {
  size_t pos = 0;
  int64_t hour = 0;
  int64_t minute = 0;
  int64_t second = 0;
  bool overflow = false;
  ParseLeadingInteger(text, &pos, &hour, &overflow);
  if (overflow) return ParseStatus::kFieldOverflow;
  if (pos >= text.size() || text[pos] != ':') return ParseStatus::kBadFormat;
  ++pos;
  ParseInt32(text, &pos, &minute, &overflow);
  if (overflow) return ParseStatus::kFieldOverflow;
  fields->fsec = 0;
  if (pos == text.size()) {
    second = 0;
  } else if (text[pos] == '.') {
    // "mm:ss.fff" is minutes and seconds.
    ParseStatus status = ParseFractionalSecond(text.substr(pos), &fields->fsec);
    if (status != ParseStatus::kOk) return status;
    second = minute;
    minute = hour;
    hour = 0;
  } else if (text[pos] == ':') {
    ++pos;
    ParseInt32(text, &pos, &second, &overflow);
    if (overflow) return ParseStatus::kFieldOverflow;
    if (pos < text.size() && text[pos] == '.') {
      ParseStatus status = ParseFractionalSecond(text.substr(pos), &fields->fsec);
      if (status != ParseStatus::kOk) return status;
    } else if (pos != text.size()) {
      return ParseStatus::kBadFormat;
    }
  } else {
    return ParseStatus::kBadFormat;
  }
  if (hour < 0 || minute < 0 || minute > 59 || second < 0 || second > 60 || fields->fsec < 0 ||
      fields->fsec > kMicrosPerSecond || minute > INT32_MAX) {
    return ParseStatus::kFieldOverflow;
  }
  fields->hour = hour;
  fields->minute = static_cast<int>(minute);
  fields->second = static_cast<int>(second);
  return ParseStatus::kOk;
}

}  // namespace tessera::datetime
