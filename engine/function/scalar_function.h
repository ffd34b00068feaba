// SPDX-License-Identifier: Apache-2.0
// Scalar functions and operators: the registry the binder resolves calls against, and the helpers that let a
// function author write only the per-value kernel (NULL handling and loops are done here).
//
// A kernel receives argument vectors of the declared argument types (the binder inserts casts), all of
// `count` rows, and a result vector already sized to `count` with the declared return type. A strict
// function (the default) must give NULL where any argument is NULL and must not compute those rows (their
// data slots hold garbage): the Execute helpers below do both.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "base/vector.h"
#include "engine/exec_context.h"

namespace tessera::engine {

using ScalarKernel = std::function<void(const std::vector<Vector>& args, idx_t count, Vector& result,
                                        ExecContext& context)>;

struct ScalarFunction {
  std::string name;                    // lower-case; operators by symbol ("+", "||", "~~")
  std::vector<LogicalType> arg_types;  // only TypeId matters for matching
  LogicalType return_type;
  ScalarKernel kernel;
  bool strict = true;      // NULL in any argument -> NULL out, kernel skips the row
  bool variadic = false;   // the last argument type repeats (concat, ...)
  // With variadic: the repeated arguments take any type, as PostgreSQL's VARIADIC "any" (concat,
  // concat_ws, format). The binder passes them uncast (unknown literals become text); the kernel gets
  // them as they are and formats them with VariadicAnyText.
  bool variadic_any = false;
  bool is_volatile = false;  // random(), now(): never constant-folded
  // For functions whose result typmod/type depends on arguments (e.g. round(numeric, int) keeps numeric).
  // When set, called by the binder with the actual argument types; returns the result type.
  std::function<LogicalType(const std::vector<LogicalType>&)> bind_return_type;
};

class FunctionRegistry {
 public:
  void Register(ScalarFunction function);
  // All overloads of `name` (lower-case), or nullptr.
  const std::vector<ScalarFunction>* Lookup(std::string_view name) const;
  // Calls `visit` for every registered overload, in no particular order (catalog views, tests).
  void ForEach(const std::function<void(const ScalarFunction&)>& visit) const;

 private:
  std::unordered_map<std::string, std::vector<ScalarFunction>> functions_;
};

// The built-in functions and operators, registered once on first use.
const FunctionRegistry& BuiltinFunctions();

// Registration entry points, one per family (function/*.cc).
void RegisterArithmeticFunctions(FunctionRegistry& registry);   // + - * / % ^ unary -, abs, ... on numbers
void RegisterComparisonFunctions(FunctionRegistry& registry);   // = <> < <= > >= on every type
void RegisterMathFunctions(FunctionRegistry& registry);         // round trunc floor ceil sqrt power mod ln exp
void RegisterStringFunctions(FunctionRegistry& registry);       // length lower upper substr || LIKE ~ ...
void RegisterDatetimeFunctions(FunctionRegistry& registry);     // now date_trunc extract age to_char + - on dates
void RegisterSystemFunctions(FunctionRegistry& registry);
void RegisterUuidFunctions(FunctionRegistry& registry);         // uuid = < ..., gen_random_uuid
void RegisterVectorFunctions(FunctionRegistry& registry);       // <-> <#> <=> l2_distance cosine_distance ...
void RegisterArrayFunctions(FunctionRegistry& registry);        // array_to_string array_upper, = ANY (array), a[i]       // version current_schema format_type ...

// Casts `input` to `target`, writing `count` rows into `result` (sized and typed by the callee).
// `explicit_cast` is true for CAST/:: (allows e.g. numeric -> int rounding, text truncation to varchar(n)
// without error as PostgreSQL does for explicit casts). Errors as PostgreSQL: 22P02, 22003, 22001 ...
// Throws 42846 "cannot cast type X to Y" for pairs PostgreSQL does not cast.
void CastVector(const Vector& input, const LogicalType& target, Vector& result, ExecContext& context,
                bool explicit_cast);
// The text of every row of a VARIADIC "any" argument, as PostgreSQL's output function writes it:
// booleans as t/f, char(n) with its padding, other types as their cast to text.
Vector VariadicAnyText(const Vector& argument, idx_t count, ExecContext& context);

// Returns whether a cast exists from `source` to `target`, and whether it may be applied implicitly
// (PostgreSQL's pg_cast castcontext 'i'), in assignment ('a') or only explicitly ('e').
enum class CastContext { kImplicit, kAssignment, kExplicit, kNone };
CastContext GetCastContext(const LogicalType& source, const LogicalType& target);
// Casts one Value (constant folding, parameters).
Value CastValue(const Value& input, const LogicalType& target, ExecContext& context, bool explicit_cast);

// --- Helpers for kernel authors ---------------------------------------------------------------------

// Applies `op(in) -> out` to every non-NULL row. In/Out are the physical C++ types (int32_t, double,
// std::string_view, Decimal, ...). For string outputs use ExecuteUnaryString.
template <typename In, typename Out, typename Op>
void ExecuteUnary(const Vector& input, idx_t count, Vector& result, Op&& op) {
  const In* in = input.Data<In>();
  Out* out = result.Data<Out>();
  if (!input.MayHaveNulls()) {
    for (idx_t row = 0; row < count; ++row) out[row] = op(in[row]);
    return;
  }
  for (idx_t row = 0; row < count; ++row) {
    if (input.IsNull(row)) {
      result.SetNull(row, true);
    } else {
      out[row] = op(in[row]);
    }
  }
}

template <typename Left, typename Right, typename Out, typename Op>
void ExecuteBinary(const Vector& left, const Vector& right, idx_t count, Vector& result, Op&& op) {
  const Left* lhs = left.Data<Left>();
  const Right* rhs = right.Data<Right>();
  Out* out = result.Data<Out>();
  if (!left.MayHaveNulls() && !right.MayHaveNulls()) {
    for (idx_t row = 0; row < count; ++row) out[row] = op(lhs[row], rhs[row]);
    return;
  }
  for (idx_t row = 0; row < count; ++row) {
    if (left.IsNull(row) || right.IsNull(row)) {
      result.SetNull(row, true);
    } else {
      out[row] = op(lhs[row], rhs[row]);
    }
  }
}

// As ExecuteUnary/ExecuteBinary, for kernels producing strings: `op` returns std::string (or something
// convertible to std::string_view that stays valid until stored), stored into the result's heap.
template <typename In, typename Op>
void ExecuteUnaryString(const Vector& input, idx_t count, Vector& result, Op&& op) {
  const In* in = input.Data<In>();
  for (idx_t row = 0; row < count; ++row) {
    if (input.IsNull(row)) {
      result.SetNull(row, true);
    } else {
      result.SetString(row, op(in[row]));
    }
  }
}

template <typename Left, typename Right, typename Op>
void ExecuteBinaryString(const Vector& left, const Vector& right, idx_t count, Vector& result, Op&& op) {
  const Left* lhs = left.Data<Left>();
  const Right* rhs = right.Data<Right>();
  for (idx_t row = 0; row < count; ++row) {
    if (left.IsNull(row) || right.IsNull(row)) {
      result.SetNull(row, true);
    } else {
      result.SetString(row, op(lhs[row], rhs[row]));
    }
  }
}

// Row-wise fallback for functions of many arguments: calls `op(row)` for rows where no argument is NULL.
template <typename Op>
void ForEachNonNullRow(const std::vector<Vector>& args, idx_t count, Vector& result, Op&& op) {
  for (idx_t row = 0; row < count; ++row) {
    bool any_null = false;
    for (const auto& arg : args) any_null = any_null || arg.IsNull(row);
    if (any_null) {
      result.SetNull(row, true);
    } else {
      op(row);
    }
  }
}

}  // namespace tessera::engine
