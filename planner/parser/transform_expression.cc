// SPDX-License-Identifier: Apache-2.0
// Transforms libpg_query expression nodes (operators, constants, casts, CASE, subqueries, ...) into
// ast::Expr.
#include <string>

#include "planner/parser/transformer.h"

namespace tessera::planner::parser {
namespace {

ast::ExprPtr MakeExpr(ast::ExprKind kind, int location) {
  auto expr = std::make_unique<ast::Expr>(kind);
  expr->location = location;
  return expr;
}

ast::ExprPtr TransformConstant(const pg_query::A_Const& constant) {
  auto expr = MakeExpr(ast::ExprKind::kLiteral, constant.location());
  if (constant.isnull()) {
    expr->literal_kind = ast::LiteralKind::kNull;
    return expr;
  }
  switch (constant.val_case()) {
    case pg_query::A_Const::kIval:
      expr->literal_kind = ast::LiteralKind::kInteger;
      expr->text = std::to_string(constant.ival().ival());
      break;
    case pg_query::A_Const::kFval:
      // Decimal literals and integers too large for int32 both arrive as Float, spelled as written.
      expr->literal_kind = ast::LiteralKind::kFloat;
      expr->text = constant.fval().fval();
      break;
    case pg_query::A_Const::kBoolval:
      expr->literal_kind = ast::LiteralKind::kBool;
      expr->text = constant.boolval().boolval() ? "t" : "f";
      break;
    case pg_query::A_Const::kSval:
      expr->literal_kind = ast::LiteralKind::kString;
      expr->text = constant.sval().sval();
      break;
    case pg_query::A_Const::kBsval:
      expr->literal_kind = ast::LiteralKind::kBitString;
      expr->text = constant.bsval().bsval();
      break;
    case pg_query::A_Const::VAL_NOT_SET: expr->literal_kind = ast::LiteralKind::kNull; break;
  }
  return expr;
}

ast::ExprPtr TransformColumnRef(const pg_query::ColumnRef& ref) {
  const int num_fields = ref.fields_size();
  bool is_star = num_fields > 0 && ref.fields(num_fields - 1).has_a_star();
  auto expr = MakeExpr(is_star ? ast::ExprKind::kStar : ast::ExprKind::kColumnRef, ref.location());
  for (int index = 0; index < num_fields - (is_star ? 1 : 0); ++index) {
    expr->names.push_back(StringValue(ref.fields(index)));
  }
  return expr;
}

// Sets name (the bare operator) and, when written OPERATOR(schema.op), names (the qualified name).
void SetOperatorName(const NodeList& name, ast::Expr* expr) {
  std::vector<std::string> parts = StringList(name);
  if (parts.empty()) return;
  expr->name = parts.back();
  if (parts.size() > 1) expr->names = std::move(parts);
}

std::string SqlValueName(pg_query::SQLValueFunctionOp op) {
  switch (op) {
    case pg_query::SVFOP_CURRENT_DATE: return "current_date";
    case pg_query::SVFOP_CURRENT_TIME:
    case pg_query::SVFOP_CURRENT_TIME_N: return "current_time";
    case pg_query::SVFOP_CURRENT_TIMESTAMP:
    case pg_query::SVFOP_CURRENT_TIMESTAMP_N: return "current_timestamp";
    case pg_query::SVFOP_LOCALTIME:
    case pg_query::SVFOP_LOCALTIME_N: return "localtime";
    case pg_query::SVFOP_LOCALTIMESTAMP:
    case pg_query::SVFOP_LOCALTIMESTAMP_N: return "localtimestamp";
    case pg_query::SVFOP_CURRENT_ROLE: return "current_role";
    case pg_query::SVFOP_CURRENT_USER: return "current_user";
    case pg_query::SVFOP_USER: return "user";
    case pg_query::SVFOP_SESSION_USER: return "session_user";
    case pg_query::SVFOP_CURRENT_CATALOG: return "current_catalog";
    case pg_query::SVFOP_CURRENT_SCHEMA: return "current_schema";
    default: return "";
  }
}

bool SqlValueHasPrecision(pg_query::SQLValueFunctionOp op) {
  return op == pg_query::SVFOP_CURRENT_TIME_N || op == pg_query::SVFOP_CURRENT_TIMESTAMP_N ||
         op == pg_query::SVFOP_LOCALTIME_N || op == pg_query::SVFOP_LOCALTIMESTAMP_N;
}

// Returns the location of the first located node in a list, for constructs that carry none themselves.
int FirstLocation(const ast::Expr* expr) { return expr != nullptr ? expr->location : -1; }

}  // namespace

ast::ExprPtr Transformer::TransformOptionalExpr(const pg_query::Node& node) {
  if (node.node_case() == pg_query::Node::NODE_NOT_SET) return nullptr;
  return TransformExpr(node);
}

std::vector<ast::ExprPtr> Transformer::TransformExprList(const NodeList& nodes) {
  std::vector<ast::ExprPtr> exprs;
  exprs.reserve(nodes.size());
  for (const pg_query::Node& node : nodes) exprs.push_back(TransformExpr(node));
  return exprs;
}

ast::ExprPtr Transformer::TransformExpr(const pg_query::Node& node) {
  DepthGuard guard(this);
  switch (node.node_case()) {
    case pg_query::Node::kColumnRef: return TransformColumnRef(node.column_ref());
    case pg_query::Node::kAConst: return TransformConstant(node.a_const());
    case pg_query::Node::kParamRef: {
      auto expr = MakeExpr(ast::ExprKind::kParam, node.param_ref().location());
      expr->param_number = node.param_ref().number();
      return expr;
    }
    case pg_query::Node::kAExpr: return TransformAExpr(node.a_expr());
    case pg_query::Node::kBoolExpr: {
      const pg_query::BoolExpr& bool_expr = node.bool_expr();
      ast::ExprKind kind = bool_expr.boolop() == pg_query::AND_EXPR  ? ast::ExprKind::kAnd
                           : bool_expr.boolop() == pg_query::OR_EXPR ? ast::ExprKind::kOr
                                                                     : ast::ExprKind::kNot;
      auto expr = MakeExpr(kind, bool_expr.location());
      for (const pg_query::Node& arg : bool_expr.args()) {
        ast::ExprPtr child = TransformExpr(arg);
        // Flattens a AND (b AND c) into one AND of three, likewise OR.
        if (kind != ast::ExprKind::kNot && child->kind == kind) {
          for (ast::ExprPtr& grandchild : child->args) expr->args.push_back(std::move(grandchild));
        } else {
          expr->args.push_back(std::move(child));
        }
      }
      return expr;
    }
    case pg_query::Node::kFuncCall: return TransformFuncCall(node.func_call());
    case pg_query::Node::kTypeCast: {
      const pg_query::TypeCast& cast = node.type_cast();
      // DATE '2020-01-01' has no cast location; its type name has one.
      int location = cast.location() >= 0 ? cast.location() : cast.type_name().location();
      auto expr = MakeExpr(ast::ExprKind::kCast, location);
      expr->args.push_back(TransformExpr(cast.arg()));
      expr->type_name = TransformTypeName(cast.type_name());
      return expr;
    }
    case pg_query::Node::kCollateClause: {
      const pg_query::CollateClause& collate = node.collate_clause();
      auto expr = MakeExpr(ast::ExprKind::kCollate, collate.location());
      expr->args.push_back(TransformExpr(collate.arg()));
      expr->names = StringList(collate.collname());
      return expr;
    }
    case pg_query::Node::kSubLink: return TransformSubLink(node.sub_link());
    case pg_query::Node::kCaseExpr: {
      const pg_query::CaseExpr& case_expr = node.case_expr();
      auto expr = MakeExpr(ast::ExprKind::kCase, case_expr.location());
      expr->case_operand = TransformOptionalExpr(case_expr.arg());
      for (const pg_query::Node& when : case_expr.args()) {
        expr->when_conditions.push_back(TransformExpr(when.case_when().expr()));
        expr->when_results.push_back(TransformExpr(when.case_when().result()));
      }
      expr->else_result = TransformOptionalExpr(case_expr.defresult());
      return expr;
    }
    case pg_query::Node::kCoalesceExpr: {
      auto expr = MakeExpr(ast::ExprKind::kCoalesce, node.coalesce_expr().location());
      expr->args = TransformExprList(node.coalesce_expr().args());
      return expr;
    }
    case pg_query::Node::kMinMaxExpr: {
      const pg_query::MinMaxExpr& min_max = node.min_max_expr();
      auto expr =
          MakeExpr(min_max.op() == pg_query::IS_GREATEST ? ast::ExprKind::kGreatest : ast::ExprKind::kLeast,
                   min_max.location());
      expr->args = TransformExprList(min_max.args());
      return expr;
    }
    case pg_query::Node::kSqlvalueFunction: {
      const pg_query::SQLValueFunction& function = node.sqlvalue_function();
      auto expr = MakeExpr(ast::ExprKind::kSqlValue, function.location());
      expr->name = SqlValueName(function.op());
      expr->param_number = SqlValueHasPrecision(function.op()) ? function.typmod() : -1;
      return expr;
    }
    case pg_query::Node::kNullTest: {
      const pg_query::NullTest& test = node.null_test();
      auto expr = MakeExpr(ast::ExprKind::kNullTest, test.location());
      expr->args.push_back(TransformExpr(test.arg()));
      expr->negated = test.nulltesttype() == pg_query::IS_NOT_NULL;
      return expr;
    }
    case pg_query::Node::kBooleanTest: {
      const pg_query::BooleanTest& test = node.boolean_test();
      auto expr = MakeExpr(ast::ExprKind::kBoolTest, test.location());
      expr->args.push_back(TransformExpr(test.arg()));
      switch (test.booltesttype()) {
        case pg_query::IS_NOT_TRUE: expr->negated = true; [[fallthrough]];
        case pg_query::IS_TRUE: expr->bool_test = ast::BoolTestKind::kTrue; break;
        case pg_query::IS_NOT_FALSE: expr->negated = true; [[fallthrough]];
        case pg_query::IS_FALSE: expr->bool_test = ast::BoolTestKind::kFalse; break;
        case pg_query::IS_NOT_UNKNOWN: expr->negated = true; [[fallthrough]];
        default: expr->bool_test = ast::BoolTestKind::kUnknown; break;
      }
      return expr;
    }
    case pg_query::Node::kAArrayExpr: {
      auto expr = MakeExpr(ast::ExprKind::kArray, node.a_array_expr().location());
      expr->args = TransformExprList(node.a_array_expr().elements());
      return expr;
    }
    case pg_query::Node::kRowExpr: {
      auto expr = MakeExpr(ast::ExprKind::kRow, node.row_expr().location());
      expr->args = TransformExprList(node.row_expr().args());
      return expr;
    }
    case pg_query::Node::kAIndirection: return TransformIndirection(node.a_indirection());
    case pg_query::Node::kSetToDefault: {
      auto expr = MakeExpr(ast::ExprKind::kSqlValue, node.set_to_default().location());
      expr->name = "default";
      return expr;
    }
    case pg_query::Node::kGroupingFunc: {
      auto expr = MakeExpr(ast::ExprKind::kGrouping, node.grouping_func().location());
      expr->args = TransformExprList(node.grouping_func().args());
      return expr;
    }
    case pg_query::Node::kXmlExpr: ThrowUnsupported("XML expression", node.xml_expr().location());
    case pg_query::Node::kXmlSerialize: ThrowUnsupported("XMLSERIALIZE", node.xml_serialize().location());
    case pg_query::Node::kCurrentOfExpr: ThrowUnsupported("WHERE CURRENT OF", -1);
    case pg_query::Node::kMultiAssignRef: ThrowUnsupported("multiple-column assignment", -1);
    case pg_query::Node::kNamedArgExpr:
      ThrowUnsupported("named function argument", node.named_arg_expr().location());
    default: ThrowUnsupported("this kind of expression", -1);
  }
}

ast::ExprPtr Transformer::TransformAExpr(const pg_query::A_Expr& a_expr) {
  auto operands = [&](ast::Expr* expr) {
    if (a_expr.has_lexpr()) expr->args.push_back(TransformExpr(a_expr.lexpr()));
    if (a_expr.has_rexpr()) expr->args.push_back(TransformExpr(a_expr.rexpr()));
  };
  // IN and BETWEEN carry their right-hand values as a List node.
  auto list_operands = [&](ast::Expr* expr) {
    expr->args.push_back(TransformExpr(a_expr.lexpr()));
    if (a_expr.rexpr().has_list()) {
      for (const pg_query::Node& item : a_expr.rexpr().list().items())
        expr->args.push_back(TransformExpr(item));
    } else {
      expr->args.push_back(TransformExpr(a_expr.rexpr()));
    }
  };
  const int location = a_expr.location();
  switch (a_expr.kind()) {
    case pg_query::AEXPR_OP:
    case pg_query::AEXPR_LIKE:
    case pg_query::AEXPR_ILIKE: {
      auto expr = MakeExpr(ast::ExprKind::kOperator, location);
      SetOperatorName(a_expr.name(), expr.get());
      operands(expr.get());
      return expr;
    }
    case pg_query::AEXPR_OP_ANY:
    case pg_query::AEXPR_OP_ALL: {
      auto expr = MakeExpr(ast::ExprKind::kOperator, location);
      SetOperatorName(a_expr.name(), expr.get());
      expr->quantifier = a_expr.kind() == pg_query::AEXPR_OP_ANY ? "any" : "all";
      operands(expr.get());
      return expr;
    }
    case pg_query::AEXPR_DISTINCT:
    case pg_query::AEXPR_NOT_DISTINCT: {
      auto expr = MakeExpr(ast::ExprKind::kDistinctFrom, location);
      expr->negated = a_expr.kind() == pg_query::AEXPR_NOT_DISTINCT;
      operands(expr.get());
      return expr;
    }
    case pg_query::AEXPR_NULLIF: {
      auto expr = MakeExpr(ast::ExprKind::kNullIf, location);
      operands(expr.get());
      return expr;
    }
    case pg_query::AEXPR_IN: {
      auto expr = MakeExpr(ast::ExprKind::kIn, location);
      // The grammar names NOT IN's operator "<>" and IN's "=".
      std::vector<std::string> name = StringList(a_expr.name());
      expr->negated = !name.empty() && name.back() == "<>";
      list_operands(expr.get());
      return expr;
    }
    case pg_query::AEXPR_BETWEEN:
    case pg_query::AEXPR_NOT_BETWEEN:
    case pg_query::AEXPR_BETWEEN_SYM:
    case pg_query::AEXPR_NOT_BETWEEN_SYM: {
      auto expr = MakeExpr(ast::ExprKind::kBetween, location);
      expr->negated =
          a_expr.kind() == pg_query::AEXPR_NOT_BETWEEN || a_expr.kind() == pg_query::AEXPR_NOT_BETWEEN_SYM;
      expr->symmetric =
          a_expr.kind() == pg_query::AEXPR_BETWEEN_SYM || a_expr.kind() == pg_query::AEXPR_NOT_BETWEEN_SYM;
      list_operands(expr.get());
      return expr;
    }
    case pg_query::AEXPR_SIMILAR: ThrowUnsupported("SIMILAR TO", location);
    default: ThrowUnsupported("this kind of operator expression", location);
  }
}

ast::ExprPtr Transformer::TransformSubLink(const pg_query::SubLink& link) {
  auto expr = MakeExpr(ast::ExprKind::kSubquery, link.location());
  switch (link.sub_link_type()) {
    case pg_query::EXISTS_SUBLINK: expr->subquery_kind = ast::SubqueryKind::kExists; break;
    case pg_query::ANY_SUBLINK:
      // x IN (SELECT ...) has no operator name; x op ANY (SELECT ...) has one.
      expr->subquery_kind = link.oper_name().empty() ? ast::SubqueryKind::kIn : ast::SubqueryKind::kAny;
      break;
    case pg_query::ALL_SUBLINK: expr->subquery_kind = ast::SubqueryKind::kAll; break;
    case pg_query::EXPR_SUBLINK: expr->subquery_kind = ast::SubqueryKind::kScalar; break;
    case pg_query::ARRAY_SUBLINK: expr->subquery_kind = ast::SubqueryKind::kArray; break;
    case pg_query::ROWCOMPARE_SUBLINK: ThrowUnsupported("row comparison with a subquery", link.location());
    case pg_query::MULTIEXPR_SUBLINK:
      ThrowUnsupported("multiple-column assignment from a subquery", link.location());
    default: ThrowUnsupported("this kind of subquery", link.location());
  }
  SetOperatorName(link.oper_name(), expr.get());
  if (link.has_testexpr()) expr->args.push_back(TransformExpr(link.testexpr()));
  expr->subquery = TransformQuery(link.subselect(), link.location());
  return expr;
}

ast::ExprPtr Transformer::TransformIndirection(const pg_query::A_Indirection& indirection) {
  ast::ExprPtr current = TransformExpr(indirection.arg());
  const int location = FirstLocation(current.get());
  for (const pg_query::Node& step : indirection.indirection()) {
    if (step.has_a_indices()) {
      const pg_query::A_Indices& indices = step.a_indices();
      auto subscript = MakeExpr(ast::ExprKind::kSubscript, location);
      subscript->args.push_back(std::move(current));
      if (indices.is_slice()) {
        if (!indices.has_lidx() || !indices.has_uidx()) {
          ThrowUnsupported("array slice with an omitted bound", location);
        }
        subscript->args.push_back(TransformExpr(indices.lidx()));
      }
      subscript->args.push_back(TransformExpr(indices.uidx()));
      current = std::move(subscript);
    } else if (step.has_string()) {
      auto field = MakeExpr(ast::ExprKind::kFieldSelect, location);
      field->name = step.string().sval();
      field->args.push_back(std::move(current));
      current = std::move(field);
    } else {
      ThrowUnsupported("selecting all fields of a composite value", location);
    }
  }
  return current;
}

ast::TypeName Transformer::TransformTypeName(const pg_query::TypeName& type_name) {
  if (type_name.setof()) ThrowUnsupported("SETOF", type_name.location());
  if (type_name.pct_type()) ThrowUnsupported("%TYPE", type_name.location());
  ast::TypeName type;
  type.names = StringList(type_name.names());
  type.location = type_name.location();
  for (const pg_query::Node& modifier : type_name.typmods()) {
    if (!modifier.has_a_const() || !modifier.a_const().has_ival()) {
      ThrowUnsupported("type modifier other than an integer constant", type_name.location());
    }
    type.typmods.push_back(modifier.a_const().ival().ival());
  }
  // INTERVAL's first modifier is the field range mask (INTERVAL DAY TO SECOND); a precision may follow.
  if (!type.names.empty() && type.names.back() == "interval" && !type.typmods.empty()) {
    type.interval_fields = type.typmods.front();
    type.typmods.erase(type.typmods.begin());
  }
  type.array_dimensions = type_name.array_bounds_size();
  return type;
}

}  // namespace tessera::planner::parser
