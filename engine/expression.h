// SPDX-License-Identifier: Apache-2.0
// Bound expressions and their vectorized evaluation. The binder produces BoundExpr trees whose column
// references are positions in the input batch of the operator that evaluates them; Evaluate() computes a
// whole batch at once and evaluates conditional branches (CASE, AND/OR short-circuit, COALESCE) only on the
// rows that reach them, so an error in a branch not taken is never raised.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/value.h"
#include "base/vector.h"
#include "engine/exec_context.h"
#include "engine/function/scalar_function.h"

namespace tessera::engine {

struct PlanNode;
struct BoundExpr;
using BoundExprPtr = std::unique_ptr<BoundExpr>;

enum class BoundExprKind {
  kConstant,      // constant
  kColumn,        // input column `column`
  kOuterColumn,   // correlated reference: outer row `depth` levels up, column `column`
  kParameter,     // $`parameter` (1-based)
  kFunction,      // function(children...)
  kCast,          // children[0] cast to type
  kAnd,           // children (2+), three-valued
  kOr,            // children (2+), three-valued
  kNot,           // children[0]
  kIsNull,        // children[0] IS NULL (negated: IS NOT NULL)
  kIsTrue,        // children[0] IS TRUE / (negated) IS NOT TRUE
  kIsFalse,       // children[0] IS FALSE / IS NOT FALSE
  kDistinctFrom,  // children[0] IS DISTINCT FROM children[1] (negated: IS NOT DISTINCT FROM)
  kCase,          // children: when0, then0, when1, then1, ..., [else]; has_else
  kCoalesce,      // children
  kSubquery,      // subquery_plan with subquery_kind; for kAny/kAll: children[0] is the left operand and
                  // `function` the comparison applied as function(left, subquery column)
  kAggregateRef,  // binder placeholder for an aggregate call; never evaluated
  kWindowRef,     // binder placeholder for a window function call; never evaluated
  kSetFunctionRef,  // binder placeholder for a set-returning call in a select list; never evaluated
};

enum class SubqueryType { kScalar, kExists, kAny, kAll, kArray };

struct BoundExpr {
  BoundExprKind kind;
  LogicalType type;
  Value constant;
  int column = -1;
  int depth = 0;
  int parameter = 0;
  bool negated = false;
  bool has_else = false;
  bool explicit_cast = false;
  const ScalarFunction* function = nullptr;
  std::vector<BoundExprPtr> children;
  std::string name;  // display name (function name, column name) for EXPLAIN and result columns

  // kSubquery
  SubqueryType subquery_type = SubqueryType::kScalar;
  std::shared_ptr<const PlanNode> subquery_plan;
  bool correlated = false;

  // kAggregateRef / kWindowRef: index into the binder's aggregate or window list.
  int reference = -1;

  BoundExpr(BoundExprKind expr_kind, LogicalType expr_type) : kind(expr_kind), type(expr_type) {}

  BoundExprPtr Copy() const;
  // Structural equality (for matching GROUP BY expressions).
  bool Equals(const BoundExpr& other) const;
  // SQL-like text for EXPLAIN.
  std::string ToString() const;
  // True when the tree contains no column, parameter, volatile function or subquery.
  bool IsConstant() const;
  // True when the tree references the input (columns) anywhere, outside subqueries.
  bool ReferencesColumns() const;
};

BoundExprPtr MakeConstant(Value value);
BoundExprPtr MakeColumn(int column, LogicalType type, std::string name = {});
BoundExprPtr MakeCast(BoundExprPtr input, const LogicalType& type, bool explicit_cast);
BoundExprPtr MakeFunction(const ScalarFunction* function, std::vector<BoundExprPtr> args, LogicalType type);

// Evaluates `expr` over all rows of `input`; the result has input.num_rows rows.
Vector Evaluate(const BoundExpr& expr, const Batch& input, ExecContext& context);
// Evaluates a predicate and returns the rows where it is true.
std::vector<sel_t> EvaluateFilter(const BoundExpr& expr, const Batch& input, ExecContext& context);
// Evaluates an expression that references no columns (constant folding, LIMIT, VALUES).
Value EvaluateConstant(const BoundExpr& expr, ExecContext& context);

// Runs a plan to completion and returns its batches (subqueries, CTEs, DDL helpers).
std::vector<Batch> RunPlan(const PlanNode& plan, ExecContext& context);

}  // namespace tessera::engine
