// SPDX-License-Identifier: Apache-2.0
// Decimal: PostgreSQL numeric semantics (input, output, result scales, rounding) on 128-bit integers.
#include "base/decimal.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include "base/check.h"
#include "base/error.h"

namespace tessera {
namespace {

using Uint128 = unsigned __int128;

constexpr int kMaxScale = Decimal::kMaxDigits;
// PostgreSQL stores numeric in base-10000 groups; its scale rules for / and sqrt count in groups.
constexpr int kPgGroupDigits = 4;
constexpr int kPgMaxDisplayScale = 1000;
constexpr int kPgMaxResultScale = 2000;
constexpr int kPgMaxDscale = 16383;
// Exponents beyond this cannot produce a representable value; clamping keeps the arithmetic small.
constexpr int64_t kExponentClamp = 1'000'000'000;

constexpr std::array<Uint128, 39> MakePowersOfTen() {
  std::array<Uint128, 39> powers{};
  Uint128 power = 1;
  for (auto& entry : powers) {
    entry = power;
    power *= 10;
  }
  return powers;
}
constexpr std::array<Uint128, 39> kPowersOfTen = MakePowersOfTen();
constexpr Uint128 kDigitLimit = kPowersOfTen[Decimal::kMaxDigits - 1] * 10;  // 10^38

Uint128 PowerOfTen(int exponent) { return kPowersOfTen[exponent]; }

Uint128 Magnitude(__int128 number) { return number < 0 ? -static_cast<Uint128>(number) : number; }

__int128 WithSign(bool negative, Uint128 magnitude) {
  __int128 signed_magnitude = static_cast<__int128>(magnitude);
  return negative ? -signed_magnitude : signed_magnitude;
}

// Returns the number of decimal digits of `number`, 0 for zero.
int DigitCount(Uint128 number) {
  return static_cast<int>(std::upper_bound(kPowersOfTen.begin(), kPowersOfTen.end(), number) - kPowersOfTen.begin());
}

int FloorDiv(int numerator, int denominator) {
  int quotient = numerator / denominator;
  return (numerator % denominator != 0 && numerator < 0) ? quotient - 1 : quotient;
}

[[noreturn]] void ThrowOverflow() {
  throw SqlError(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
}

// A result PostgreSQL gives with more digits than the 38 of a Decimal: rounding it would answer
// another value.
[[noreturn]] void ThrowTooManyDigits() {
  throw SqlError(SqlState::kFeatureNotSupported, "numeric values of more than 38 digits are not supported yet");
}

[[noreturn]] void ThrowDivisionByZero() { throw SqlError(SqlState::kDivisionByZero, "division by zero"); }

[[noreturn]] void ThrowInvalidNumeric(std::string_view text) {
  throw SqlError(SqlState::kInvalidTextRepresentation,
                 "invalid input syntax for type numeric: \"" + std::string(text) + "\"");
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualsIgnoreCase(std::string_view text, std::string_view word) {
  if (text.size() != word.size()) return false;
  for (size_t index = 0; index < text.size(); ++index) {
    char c = text[index];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[index]) return false;
  }
  return true;
}

// An unsigned 384-bit integer for intermediate results: a 38-digit value times 10^76 still fits.
class Wide {
 public:
  static constexpr int kLimbs = 6;

  Wide() = default;
  explicit Wide(Uint128 number) {
    limbs_[0] = static_cast<uint64_t>(number);
    limbs_[1] = static_cast<uint64_t>(number >> 64);
  }

  bool FitsUint128() const { return limbs_[2] == 0 && limbs_[3] == 0 && limbs_[4] == 0 && limbs_[5] == 0; }
  bool FitsUint64() const { return FitsUint128() && limbs_[1] == 0; }
  Uint128 ToUint128() const { return (static_cast<Uint128>(limbs_[1]) << 64) | limbs_[0]; }
  bool IsZero() const { return FitsUint64() && limbs_[0] == 0; }

  int BitLength() const {
    for (int limb = kLimbs - 1; limb >= 0; --limb) {
      if (limbs_[limb] != 0) return limb * 64 + 64 - __builtin_clzll(limbs_[limb]);
    }
    return 0;
  }
  bool Bit(int index) const { return (limbs_[index / 64] >> (index % 64)) & 1; }
  void SetBit(int index) { limbs_[index / 64] |= uint64_t{1} << (index % 64); }

  // REQUIRES: the product fits in 384 bits.
  void MultiplySmall(uint64_t factor) {
    Uint128 carry = 0;
    for (uint64_t& limb : limbs_) {
      Uint128 product = static_cast<Uint128>(limb) * factor + carry;
      limb = static_cast<uint64_t>(product);
      carry = product >> 64;
    }
    TESSERA_DCHECK(carry == 0);
  }

  // Divides in place and returns the remainder.
  uint64_t DivideSmall(uint64_t divisor) {
    Uint128 remainder = 0;
    for (int limb = kLimbs - 1; limb >= 0; --limb) {
      Uint128 current = (remainder << 64) | limbs_[limb];
      limbs_[limb] = static_cast<uint64_t>(current / divisor);
      remainder = current % divisor;
    }
    return static_cast<uint64_t>(remainder);
  }

  void Add(const Wide& other) {
    Uint128 carry = 0;
    for (int limb = 0; limb < kLimbs; ++limb) {
      Uint128 sum = static_cast<Uint128>(limbs_[limb]) + other.limbs_[limb] + carry;
      limbs_[limb] = static_cast<uint64_t>(sum);
      carry = sum >> 64;
    }
  }

  // REQUIRES: *this >= other.
  void Subtract(const Wide& other) {
    uint64_t borrow = 0;
    for (int limb = 0; limb < kLimbs; ++limb) {
      uint64_t subtrahend = other.limbs_[limb] + borrow;
      uint64_t next_borrow = (subtrahend < borrow || limbs_[limb] < subtrahend) ? 1 : 0;
      limbs_[limb] -= subtrahend;
      borrow = next_borrow;
    }
  }

  void ShiftLeftOne() {
    for (int limb = kLimbs - 1; limb > 0; --limb) limbs_[limb] = (limbs_[limb] << 1) | (limbs_[limb - 1] >> 63);
    limbs_[0] <<= 1;
  }

  static int Compare(const Wide& a, const Wide& b) {
    for (int limb = kLimbs - 1; limb >= 0; --limb) {
      if (a.limbs_[limb] != b.limbs_[limb]) return a.limbs_[limb] < b.limbs_[limb] ? -1 : 1;
    }
    return 0;
  }

  static Wide Multiply(Uint128 a, Uint128 b) {
    const uint64_t a_parts[2] = {static_cast<uint64_t>(a), static_cast<uint64_t>(a >> 64)};
    const uint64_t b_parts[2] = {static_cast<uint64_t>(b), static_cast<uint64_t>(b >> 64)};
    Wide product;
    for (int a_index = 0; a_index < 2; ++a_index) {
      Uint128 carry = 0;
      for (int b_index = 0; b_index < 2; ++b_index) {
        uint64_t& limb = product.limbs_[a_index + b_index];
        Uint128 partial = static_cast<Uint128>(a_parts[a_index]) * b_parts[b_index] + limb + carry;
        limb = static_cast<uint64_t>(partial);
        carry = partial >> 64;
      }
      product.limbs_[a_index + 2] = static_cast<uint64_t>(carry);
    }
    return product;
  }

 private:
  uint64_t limbs_[kLimbs] = {};
};

constexpr int kMaxWidePower = 115;
constexpr uint64_t kTenToNineteen = 10'000'000'000'000'000'000ULL;

const Wide& WidePowerOfTen(int exponent) {
  static const std::array<Wide, kMaxWidePower + 1> powers = [] {
    std::array<Wide, kMaxWidePower + 1> table;
    table[0] = Wide(1);
    for (int index = 1; index <= kMaxWidePower; ++index) {
      table[index] = table[index - 1];
      table[index].MultiplySmall(10);
    }
    return table;
  }();
  return powers[exponent];
}

int WideDigitCount(const Wide& number) {
  if (number.FitsUint128()) return DigitCount(number.ToUint128());
  int low = 39;  // number >= 2^128 > 10^38
  int high = kMaxWidePower + 1;
  while (low < high) {  // finds the count of powers of ten <= number
    int middle = (low + high) / 2;
    if (Wide::Compare(WidePowerOfTen(middle), number) <= 0) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

// Returns magnitude * 10^exponent; REQUIRES: the result has at most 115 digits.
Wide ScaleUp(Uint128 magnitude, int exponent) {
  Wide result(magnitude);
  for (; exponent >= 19; exponent -= 19) result.MultiplySmall(kTenToNineteen);
  if (exponent > 0) result.MultiplySmall(static_cast<uint64_t>(PowerOfTen(exponent)));
  return result;
}

void WideDivMod(const Wide& numerator, const Wide& denominator, Wide* quotient, Wide* remainder) {
  if (numerator.FitsUint128() && denominator.FitsUint128()) {
    *quotient = Wide(numerator.ToUint128() / denominator.ToUint128());
    *remainder = Wide(numerator.ToUint128() % denominator.ToUint128());
    return;
  }
  if (denominator.FitsUint64()) {
    *quotient = numerator;
    *remainder = Wide(quotient->DivideSmall(static_cast<uint64_t>(denominator.ToUint128())));
    return;
  }
  // Long division, one bit at a time; only reached for operands beyond 128 bits.
  *quotient = Wide();
  *remainder = Wide();
  for (int bit = numerator.BitLength() - 1; bit >= 0; --bit) {
    remainder->ShiftLeftOne();
    if (numerator.Bit(bit)) remainder->SetBit(0);
    if (Wide::Compare(*remainder, denominator) >= 0) {
      remainder->Subtract(denominator);
      quotient->SetBit(bit);
    }
  }
}

// Builds a Decimal from magnitude / 10^scale: throws 22003 when the integral part alone needs more than
// 38 digits, and 0A000 when the fraction does not fit beside it.
Decimal FitToDecimal(bool negative, Wide magnitude, int scale) {
  int drop = std::max(scale - kMaxScale, WideDigitCount(magnitude) - Decimal::kMaxDigits);
  if (drop > 0) {
    if (drop > scale) ThrowOverflow();
    ThrowTooManyDigits();
  }
  return Decimal{WithSign(negative, magnitude.ToUint128()), scale};
}

Decimal MakeDecimal(bool negative, Uint128 magnitude, int scale) {
  if (magnitude < kDigitLimit && scale <= kMaxScale) return Decimal{WithSign(negative, magnitude), scale};
  return FitToDecimal(negative, Wide(magnitude), scale);
}

// Multiplies by 10^exponent; returns false on overflow of the 38-digit range.
bool ScaleUpExact(__int128 number, int exponent, __int128* result) {
  if (exponent > kMaxScale) {
    *result = 0;
    return number == 0;
  }
  return !__builtin_mul_overflow(number, static_cast<__int128>(PowerOfTen(exponent)), result) &&
         Magnitude(*result) < kDigitLimit;
}

enum class RoundingMode { kHalfAwayFromZero, kTruncate };

// Returns `number` with `target` fractional digits (negative: rounds to tens, hundreds, ...) and scale
// max(target, 0). Zero-extension past 38 digits stops at 38 digits, or throws 22003 when `strict`.
Decimal ChangeScale(const Decimal& number, int target, RoundingMode mode, bool strict) {
  target = std::clamp(target, -kPgMaxResultScale, kPgMaxResultScale);
  Uint128 magnitude = Magnitude(number.value);
  if (target >= number.scale) {
    int room = std::min(kMaxScale, Decimal::kMaxDigits - DigitCount(magnitude) + number.scale);
    if (target > room) {
      if (strict) ThrowOverflow();
      target = room;
    }
    return Decimal{number.value * static_cast<__int128>(PowerOfTen(target - number.scale)), target};
  }
  int drop = number.scale - target;
  Uint128 kept = 0;
  if (drop <= Decimal::kMaxDigits) {  // otherwise every digit goes and the first dropped one is a zero
    kept = magnitude / PowerOfTen(drop);
    if (mode == RoundingMode::kHalfAwayFromZero && (magnitude / PowerOfTen(drop - 1)) % 10 >= 5) ++kept;
  }
  if (target < 0 && kept != 0) {
    if (DigitCount(kept) - target > Decimal::kMaxDigits) ThrowOverflow();
    kept *= PowerOfTen(-target);
  }
  return Decimal{WithSign(number.value < 0, kept), std::max(target, 0)};
}

// PostgreSQL's view of a value in base 10000: the weight (power of 10000) of the first non-zero group
// and that group's value; zero has weight 0 and group 0.
void LeadingGroup(const Decimal& number, int* weight, int* group) {
  Uint128 magnitude = Magnitude(number.value);
  if (magnitude == 0) {
    *weight = 0;
    *group = 0;
    return;
  }
  int exponent = DigitCount(magnitude) - number.scale - 1;  // 10^exponent <= |number|
  *weight = FloorDiv(exponent, kPgGroupDigits);
  int shift = number.scale + *weight * kPgGroupDigits;
  *group = static_cast<int>(shift >= 0 ? magnitude / PowerOfTen(shift) : magnitude * PowerOfTen(-shift));
}

// select_div_scale: enough fractional digits for 16 significant ones, and no fewer than the inputs have.
int SelectDivisionScale(const Decimal& a, const Decimal& b) {
  int weight_a, group_a, weight_b, group_b;
  LeadingGroup(a, &weight_a, &group_a);
  LeadingGroup(b, &weight_b, &group_b);
  int quotient_weight = weight_a - weight_b;
  if (group_a <= group_b) --quotient_weight;
  int scale = Decimal::kDivisionMinScale - quotient_weight * kPgGroupDigits;
  scale = std::max({scale, a.scale, b.scale, Decimal::kMinDisplayScale});
  return std::min(scale, kPgMaxDisplayScale);
}

// Returns floor(sqrt(number)) by Newton's iteration from above.
Wide IntegerSquareRoot(const Wide& number) {
  if (number.IsZero()) return Wide();
  Wide estimate;
  estimate.SetBit((number.BitLength() + 1) / 2);  // >= sqrt(number)
  while (true) {
    Wide quotient, remainder;
    WideDivMod(number, estimate, &quotient, &remainder);
    quotient.Add(estimate);
    quotient.DivideSmall(2);
    if (Wide::Compare(quotient, estimate) >= 0) return estimate;
    estimate = quotient;
  }
}

// numeric_int8/int4/int2: rounds half away from zero, then checks the target type's range.
template <typename Int>
Int RoundToInteger(const Decimal& number, const char* type_name) {
  Decimal rounded = ChangeScale(number, 0, RoundingMode::kHalfAwayFromZero, false);
  if (rounded.value > std::numeric_limits<Int>::max() || rounded.value < std::numeric_limits<Int>::min()) {
    throw SqlError(SqlState::kNumericValueOutOfRange, std::string(type_name) + " out of range");
  }
  return static_cast<Int>(rounded.value);
}

// Numeric input split into its parts: the value is significant * 10^(exponent - fraction_digits).
struct NumericText {
  static constexpr int kKeptDigits = Decimal::kMaxDigits + 2;
  bool negative = false;
  // The first significant digits only: at most 38 are kept, and the next one decides rounding.
  char significant[kKeptDigits] = {};
  int64_t significant_count = 0;  // all significant digits, leading zeros excluded
  int64_t fraction_digits = 0;    // digits written after the point, zeros included
  int64_t exponent = 0;
};

// Scans set_var_from_str's syntax: sign, digits with at most one point (one digit at least), then an
// optional exponent that strtol reads (spaces allowed after the 'e'). `body` has no outer spaces.
NumericText ScanNumericText(std::string_view body, std::string_view text) {
  NumericText number;
  size_t pos = 0;
  if (pos < body.size() && (body[pos] == '+' || body[pos] == '-')) number.negative = body[pos++] == '-';
  bool any_digit = false;
  bool seen_point = false;
  for (; pos < body.size(); ++pos) {
    char c = body[pos];
    if (IsDigit(c)) {
      any_digit = true;
      if (seen_point) ++number.fraction_digits;
      if (number.significant_count == 0 && c == '0') continue;
      if (number.significant_count < NumericText::kKeptDigits) number.significant[number.significant_count] = c;
      ++number.significant_count;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any_digit) ThrowInvalidNumeric(text);
  if (pos < body.size() && (body[pos] == 'e' || body[pos] == 'E')) {
    ++pos;
    while (pos < body.size() && IsSpace(body[pos])) ++pos;
    bool exponent_negative = false;
    if (pos < body.size() && (body[pos] == '+' || body[pos] == '-')) exponent_negative = body[pos++] == '-';
    if (pos >= body.size() || !IsDigit(body[pos])) ThrowInvalidNumeric(text);
    for (; pos < body.size() && IsDigit(body[pos]); ++pos) {
      number.exponent = std::min(number.exponent * 10 + (body[pos] - '0'), kExponentClamp);
    }
    if (exponent_negative) number.exponent = -number.exponent;
  }
  if (pos != body.size()) ThrowInvalidNumeric(text);
  return number;
}

// Builds the Decimal with PostgreSQL's display scale (digits after the point, less the exponent),
// giving up fractional digits where the total would pass 38.
Decimal DecimalFromText(const NumericText& number) {
  int64_t display_scale = std::max<int64_t>(0, number.fraction_digits - number.exponent);
  if (display_scale > kPgMaxDscale) ThrowOverflow();
  if (number.significant_count == 0) {
    if (display_scale > kMaxScale) ThrowTooManyDigits();
    return Decimal{0, static_cast<int32_t>(display_scale)};
  }
  int64_t integral_digits = number.significant_count + number.exponent - number.fraction_digits;
  if (integral_digits > Decimal::kMaxDigits) ThrowOverflow();
  // Rounding away digits PostgreSQL keeps would answer another value (1e-300 would be 0).
  if (display_scale > Decimal::kMaxDigits - std::max<int64_t>(integral_digits, 0)) ThrowTooManyDigits();
  int scale = static_cast<int>(display_scale);
  int64_t keep = integral_digits + scale;  // digits of the unscaled result, at most 38
  Uint128 magnitude = 0;
  if (keep >= 0) {
    int64_t available = std::min(keep, number.significant_count);
    for (int64_t index = 0; index < available; ++index) {
      magnitude = magnitude * 10 + static_cast<Uint128>(number.significant[index] - '0');
    }
    if (keep > number.significant_count) {
      magnitude *= PowerOfTen(static_cast<int>(keep - number.significant_count));
    } else if (keep < number.significant_count && number.significant[keep] >= '5') {
      ++magnitude;
    }
  }
  return MakeDecimal(number.negative, magnitude, scale);
}

}  // namespace

Decimal Decimal::Parse(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  std::string_view body = text.substr(begin, end - begin);
  for (std::string_view word : {"nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"}) {
    if (EqualsIgnoreCase(body, word)) {
      throw SqlError(SqlState::kFeatureNotSupported, "numeric value \"" + std::string(text) + "\" is not supported");
    }
  }
  return DecimalFromText(ScanNumericText(body, text));
}

Decimal Decimal::FromInt64(int64_t number) { return Decimal{number, 0}; }

Decimal Decimal::FromDouble(double number) {
  if (std::isnan(number)) throw SqlError(SqlState::kNumericValueOutOfRange, "cannot convert NaN to numeric");
  if (std::isinf(number)) {
    throw SqlError(SqlState::kNumericValueOutOfRange, "cannot convert infinity to numeric");
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), number, std::chars_format::general, 15);
  return Parse(std::string_view(buffer, result.ptr - buffer));
}

std::string Decimal::ToString() const {
  char digits[kMaxDigits + 2];
  int count = 0;
  Uint128 magnitude = Magnitude(value);
  while (magnitude >= kTenToNineteen) {  // peels 19 digits at a time to avoid slow 128-bit divisions
    uint64_t chunk = static_cast<uint64_t>(magnitude % kTenToNineteen);
    magnitude /= kTenToNineteen;
    for (int index = 0; index < 19; ++index, chunk /= 10) digits[count++] = static_cast<char>('0' + chunk % 10);
  }
  for (uint64_t rest = static_cast<uint64_t>(magnitude); rest != 0; rest /= 10) {
    digits[count++] = static_cast<char>('0' + rest % 10);
  }
  while (count <= scale) digits[count++] = '0';  // at least one digit before the point
  std::string text;
  text.reserve(count + 2);
  if (value < 0) text.push_back('-');
  for (int index = count - 1; index >= 0; --index) {
    if (index == scale - 1) text.push_back('.');
    text.push_back(digits[index]);
  }
  return text;
}

double Decimal::ToDouble() const {
  constexpr __int128 kExactDoubleLimit = __int128{1} << 53;
  if (scale <= 22 && value < kExactDoubleLimit && value > -kExactDoubleLimit) {
    // Both operands are exact doubles, so one correctly rounded division equals strtod's result.
    return static_cast<double>(value) / static_cast<double>(PowerOfTen(scale));
  }
  std::string text = ToString();
  double result = 0;
  std::from_chars(text.data(), text.data() + text.size(), result);
  return result;
}

int64_t Decimal::ToInt64() const { return RoundToInteger<int64_t>(*this, "bigint"); }
int32_t Decimal::ToInt32() const { return RoundToInteger<int32_t>(*this, "integer"); }
int16_t Decimal::ToInt16() const { return RoundToInteger<int16_t>(*this, "smallint"); }

Decimal Decimal::Rescale(int new_scale) const {
  return ChangeScale(*this, new_scale, RoundingMode::kHalfAwayFromZero, true);
}

Decimal Decimal::ApplyTypmod(int precision, int scale) const {
  int max_digits = precision - scale;
  auto field_overflow = [&] {
    std::string limit = max_digits != 0 ? "10^" + std::to_string(max_digits) : "1";
    return SqlError(SqlState::kNumericValueOutOfRange, "numeric field overflow")
        .WithDetail("A field with precision " + std::to_string(precision) + ", scale " + std::to_string(scale) +
                    " must round to an absolute value less than " + limit + ".");
  };
  Decimal rounded;
  try {
    rounded = ChangeScale(*this, scale, RoundingMode::kHalfAwayFromZero, false);
  } catch (const SqlError&) {  // rounding to tens and up carried into a 39th integral digit
    if (max_digits <= kMaxDigits) throw field_overflow();
    throw;
  }
  Uint128 magnitude = Magnitude(rounded.value);
  if (magnitude != 0 && DigitCount(magnitude) - rounded.scale > max_digits) throw field_overflow();
  return rounded;
}

Decimal Decimal::Normalized() const {
  Decimal result = *this;
  if (result.value == 0) return Decimal{0, 0};
  while (result.scale > 0 && result.value % 10 == 0) {
    result.value /= 10;
    --result.scale;
  }
  return result;
}

Decimal Decimal::Add(const Decimal& a, const Decimal& b) {
  int scale = std::max(a.scale, b.scale);
  __int128 a_aligned, b_aligned, sum;
  if (ScaleUpExact(a.value, scale - a.scale, &a_aligned) && ScaleUpExact(b.value, scale - b.scale, &b_aligned) &&
      !__builtin_add_overflow(a_aligned, b_aligned, &sum) && Magnitude(sum) < kDigitLimit) {
    return Decimal{sum, scale};
  }
  Wide a_magnitude = ScaleUp(Magnitude(a.value), scale - a.scale);
  Wide b_magnitude = ScaleUp(Magnitude(b.value), scale - b.scale);
  bool a_negative = a.value < 0;
  if (a_negative == (b.value < 0)) {
    a_magnitude.Add(b_magnitude);
    return FitToDecimal(a_negative, a_magnitude, scale);
  }
  if (Wide::Compare(a_magnitude, b_magnitude) >= 0) {
    a_magnitude.Subtract(b_magnitude);
    return FitToDecimal(a_negative, a_magnitude, scale);
  }
  b_magnitude.Subtract(a_magnitude);
  return FitToDecimal(!a_negative, b_magnitude, scale);
}

Decimal Decimal::Subtract(const Decimal& a, const Decimal& b) { return Add(a, b.Negate()); }

Decimal Decimal::Multiply(const Decimal& a, const Decimal& b) {
  int scale = a.scale + b.scale;
  __int128 product;
  if (scale <= kMaxScale && !__builtin_mul_overflow(a.value, b.value, &product) && Magnitude(product) < kDigitLimit) {
    return Decimal{product, scale};
  }
  bool negative = (a.value < 0) != (b.value < 0);
  return FitToDecimal(negative, Wide::Multiply(Magnitude(a.value), Magnitude(b.value)), scale);
}

Decimal Decimal::Divide(const Decimal& a, const Decimal& b) {
  if (b.value == 0) ThrowDivisionByZero();
  int scale = SelectDivisionScale(a, b);
  Uint128 a_magnitude = Magnitude(a.value);
  Uint128 b_magnitude = Magnitude(b.value);
  if (scale > kMaxScale) ThrowTooManyDigits();
  if (a_magnitude == 0) return Decimal{0, scale};
  bool negative = (a.value < 0) != (b.value < 0);
  // The quotient is a * 10^shift / b, with at most 39 digits when the shift is below the cap; a 39th
  // digit, or a larger shift, means PostgreSQL's result has more digits than a Decimal.
  int shift = scale + b.scale - a.scale;
  int max_shift = kMaxDigits + DigitCount(b_magnitude) - DigitCount(a_magnitude);
  if (shift > max_shift) {
    if (scale - (shift - max_shift) < 0) ThrowOverflow();
    ThrowTooManyDigits();
  }
  if (shift >= 0 && DigitCount(a_magnitude) + shift <= kMaxDigits) {
    Uint128 numerator = a_magnitude * PowerOfTen(shift);
    Uint128 quotient = numerator / b_magnitude;
    Uint128 remainder = numerator % b_magnitude;
    if (remainder >= b_magnitude - remainder) ++quotient;
    return MakeDecimal(negative, quotient, scale);
  }
  Wide numerator = shift >= 0 ? ScaleUp(a_magnitude, shift) : Wide(a_magnitude);
  Wide denominator = shift >= 0 ? Wide(b_magnitude) : ScaleUp(b_magnitude, -shift);
  Wide quotient, remainder;
  WideDivMod(numerator, denominator, &quotient, &remainder);
  if (WideDigitCount(quotient) <= kMaxDigits) {  // rounds here; a 39th digit is rounded off by the fit
    remainder.ShiftLeftOne();
    if (Wide::Compare(remainder, denominator) >= 0) quotient.Add(Wide(1));
  }
  return FitToDecimal(negative, quotient, scale);
}

Decimal Decimal::Modulo(const Decimal& a, const Decimal& b) {
  if (b.value == 0) ThrowDivisionByZero();
  int scale = std::max(a.scale, b.scale);
  __int128 a_aligned, b_aligned;
  if (ScaleUpExact(a.value, scale - a.scale, &a_aligned) && ScaleUpExact(b.value, scale - b.scale, &b_aligned)) {
    return Decimal{a_aligned % b_aligned, scale};
  }
  Wide quotient, remainder;
  WideDivMod(ScaleUp(Magnitude(a.value), scale - a.scale), ScaleUp(Magnitude(b.value), scale - b.scale), &quotient,
             &remainder);
  return FitToDecimal(a.value < 0, remainder, scale);
}

Decimal Decimal::DivideTrunc(const Decimal& a, const Decimal& b) {
  if (b.value == 0) ThrowDivisionByZero();
  int scale = std::max(a.scale, b.scale);
  __int128 a_aligned, b_aligned;
  if (ScaleUpExact(a.value, scale - a.scale, &a_aligned) && ScaleUpExact(b.value, scale - b.scale, &b_aligned)) {
    return Decimal{a_aligned / b_aligned, 0};
  }
  Wide quotient, remainder;
  WideDivMod(ScaleUp(Magnitude(a.value), scale - a.scale), ScaleUp(Magnitude(b.value), scale - b.scale), &quotient,
             &remainder);
  return FitToDecimal((a.value < 0) != (b.value < 0), quotient, 0);
}

int Decimal::Compare(const Decimal& a, const Decimal& b) {
  if (a.scale == b.scale) return a.value < b.value ? -1 : (a.value > b.value ? 1 : 0);
  int a_sign = a.Sign();
  int b_sign = b.Sign();
  if (a_sign != b_sign || a_sign == 0) return a_sign < b_sign ? -1 : (a_sign > b_sign ? 1 : 0);
  int scale = std::max(a.scale, b.scale);
  __int128 a_aligned, b_aligned;
  if (ScaleUpExact(a.value, scale - a.scale, &a_aligned) && ScaleUpExact(b.value, scale - b.scale, &b_aligned)) {
    return a_aligned < b_aligned ? -1 : (a_aligned > b_aligned ? 1 : 0);
  }
  int magnitude_order =
      Wide::Compare(ScaleUp(Magnitude(a.value), scale - a.scale), ScaleUp(Magnitude(b.value), scale - b.scale));
  return a_sign > 0 ? magnitude_order : -magnitude_order;
}

Decimal Decimal::Round(int digits) const { return ChangeScale(*this, digits, RoundingMode::kHalfAwayFromZero, false); }

Decimal Decimal::Trunc(int digits) const { return ChangeScale(*this, digits, RoundingMode::kTruncate, false); }

Decimal Decimal::Floor() const {
  if (scale == 0) return *this;
  __int128 divisor = static_cast<__int128>(PowerOfTen(scale));
  __int128 quotient = value / divisor;
  return Decimal{value % divisor < 0 ? quotient - 1 : quotient, 0};
}

Decimal Decimal::Ceil() const {
  if (scale == 0) return *this;
  __int128 divisor = static_cast<__int128>(PowerOfTen(scale));
  __int128 quotient = value / divisor;
  return Decimal{value % divisor > 0 ? quotient + 1 : quotient, 0};
}

Decimal Decimal::Sqrt() const {
  if (value < 0) {
    throw SqlError(SqlState::kInvalidArgumentForPowerFunction, "cannot take square root of a negative number");
  }
  // PostgreSQL's scale: 16 significant digits, estimated from the input's base-10000 weight.
  int weight, group;
  LeadingGroup(*this, &weight, &group);
  int result_weight = (weight + 1) * kPgGroupDigits / 2 - 1;
  int result_scale = std::max({kDivisionMinScale - result_weight, static_cast<int>(scale), kMinDisplayScale});
  return SqrtToScale(std::min(result_scale, kPgMaxDisplayScale));
}

Decimal Decimal::SqrtToScale(int result_scale) const {
  if (value < 0) {
    throw SqlError(SqlState::kInvalidArgumentForPowerFunction, "cannot take square root of a negative number");
  }
  // The root of a k-digit integral part has ceil(k / 2) digits; the scale gives way to fit 38 digits.
  Uint128 magnitude = Magnitude(value);
  int integral_digits = std::max(DigitCount(magnitude) - scale, 0);
  result_scale = std::min(result_scale, kMaxDigits - (integral_digits + 1) / 2);
  result_scale = std::max(result_scale, (static_cast<int>(scale) + 1) / 2);
  Wide radicand = ScaleUp(magnitude, 2 * result_scale - scale);
  Uint128 root = IntegerSquareRoot(radicand).ToUint128();  // < 10^38 by the choice of scale
  // Rounds up when the true root is at least root + 1/2, i.e. radicand - root^2 > root (no exact halves).
  radicand.Subtract(Wide::Multiply(root, root));
  if (Wide::Compare(radicand, Wide(root)) > 0) ++root;
  return MakeDecimal(false, root, result_scale);
}

uint64_t Decimal::Hash() const {
  Decimal normalized = Normalized();
  Uint128 bits = static_cast<Uint128>(normalized.value);
  auto mix = [](uint64_t x) {  // splitmix64's finaliser
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  uint64_t high = mix(static_cast<uint64_t>(bits >> 64) ^ (static_cast<uint64_t>(normalized.scale) << 56));
  return mix(static_cast<uint64_t>(bits) ^ high ^ 0x9e3779b97f4a7c15ULL);
}

}  // namespace tessera
