// SPDX-License-Identifier: Apache-2.0
#include "planner/order_comparable.h"

namespace tessera::planner {

namespace {

// 1, 2, 3 for smallint, integer, bigint; 0 for other types.
int IntegerRank(TypeId id) {
  return id == TypeId::kInt16 ? 1 : id == TypeId::kInt32 ? 2 : id == TypeId::kInt64 ? 3 : 0;
}
bool IsText(TypeId id) { return id == TypeId::kText || id == TypeId::kVarchar || id == TypeId::kName; }
bool IsFloat(TypeId id) { return id == TypeId::kFloat32 || id == TypeId::kFloat64; }

}  // namespace

bool OrderComparable(TypeId column, TypeId value) {
  if (IsInteger(column)) return IsInteger(value);
  if (IsText(column)) return IsText(value);
  if (IsFloat(column)) return IsFloat(value);
  if (column != value) return false;
  switch (column) {
    case TypeId::kBool:
    case TypeId::kNumeric:
    case TypeId::kBytea:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimeTz:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kInterval:
    case TypeId::kUuid:
      return true;
    default:
      return false;
  }
}

const engine::BoundExpr* OrderPreservingColumn(const engine::BoundExpr& side) {
  using engine::BoundExprKind;
  if (side.kind == BoundExprKind::kColumn) return &side;
  if (side.kind != BoundExprKind::kCast || side.children[0]->kind != BoundExprKind::kColumn) return nullptr;
  const engine::BoundExpr& column = *side.children[0];
  const TypeId from = column.type.id;
  const TypeId to = side.type.id;
  const bool widening = IsInteger(from) && IsInteger(to) && IntegerRank(from) <= IntegerRank(to);
  const bool to_text = IsText(from) && to == TypeId::kText;
  return widening || to_text ? &column : nullptr;
}

std::optional<storage::CompareOp> ComparisonOperator(const std::string& name) {
  using storage::CompareOp;
  if (name == "=") return CompareOp::kEqual;
  if (name == "<>") return CompareOp::kNotEqual;
  if (name == "<") return CompareOp::kLess;
  if (name == "<=") return CompareOp::kLessEqual;
  if (name == ">") return CompareOp::kGreater;
  if (name == ">=") return CompareOp::kGreaterEqual;
  return std::nullopt;
}

}  // namespace tessera::planner
