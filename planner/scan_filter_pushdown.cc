// SPDX-License-Identifier: Apache-2.0
// Scan filter pushdown.
//
// A comparison is pushed only when storage's comparison (storage/encoding/physical_value.h: integers by
// value, floats in PostgreSQL's order with NaN on top, numeric by value whatever the scale, strings
// bytewise, intervals as 30-day months) gives the same answer as the engine's operator for every row:
//   - integer columns (int2/int4/int8, also through a widening cast) against any integer constant: the
//     constant keeps its int64 value even outside the column's range;
//   - float4/float8 columns against float constants: both compare as doubles;
//   - text, varchar and name columns (also through a cast to text) against text-family constants:
//     Tessera compares them bytewise (collation "C");
//   - bool, numeric, bytea, date, time, timestamp, timestamptz and interval columns against a constant
//     of the same type.
// Not pushed: bpchar (trailing spaces do not count), cross-type comparisons that convert the column
// (integer to numeric, date to timestamp, which may depend on the time zone), arrays, parameters and
// NULL constants.
#include "planner/scan_filter_pushdown.h"

#include <optional>

#include "planner/order_comparable.h"

namespace tessera::planner {

using engine::BoundExpr;
using engine::BoundExprKind;
using engine::PlanKind;
using engine::PlanNode;
using storage::CompareOp;
using storage::ScanPredicate;

namespace {

// The table column of a scan output column, or -1 for the row id column.
int TableColumn(const PlanNode& scan, const BoundExpr& column) {
  if (column.column < 0 || static_cast<size_t>(column.column) >= scan.column_ids.size()) return -1;
  return scan.column_ids[column.column];
}

std::optional<ScanPredicate> MatchComparison(const BoundExpr& conjunct, const PlanNode& scan) {
  if (conjunct.kind != BoundExprKind::kFunction || conjunct.children.size() != 2) return std::nullopt;
  const auto op = ComparisonOperator(conjunct.function->name);
  if (!op) return std::nullopt;
  for (size_t side = 0; side < 2; ++side) {
    const BoundExpr* column = OrderPreservingColumn(*conjunct.children[side]);
    const BoundExpr& value = *conjunct.children[1 - side];
    if (column == nullptr || value.kind != BoundExprKind::kConstant || value.constant.is_null()) continue;
    const int table_column = TableColumn(scan, *column);
    if (table_column < 0 || !OrderComparable(column->type.id, value.type.id)) continue;
    return ScanPredicate::Compare(table_column, side == 0 ? *op : storage::FlipCompareOp(*op),
                                  value.constant.WithType(column->type));
  }
  return std::nullopt;
}

std::optional<ScanPredicate> MatchConjunct(const BoundExpr& conjunct, const PlanNode& scan) {
  switch (conjunct.kind) {
    case BoundExprKind::kFunction: return MatchComparison(conjunct, scan);
    case BoundExprKind::kIsNull: {
      const BoundExpr* column = OrderPreservingColumn(*conjunct.children[0]);
      const int table_column = column == nullptr ? -1 : TableColumn(scan, *column);
      if (table_column < 0) return std::nullopt;
      return ScanPredicate::IsNull(table_column, conjunct.negated);
    }
    case BoundExprKind::kColumn:
    case BoundExprKind::kNot: {
      const bool negated = conjunct.kind == BoundExprKind::kNot;
      const BoundExpr& column = negated ? *conjunct.children[0] : conjunct;
      if (column.kind != BoundExprKind::kColumn || column.type.id != TypeId::kBool) return std::nullopt;
      const int table_column = TableColumn(scan, column);
      if (table_column < 0) return std::nullopt;
      return ScanPredicate::Compare(table_column, CompareOp::kEqual, Value::Bool(!negated));
    }
    default: return std::nullopt;
  }
}

void CollectConjuncts(const BoundExpr& expr, std::vector<const BoundExpr*>& out) {
  if (expr.kind != BoundExprKind::kAnd) {
    out.push_back(&expr);
    return;
  }
  for (const auto& child : expr.children) CollectConjuncts(*child, out);
}

}  // namespace

void PushFilterToScan(PlanNode& scan) {
  if (scan.kind != PlanKind::kScan || !scan.predicate) return;
  std::vector<const BoundExpr*> conjuncts;
  CollectConjuncts(*scan.predicate, conjuncts);
  scan.scan_filter = storage::ScanFilter();
  scan.scan_filter.exact = true;
  for (const BoundExpr* conjunct : conjuncts) {
    if (auto predicate = MatchConjunct(*conjunct, scan)) {
      scan.scan_filter.predicates.push_back(std::move(*predicate));
    } else {
      scan.scan_filter.exact = false;
    }
  }
}

}  // namespace tessera::planner
