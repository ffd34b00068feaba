// SPDX-License-Identifier: Apache-2.0
// PostgreSQL's text input and output functions for integers, floats, booleans and bytea.
#include "base/text_format.h"

#include <locale.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>

#include "base/error.h"

namespace tessera::text_format {
namespace {

// PostgreSQL's isspace() in the C locale.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// pg_strncasecmp(text, word, length) == 0, where text and word end at their sizes (like a NUL).
bool PrefixEqualsIgnoreCase(std::string_view text, std::string_view word, size_t length) {
  for (size_t index = 0; index < length; ++index) {
    char text_char = index < text.size() ? ToLower(text[index]) : '\0';
    char word_char = index < word.size() ? word[index] : '\0';
    if (text_char != word_char) return false;
    if (text_char == '\0') return true;
  }
  return true;
}

[[noreturn]] void ThrowInvalidSyntax(const char* type_name, std::string_view text) {
  throw SqlError(SqlState::kInvalidTextRepresentation,
                 std::string("invalid input syntax for type ") + type_name + ": \"" + std::string(text) + "\"");
}

// The common form of an integer, an optional minus and up to digits10 digits (which cannot overflow),
// read without the checks of the general loop; false for anything else.
template <typename Int>
bool ParseShortInteger(std::string_view text, Int* value) {
  const bool negative = !text.empty() && text[0] == '-';
  const size_t digits = text.size() - (negative ? 1 : 0);
  if (digits == 0 || digits > static_cast<size_t>(std::numeric_limits<Int>::digits10)) return false;
  int64_t magnitude = 0;
  for (size_t pos = negative ? 1 : 0; pos < text.size(); ++pos) {
    const unsigned digit = static_cast<unsigned char>(text[pos]) - unsigned{'0'};
    if (digit > 9) return false;
    magnitude = magnitude * 10 + digit;
  }
  *value = static_cast<Int>(negative ? -magnitude : magnitude);
  return true;
}

template <typename Int>
Int ParseInteger(std::string_view text, const char* type_name) {
  if (Int value; ParseShortInteger(text, &value)) return value;
  size_t pos = 0;
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
  if (pos >= text.size() || !IsDigit(text[pos])) ThrowInvalidSyntax(type_name, text);
  // Accumulates the magnitude; the negative limit is one larger, so the minimum value parses.
  const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<Int>::max()) + (negative ? 1 : 0);
  uint64_t magnitude = 0;
  for (; pos < text.size() && IsDigit(text[pos]); ++pos) {
    uint64_t digit = static_cast<uint64_t>(text[pos] - '0');
    if (magnitude > (limit - digit) / 10) {  // PostgreSQL reports overflow before trailing junk
      throw SqlError(SqlState::kNumericValueOutOfRange,
                     "value \"" + std::string(text) + "\" is out of range for type " + type_name);
    }
    magnitude = magnitude * 10 + digit;
  }
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  if (pos != text.size()) ThrowInvalidSyntax(type_name, text);
  return static_cast<Int>(negative ? 0 - magnitude : magnitude);
}

locale_t CLocale() {
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  return c_locale;
}

template <typename Float>
Float StringToFloat(const char* text, char** end) {
  if constexpr (std::is_same_v<Float, float>) {
    return strtof_l(text, end, CLocale());
  } else {
    return strtod_l(text, end, CLocale());
  }
}

// Matches the words float4in/float8in check themselves when strtod fails; on a match sets `value` and
// `length`. With glibc strtod already reads them all, so this only guards other C libraries.
template <typename Float>
bool MatchSpecialWord(std::string_view text, Float* value, size_t* length) {
  constexpr Float kInfinity = std::numeric_limits<Float>::infinity();
  struct SpecialWord {
    std::string_view word;
    Float value;
  };
  static constexpr SpecialWord kWords[] = {
      {"nan", std::numeric_limits<Float>::quiet_NaN()},
      {"infinity", kInfinity},
      {"+infinity", kInfinity},
      {"-infinity", -kInfinity},
      {"inf", kInfinity},
      {"+inf", kInfinity},
      {"-inf", -kInfinity},
  };
  for (const SpecialWord& special : kWords) {
    if (PrefixEqualsIgnoreCase(text, special.word, special.word.size())) {
      *value = special.value;
      *length = special.word.size();
      return true;
    }
  }
  return false;
}

// Reads a plain decimal number ("-12.5", "3e7") that fills `text` exactly, as from_chars does: the
// same correctly rounded value as strtod, without its copy and locale. Returns false for anything
// else (spaces, a sign "+", hex, special words, range errors), which the general path then reads.
template <typename Float>
bool ParsePlainDecimal(std::string_view text, Float* value) {
  if (text.empty() || !(IsDigit(text.front()) || (text.front() == '-' && text.size() > 1 && IsDigit(text[1])))) {
    return false;
  }
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, *value, std::chars_format::general);
  return error == std::errc() && stop == end;
}

// float4in / float8in: the C library's strtod (hex and nan(...) forms included, as PostgreSQL on glibc
// accepts them), spaces around, and range errors: float8 quotes the number alone, float4 the whole input.
template <typename Float>
Float ParseFloat(std::string_view text, const char* type_name) {
  if (Float value; ParsePlainDecimal(text, &value)) return value;
  size_t start = 0;
  while (start < text.size() && IsSpace(text[start])) ++start;
  if (start == text.size()) ThrowInvalidSyntax(type_name, text);
  // Copies the number to give strtod its terminating NUL, on the stack when it is short.
  std::string_view number_view = text.substr(start);
  char stack_copy[64];
  std::string heap_copy;
  const char* number = stack_copy;
  if (number_view.size() < sizeof(stack_copy)) {
    number_view.copy(stack_copy, number_view.size());
    stack_copy[number_view.size()] = '\0';
  } else {
    heap_copy.assign(number_view);
    number = heap_copy.c_str();
  }
  char* end = nullptr;
  errno = 0;
  Float value = StringToFloat<Float>(number, &end);
  int saved_errno = errno;
  size_t consumed = static_cast<size_t>(end - number);
  if ((consumed == 0 || saved_errno != 0) && !MatchSpecialWord(number_view, &value, &consumed)) {
    if (saved_errno != ERANGE) ThrowInvalidSyntax(type_name, text);
    // ERANGE also flags denormals, which are accepted; only zero or infinity are out of range.
    if (value == 0 || std::isinf(value)) {
      std::string shown(std::is_same_v<Float, float> ? text : number_view.substr(0, consumed));
      throw SqlError(SqlState::kNumericValueOutOfRange, "\"" + shown + "\" is out of range for type " + type_name);
    }
  }
  while (consumed < number_view.size() && IsSpace(number_view[consumed])) ++consumed;
  if (consumed != number_view.size()) ThrowInvalidSyntax(type_name, text);
  return value;
}

// A positive decimal significand * 10^exponent.
struct DecimalDigits {
  uint64_t significand = 0;
  int exponent = 0;
};

// Returns |value| as to_chars' scientific digits: shortest round trip when precision < 0, otherwise
// correctly rounded to precision + 1 significant digits.
template <typename Float>
DecimalDigits ToDigits(Float value, int precision) {
  char buffer[64];
  value = std::fabs(value);
  auto result = precision < 0
                    ? std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific)
                    : std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific, precision);
  std::string_view text(buffer, result.ptr - buffer);  // "1.2345e+05"
  size_t exponent_pos = text.find('e');
  DecimalDigits decimal;
  int fraction_digits = 0;
  bool after_point = false;
  for (char c : text.substr(0, exponent_pos)) {
    if (c == '.') {
      after_point = true;
      continue;
    }
    decimal.significand = decimal.significand * 10 + static_cast<uint64_t>(c - '0');
    if (after_point) ++fraction_digits;
  }
  std::string_view exponent_text = text.substr(exponent_pos + 1);
  if (exponent_text[0] == '+') exponent_text.remove_prefix(1);
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), decimal.exponent);
  decimal.exponent -= fraction_digits;
  return decimal;
}

// Returns true when significand * 10^exponent equals odd * 2^binary_exponent exactly.
bool EqualsDyadic(DecimalDigits decimal, uint64_t odd, int binary_exponent) {
  static constexpr int kMaxPowerOfFive = 27;  // 5^27 < 2^63
  if (decimal.significand == 0) return false;
  while (decimal.significand % 10 == 0) {
    decimal.significand /= 10;
    ++decimal.exponent;
  }
  // significand * 2^exponent * 5^exponent: compare the powers of two, then the odd parts.
  int twos = __builtin_ctzll(decimal.significand);
  int exponent = decimal.exponent;
  if (twos + exponent != binary_exponent || exponent > kMaxPowerOfFive || -exponent > kMaxPowerOfFive) {
    return false;
  }
  unsigned __int128 power_of_five = 1;
  for (int count = 0; count < (exponent < 0 ? -exponent : exponent); ++count) power_of_five *= 5;
  unsigned __int128 odd_significand = decimal.significand >> twos;
  return exponent >= 0 ? odd_significand * power_of_five == odd : odd_significand == odd * power_of_five;
}

// Returns true when the decimal lies exactly halfway between `value` and a neighbour. PostgreSQL's Ryu
// never prints such a bound (it is built without STRICTLY_SHORTEST); std::to_chars may, for even
// mantissas, so those few values are redone by ShortestDigits.
template <typename Float>
bool IsRoundingBound(Float value, DecimalDigits decimal) {
  constexpr int kMantissaBits = std::numeric_limits<Float>::digits;
  constexpr int kMinBinaryExponent = std::numeric_limits<Float>::min_exponent - kMantissaBits;
  int frexp_exponent = 0;
  Float fraction = std::frexp(std::fabs(value), &frexp_exponent);
  uint64_t mantissa = static_cast<uint64_t>(std::ldexp(fraction, kMantissaBits));
  int binary_exponent = frexp_exponent - kMantissaBits;  // |value| = mantissa * 2^binary_exponent
  // Subnormals: renormalises to the lowest exponent.
  if (binary_exponent < kMinBinaryExponent) {
    mantissa >>= kMinBinaryExponent - binary_exponent;
    binary_exponent = kMinBinaryExponent;
  }
  if (EqualsDyadic(decimal, 2 * mantissa + 1, binary_exponent - 1)) return true;
  // Below a power of two the neighbour is half as far away.
  bool narrow_below = mantissa == (uint64_t{1} << (kMantissaBits - 1)) && binary_exponent > kMinBinaryExponent;
  return narrow_below ? EqualsDyadic(decimal, 4 * mantissa - 1, binary_exponent - 2)
                      : EqualsDyadic(decimal, 2 * mantissa - 1, binary_exponent - 1);
}

template <typename Float>
bool IsStrictlyInside(Float value, DecimalDigits decimal) {
  char text[48];
  char* end = std::to_chars(text, text + 24, decimal.significand).ptr;
  *end++ = 'e';
  end = std::to_chars(end, text + sizeof(text), decimal.exponent).ptr;
  Float parsed = 0;
  std::from_chars(text, end, parsed);
  return parsed == std::fabs(value) && !IsRoundingBound(value, decimal);
}

int DigitCount(uint64_t number) {
  int count = 1;
  for (; number >= 10; number /= 10) ++count;
  return count;
}

// Returns PostgreSQL's digits: of the decimals strictly inside the rounding interval, the shortest,
// and of those the correctly rounded one (or its neighbour when that one is a bound).
template <typename Float>
DecimalDigits ShortestDigits(Float value) {
  DecimalDigits shortest = ToDigits(value, -1);
  if (!IsRoundingBound(value, shortest)) return shortest;
  for (int length = DigitCount(shortest.significand); length <= std::numeric_limits<Float>::max_digits10; ++length) {
    DecimalDigits rounded = ToDigits(value, length - 1);
    for (int step : {0, 1, -1}) {
      DecimalDigits candidate{rounded.significand + static_cast<uint64_t>(step), rounded.exponent};
      if (IsStrictlyInside(value, candidate)) return candidate;
    }
  }
  return shortest;
}

// Lays out the digits as %g does: scientific when the decimal exponent is below -4 or at least
// `max_fixed_exponent` (DBL_DIG or FLT_DIG), with a signed exponent of two or more digits.
template <typename Float>
std::string FormatFloat(Float value, int max_fixed_exponent) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  if (value == 0) return std::signbit(value) ? "-0" : "0";
  DecimalDigits decimal = ShortestDigits(value);
  while (decimal.significand % 10 == 0) {
    decimal.significand /= 10;
    ++decimal.exponent;
  }
  char digits[24];
  size_t length = static_cast<size_t>(std::to_chars(digits, digits + sizeof(digits), decimal.significand).ptr - digits);
  std::string_view digit_text(digits, length);
  int exponent = decimal.exponent + static_cast<int>(length) - 1;  // of the first digit
  std::string text = value < 0 ? "-" : "";
  if (exponent < -4 || exponent >= max_fixed_exponent) {
    text += digit_text[0];
    if (length > 1) text.append(".").append(digit_text.substr(1));
    text += exponent < 0 ? "e-" : "e+";
    int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) text += '0';
    text += std::to_string(magnitude);
  } else if (exponent < 0) {
    text += "0.";
    text.append(static_cast<size_t>(-exponent - 1), '0');
    text += digit_text;
  } else if (length <= static_cast<size_t>(exponent) + 1) {
    text += digit_text;
    text.append(static_cast<size_t>(exponent) + 1 - length, '0');
  } else {
    text += digit_text.substr(0, static_cast<size_t>(exponent) + 1);
    text += '.';
    text += digit_text.substr(static_cast<size_t>(exponent) + 1);
  }
  return text;
}

// parse_bool_with_len: each keyword matches by any prefix; "o" alone is ambiguous (on/off).
bool MatchBool(std::string_view word, bool* result) {
  if (word.empty()) return false;
  auto prefix_of = [&](std::string_view keyword, size_t compare_length) {
    return PrefixEqualsIgnoreCase(word, keyword, compare_length);
  };
  switch (ToLower(word[0])) {
    case 't':
      *result = true;
      return prefix_of("true", word.size());
    case 'f':
      *result = false;
      return prefix_of("false", word.size());
    case 'y':
      *result = true;
      return prefix_of("yes", word.size());
    case 'n':
      *result = false;
      return prefix_of("no", word.size());
    case 'o':
      if (prefix_of("on", std::max<size_t>(word.size(), 2))) {
        *result = true;
        return true;
      }
      *result = false;
      return prefix_of("off", std::max<size_t>(word.size(), 2));
    case '1':
      *result = true;
      return word.size() == 1;
    case '0':
      *result = false;
      return word.size() == 1;
    default:
      return false;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Returns the length of the UTF-8 character starting at `pos`, for quoting a bad digit whole.
size_t Utf8CharLength(std::string_view text, size_t pos) {
  unsigned char lead = static_cast<unsigned char>(text[pos]);
  size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 1;
  return std::min(length, text.size() - pos);
}

int HexDigitOrThrow(std::string_view text, size_t pos) {
  int digit = HexValue(text[pos]);
  if (digit < 0) {
    throw SqlError(SqlState::kInvalidParameterValue,
                   "invalid hexadecimal digit: \"" + std::string(text.substr(pos, Utf8CharLength(text, pos))) + "\"");
  }
  return digit;
}

// hex_decode: pairs of hex digits; spaces, tabs and newlines are skipped between pairs only.
std::string DecodeHex(std::string_view hex) {
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t pos = 0; pos < hex.size();) {
    char c = hex[pos];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      ++pos;
      continue;
    }
    int high = HexDigitOrThrow(hex, pos++);
    if (pos >= hex.size()) {
      throw SqlError(SqlState::kInvalidParameterValue, "invalid hexadecimal data: odd number of digits");
    }
    int low = HexDigitOrThrow(hex, pos++);
    bytes.push_back(static_cast<char>(high << 4 | low));
  }
  return bytes;
}

// float8out/float4out with extra_float_digits <= 0: %.*g with `digits` significant digits (at least 1).
std::string FormatFloatDigits(double value, int digits) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*g", digits < 1 ? 1 : digits, value);
  return buffer;
}

// byteaout with bytea_output = escape: printable ASCII as is, '\' doubled, other bytes as \ooo.
std::string FormatByteaEscape(std::string_view bytes) {
  std::string text;
  text.reserve(bytes.size());
  for (char c : bytes) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      text += "\\\\";
    } else if (byte < 0x20 || byte > 0x7e) {
      text += '\\';
      text += static_cast<char>('0' + (byte >> 6));
      text += static_cast<char>('0' + ((byte >> 3) & 7));
      text += static_cast<char>('0' + (byte & 7));
    } else {
      text += c;
    }
  }
  return text;
}

bool IsOctalEscape(std::string_view text, size_t pos) {
  return pos + 3 < text.size() && text[pos + 1] >= '0' && text[pos + 1] <= '3' && text[pos + 2] >= '0' &&
         text[pos + 2] <= '7' && text[pos + 3] >= '0' && text[pos + 3] <= '7';
}

}  // namespace

int16_t ParseInt16(std::string_view text) { return ParseInteger<int16_t>(text, "smallint"); }
int32_t ParseInt32(std::string_view text) { return ParseInteger<int32_t>(text, "integer"); }
int64_t ParseInt64(std::string_view text) { return ParseInteger<int64_t>(text, "bigint"); }

float ParseFloat32(std::string_view text) { return ParseFloat<float>(text, "real"); }
double ParseFloat64(std::string_view text) { return ParseFloat<double>(text, "double precision"); }

bool ParseBool(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  bool result = false;
  if (!MatchBool(text.substr(begin, end - begin), &result)) ThrowInvalidSyntax("boolean", text);
  return result;
}

std::string ParseBytea(std::string_view text) {
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') return DecodeHex(text.substr(2));
  std::string bytes;
  bytes.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    if (text[pos] != '\\') {
      bytes.push_back(text[pos++]);
    } else if (IsOctalEscape(text, pos)) {
      int byte = (text[pos + 1] - '0') << 6 | (text[pos + 2] - '0') << 3 | (text[pos + 3] - '0');
      bytes.push_back(static_cast<char>(byte));
      pos += 4;
    } else if (pos + 1 < text.size() && text[pos + 1] == '\\') {
      bytes.push_back('\\');
      pos += 2;
    } else {
      throw SqlError(SqlState::kInvalidTextRepresentation, "invalid input syntax for type bytea");
    }
  }
  return bytes;
}

std::string FormatFloat64(double value, int extra_float_digits) {
  if (extra_float_digits > 0) return FormatFloat(value, std::numeric_limits<double>::digits10);
  return FormatFloatDigits(value, std::numeric_limits<double>::digits10 + extra_float_digits);
}

std::string FormatFloat32(float value, int extra_float_digits) {
  if (extra_float_digits > 0) return FormatFloat(value, std::numeric_limits<float>::digits10);
  return FormatFloatDigits(value, std::numeric_limits<float>::digits10 + extra_float_digits);
}

std::string FormatBytea(std::string_view bytes, bool escape_format) {
  if (escape_format) return FormatByteaEscape(bytes);
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 + bytes.size() * 2);
  text += "\\x";
  for (char c : bytes) {
    unsigned char byte = static_cast<unsigned char>(c);
    text.push_back(kHexDigits[byte >> 4]);
    text.push_back(kHexDigits[byte & 0xf]);
  }
  return text;
}

}  // namespace tessera::text_format
