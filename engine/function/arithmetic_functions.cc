// SPDX-License-Identifier: Apache-2.0
// The arithmetic operators + - * / % and unary - + on integers, floats and numeric, and the bitwise
// operators & | # ~ << >> on integers, with PostgreSQL's overflow and division-by-zero errors.
#include <cmath>
#include <cstdint>

#include "base/decimal.h"
#include "engine/function/kernel_builder.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

namespace {

// --- Integers ----------------------------------------------------------------------------------------

// Registers + - * / for one (left, right) integer pair whose result has type Out (the wider one).
template <typename Left, typename Right, typename Out>
void RegisterIntegerArithmetic(FunctionRegistry& registry, LogicalType left, LogicalType right,
                               LogicalType out) {
  AddFunction(registry, "+", {left, right}, out,
              CheckedBinaryKernel<Left, Right, Out>([](Left a, Right b, uint32_t& errors) {
                Out sum;
                if (__builtin_add_overflow(a, b, &sum)) errors |= kRowOverflow;
                return sum;
              }));
  AddFunction(registry, "-", {left, right}, out,
              CheckedBinaryKernel<Left, Right, Out>([](Left a, Right b, uint32_t& errors) {
                Out difference;
                if (__builtin_sub_overflow(a, b, &difference)) errors |= kRowOverflow;
                return difference;
              }));
  AddFunction(registry, "*", {left, right}, out,
              CheckedBinaryKernel<Left, Right, Out>([](Left a, Right b, uint32_t& errors) {
                Out product;
                if (__builtin_mul_overflow(a, b, &product)) errors |= kRowOverflow;
                return product;
              }));
  AddFunction(registry, "/", {left, right}, out,
              CheckedBinaryKernel<Left, Right, Out>([](Left a, Right b, uint32_t& errors) -> Out {
                if (b == 0) {
                  errors |= kRowDivisionByZero;
                  return 0;
                }
                // The most negative value divided by -1 is the one quotient that does not fit.
                if (b == -1) {
                  Out negated;
                  if (__builtin_sub_overflow(Out{0}, static_cast<Out>(a), &negated)) errors |= kRowOverflow;
                  return negated;
                }
                return static_cast<Out>(static_cast<Out>(a) / static_cast<Out>(b));
              }));
}

// Registers the operators PostgreSQL has only for same-type integer pairs: %, unary - and +, bitwise.
template <typename T>
void RegisterIntegerOnlyOperators(FunctionRegistry& registry, LogicalType type) {
  AddFunction(registry, "%", {type, type}, type, CheckedBinaryKernel<T, T, T>([](T a, T b, uint32_t& errors) -> T {
                if (b == 0) {
                  errors |= kRowDivisionByZero;
                  return 0;
                }
                // Avoids the trap of MIN % -1; the remainder of any division by -1 is 0.
                if (b == -1) return 0;
                return static_cast<T>(a % b);
              }));
  AddFunction(registry, "-", {type}, type, CheckedUnaryKernel<T, T>([](T value, uint32_t& errors) {
                T negated;
                if (__builtin_sub_overflow(T{0}, value, &negated)) errors |= kRowOverflow;
                return negated;
              }));
  AddFunction(registry, "+", {type}, type, UnaryKernel<T, T>([](T value) { return value; }));
  AddFunction(registry, "&", {type, type}, type, BinaryKernel<T, T, T>([](T a, T b) -> T { return a & b; }));
  AddFunction(registry, "|", {type, type}, type, BinaryKernel<T, T, T>([](T a, T b) -> T { return a | b; }));
  AddFunction(registry, "#", {type, type}, type, BinaryKernel<T, T, T>([](T a, T b) -> T { return a ^ b; }));
  AddFunction(registry, "~", {type}, type, UnaryKernel<T, T>([](T value) -> T { return ~value; }));
  // Shifts behave as PostgreSQL's C code on x86-64: the count is taken modulo the width of the promoted
  // type (32 bits for int2 and int4, 64 for int8) and the result is truncated to the operand type.
  using Shifted = std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>;
  using SignedShifted = std::make_signed_t<Shifted>;
  constexpr int32_t kCountMask = sizeof(T) == 8 ? 63 : 31;
  AddFunction(registry, "<<", {type, kInt32Type}, type, BinaryKernel<T, int32_t, T>([](T a, int32_t count) {
                return static_cast<T>(static_cast<Shifted>(static_cast<SignedShifted>(a)) << (count & kCountMask));
              }));
  AddFunction(registry, ">>", {type, kInt32Type}, type, BinaryKernel<T, int32_t, T>([](T a, int32_t count) {
                return static_cast<T>(static_cast<SignedShifted>(a) >> (count & kCountMask));
              }));
}

void RegisterIntegerFunctions(FunctionRegistry& registry) {
  RegisterIntegerArithmetic<int16_t, int16_t, int16_t>(registry, kInt16Type, kInt16Type, kInt16Type);
  RegisterIntegerArithmetic<int32_t, int32_t, int32_t>(registry, kInt32Type, kInt32Type, kInt32Type);
  RegisterIntegerArithmetic<int64_t, int64_t, int64_t>(registry, kInt64Type, kInt64Type, kInt64Type);
  RegisterIntegerArithmetic<int16_t, int32_t, int32_t>(registry, kInt16Type, kInt32Type, kInt32Type);
  RegisterIntegerArithmetic<int32_t, int16_t, int32_t>(registry, kInt32Type, kInt16Type, kInt32Type);
  RegisterIntegerArithmetic<int16_t, int64_t, int64_t>(registry, kInt16Type, kInt64Type, kInt64Type);
  RegisterIntegerArithmetic<int64_t, int16_t, int64_t>(registry, kInt64Type, kInt16Type, kInt64Type);
  RegisterIntegerArithmetic<int32_t, int64_t, int64_t>(registry, kInt32Type, kInt64Type, kInt64Type);
  RegisterIntegerArithmetic<int64_t, int32_t, int64_t>(registry, kInt64Type, kInt32Type, kInt64Type);
  RegisterIntegerOnlyOperators<int16_t>(registry, kInt16Type);
  RegisterIntegerOnlyOperators<int32_t>(registry, kInt32Type);
  RegisterIntegerOnlyOperators<int64_t>(registry, kInt64Type);
}

// --- Floats ------------------------------------------------------------------------------------------

// Registers + - * / for a float pair computed in Out (float for float4 pairs, double otherwise). The
// checks are PostgreSQL's: an infinite result from finite inputs overflows, a zero product or quotient
// of non-zero inputs underflows.
template <typename Left, typename Right, typename Out>
void RegisterFloatArithmetic(FunctionRegistry& registry, LogicalType left, LogicalType right, LogicalType out) {
  AddFunction(registry, "+", {left, right}, out,
              CheckedBinaryKernel<Left, Right, Out>([](Left a, Right b, uint32_t& errors) {
                const Out sum = static_cast<Out>(a) + static_cast<Out>(b);
                if (std::isinf(sum) && !std::isinf(a) && !std::isinf(b)) errors |= kRowOverflow;
                return sum;
              }));
  AddFunction(registry, "-", {left, right}, out,
              CheckedBinaryKernel<Left, Right, Out>([](Left a, Right b, uint32_t& errors) {
                const Out difference = static_cast<Out>(a) - static_cast<Out>(b);
                if (std::isinf(difference) && !std::isinf(a) && !std::isinf(b)) errors |= kRowOverflow;
                return difference;
              }));
  AddFunction(registry, "*", {left, right}, out,
              CheckedBinaryKernel<Left, Right, Out>([](Left a, Right b, uint32_t& errors) {
                const Out product = static_cast<Out>(a) * static_cast<Out>(b);
                if (std::isinf(product) && !std::isinf(a) && !std::isinf(b)) errors |= kRowOverflow;
                if (product == 0 && a != 0 && b != 0) errors |= kRowUnderflow;
                return product;
              }));
  AddFunction(registry, "/", {left, right}, out,
              CheckedBinaryKernel<Left, Right, Out>([](Left a, Right b, uint32_t& errors) -> Out {
                if (b == 0 && !std::isnan(a)) {
                  errors |= kRowDivisionByZero;
                  return 0;
                }
                const Out quotient = static_cast<Out>(a) / static_cast<Out>(b);
                if (std::isinf(quotient) && !std::isinf(a)) errors |= kRowOverflow;
                if (quotient == 0 && a != 0 && !std::isinf(b)) errors |= kRowUnderflow;
                return quotient;
              }));
}

template <typename T>
void RegisterFloatUnary(FunctionRegistry& registry, LogicalType type) {
  AddFunction(registry, "-", {type}, type, UnaryKernel<T, T>([](T value) { return -value; }));
  AddFunction(registry, "+", {type}, type, UnaryKernel<T, T>([](T value) { return value; }));
}

void RegisterFloatFunctions(FunctionRegistry& registry) {
  RegisterFloatArithmetic<float, float, float>(registry, kFloat32Type, kFloat32Type, kFloat32Type);
  RegisterFloatArithmetic<double, double, double>(registry, kFloat64Type, kFloat64Type, kFloat64Type);
  RegisterFloatArithmetic<float, double, double>(registry, kFloat32Type, kFloat64Type, kFloat64Type);
  RegisterFloatArithmetic<double, float, double>(registry, kFloat64Type, kFloat32Type, kFloat64Type);
  RegisterFloatUnary<float>(registry, kFloat32Type);
  RegisterFloatUnary<double>(registry, kFloat64Type);
}

// --- Numeric -----------------------------------------------------------------------------------------

void RegisterNumericFunctions(FunctionRegistry& registry) {
  // Decimal's operations throw PostgreSQL's errors themselves (22003, 22012).
  const auto binary = [&registry](const char* name, Decimal (*op)(const Decimal&, const Decimal&)) {
    AddFunction(registry, name, {kNumericType, kNumericType}, kNumericType,
                BinaryKernel<Decimal, Decimal, Decimal>([op](const Decimal& a, const Decimal& b) { return op(a, b); }));
  };
  binary("+", &Decimal::Add);
  binary("-", &Decimal::Subtract);
  binary("*", &Decimal::Multiply);
  binary("/", &Decimal::Divide);
  binary("%", &Decimal::Modulo);
  AddFunction(registry, "-", {kNumericType}, kNumericType,
              UnaryKernel<Decimal, Decimal>([](const Decimal& value) { return value.Negate(); }));
  AddFunction(registry, "+", {kNumericType}, kNumericType,
              UnaryKernel<Decimal, Decimal>([](const Decimal& value) { return value; }));
}

}  // namespace

void RegisterArithmeticFunctions(FunctionRegistry& registry) {
  RegisterIntegerFunctions(registry);
  RegisterFloatFunctions(registry);
  RegisterNumericFunctions(registry);
}

}  // namespace tessera::engine
