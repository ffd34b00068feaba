// SPDX-License-Identifier: Apache-2.0
// Mathematical functions on numeric: rounding, sqrt, exp/ln/log/power with PostgreSQL's result scales
// (computed in 113-bit binary floating point, then rounded), gcd/lcm, scale and trim_scale.
#include <quadmath.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "base/decimal.h"
#include "engine/function/kernel_builder.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

namespace {

// PostgreSQL's scale selection constants (numeric.c).
constexpr int kMinSignificantDigits = 16;
constexpr int kMaxDisplayScale = 1000;
constexpr double kMaxResultScale = 2000;

using Quad = __float128;

constexpr __int128 kDecimalLimit = static_cast<__int128>(10000000000000000000ULL) * 10000000000000000000ULL;

Quad PowerOfTen(int exponent) { return powq(10, exponent); }

Quad ToQuad(const Decimal& value) { return static_cast<Quad>(value.value) / PowerOfTen(value.scale); }

[[noreturn]] void ThrowNumericOverflow() {
  throw SqlError(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
}

// Significant digits a 113-bit binary float result gives correctly (it carries about 34).
constexpr int kQuadDigits = 32;

[[noreturn]] void ThrowTooManyDigits() {
  throw SqlError(SqlState::kFeatureNotSupported,
                 "numeric results of more than " + std::to_string(kQuadDigits) + " digits are not supported yet");
}

// Rounds `value` half away from zero to `scale` digits. Results with more digits than the computation
// gives correctly raise 0A000 rather than answer fewer or wrong digits than PostgreSQL.
Decimal FromQuad(Quad value, int scale) {
  const Quad scaled = roundq(value * PowerOfTen(scale));
  if (isinfq(scaled) || fabsq(scaled) >= PowerOfTen(kQuadDigits)) ThrowTooManyDigits();
  return Decimal{static_cast<__int128>(scaled), scale};
}

int ClampScale(int scale) { return std::min(std::max(scale, 0), kMaxDisplayScale); }

// The decimal exponent of the most significant digit of a non-zero value: 2 for 123.4, -2 for 0.05.
int DecimalWeight(const Decimal& value) {
  __int128 magnitude = value.value < 0 ? -value.value : value.value;
  int digits = 0;
  for (; magnitude != 0; magnitude /= 10) ++digits;
  return digits - 1 - value.scale;
}

// PostgreSQL's estimate_ln_dweight: the decimal weight of ln(value) for value > 0.
int EstimateLnWeight(const Decimal& value) {
  const Decimal low{9, 1};
  const Decimal high{11, 1};
  if (Decimal::Compare(value, low) >= 0 && Decimal::Compare(value, high) <= 0) {
    const Decimal offset = Decimal::Subtract(value, Decimal::FromInt64(1));
    return offset.value == 0 ? 0 : DecimalWeight(offset);
  }
  return static_cast<int>(std::log10(std::fabs(static_cast<double>(logq(ToQuad(value))))));
}

void CheckLogArgument(const Decimal& value) {
  if (value.value == 0) throw SqlError(SqlState::kInvalidArgumentForLogarithm, "cannot take logarithm of zero");
  if (value.value < 0) {
    throw SqlError(SqlState::kInvalidArgumentForLogarithm, "cannot take logarithm of a negative number");
  }
}

Decimal NumericLn(const Decimal& value) {
  CheckLogArgument(value);
  const int scale = ClampScale(std::max(kMinSignificantDigits - EstimateLnWeight(value), value.scale));
  return FromQuad(logq(ToQuad(value)), scale);
}

Decimal NumericLog(const Decimal& base, const Decimal& value) {
  CheckLogArgument(base);
  CheckLogArgument(value);
  const Quad base_log = logq(ToQuad(base));
  if (base_log == 0) throw SqlError(SqlState::kDivisionByZero, "division by zero");
  const int result_weight = EstimateLnWeight(value) - EstimateLnWeight(base);
  const int scale = ClampScale(std::max({kMinSignificantDigits - result_weight, base.scale, value.scale}));
  return FromQuad(logq(ToQuad(value)) / base_log, scale);
}

Decimal NumericExp(const Decimal& value) {
  double weight = value.ToDouble() * 0.434294481903252;
  weight = std::min(std::max(weight, -kMaxResultScale), kMaxResultScale);
  const int scale = ClampScale(std::max(kMinSignificantDigits - static_cast<int>(weight), value.scale));
  const Quad result = expq(ToQuad(value));
  if (isinfq(result)) ThrowNumericOverflow();
  return FromQuad(result, scale);
}

// base^exponent for a non-negative integral exponent, exactly, or nullopt when it does not fit.
std::optional<Decimal> ExactIntegerPower(Decimal base, int64_t exponent) {
  // Trailing fractional zeros only make the product overflow sooner: 2.0 ^ 64 is 2 ^ 64.
  while (base.scale > 0 && base.value % 10 == 0) {
    base.value /= 10;
    --base.scale;
  }
  __int128 result = 1;
  int64_t scale = 0;
  for (int64_t step = 0; step < exponent; ++step) {
    if (__builtin_mul_overflow(result, base.value, &result)) return std::nullopt;
    scale += base.scale;
    if (scale > Decimal::kMaxDigits || result >= kDecimalLimit || result <= -kDecimalLimit) return std::nullopt;
  }
  return Decimal{result, static_cast<int32_t>(scale)};
}

Decimal NumericPower(const Decimal& base, const Decimal& exponent) {
  const Decimal truncated = exponent.Trunc(0);
  const bool integral = Decimal::Compare(truncated, exponent) == 0;
  if (base.value == 0 && exponent.value < 0) {
    throw SqlError(SqlState::kInvalidArgumentForPowerFunction, "zero raised to a negative power is undefined");
  }
  if (base.value < 0 && !integral) {
    throw SqlError(SqlState::kInvalidArgumentForPowerFunction,
                   "a negative number raised to a non-integer power yields a complex result");
  }
  const double exponent_value = exponent.ToDouble();
  if (integral && std::fabs(exponent_value) <= 2147483647.0) {
    // PostgreSQL's power_var_int path: at least 16 digits after the point.
    const int scale = ClampScale(std::max(kMinSignificantDigits, base.scale));
    const int64_t integer_exponent = truncated.ToInt64();
    if (integer_exponent >= 0 && integer_exponent <= 128) {
      if (std::optional<Decimal> exact = ExactIntegerPower(base, integer_exponent)) {
        const bool fits = exact->value == 0 || DecimalWeight(*exact) + 1 + scale <= Decimal::kMaxDigits;
        if (!fits) ThrowTooManyDigits();
        return exact->Rescale(scale);
      }
    }
    return FromQuad(powq(ToQuad(base), static_cast<Quad>(integer_exponent)), scale);
  }
  if (base.value == 0) return Decimal{0, kMinSignificantDigits};
  const Quad logarithm = logq(ToQuad(base)) * ToQuad(exponent);
  const double weight = static_cast<double>(logarithm) * 0.434294481903252;
  if (weight > 38) ThrowNumericOverflow();
  const int scale = ClampScale(std::max({kMinSignificantDigits - static_cast<int>(weight), base.scale, exponent.scale}));
  return FromQuad(expq(logarithm), scale);
}

// Brings both operands to the larger scale, for gcd/lcm.
std::pair<__int128, __int128> CommonScaleValues(const Decimal& a, const Decimal& b, int* scale) {
  *scale = std::max(a.scale, b.scale);
  const Decimal left = a.Rescale(*scale);
  const Decimal right = b.Rescale(*scale);
  return {left.value < 0 ? -left.value : left.value, right.value < 0 ? -right.value : right.value};
}

__int128 GreatestCommonDivisor(__int128 a, __int128 b) {
  while (b != 0) {
    const __int128 remainder = a % b;
    a = b;
    b = remainder;
  }
  return a;
}

Decimal NumericGcd(const Decimal& a, const Decimal& b) {
  int scale = 0;
  const auto [left, right] = CommonScaleValues(a, b, &scale);
  return Decimal{GreatestCommonDivisor(left, right), scale};
}

Decimal NumericLcm(const Decimal& a, const Decimal& b) {
  int scale = 0;
  const auto [left, right] = CommonScaleValues(a, b, &scale);
  if (left == 0 || right == 0) return Decimal{0, scale};
  // lcm(a, b) = a / gcd(a, b) * b, computed at the common scale: the result keeps that scale.
  __int128 result;
  if (__builtin_mul_overflow(left / GreatestCommonDivisor(left, right), right, &result) || result >= kDecimalLimit) {
    ThrowNumericOverflow();
  }
  return Decimal{result, scale};
}

void AddNumericFunction(FunctionRegistry& registry, const char* name, Decimal (*op)(const Decimal&)) {
  AddFunction(registry, name, {kNumericType}, kNumericType, UnaryKernel<Decimal, Decimal>(op));
}

void AddNumericFunction(FunctionRegistry& registry, const char* name, Decimal (*op)(const Decimal&, const Decimal&)) {
  AddFunction(registry, name, {kNumericType, kNumericType}, kNumericType, BinaryKernel<Decimal, Decimal, Decimal>(op));
}

}  // namespace

void builtin::RegisterNumericMathFunctions(FunctionRegistry& registry) {
  const auto absolute = [](const Decimal& value) { return value.Abs(); };
  AddNumericFunction(registry, "abs", absolute);
  AddNumericFunction(registry, "@", absolute);
  AddNumericFunction(registry, "sign", [](const Decimal& value) { return Decimal::FromInt64(value.Sign()); });
  AddNumericFunction(registry, "round", [](const Decimal& value) { return value.Round(0); });
  AddNumericFunction(registry, "trunc", [](const Decimal& value) { return value.Trunc(0); });
  AddNumericFunction(registry, "floor", [](const Decimal& value) { return value.Floor(); });
  AddNumericFunction(registry, "ceil", [](const Decimal& value) { return value.Ceil(); });
  AddNumericFunction(registry, "ceiling", [](const Decimal& value) { return value.Ceil(); });
  AddNumericFunction(registry, "sqrt", [](const Decimal& value) { return value.Sqrt(); });
  AddNumericFunction(registry, "exp", NumericExp);
  AddNumericFunction(registry, "ln", NumericLn);
  const auto log10 = [](const Decimal& value) { return NumericLog(Decimal::FromInt64(10), value); };
  AddNumericFunction(registry, "log", log10);
  AddNumericFunction(registry, "log10", log10);
  AddNumericFunction(registry, "log", NumericLog);
  AddNumericFunction(registry, "power", NumericPower);
  AddNumericFunction(registry, "pow", NumericPower);
  AddNumericFunction(registry, "^", NumericPower);
  AddNumericFunction(registry, "mod", &Decimal::Modulo);
  AddNumericFunction(registry, "div", &Decimal::DivideTrunc);
  AddNumericFunction(registry, "gcd", NumericGcd);
  AddNumericFunction(registry, "lcm", NumericLcm);
  AddNumericFunction(registry, "trim_scale", [](const Decimal& value) { return value.Normalized(); });
  AddFunction(registry, "round", {kNumericType, kInt32Type}, kNumericType,
              BinaryKernel<Decimal, int32_t, Decimal>([](const Decimal& value, int32_t digits) { return value.Round(digits); }));
  AddFunction(registry, "trunc", {kNumericType, kInt32Type}, kNumericType,
              BinaryKernel<Decimal, int32_t, Decimal>([](const Decimal& value, int32_t digits) { return value.Trunc(digits); }));
  AddFunction(registry, "scale", {kNumericType}, kInt32Type,
              UnaryKernel<Decimal, int32_t>([](const Decimal& value) { return value.scale; }));
  AddFunction(registry, "min_scale", {kNumericType}, kInt32Type,
              UnaryKernel<Decimal, int32_t>([](const Decimal& value) { return value.Normalized().scale; }));
}

}  // namespace tessera::engine
