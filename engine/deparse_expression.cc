// SPDX-License-Identifier: Apache-2.0
// Bound expressions back to SQL text (engine/deparse_expression.h).
#include "engine/deparse_expression.h"

#include <set>

#include "engine/function/kernel_builder.h"

namespace tessera::engine {

namespace {

using builtin::QuoteLiteral;

// Types whose text form reads back to the same value on any node with default settings.
bool PlainType(TypeId id) {
  switch (id) {
    case TypeId::kBool:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kNumeric:
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kInterval:
    case TypeId::kUuid:
      return true;
    default:
      return false;
  }
}

bool TextLike(TypeId id) { return id == TypeId::kText || id == TypeId::kVarchar || id == TypeId::kChar; }
bool ZoneDependent(TypeId id) { return id == TypeId::kTimestampTz || id == TypeId::kTimeTz; }

// Operators written infix (or prefix with one argument), with PostgreSQL's meaning on every node.
bool KnownOperator(const std::string& name) {
  static const std::set<std::string> kOperators = {"=",  "<>", "<",   "<=",  ">",    ">=",  "+",  "-",  "*",  "/",
                                                   "%",  "||", "~~",  "!~~", "~~*",  "!~~*", "~",  "!~", "~*", "!~*"};
  return kOperators.count(name) > 0;
}

bool ComparisonOperator(const std::string& name) {
  return name == "=" || name == "<>" || name == "<" || name == "<=" || name == ">" || name == ">=";
}

// Functions called by name whose result depends only on their arguments.
bool KnownFunction(const std::string& name) {
  static const std::set<std::string> kFunctions = {"abs",   "lower", "upper", "length", "substr",    "btrim",
                                                   "ltrim", "rtrim", "round", "trunc",  "floor",     "ceil",
                                                   "mod",   "date_trunc", "date_part", "replace", "strpos"};
  return kFunctions.count(name) > 0;
}

// Casts that mean the same written out as CAST(...) on a worker: between plain types, neither side
// depending on the session's time zone, and to text only from text (other types' text depends on
// DateStyle, extra_float_digits ...).
bool ExactCast(const LogicalType& from, const LogicalType& to) {
  if (!PlainType(from.id) || !PlainType(to.id)) return false;
  if (ZoneDependent(from.id) || ZoneDependent(to.id)) return false;
  if (TextLike(to.id) && !TextLike(from.id)) return false;
  return true;
}

class Deparser {
 public:
  explicit Deparser(const std::vector<std::string>& column_sql) : column_sql_(column_sql) {}

  std::optional<std::string> Deparse(const BoundExpr& expr) {
    switch (expr.kind) {
      case BoundExprKind::kConstant:
        return DeparseConstant(expr.constant.is_null() ? Value::Null(expr.type) : expr.constant.WithType(expr.type));
      case BoundExprKind::kColumn:
        if (expr.column < 0 || static_cast<size_t>(expr.column) >= column_sql_.size()) return std::nullopt;
        return column_sql_[expr.column];
      case BoundExprKind::kFunction:
        return Function(expr);
      case BoundExprKind::kCast: {
        if (!ExactCast(expr.children[0]->type, expr.type)) return std::nullopt;
        auto input = Deparse(*expr.children[0]);
        if (!input) return std::nullopt;
        return "CAST(" + *input + " AS " + FormatType(expr.type) + ")";
      }
      case BoundExprKind::kAnd:
      case BoundExprKind::kOr:
        return Joined(expr, expr.kind == BoundExprKind::kAnd ? " AND " : " OR ");
      case BoundExprKind::kNot:
        return Wrapped("(NOT ", *expr.children[0], ")");
      case BoundExprKind::kIsNull:
        return Wrapped("(", *expr.children[0], expr.negated ? " IS NOT NULL)" : " IS NULL)");
      case BoundExprKind::kIsTrue:
        return Wrapped("(", *expr.children[0], expr.negated ? " IS NOT TRUE)" : " IS TRUE)");
      case BoundExprKind::kIsFalse:
        return Wrapped("(", *expr.children[0], expr.negated ? " IS NOT FALSE)" : " IS FALSE)");
      case BoundExprKind::kDistinctFrom:
        return Joined(expr, expr.negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ");
      case BoundExprKind::kCoalesce: {
        auto arguments = Joined(expr, ", ");
        if (!arguments) return std::nullopt;
        return "COALESCE" + *arguments;
      }
      case BoundExprKind::kCase:
        return Case(expr);
      default:
        return std::nullopt;  // parameters, outer references, subqueries, binder placeholders
    }
  }

 private:
  // "(" + children joined by `separator` + ")".
  std::optional<std::string> Joined(const BoundExpr& expr, const char* separator) {
    std::string text = "(";
    for (size_t index = 0; index < expr.children.size(); ++index) {
      auto child = Deparse(*expr.children[index]);
      if (!child) return std::nullopt;
      text += (index > 0 ? separator : "") + *child;
    }
    return text + ")";
  }

  std::optional<std::string> Wrapped(const char* before, const BoundExpr& child, const char* after) {
    auto text = Deparse(child);
    if (!text) return std::nullopt;
    return before + *text + after;
  }

  std::optional<std::string> Function(const BoundExpr& expr) {
    const ScalarFunction& function = *expr.function;
    if (function.is_volatile || function.variadic) return std::nullopt;
    bool zone_dependent = ZoneDependent(expr.type.id);
    for (const auto& child : expr.children) zone_dependent = zone_dependent || ZoneDependent(child->type.id);
    if (KnownOperator(function.name)) {
      if (zone_dependent && !ComparisonOperator(function.name)) return std::nullopt;
      if (expr.children.size() == 1) return Wrapped(("(" + function.name + " ").c_str(), *expr.children[0], ")");
      if (expr.children.size() != 2) return std::nullopt;
      return Joined(expr, (" " + function.name + " ").c_str());
    }
    if (!KnownFunction(function.name) || zone_dependent) return std::nullopt;
    auto arguments = Joined(expr, ", ");
    if (!arguments) return std::nullopt;
    return function.name + *arguments;
  }

  std::optional<std::string> Case(const BoundExpr& expr) {
    std::string text = "CASE";
    const size_t pairs = (expr.children.size() - (expr.has_else ? 1 : 0)) / 2;
    for (size_t pair = 0; pair < pairs; ++pair) {
      auto condition = Deparse(*expr.children[2 * pair]);
      auto result = Deparse(*expr.children[2 * pair + 1]);
      if (!condition || !result) return std::nullopt;
      text += " WHEN " + *condition + " THEN " + *result;
    }
    if (expr.has_else) {
      auto otherwise = Deparse(*expr.children.back());
      if (!otherwise) return std::nullopt;
      text += " ELSE " + *otherwise;
    }
    return text + " END";
  }

  const std::vector<std::string>& column_sql_;
};

}  // namespace

std::optional<std::string> DeparseConstant(const Value& value) {
  const LogicalType& type = value.type();
  if (!PlainType(type.id)) return std::nullopt;
  const std::string type_name = FormatType(type);
  if (value.is_null()) return "NULL::" + type_name;
  // Timestamptz text carries its offset (+00), so it reads back the same in any time zone.
  return QuoteLiteral(value.ToString()) + "::" + type_name;
}

std::optional<std::string> DeparseExpression(const BoundExpr& expr, const std::vector<std::string>& column_sql) {
  return Deparser(column_sql).Deparse(expr);
}

namespace {

bool ColumnOrConstant(const BoundExpr& expr) {
  return expr.kind == BoundExprKind::kColumn || expr.kind == BoundExprKind::kConstant;
}

// A comparison of columns and constants, or IS [NOT] NULL of a column: true, false or NULL, never an
// error, whichever rows it sees.
bool RaisesNoError(const BoundExpr& expr) {
  if (expr.kind == BoundExprKind::kIsNull) return expr.children[0]->kind == BoundExprKind::kColumn;
  return expr.kind == BoundExprKind::kFunction && ComparisonOperator(expr.function->name) && expr.children.size() == 2 &&
         ColumnOrConstant(*expr.children[0]) && ColumnOrConstant(*expr.children[1]);
}

}  // namespace

DeparsedFilter DeparseConjuncts(const BoundExpr& predicate, const std::vector<std::string>& column_sql) {
  DeparsedFilter filter;
  auto add = [&](const BoundExpr& conjunct) {
    auto text = filter.complete || RaisesNoError(conjunct) ? DeparseExpression(conjunct, column_sql) : std::nullopt;
    if (!text) {
      filter.complete = false;
      return;
    }
    filter.sql += (filter.sql.empty() ? "" : " AND ") + *text;
  };
  if (predicate.kind == BoundExprKind::kAnd) {
    for (const auto& child : predicate.children) add(*child);
  } else {
    add(predicate);
  }
  return filter;
}

}  // namespace tessera::engine
