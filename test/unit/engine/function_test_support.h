// SPDX-License-Identifier: Apache-2.0
// Test support for the function tests: builds argument values, runs a registered overload through its
// vectorized kernel and prints the result as PostgreSQL would (or the SQLSTATE of the error it raised).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/value.h"
#include "engine/exec_context.h"
#include "engine/function/scalar_function.h"

namespace tessera::engine::testing {

// Argument constructors: typed values from literals as a test writes them.
Value Int2(int16_t value);
Value Int4(int32_t value);
Value Int8(int64_t value);
Value Float4(float value);
Value Float8(double value);
Value Num(std::string_view text);  // numeric via Decimal::Parse
Value Text(std::string_view text);
Value Typed(TypeId type, std::string_view text);  // text input of `type` (date, timestamp, interval, ...)
Value Bool(bool value);
Value Null(TypeId type);

// One call in a table: a function or operator name, its arguments, and the expected output as psql
// prints it ("NULL" for NULL), or "ERROR <sqlstate>" when it must fail.
struct FunctionCase {
  std::string name;
  std::vector<Value> args;
  std::string expected;
};

// Evaluates `name(args)` with the overload whose argument types equal the arguments' types, and returns
// the result as text or "ERROR <sqlstate>". Strict overloads are also run on a three-row batch whose
// middle row is NULL, checking that the NULL row yields NULL and the others agree.
std::string Evaluate(std::string_view name, const std::vector<Value>& args, ExecContext& context);
std::string Evaluate(std::string_view name, const std::vector<Value>& args);

// The message of the error `name(args)` raises, or "" when it succeeds.
std::string ErrorMessage(std::string_view name, const std::vector<Value>& args);

// Casts `input` to `target` through CastValue and returns the text or "ERROR <sqlstate>".
std::string Cast(const Value& input, LogicalType target, bool explicit_cast = true);
std::string Cast(const Value& input, LogicalType target, ExecContext& context, bool explicit_cast);

// Runs a table of cases, reporting each failure with its function and arguments.
void CheckCases(const std::vector<FunctionCase>& cases);
void CheckCases(const std::vector<FunctionCase>& cases, ExecContext& context);

}  // namespace tessera::engine::testing
