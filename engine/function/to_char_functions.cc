// SPDX-License-Identifier: Apache-2.0
// to_char(value, pattern) for timestamps (in the session's zone for timestamptz), intervals and numbers.
// Number patterns are PostgreSQL's: digit positions 9 and 0, decimal point . D, group separators , G,
// signs S MI PL SG PR, EEEE, V, TH, RN, L, FM and quoted literals.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "base/datetime.h"
#include "base/decimal.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/temporal_values.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder


namespace {

enum class TokenKind {
  kDigitNine, kDigitZero, kPoint, kGroup, kSign, kMinus, kPlus, kSignGlyph, kBrackets, kExponent, kShift,
  kOrdinalUpper, kOrdinalLower, kRomanUpper, kRomanLower, kCurrency, kLiteral
};

struct Token {
  TokenKind kind;
  std::string text;  // for kLiteral
};

struct Pattern {
  std::vector<Token> tokens;
  bool fill_mode = false;
  int pre = 0;             // digit positions before the decimal point (including those after V)
  int post = 0;            // digit positions after the decimal point
  int shift = 0;           // digits after V: the value is multiplied by 10^shift
  int zero_start = -1;     // first pre position holding '0' (zeros are printed from there), or -1
  int zero_end = 0;        // post positions up to the last '0' keep their zeros under FM
  bool has_point = false;
  bool leading_sign = false;  // S before the digits floats to the number; after them it stays put
  bool anchored_sign = false; // S, MI, SG or PR replace the default sign position
  bool exponent = false;
  bool roman = false;
  bool roman_lower = false;
};

[[noreturn]] void ThrowPatternError(const char* message) { throw SqlError(SqlState::kSyntaxError, message); }

// Keywords as PostgreSQL spells them: upper case or all lower case.
bool StartsWithKeyword(std::string_view rest, std::string_view keyword) {
  if (rest.size() < keyword.size()) return false;
  bool upper = true;
  bool lower = true;
  for (size_t index = 0; index < keyword.size(); ++index) {
    upper = upper && rest[index] == keyword[index];
    lower = lower && rest[index] == static_cast<char>(keyword[index] | 0x20);
  }
  return upper || lower;
}

Pattern ParsePattern(std::string_view text) {
  Pattern pattern;
  bool seen_digit = false;
  bool after_shift = false;
  for (size_t pos = 0; pos < text.size();) {
    const std::string_view rest = text.substr(pos);
    const auto add = [&](TokenKind kind, size_t length) {
      pattern.tokens.push_back(Token{kind, {}});
      pos += length;
    };
    const char ch = rest[0];
    if (ch == '9' || ch == '0') {
      const bool zero = ch == '0';
      if (pattern.has_point) {
        ++pattern.post;
        if (zero) pattern.zero_end = pattern.post;
      } else {
        if (zero && pattern.zero_start < 0) pattern.zero_start = pattern.pre;
        ++pattern.pre;
        if (after_shift) ++pattern.shift;
      }
      seen_digit = true;
      add(zero ? TokenKind::kDigitZero : TokenKind::kDigitNine, 1);
    } else if (ch == '.' || ch == 'D' || ch == 'd') {
      if (pattern.has_point) ThrowPatternError("multiple decimal points");
      if (after_shift) ThrowPatternError("cannot use \"V\" and decimal point together");
      pattern.has_point = true;
      add(TokenKind::kPoint, 1);
    } else if (ch == ',' || ch == 'G' || ch == 'g') {
      add(TokenKind::kGroup, 1);
    } else if (StartsWithKeyword(rest, "FM")) {
      pattern.fill_mode = true;
      pos += 2;
    } else if (StartsWithKeyword(rest, "MI")) {
      pattern.anchored_sign = true;
      add(TokenKind::kMinus, 2);
    } else if (StartsWithKeyword(rest, "PL")) {
      add(TokenKind::kPlus, 2);
    } else if (StartsWithKeyword(rest, "SG")) {
      pattern.anchored_sign = true;
      add(TokenKind::kSignGlyph, 2);
    } else if (StartsWithKeyword(rest, "PR")) {
      pattern.anchored_sign = true;
      add(TokenKind::kBrackets, 2);
    } else if (StartsWithKeyword(rest, "EEEE")) {
      pattern.exponent = true;
      add(TokenKind::kExponent, 4);
    } else if (StartsWithKeyword(rest, "RN")) {
      pattern.roman = true;
      pattern.roman_lower = rest[0] == 'r';
      add(rest[0] == 'R' ? TokenKind::kRomanUpper : TokenKind::kRomanLower, 2);
    } else if (StartsWithKeyword(rest, "TH")) {
      add(rest[0] == 'T' ? TokenKind::kOrdinalUpper : TokenKind::kOrdinalLower, 2);
    } else if (ch == 'S' || ch == 's') {
      pattern.anchored_sign = true;
      pattern.leading_sign = !seen_digit;
      add(TokenKind::kSign, 1);
    } else if (ch == 'V' || ch == 'v') {
      if (pattern.has_point) ThrowPatternError("cannot use \"V\" and decimal point together");
      after_shift = true;
      add(TokenKind::kShift, 1);
    } else if (ch == 'L' || ch == 'l') {
      add(TokenKind::kCurrency, 1);
    } else if (ch == '"') {
      // A quoted literal; inside it a backslash takes the next character as it is.
      std::string literal;
      for (++pos; pos < text.size() && text[pos] != '"'; ++pos) {
        if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
        literal.push_back(text[pos]);
      }
      if (pos < text.size()) ++pos;
      pattern.tokens.push_back(Token{TokenKind::kLiteral, std::move(literal)});
    } else {
      // Outside quotes a backslash is special only before a double quote.
      const size_t length = ch == '\\' && rest.size() > 1 && rest[1] == '"' ? 2 : 1;
      pattern.tokens.push_back(Token{TokenKind::kLiteral, std::string(rest.substr(length - 1, 1))});
      pos += length;
    }
  }
  return pattern;
}

// The digits of the value, split at the decimal point, and its sign.
struct Digits {
  bool negative = false;
  std::string integral;    // "0" for values below one; empty when that zero is suppressed
  std::string fraction;    // up to `post` digits (fewer for floats with too many digits)
  bool overflow = false;   // more integral digits than positions: print '#'
};

std::string Ordinal(const std::string& integral, bool upper) {
  const int last_two = integral.size() >= 2 ? std::stoi(integral.substr(integral.size() - 2)) : std::stoi(integral);
  const char* suffix = "th";
  if (last_two % 100 < 11 || last_two % 100 > 13) {
    if (last_two % 10 == 1) suffix = "st";
    if (last_two % 10 == 2) suffix = "nd";
    if (last_two % 10 == 3) suffix = "rd";
  }
  std::string out = suffix;
  if (upper) {
    for (char& ch : out) ch = static_cast<char>(ch - 32);
  }
  return out;
}

std::string Roman(int64_t value, bool upper, bool fill_mode) {
  if (value < 1 || value > 3999) return std::string(15, '#');
  static constexpr const char* kNumerals[] = {"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"};
  static constexpr int kValues[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
  std::string out;
  for (int index = 0; index < 13; ++index) {
    for (; value >= kValues[index]; value -= kValues[index]) out += kNumerals[index];
  }
  if (!upper) {
    for (char& ch : out) ch = static_cast<char>(ch + 32);
  }
  return fill_mode ? out : std::string(15 - out.size(), ' ') + out;
}

// Renders `digits` into the pattern's positions; `post` fraction positions print (fewer than the
// pattern's for floats with more digits than they hold).
std::string Render(const Pattern& pattern, Digits digits, int post) {
  size_t fraction_keep = std::min<size_t>(digits.fraction.size(), post);
  if (pattern.fill_mode) {
    // Fill mode drops trailing zeros of '9' positions; '0' positions keep theirs.
    const size_t last_digit = digits.fraction.find_last_not_of('0');
    fraction_keep = std::min<size_t>(
        fraction_keep, std::max<size_t>(last_digit == std::string::npos ? 0 : last_digit + 1, pattern.zero_end));
  }
  // A lone integral zero before printed fraction digits is left out (" .50"), unless a '0' position
  // forces it or nothing would follow the point ("0.").
  if (digits.integral == "0" && post > 0 && (pattern.zero_start < 0 || pattern.zero_start >= pattern.pre) &&
      !(pattern.fill_mode && fraction_keep == 0)) {
    digits.integral.clear();
  }
  const int pad = pattern.pre - static_cast<int>(digits.integral.size());
  const std::string blank = pattern.fill_mode ? "" : " ";

  std::string out;
  bool sign_written = false;
  bool printed = false;
  int pre_index = 0;
  int post_index = 0;
  // Writes the floating sign just before the number's first printed character.
  const auto start_number = [&] {
    if (printed) return;
    printed = true;
    if (sign_written) return;
    sign_written = true;
    if (pattern.leading_sign) {
      out += digits.negative ? '-' : '+';
    } else if (!pattern.anchored_sign) {
      out += digits.negative ? "-" : blank;
    }
    for (const Token& token : pattern.tokens) {
      if (token.kind == TokenKind::kBrackets) out += digits.negative ? "<" : blank;
    }
  };
  for (const Token& token : pattern.tokens) {
    switch (token.kind) {
      case TokenKind::kDigitNine:
      case TokenKind::kDigitZero:
        if (pre_index < pattern.pre) {
          const int position = pre_index++;
          if (digits.overflow) {
            start_number();
            out += '#';
          } else if (position >= pad) {
            start_number();
            out += digits.integral[position - pad];
          } else if (pattern.zero_start >= 0 && position >= pattern.zero_start) {
            start_number();
            out += '0';
          } else {
            out += blank;
          }
        } else {
          const int position = post_index++;
          if (digits.overflow) {
            if (position < post) out += '#';
          } else if (position < static_cast<int>(fraction_keep)) {
            out += digits.fraction[position];
          }
        }
        break;
      case TokenKind::kPoint:
        if (post > 0 || digits.overflow) {
          start_number();
          out += '.';
        }
        break;
      case TokenKind::kGroup: out += printed ? "," : blank; break;
      case TokenKind::kSign:
        if (!pattern.leading_sign) out += digits.negative ? '-' : '+';
        break;
      case TokenKind::kMinus: out += digits.negative ? "-" : blank; break;
      case TokenKind::kPlus: out += digits.negative ? blank : "+"; break;
      case TokenKind::kSignGlyph: out += digits.negative ? '-' : '+'; break;
      case TokenKind::kBrackets: out += digits.negative ? ">" : blank; break;
      case TokenKind::kOrdinalUpper:
      case TokenKind::kOrdinalLower:
        if (!digits.negative && !digits.overflow) {
          out += Ordinal(digits.integral.empty() ? "0" : digits.integral, token.kind == TokenKind::kOrdinalUpper);
        }
        break;
      case TokenKind::kCurrency: out += ' '; break;
      case TokenKind::kLiteral: out += token.text; break;
      case TokenKind::kShift:
      case TokenKind::kExponent:
      case TokenKind::kRomanUpper:
      case TokenKind::kRomanLower: break;
    }
  }
  return out;
}

// EEEE: the value in scientific notation with `post` mantissa digits, after the sign position.
std::string RenderExponent(const Pattern& pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*e", pattern.post, std::fabs(value));
  const std::string sign = std::signbit(value) && value != 0 ? "-" : (pattern.fill_mode ? "" : " ");
  return sign + buffer;
}

// EEEE for exact numbers as PostgreSQL's numeric_out_sci: the exponent is that of the unrounded value's
// leading digit, then the mantissa is rounded (so 99.999 with two decimals gives "10.00e+01").
std::string RenderDecimalExponent(const Pattern& pattern, const Decimal& value) {
  int exponent = 0;
  if (value.value != 0) {
    __int128 magnitude = value.value < 0 ? -value.value : value.value;
    int digits = 0;
    for (; magnitude != 0; magnitude /= 10) ++digits;
    exponent = digits - 1 - value.scale;
  }
  // The same digits with the point after the first one: scale + exponent = digits - 1 >= 0.
  const Decimal mantissa{value.value, value.scale + exponent};
  const Decimal rounded = mantissa.Round(pattern.post);
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "e%c%02d", exponent < 0 ? '-' : '+', exponent < 0 ? -exponent : exponent);
  const std::string sign = rounded.Sign() < 0 ? "-" : (pattern.fill_mode ? "" : " ");
  return sign + rounded.Abs().ToString() + suffix;
}

Digits SplitDigits(const std::string& text, int post) {
  Digits digits;
  std::string_view body = text;
  if (!body.empty() && body.front() == '-') {
    digits.negative = true;
    body.remove_prefix(1);
  }
  const size_t point = body.find('.');
  digits.integral = std::string(body.substr(0, point));
  if (point != std::string_view::npos) digits.fraction = std::string(body.substr(point + 1));
  if (static_cast<int>(digits.fraction.size()) < post && text.find('e') == std::string::npos) {
    digits.fraction.resize(post, '0');
  }
  return digits;
}

// Formats an exact number (numeric and integers).
std::string FormatNumber(const Decimal& value, std::string_view pattern_text) {
  const Pattern pattern = ParsePattern(pattern_text);
  Decimal shifted = value;
  if (pattern.shift > 0) {
    __int128 factor = 1;
    for (int digit = 0; digit < pattern.shift; ++digit) factor *= 10;
    shifted = Decimal::Multiply(value, Decimal{factor, 0});
  }
  if (pattern.roman) return Roman(shifted.Round(0).ToInt64(), !pattern.roman_lower, pattern.fill_mode);
  if (pattern.exponent) return RenderDecimalExponent(pattern, shifted);
  const Decimal rounded = shifted.Round(pattern.post);
  Digits digits = SplitDigits(rounded.ToString(), pattern.post);
  digits.negative = rounded.Sign() < 0;
  digits.overflow = static_cast<int>(digits.integral.size()) > pattern.pre;
  return Render(pattern, digits, pattern.post);
}

// Formats a float with at most `significant_digits` digits (15 for float8, 6 for float4), as PostgreSQL.
std::string FormatFloatNumber(double value, std::string_view pattern_text, int significant_digits) {
  Pattern pattern = ParsePattern(pattern_text);
  if (pattern.shift > 0) value *= std::pow(10.0, pattern.shift);
  if (pattern.roman) return Roman(static_cast<int64_t>(std::rint(value)), !pattern.roman_lower, pattern.fill_mode);
  if (pattern.exponent) return RenderExponent(pattern, value);
  if (std::isnan(value)) {
    const int width = pattern.pre + (pattern.post > 0 ? pattern.post + 1 : 0) + (pattern.fill_mode ? 0 : 1);
    return std::string(std::max(width - 3, 0), ' ') + "NaN";
  }
  Digits digits;
  if (std::isinf(value)) {
    digits.negative = value < 0;
    digits.overflow = true;
    return Render(pattern, digits, pattern.post);
  }
  // PostgreSQL prints at most `significant_digits` digits: fewer fraction digits for large values.
  char buffer[512];
  std::snprintf(buffer, sizeof(buffer), "%.0f", std::fabs(value));
  const int integral_length = static_cast<int>(std::string_view(buffer).size());
  int post = pattern.post;
  if (integral_length >= significant_digits) {
    post = 0;
  } else if (integral_length + post > significant_digits) {
    post = significant_digits - integral_length;
  }
  std::snprintf(buffer, sizeof(buffer), "%.*f", post, value);
  digits = SplitDigits(buffer, post);
  digits.overflow = static_cast<int>(digits.integral.size()) > pattern.pre;
  return Render(pattern, digits, post);
}

}  // namespace

void builtin::RegisterToCharFunctions(FunctionRegistry& registry) {
  // Infinite timestamps have no fields to print: NULL, as PostgreSQL.
  for (bool with_zone : {false, true}) {
    AddFunction(registry, "to_char", {with_zone ? kTimestampTzType : kTimestampType, kTextType}, kTextType,
                RowKernel([with_zone](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext& context) {
                  const int64_t timestamp = args[0].Data<int64_t>()[row];
                  if (!IsFiniteTimestamp(timestamp)) {
                    result.SetNull(row, true);
                    return;
                  }
                  // timestamptz: the local time in the session zone, and its TZ/OF fields.
                  result.SetString(row, with_zone ? datetime::TimestampTzToChar(timestamp, args[1].GetString(row),
                                                                                context.time_zone)
                                                  : datetime::TimestampToChar(timestamp, args[1].GetString(row)));
                }));
  }
  AddFunction(registry, "to_char", {kIntervalType, kTextType}, kTextType,
              BinaryStringKernel<Interval, std::string_view>([](const Interval& interval, std::string_view pattern) {
                return datetime::IntervalToChar(interval, pattern);
              }));
  AddFunction(registry, "to_char", {kNumericType, kTextType}, kTextType,
              BinaryStringKernel<Decimal, std::string_view>(FormatNumber));
  AddFunction(registry, "to_char", {kInt32Type, kTextType}, kTextType,
              BinaryStringKernel<int32_t, std::string_view>([](int32_t value, std::string_view pattern) {
                return FormatNumber(Decimal::FromInt64(value), pattern);
              }));
  AddFunction(registry, "to_char", {kInt64Type, kTextType}, kTextType,
              BinaryStringKernel<int64_t, std::string_view>([](int64_t value, std::string_view pattern) {
                return FormatNumber(Decimal::FromInt64(value), pattern);
              }));
  AddFunction(registry, "to_char", {kFloat64Type, kTextType}, kTextType,
              BinaryStringKernel<double, std::string_view>([](double value, std::string_view pattern) {
                return FormatFloatNumber(value, pattern, 15);
              }));
  AddFunction(registry, "to_char", {kFloat32Type, kTextType}, kTextType,
              BinaryStringKernel<float, std::string_view>([](float value, std::string_view pattern) {
                return FormatFloatNumber(value, pattern, 6);
              }));
}

}  // namespace tessera::engine
