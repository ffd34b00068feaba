// SPDX-License-Identifier: Apache-2.0
// Column DEFAULT expressions: the checks PostgreSQL makes when a table is created or altered, and binding
// the stored SQL text when INSERT or UPDATE needs the value.
#include <algorithm>

#include "engine/catalog.h"
#include "planner/binder.h"
#include "planner/parser/parser.h"

namespace tessera::planner {

namespace {

// Throws for the constructs a DEFAULT may not contain, in PostgreSQL's words.
void CheckDefaultExpr(const ast::Expr* expr) {
  if (expr == nullptr) return;
  switch (expr->kind) {
    case ast::ExprKind::kColumnRef:
      throw SqlError(SqlState::kFeatureNotSupported, "cannot use column reference in DEFAULT expression")
          .WithPosition(expr->location + 1);
    case ast::ExprKind::kSubquery:
      throw SqlError(SqlState::kFeatureNotSupported, "cannot use subquery in DEFAULT expression")
          .WithPosition(expr->location + 1);
    case ast::ExprKind::kParam:
      throw SqlError(SqlState::kUndefinedParameter, "there is no parameter $" + std::to_string(expr->param_number))
          .WithPosition(expr->location + 1);
    case ast::ExprKind::kFunction:
      if (expr->over) {
        throw SqlError(SqlState::kWindowingError, "window functions are not allowed in DEFAULT expressions")
            .WithPosition(expr->location + 1);
      }
      if (ContainsAggregate(expr)) {
        throw SqlError(SqlState::kGroupingError, "aggregate functions are not allowed in DEFAULT expressions")
            .WithPosition(expr->location + 1);
      }
      break;
    default:
      break;
  }
  for (const auto& arg : expr->args) CheckDefaultExpr(arg.get());
  CheckDefaultExpr(expr->case_operand.get());
  for (const auto& item : expr->when_conditions) CheckDefaultExpr(item.get());
  for (const auto& item : expr->when_results) CheckDefaultExpr(item.get());
  CheckDefaultExpr(expr->else_result.get());
}

}  // namespace

bool CheckColumnDefault(Binder& binder, const ast::Expr& expr, const std::string& name, const LogicalType& type) {
  CheckDefaultExpr(&expr);
  Scope empty;
  engine::BoundExprPtr bound = binder.BindExpr(expr, empty);
  // Length and precision limits apply when a row takes the default, not here (as in PostgreSQL).
  const LogicalType unconstrained(type.id);
  const engine::CastContext available = engine::GetCastContext(bound->type, unconstrained);
  const bool assignable = bound->type.id == TypeId::kUnknown || bound->type.id == type.id ||
                          (available != engine::CastContext::kNone &&
                           static_cast<int>(available) <= static_cast<int>(engine::CastContext::kAssignment));
  if (!assignable) {
    throw SqlError(SqlState::kDatatypeMismatch, "column \"" + name + "\" is of type " + FormatType(type) +
                                                    " but default expression is of type " + FormatType(bound->type))
        .WithHint("You will need to rewrite or cast the expression.");
  }
  bound = binder.Coerce(std::move(bound), unconstrained, engine::CastContext::kAssignment);
  return bound->kind == engine::BoundExprKind::kConstant && bound->constant.is_null();
}

engine::BoundExprPtr BindDefault(Binder& binder, const engine::ColumnInfo& column) {
  if (column.default_sql.empty()) return engine::MakeConstant(Value::Null(column.type));
  auto statements = ParseSql("SELECT " + column.default_sql);
  auto& select = static_cast<ast::SelectStatement&>(*statements[0]);
  Scope empty;
  return binder.Coerce(binder.BindExpr(*select.select->targets[0].expr, empty), column.type, engine::CastContext::kAssignment);
}

}  // namespace tessera::planner
