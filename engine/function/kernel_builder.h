// SPDX-License-Identifier: Apache-2.0
// Internal to engine/function: templates that turn a per-value operation into a ScalarKernel, the
// per-batch error flags of checked arithmetic, and shorthands for registering overloads.
//
// Checked kernels: an operation that can fail per row (overflow, division by zero) does not throw inside
// the loop, which would keep the compiler from vectorizing it. It ORs a kRow* error bit into a flag instead,
// and the kernel raises the error once after the loop, as PostgreSQL would have for the first such row.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/function/scalar_function.h"

namespace tessera::engine::builtin {

// Bits an operation ORs into its batch's error flags (a uint32_t; 0 means no error).
constexpr uint32_t kRowOk = 0;
constexpr uint32_t kRowOverflow = 1 << 0;             // 22003, message depends on the result type
constexpr uint32_t kRowUnderflow = 1 << 1;            // 22003 "value out of range: underflow" (floats)
constexpr uint32_t kRowDivisionByZero = 1 << 2;       // 22012
constexpr uint32_t kRowSqrtOfNegative = 1 << 3;       // 2201F
constexpr uint32_t kRowLogOfZero = 1 << 4;            // 2201E
constexpr uint32_t kRowLogOfNegative = 1 << 5;        // 2201E
constexpr uint32_t kRowInputOutOfRange = 1 << 6;      // 22003 "input is out of range" (trigonometry)
constexpr uint32_t kRowZeroToNegativePower = 1 << 7;  // 2201F
constexpr uint32_t kRowComplexPower = 1 << 8;         // 2201F

// Throws the SqlError for the first of the `errors` bits in PostgreSQL's order of checks;
// `overflow_message` words kRowOverflow for the operation's result type (OverflowMessage<Out>()).
// REQUIRES: errors != kRowOk.
[[noreturn]] void RaiseRowError(uint32_t errors, std::string_view overflow_message);

// "smallint/integer/bigint out of range" for integer results, "value out of range: overflow" for floats.
template <typename T>
constexpr std::string_view OverflowMessage() {
  if constexpr (std::is_same_v<T, int16_t>) {
    return "smallint out of range";
  } else if constexpr (std::is_same_v<T, int32_t>) {
    return "integer out of range";
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return "bigint out of range";
  } else {
    return "value out of range: overflow";
  }
}

// Kernel applying `op(in) -> Out` to args[0].
template <typename In, typename Out, typename Op>
ScalarKernel UnaryKernel(Op op) {
  return [op](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
    ExecuteUnary<In, Out>(args[0], count, result, op);
  };
}

// Kernel applying `op(in, errors) -> Out`, raising the collected kRow* error bits after the loop.
template <typename In, typename Out, typename Op>
ScalarKernel CheckedUnaryKernel(Op op) {
  return [op](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
    uint32_t errors = kRowOk;
    ExecuteUnary<In, Out>(args[0], count, result, [&errors, &op](In value) { return op(value, errors); });
    if (errors != kRowOk) RaiseRowError(errors, OverflowMessage<Out>());
  };
}

// Kernel applying `op(left, right) -> Out` to args[0], args[1].
template <typename Left, typename Right, typename Out, typename Op>
ScalarKernel BinaryKernel(Op op) {
  return [op](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
    ExecuteBinary<Left, Right, Out>(args[0], args[1], count, result, op);
  };
}

// Kernel applying `op(left, right, errors) -> Out`, raising the collected kRow* error bits after the loop.
template <typename Left, typename Right, typename Out, typename Op>
ScalarKernel CheckedBinaryKernel(Op op) {
  return [op](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
    uint32_t errors = kRowOk;
    ExecuteBinary<Left, Right, Out>(args[0], args[1], count, result,
                                    [&errors, &op](Left left, Right right) { return op(left, right, errors); });
    if (errors != kRowOk) RaiseRowError(errors, OverflowMessage<Out>());
  };
}

// Kernel whose `op(in, context) -> Out` needs the statement's context (time zone, user, ...).
template <typename In, typename Out, typename Op>
ScalarKernel ContextUnaryKernel(Op op) {
  return [op](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext& context) {
    ExecuteUnary<In, Out>(args[0], count, result, [&context, &op](In value) { return op(value, context); });
  };
}

template <typename Left, typename Right, typename Out, typename Op>
ScalarKernel ContextBinaryKernel(Op op) {
  return [op](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext& context) {
    ExecuteBinary<Left, Right, Out>(args[0], args[1], count, result,
                                    [&context, &op](Left left, Right right) { return op(left, right, context); });
  };
}

// Kernels producing strings: `op(...)` returns std::string or a std::string_view that stays valid until
// stored.
template <typename In, typename Op>
ScalarKernel UnaryStringKernel(Op op) {
  return [op](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
    ExecuteUnaryString<In>(args[0], count, result, op);
  };
}

template <typename Left, typename Right, typename Op>
ScalarKernel BinaryStringKernel(Op op) {
  return [op](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
    ExecuteBinaryString<Left, Right>(args[0], args[1], count, result, op);
  };
}

// Kernel for three or more arguments: `op(args, row, result, context)` is called for each row where no
// argument is NULL and must store the row's result itself.
template <typename Op>
ScalarKernel RowKernel(Op op) {
  return [op](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext& context) {
    ForEachNonNullRow(args, count, result, [&](idx_t row) { op(args, row, result, context); });
  };
}

// Registers a strict, immutable overload.
inline void AddFunction(FunctionRegistry& registry, std::string name, std::vector<LogicalType> arg_types,
                        LogicalType return_type, ScalarKernel kernel) {
  ScalarFunction function;
  function.name = std::move(name);
  function.arg_types = std::move(arg_types);
  function.return_type = return_type;
  function.kernel = std::move(kernel);
  registry.Register(std::move(function));
}

// Sub-families, called by the public Register*Functions of scalar_function.h.
void RegisterNumericMathFunctions(FunctionRegistry& registry);    // numeric_math_functions.cc
void RegisterPatternFunctions(FunctionRegistry& registry);        // pattern_functions.cc
void RegisterStringFormatFunctions(FunctionRegistry& registry);   // string_format_functions.cc
void RegisterDatetimeOperators(FunctionRegistry& registry);       // datetime_operators.cc
void RegisterToCharFunctions(FunctionRegistry& registry);         // to_char_functions.cc

// lower()/upper() of UTF-8 text with Unicode simple case mapping (string_functions.cc).
std::string ConvertCase(std::string_view text, bool upper);
// quote_ident(): `identifier`, double-quoted when it is not a plain lower-case name or is a keyword.
std::string QuoteIdentifier(std::string_view identifier);
// quote_literal(): single-quoted with quotes doubled; E'...' with doubled backslashes when it has any.
std::string QuoteLiteral(std::string_view text);

// Shorthands for the TypeIds used in registration tables.
inline constexpr LogicalType kBoolType{TypeId::kBool};
inline constexpr LogicalType kInt16Type{TypeId::kInt16};
inline constexpr LogicalType kInt32Type{TypeId::kInt32};
inline constexpr LogicalType kInt64Type{TypeId::kInt64};
inline constexpr LogicalType kFloat32Type{TypeId::kFloat32};
inline constexpr LogicalType kFloat64Type{TypeId::kFloat64};
inline constexpr LogicalType kNumericType{TypeId::kNumeric};
inline constexpr LogicalType kTextType{TypeId::kText};
inline constexpr LogicalType kCharType{TypeId::kChar};
inline constexpr LogicalType kByteaType{TypeId::kBytea};
inline constexpr LogicalType kDateType{TypeId::kDate};
inline constexpr LogicalType kTimeType{TypeId::kTime};
inline constexpr LogicalType kTimestampType{TypeId::kTimestamp};
inline constexpr LogicalType kTimestampTzType{TypeId::kTimestampTz};
inline constexpr LogicalType kIntervalType{TypeId::kInterval};
inline constexpr LogicalType kOidType{TypeId::kOid};
inline constexpr LogicalType kTextArrayType{TypeId::kTextArray};

}  // namespace tessera::engine::builtin
