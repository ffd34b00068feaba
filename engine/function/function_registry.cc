// SPDX-License-Identifier: Apache-2.0
// FunctionRegistry and the process-wide registry of built-in functions, plus the shared error raising of
// checked kernels.
#include <utility>

#include "engine/function/kernel_builder.h"
#include "engine/function/scalar_function.h"

namespace tessera::engine {

void FunctionRegistry::Register(ScalarFunction function) {
  std::string name = function.name;
  functions_[std::move(name)].push_back(std::move(function));
}

const std::vector<ScalarFunction>* FunctionRegistry::Lookup(std::string_view name) const {
  auto found = functions_.find(std::string(name));
  return found == functions_.end() ? nullptr : &found->second;
}

void FunctionRegistry::ForEach(const std::function<void(const ScalarFunction&)>& visit) const {
  for (const auto& [name, overloads] : functions_) {
    for (const ScalarFunction& function : overloads) visit(function);
  }
}

namespace {

FunctionRegistry BuildBuiltinFunctions() {
  FunctionRegistry registry;
  RegisterArithmeticFunctions(registry);
  RegisterComparisonFunctions(registry);
  RegisterMathFunctions(registry);
  RegisterStringFunctions(registry);
  RegisterDatetimeFunctions(registry);
  RegisterSystemFunctions(registry);
  RegisterArrayFunctions(registry);
  RegisterUuidFunctions(registry);
  RegisterVectorFunctions(registry);
  return registry;
}

}  // namespace

const FunctionRegistry& BuiltinFunctions() {
  // Built once, thread-safely (static initialization), and never changed afterwards.
  static const FunctionRegistry registry = BuildBuiltinFunctions();
  return registry;
}

namespace builtin {

void RaiseRowError(uint32_t errors, std::string_view overflow_message) {
  if (errors & kRowDivisionByZero) throw SqlError(SqlState::kDivisionByZero, "division by zero");
  if (errors & kRowSqrtOfNegative) {
    throw SqlError(SqlState::kInvalidArgumentForPowerFunction, "cannot take square root of a negative number");
  }
  if (errors & kRowLogOfZero) throw SqlError(SqlState::kInvalidArgumentForLogarithm, "cannot take logarithm of zero");
  if (errors & kRowLogOfNegative) {
    throw SqlError(SqlState::kInvalidArgumentForLogarithm, "cannot take logarithm of a negative number");
  }
  if (errors & kRowZeroToNegativePower) {
    throw SqlError(SqlState::kInvalidArgumentForPowerFunction, "zero raised to a negative power is undefined");
  }
  if (errors & kRowComplexPower) {
    throw SqlError(SqlState::kInvalidArgumentForPowerFunction,
                   "a negative number raised to a non-integer power yields a complex result");
  }
  if (errors & kRowInputOutOfRange) throw SqlError(SqlState::kNumericValueOutOfRange, "input is out of range");
  if (errors & kRowOverflow) throw SqlError(SqlState::kNumericValueOutOfRange, std::string(overflow_message));
  throw SqlError(SqlState::kNumericValueOutOfRange, "value out of range: underflow");
}

}  // namespace builtin
}  // namespace tessera::engine
