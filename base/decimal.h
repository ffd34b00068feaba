// SPDX-License-Identifier: Apache-2.0
// Decimal: PostgreSQL's numeric as an exact 128-bit scaled integer (up to 38 significant digits).
// Values beyond that range raise 22003 rather than lose precision.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tessera {

struct Decimal {
  __int128 value = 0;  // unscaled: the number is value / 10^scale
  int32_t scale = 0;   // digits after the decimal point, 0..38

  static constexpr int kMaxDigits = 38;
  // PostgreSQL's rule for division and functions without a declared scale: at least this many digits.
  static constexpr int kMinDisplayScale = 0;
  static constexpr int kDivisionMinScale = 16;

  // Parses PostgreSQL numeric input: optional sign, digits, point, exponent ("1.5e3"), surrounding
  // spaces, and 'NaN' (rejected: 0A000). Throws SqlError 22P02 on bad text, 22003 when out of range.
  static Decimal Parse(std::string_view text);
  static Decimal FromInt64(int64_t number);
  // Converts as PostgreSQL's float8 -> numeric cast does (15 significant digits). NaN/inf: 22003.
  static Decimal FromDouble(double number);

  // Prints as PostgreSQL does: all `scale` digits after the point, no exponent ("1.50", "-0.001").
  std::string ToString() const;
  double ToDouble() const;
  // Rounds half away from zero to an integer; throws 22003 when it does not fit int64.
  int64_t ToInt64() const;
  // As ToInt64 for int4 and int2: 22003 "integer out of range" / "smallint out of range".
  int32_t ToInt32() const;
  int16_t ToInt16() const;

  // Returns the value rounded half away from zero (or zero-extended) to `new_scale` digits.
  // Throws 22003 when the result needs more than 38 digits.
  Decimal Rescale(int new_scale) const;
  // Applies a numeric(p,s) typmod: rounds to s digits; throws 22003 "numeric field overflow" when the
  // integral part needs more than p - s digits.
  Decimal ApplyTypmod(int precision, int scale) const;
  // Removes trailing fractional zeros (for hashing and grouping: 1.0 and 1.00 are equal).
  Decimal Normalized() const;

  Decimal Negate() const { return Decimal{-value, scale}; }
  int Sign() const { return value > 0 ? 1 : (value < 0 ? -1 : 0); }

  // Arithmetic with PostgreSQL's result scales; throw 22003 on overflow, 22012 on division by zero.
  static Decimal Add(const Decimal& a, const Decimal& b);
  static Decimal Subtract(const Decimal& a, const Decimal& b);
  static Decimal Multiply(const Decimal& a, const Decimal& b);
  // Result scale as PostgreSQL's select_div_scale: at least 16 significant digits and at least the
  // larger input scale, at most 38 digits in total.
  static Decimal Divide(const Decimal& a, const Decimal& b);
  static Decimal Modulo(const Decimal& a, const Decimal& b);
  // Integer division truncating toward zero (div()).
  static Decimal DivideTrunc(const Decimal& a, const Decimal& b);
  // -1, 0, 1; equal values with different scales compare equal.
  static int Compare(const Decimal& a, const Decimal& b);

  Decimal Abs() const { return Decimal{value < 0 ? -value : value, scale}; }
  // round(x, d) / trunc(x, d) / floor / ceil as PostgreSQL: d may be negative.
  Decimal Round(int digits) const;
  Decimal Trunc(int digits) const;
  Decimal Floor() const;
  Decimal Ceil() const;
  // Square root to PostgreSQL's result scale; negative input throws 2201F.
  Decimal Sqrt() const;
  // Square root rounded to `result_scale` digits (fewer when 38 digits would not fit the integral part).
  Decimal SqrtToScale(int result_scale) const;

  // Hash consistent with Compare: equal values hash equal whatever their scale.
  uint64_t Hash() const;
};

}  // namespace tessera
