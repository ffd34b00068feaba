// SPDX-License-Identifier: Apache-2.0
// Deparsing bound expressions for worker fragments (planner/fragment_sql.h).
#include "planner/fragment_sql.h"

#include <set>

#include "engine/function/kernel_builder.h"

namespace tessera::planner {

namespace {

using engine::BoundExpr;
using engine::BoundExprKind;

// Types whose constants and casts read back exactly from their text form, with no typmod to apply.
bool PlainType(const LogicalType& type) {
  switch (type.id) {
    case TypeId::kBool:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kNumeric:
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kDate:
    case TypeId::kTimestamp:
      return FormatType(type).find('(') == std::string::npos;
    default:
      return false;
  }
}

std::optional<std::string> DeparseConstant(const Value& value, const LogicalType& type) {
  if (!PlainType(type)) return std::nullopt;
  const std::string text = value.is_null() ? "NULL" : engine::builtin::QuoteLiteral(value.ToString());
  return "CAST(" + text + " AS " + FormatType(type) + ")";
}

bool IsOperator(const std::string& name) {
  static const std::set<std::string> kOperators = {"=", "<>", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "||"};
  return kOperators.count(name) > 0;
}

// The children of `expr` deparsed, or an empty vector when one does not deparse.
std::optional<std::vector<std::string>> DeparseChildren(const BoundExpr& expr, const std::vector<std::string>& columns) {
  std::vector<std::string> parts;
  for (const auto& child : expr.children) {
    std::optional<std::string> part = DeparseExpr(*child, columns);
    if (!part) return std::nullopt;
    parts.push_back(std::move(*part));
  }
  return parts;
}

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (size_t index = 0; index < parts.size(); ++index) text += (index > 0 ? separator : "") + parts[index];
  return text;
}

}  // namespace

std::optional<std::string> DeparseExpr(const BoundExpr& expr, const std::vector<std::string>& columns) {
  if (expr.kind == BoundExprKind::kColumn) {
    if (expr.column < 0 || static_cast<size_t>(expr.column) >= columns.size()) return std::nullopt;
    return columns[expr.column];
  }
  if (expr.kind == BoundExprKind::kConstant) return DeparseConstant(expr.constant, expr.type);
  const std::optional<std::vector<std::string>> parts = DeparseChildren(expr, columns);
  if (!parts) return std::nullopt;
  const std::vector<std::string>& arg = *parts;
  const std::string is = expr.negated ? " IS NOT " : " IS ";
  switch (expr.kind) {
    case BoundExprKind::kFunction:
      if (expr.function == nullptr || expr.function->is_volatile || !IsOperator(expr.function->name)) return std::nullopt;
      if (arg.size() == 2) return "(" + arg[0] + " " + expr.function->name + " " + arg[1] + ")";
      if (arg.size() == 1 && expr.function->name == "-") return "(- " + arg[0] + ")";
      return std::nullopt;
    case BoundExprKind::kCast:
      if (!PlainType(expr.type)) return std::nullopt;
      return "CAST(" + arg[0] + " AS " + FormatType(expr.type) + ")";
    case BoundExprKind::kAnd:
      return "(" + Join(arg, " AND ") + ")";
    case BoundExprKind::kOr:
      return "(" + Join(arg, " OR ") + ")";
    case BoundExprKind::kNot:
      return "(NOT " + arg[0] + ")";
    case BoundExprKind::kIsNull:
      return "(" + arg[0] + is + "NULL)";
    case BoundExprKind::kIsTrue:
      return "(" + arg[0] + is + "TRUE)";
    case BoundExprKind::kIsFalse:
      return "(" + arg[0] + is + "FALSE)";
    case BoundExprKind::kDistinctFrom:
      return "(" + arg[0] + is + "DISTINCT FROM " + arg[1] + ")";
    case BoundExprKind::kCoalesce:
      return "COALESCE(" + Join(arg, ", ") + ")";
    default:
      return std::nullopt;
  }
}

}  // namespace tessera::planner
