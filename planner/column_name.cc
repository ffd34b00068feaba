// SPDX-License-Identifier: Apache-2.0
// Result column names of select-list items without AS, as PostgreSQL's FigureColname chooses them.
#include "planner/binder.h"

namespace tessera::planner {

namespace {

// A name and how sure it is: 2 for names from columns and functions, 1 for type names of casts and
// "case", which a stronger name inside them wins over; 0 for none ("?column?").
struct FiguredName {
  std::string name = "?column?";
  int strength = 0;
};

FiguredName Figure(const ast::Expr& expr);

// The name of a scalar subquery: that of its (first branch's) first output column.
FiguredName FigureSubquery(const ast::SelectStmt& query) {
  const ast::SelectStmt* leaf = &query;
  while (leaf->op != ast::SetOpKind::kNone) leaf = leaf->left_query.get();
  if (!leaf->values_rows.empty()) return {"column1", 2};
  if (leaf->targets.empty()) return {};
  const ast::TargetItem& first = leaf->targets[0];
  if (!first.alias.empty()) return {first.alias, 2};
  // The columns * stands for are known only once the subquery is bound.
  if (first.expr->kind == ast::ExprKind::kStar) return {};
  return {Figure(*first.expr).name, 2};
}

FiguredName Figure(const ast::Expr& expr) {
  switch (expr.kind) {
    case ast::ExprKind::kColumnRef:
    case ast::ExprKind::kFunction: return {expr.names.back(), 2};
    case ast::ExprKind::kFieldSelect: return {expr.name, 2};
    case ast::ExprKind::kSubscript:
    case ast::ExprKind::kCollate: return Figure(*expr.args[0]);
    case ast::ExprKind::kCast: {
      FiguredName inner = Figure(*expr.args[0]);
      if (inner.strength > 1) return inner;
      return {expr.type_name->names.back(), 1};
    }
    case ast::ExprKind::kCase: {
      FiguredName result = expr.else_result ? Figure(*expr.else_result) : FiguredName{};
      if (result.strength > 1) return result;
      return {"case", 1};
    }
    case ast::ExprKind::kCoalesce: return {"coalesce", 2};
    case ast::ExprKind::kNullIf: return {"nullif", 2};
    case ast::ExprKind::kGreatest: return {"greatest", 2};
    case ast::ExprKind::kLeast: return {"least", 2};
    case ast::ExprKind::kArray: return {"array", 2};
    case ast::ExprKind::kRow: return {"row", 2};
    case ast::ExprKind::kGrouping: return {"grouping", 2};
    case ast::ExprKind::kSqlValue: return {expr.name, 2};
    case ast::ExprKind::kSubquery:
      switch (expr.subquery_kind) {
        case ast::SubqueryKind::kExists: return {"exists", 2};
        case ast::SubqueryKind::kArray: return {"array", 2};
        case ast::SubqueryKind::kScalar: return FigureSubquery(*expr.subquery);
        default: return {};
      }
    default: return {};
  }
}

}  // namespace

std::string FigureColumnName(const ast::Expr& expr) { return Figure(expr).name; }

}  // namespace tessera::planner
