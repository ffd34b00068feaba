// SPDX-License-Identifier: Apache-2.0
// Test helper: prints an ast::Expr as a compact S-expression, so parser tests can state whole trees.
#pragma once

#include <string>

#include "planner/ast.h"

namespace tessera::planner::ast {

inline std::string Sexp(const Expr* expr);

inline std::string JoinDotted(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ".") + name;
  return text;
}

inline std::string SexpType(const TypeName& type) {
  std::string text = JoinDotted(type.names);
  if (!type.typmods.empty()) {
    text += "(";
    for (size_t index = 0; index < type.typmods.size(); ++index) {
      text += (index > 0 ? "," : "") + std::to_string(type.typmods[index]);
    }
    text += ")";
  }
  for (int dimension = 0; dimension < type.array_dimensions; ++dimension) text += "[]";
  return text;
}

// Prints "(head arg arg ...)".
inline std::string SexpList(const std::string& head, const std::vector<ExprPtr>& args) {
  std::string text = "(" + head;
  for (const ExprPtr& arg : args) text += " " + Sexp(arg.get());
  return text + ")";
}

inline std::string SexpLiteral(const Expr& expr) {
  switch (expr.literal_kind) {
    case LiteralKind::kNull: return "NULL";
    case LiteralKind::kString: return "'" + expr.text + "'";
    case LiteralKind::kBool: return expr.text == "t" ? "TRUE" : "FALSE";
    case LiteralKind::kBitString: return "B'" + expr.text + "'";
    default: return expr.text;
  }
}

inline std::string Sexp(const Expr* expr) {
  if (expr == nullptr) return "<null>";
  const std::string negation = expr->negated ? "not" : "";
  switch (expr->kind) {
    case ExprKind::kLiteral: return SexpLiteral(*expr);
    case ExprKind::kColumnRef: return JoinDotted(expr->names);
    case ExprKind::kStar: return expr->names.empty() ? "*" : JoinDotted(expr->names) + ".*";
    case ExprKind::kParam: return "$" + std::to_string(expr->param_number);
    case ExprKind::kOperator: {
      std::string head = expr->names.empty() ? expr->name : "operator(" + JoinDotted(expr->names) + ")";
      if (!expr->quantifier.empty()) head += " " + expr->quantifier;
      return SexpList(head, expr->args);
    }
    case ExprKind::kAnd: return SexpList("and", expr->args);
    case ExprKind::kOr: return SexpList("or", expr->args);
    case ExprKind::kNot: return SexpList("not", expr->args);
    case ExprKind::kFunction: {
      std::string text = JoinDotted(expr->names) + "(";
      if (expr->agg_distinct) text += "distinct ";
      if (expr->agg_star) text += "*";
      for (size_t index = 0; index < expr->args.size(); ++index) {
        text += (index > 0 ? ", " : "") + Sexp(expr->args[index].get());
      }
      text += ")";
      if (expr->agg_filter) text += " filter " + Sexp(expr->agg_filter.get());
      if (expr->over) text += " over";
      return text;
    }
    case ExprKind::kCast:
      return "(cast " + Sexp(expr->args[0].get()) + " " + SexpType(*expr->type_name) + ")";
    case ExprKind::kCase: {
      std::string text = "(case";
      if (expr->case_operand) text += " " + Sexp(expr->case_operand.get());
      for (size_t index = 0; index < expr->when_conditions.size(); ++index) {
        text += " (when " + Sexp(expr->when_conditions[index].get()) + " " +
                Sexp(expr->when_results[index].get()) + ")";
      }
      if (expr->else_result) text += " (else " + Sexp(expr->else_result.get()) + ")";
      return text + ")";
    }
    case ExprKind::kNullTest: return SexpList(expr->negated ? "isnotnull" : "isnull", expr->args);
    case ExprKind::kBoolTest: {
      const char* test = expr->bool_test == BoolTestKind::kTrue    ? "true"
                         : expr->bool_test == BoolTestKind::kFalse ? "false"
                                                                   : "unknown";
      return SexpList(std::string(expr->negated ? "isnot" : "is") + test, expr->args);
    }
    case ExprKind::kIn: return SexpList(negation + "in", expr->args);
    case ExprKind::kBetween:
      return SexpList(negation + (expr->symmetric ? "between_sym" : "between"), expr->args);
    case ExprKind::kDistinctFrom: return SexpList(negation + "distinct", expr->args);
    case ExprKind::kCoalesce: return SexpList("coalesce", expr->args);
    case ExprKind::kNullIf: return SexpList("nullif", expr->args);
    case ExprKind::kGreatest: return SexpList("greatest", expr->args);
    case ExprKind::kLeast: return SexpList("least", expr->args);
    case ExprKind::kSubquery: {
      static const char* const kNames[] = {"scalar", "exists", "any", "all", "in", "array"};
      std::string head = std::string("subquery ") + kNames[static_cast<int>(expr->subquery_kind)];
      if (!expr->name.empty()) head += " " + expr->name;
      return SexpList(head, expr->args);
    }
    case ExprKind::kSqlValue: return expr->name;
    case ExprKind::kCollate: return SexpList("collate " + JoinDotted(expr->names), expr->args);
    case ExprKind::kArray: return SexpList("array", expr->args);
    case ExprKind::kRow: return SexpList("row", expr->args);
    case ExprKind::kSubscript: return SexpList("subscript", expr->args);
    case ExprKind::kFieldSelect: return SexpList("field " + expr->name, expr->args);
    case ExprKind::kGrouping: return SexpList("grouping", expr->args);
  }
  return "?";
}

inline std::string Sexp(const ExprPtr& expr) { return Sexp(expr.get()); }

}  // namespace tessera::planner::ast
