// SPDX-License-Identifier: Apache-2.0
// Mathematical functions on integers and floats (abs, round, sqrt, power, ln, trigonometry, gcd, random,
// width_bucket, ...) and the operators ^ |/ ||/ @, with PostgreSQL's argument checks and errors.
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <type_traits>
#include <vector>

#include "engine/function/kernel_builder.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

namespace {

constexpr double kRadiansPerDegree = std::numbers::pi / 180.0;

// Registers a float8 -> float8 function without error cases.
template <typename Op>
void AddFloat8Function(FunctionRegistry& registry, const char* name, Op op) {
  AddFunction(registry, name, {kFloat64Type}, kFloat64Type, UnaryKernel<double, double>(op));
}

// Registers a float8 -> float8 function whose `op(x, errors)` may set kRow* error bits.
template <typename Op>
void AddCheckedFloat8Function(FunctionRegistry& registry, const char* name, Op op) {
  AddFunction(registry, name, {kFloat64Type}, kFloat64Type, CheckedUnaryKernel<double, double>(op));
}

// PostgreSQL's dpow: SQLSTATE-specific errors for 0^negative and negative^fraction, POSIX NaN rules.
double Power(double base, double exponent, uint32_t& errors) {
  if (base == 0 && exponent < 0) {
    errors |= kRowZeroToNegativePower;
    return 0;
  }
  if (base < 0 && std::floor(exponent) != exponent && !std::isinf(exponent) && !std::isnan(exponent)) {
    errors |= kRowComplexPower;
    return 0;
  }
  const double result = std::pow(base, exponent);
  if (std::isinf(result) && !std::isinf(base) && !std::isinf(exponent)) errors |= kRowOverflow;
  if (result == 0 && base != 0 && !std::isinf(base) && !std::isinf(exponent)) errors |= kRowUnderflow;
  return result;
}

double Logarithm(double value, double (*log_function)(double), uint32_t& errors) {
  if (value == 0) {
    errors |= kRowLogOfZero;
    return 0;
  }
  if (value < 0) {
    errors |= kRowLogOfNegative;
    return 0;
  }
  return log_function(value);
}

double NaturalLog(double value) { return std::log(value); }
double CommonLog(double value) { return std::log10(value); }
double Sine(double value) { return std::sin(value); }
double Cosine(double value) { return std::cos(value); }
double Tangent(double value) { return std::tan(value); }
double ArcSine(double value) { return std::asin(value); }
double ArcCosine(double value) { return std::acos(value); }

// Trigonometric functions reject infinite input (and asin/acos values outside [-1, 1]).
template <double (*Function)(double)>
double Trigonometric(double value, uint32_t& errors) {
  if (std::isinf(value)) {
    errors |= kRowInputOutOfRange;
    return 0;
  }
  return Function(value);
}

double InverseTrigonometric(double value, double (*function)(double), uint32_t& errors) {
  if (value < -1 || value > 1) {
    errors |= kRowInputOutOfRange;
    return 0;
  }
  return function(value);
}

template <typename T>
void RegisterIntegerMath(FunctionRegistry& registry, LogicalType type) {
  const auto absolute = CheckedUnaryKernel<T, T>([](T value, uint32_t& errors) -> T {
    if (value < 0) {
      T negated;
      if (__builtin_sub_overflow(T{0}, value, &negated)) errors |= kRowOverflow;
      return negated;
    }
    return value;
  });
  AddFunction(registry, "abs", {type}, type, absolute);
  AddFunction(registry, "@", {type}, type, absolute);
  AddFunction(registry, "mod", {type, type}, type, CheckedBinaryKernel<T, T, T>([](T a, T b, uint32_t& errors) -> T {
                if (b == 0) {
                  errors |= kRowDivisionByZero;
                  return 0;
                }
                return b == -1 ? T{0} : static_cast<T>(a % b);
              }));
}

// gcd/lcm as PostgreSQL: non-negative results; the one result that does not fit (gcd of MIN and 0 or
// MIN, an lcm beyond the range) raises an out-of-range error.
template <typename T>
T GreatestCommonDivisor(T a, T b, uint32_t& errors) {
  using Unsigned = std::make_unsigned_t<T>;
  Unsigned x = a < 0 ? Unsigned(0) - Unsigned(a) : Unsigned(a);
  Unsigned y = b < 0 ? Unsigned(0) - Unsigned(b) : Unsigned(b);
  while (y != 0) {
    const Unsigned remainder = x % y;
    x = y;
    y = remainder;
  }
  if (x > static_cast<Unsigned>(std::numeric_limits<T>::max())) {
    errors |= kRowOverflow;
    return 0;
  }
  return static_cast<T>(x);
}

template <typename T>
T LeastCommonMultiple(T a, T b, uint32_t& errors) {
  if (a == 0 || b == 0) return 0;
  const T divisor = GreatestCommonDivisor(a, b, errors);
  if (errors != kRowOk) return 0;
  T product;
  if (__builtin_mul_overflow(static_cast<T>(a / divisor), b, &product)) {
    errors |= kRowOverflow;
    return 0;
  }
  if (product < 0 && __builtin_sub_overflow(T{0}, product, &product)) errors |= kRowOverflow;
  return product;
}

template <typename T>
void RegisterGcdLcm(FunctionRegistry& registry, LogicalType type) {
  AddFunction(registry, "gcd", {type, type}, type, CheckedBinaryKernel<T, T, T>(GreatestCommonDivisor<T>));
  AddFunction(registry, "lcm", {type, type}, type, CheckedBinaryKernel<T, T, T>(LeastCommonMultiple<T>));
}

void RegisterFloatMath(FunctionRegistry& registry) {
  AddFunction(registry, "abs", {kFloat32Type}, kFloat32Type, UnaryKernel<float, float>([](float x) { return std::fabs(x); }));
  AddFunction(registry, "@", {kFloat32Type}, kFloat32Type, UnaryKernel<float, float>([](float x) { return std::fabs(x); }));
  AddFloat8Function(registry, "abs", [](double x) { return std::fabs(x); });
  AddFloat8Function(registry, "@", [](double x) { return std::fabs(x); });
  AddFloat8Function(registry, "sign", [](double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); });
  AddFloat8Function(registry, "round", [](double x) { return std::rint(x); });
  AddFloat8Function(registry, "trunc", [](double x) { return std::trunc(x); });
  AddFloat8Function(registry, "floor", [](double x) { return std::floor(x); });
  AddFloat8Function(registry, "ceil", [](double x) { return std::ceil(x); });
  AddFloat8Function(registry, "ceiling", [](double x) { return std::ceil(x); });
  const auto square_root = [](double x, uint32_t& errors) {
    if (x < 0) {
      errors |= kRowSqrtOfNegative;
      return 0.0;
    }
    return std::sqrt(x);
  };
  AddCheckedFloat8Function(registry, "sqrt", square_root);
  AddCheckedFloat8Function(registry, "|/", square_root);
  AddFloat8Function(registry, "cbrt", [](double x) { return std::cbrt(x); });
  AddFloat8Function(registry, "||/", [](double x) { return std::cbrt(x); });
  AddCheckedFloat8Function(registry, "exp", [](double x, uint32_t& errors) {
    const double result = std::exp(x);
    if (std::isinf(result) && !std::isinf(x)) errors |= kRowOverflow;
    if (result == 0 && !std::isinf(x)) errors |= kRowUnderflow;
    return result;
  });
  AddCheckedFloat8Function(registry, "ln", [](double x, uint32_t& errors) { return Logarithm(x, NaturalLog, errors); });
  const auto log10 = [](double x, uint32_t& errors) { return Logarithm(x, CommonLog, errors); };
  AddCheckedFloat8Function(registry, "log", log10);
  AddCheckedFloat8Function(registry, "log10", log10);
  for (const char* name : {"power", "pow", "^"}) {
    AddFunction(registry, name, {kFloat64Type, kFloat64Type}, kFloat64Type,
                CheckedBinaryKernel<double, double, double>(Power));
  }
  AddFunction(registry, "pi", {}, kFloat64Type,
              [](const std::vector<Vector>&, idx_t count, Vector& result, ExecContext&) {
                double* out = result.Data<double>();
                for (idx_t row = 0; row < count; ++row) out[row] = std::numbers::pi;
              });
  AddCheckedFloat8Function(registry, "degrees", [](double x, uint32_t& errors) {
    const double result = x / kRadiansPerDegree;
    if (std::isinf(result) && !std::isinf(x)) errors |= kRowOverflow;
    return result;
  });
  AddFloat8Function(registry, "radians", [](double x) { return x * kRadiansPerDegree; });
}

void RegisterTrigonometry(FunctionRegistry& registry) {
  AddCheckedFloat8Function(registry, "sin", Trigonometric<Sine>);
  AddCheckedFloat8Function(registry, "cos", Trigonometric<Cosine>);
  AddCheckedFloat8Function(registry, "tan", Trigonometric<Tangent>);
  AddCheckedFloat8Function(registry, "cot", [](double x, uint32_t& errors) {
    return 1.0 / Trigonometric<Tangent>(x, errors);
  });
  AddCheckedFloat8Function(registry, "asin", [](double x, uint32_t& errors) {
    return InverseTrigonometric(x, ArcSine, errors);
  });
  AddCheckedFloat8Function(registry, "acos", [](double x, uint32_t& errors) {
    return InverseTrigonometric(x, ArcCosine, errors);
  });
  AddFloat8Function(registry, "atan", [](double x) { return std::atan(x); });
  AddFunction(registry, "atan2", {kFloat64Type, kFloat64Type}, kFloat64Type,
              BinaryKernel<double, double, double>([](double y, double x) { return std::atan2(y, x); }));
}

// width_bucket(operand, low, high, count): the 1-based bucket of `operand` among `count` equal-width
// buckets spanning [low, high) (or (high, low] when high < low); 0 and count + 1 below and above.
int32_t WidthBucket(double operand, double low, double high, int32_t count) {
  if (count <= 0) throw SqlError(SqlState::kInvalidParameterValue, "count must be greater than zero");
  if (std::isnan(operand) || std::isnan(low) || std::isnan(high)) {
    throw SqlError(SqlState::kInvalidParameterValue, "operand, lower bound, and upper bound cannot be NaN");
  }
  if (std::isinf(low) || std::isinf(high)) {
    throw SqlError(SqlState::kInvalidParameterValue, "lower and upper bounds must be finite");
  }
  if (low == high) throw SqlError(SqlState::kInvalidParameterValue, "lower bound cannot equal upper bound");
  const bool ascending = low < high;
  if (ascending ? operand < low : operand > low) return 0;
  if (ascending ? operand >= high : operand <= high) {
    if (count == std::numeric_limits<int32_t>::max()) {
      throw SqlError(SqlState::kNumericValueOutOfRange, "integer out of range");
    }
    return count + 1;
  }
  const double fraction = ascending ? (operand - low) / (high - low) : (low - operand) / (low - high);
  const auto bucket = static_cast<int32_t>(fraction * count) + 1;
  return bucket > count ? count : bucket;
}

void RegisterMiscellaneous(FunctionRegistry& registry) {
  ScalarFunction random;
  random.name = "random";
  random.return_type = kFloat64Type;
  random.is_volatile = true;
  random.kernel = [](const std::vector<Vector>&, idx_t count, Vector& result, ExecContext& context) {
    double* out = result.Data<double>();
    // 53 random bits scaled to [0, 1), as PostgreSQL's pg_prng_double.
    for (idx_t row = 0; row < count; ++row) out[row] = static_cast<double>(context.random() >> 11) * 0x1.0p-53;
  };
  registry.Register(std::move(random));

  AddFunction(registry, "width_bucket", {kFloat64Type, kFloat64Type, kFloat64Type, kInt32Type}, kInt32Type,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                result.Data<int32_t>()[row] = WidthBucket(args[0].Data<double>()[row], args[1].Data<double>()[row],
                                                          args[2].Data<double>()[row], args[3].Data<int32_t>()[row]);
              }));
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& registry) {
  RegisterIntegerMath<int16_t>(registry, kInt16Type);
  RegisterIntegerMath<int32_t>(registry, kInt32Type);
  RegisterIntegerMath<int64_t>(registry, kInt64Type);
  RegisterGcdLcm<int32_t>(registry, kInt32Type);
  RegisterGcdLcm<int64_t>(registry, kInt64Type);
  RegisterFloatMath(registry);
  RegisterTrigonometry(registry);
  RegisterMiscellaneous(registry);
  RegisterNumericMathFunctions(registry);
}

}  // namespace tessera::engine
