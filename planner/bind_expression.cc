// SPDX-License-Identifier: Apache-2.0
// Binding of expressions: names, literals, operators and functions with PostgreSQL's type resolution.
#include <algorithm>

#include "base/datetime.h"
#include "base/text_format.h"
#include "base/vector_value.h"
#include "engine/aggregate.h"
#include "engine/catalog.h"
#include "engine/function/array_text.h"
#include "engine/system_tables.h"
#include "planner/binder.h"
#include "planner/overload_resolution.h"
#include "planner/session_state.h"
#include "planner/special_functions.h"

namespace tessera::planner {

using engine::BoundExpr;
using engine::BoundExprKind;
using engine::BoundExprPtr;
using engine::CastContext;

namespace {

// Rank within the numeric category for choosing the wider type.
int NumericRank(TypeId id) {
  switch (id) {
    case TypeId::kInt16: return 1;
    case TypeId::kInt32: return 2;
    case TypeId::kInt64: return 3;
    case TypeId::kNumeric: return 4;
    case TypeId::kFloat32: return 5;
    case TypeId::kFloat64: return 6;
    default: return 0;
  }
}

enum class Category { kUnknown, kBool, kNumeric, kString, kDateTime, kTimeSpan, kOther };

Category CategoryOf(TypeId id) {
  if (id == TypeId::kUnknown) return Category::kUnknown;
  if (id == TypeId::kBool) return Category::kBool;
  if (NumericRank(id) > 0) return Category::kNumeric;
  if (IsStringFamily(id)) return Category::kString;
  if (id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampTz || id == TypeId::kTimeTz) {
    return Category::kDateTime;
  }
  if (id == TypeId::kInterval || id == TypeId::kTime) return Category::kTimeSpan;
  return Category::kOther;
}

// vector_typmod_in: one modifier, the dimension count, within 1..kMaxVectorDimensions.
int32_t VectorTypmod(const std::vector<int32_t>& mods) {
  if (mods.size() != 1) throw SqlError(SqlState::kInvalidParameterValue, "invalid type modifier");
  if (mods[0] < 1) throw SqlError(SqlState::kInvalidParameterValue, "dimensions for type vector must be at least 1");
  if (mods[0] > kMaxVectorDimensions) {
    throw SqlError(SqlState::kInvalidParameterValue,
                   "dimensions for type vector cannot exceed " + std::to_string(kMaxVectorDimensions));
  }
  return mods[0];
}

bool IsEmptyArrayConstructor(const ast::Expr& expr) {
  return expr.kind == ast::ExprKind::kArray && expr.args.empty();
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

Binder::Binder(engine::Database& database, SessionState& session, std::vector<LogicalType>& parameter_types)
    : database_(database), session_(session), parameter_types_(parameter_types) {}

LogicalType Binder::CommonType(const std::vector<LogicalType>& types, const char* context) {
  LogicalType result(TypeId::kUnknown);
  for (const auto& type : types) {
    if (type.id == TypeId::kUnknown) continue;
    if (result.id == TypeId::kUnknown) {
      result = type;
      continue;
    }
    if (result.id == type.id) {
      if (!(result == type)) result = LogicalType(type.id);  // differing typmods: drop the typmod
      continue;
    }
    const Category left = CategoryOf(result.id);
    const Category right = CategoryOf(type.id);
    if (left == Category::kNumeric && right == Category::kNumeric) {
      if (NumericRank(type.id) > NumericRank(result.id)) result = LogicalType(type.id);
      else result = LogicalType(result.id);
      continue;
    }
    if (left == Category::kString && right == Category::kString) {
      result = LogicalType(TypeId::kText);
      continue;
    }
    if (left == Category::kDateTime && right == Category::kDateTime) {
      auto rank = [](TypeId id) { return id == TypeId::kDate ? 1 : (id == TypeId::kTimestamp ? 2 : 3); };
      if (rank(type.id) > rank(result.id)) result = LogicalType(type.id);
      continue;
    }
    throw SqlError(SqlState::kDatatypeMismatch, std::string(context) + " types " + FormatType(result) + " and " +
                                                    FormatType(type) + " cannot be matched");
  }
  if (result.id == TypeId::kUnknown) return LogicalType(TypeId::kText);
  return result;
}

engine::ExecContext Binder::FoldingContext() const {
  engine::ExecContext exec;
  exec.time_zone = session_.time_zone;
  exec.datetime_style = session_.datetime_style;
  exec.bytea_escape = session_.bytea_escape;
  exec.extra_float_digits = session_.extra_float_digits;
  return exec;
}

BoundExprPtr Binder::Coerce(BoundExprPtr expr, const LogicalType& type, CastContext context, const char* what) {
  if (expr->type == type) return expr;
  if (expr->kind == BoundExprKind::kParameter && parameter_types_[expr->parameter - 1].id == TypeId::kUnknown) {
    parameter_types_[expr->parameter - 1] = type;
    expr->type = type;
    return expr;
  }
  if (expr->type.id == type.id && type.typmod < 0) {
    // Same type, dropping a constraint: no conversion needed.
    expr->type = type;
    return expr;
  }
  const CastContext available = engine::GetCastContext(expr->type, type);
  const bool allowed = available != CastContext::kNone && static_cast<int>(available) <= static_cast<int>(context);
  if (!allowed && expr->type.id != TypeId::kUnknown) {
    if (what != nullptr) {
      throw SqlError(SqlState::kDatatypeMismatch, std::string(what));
    }
    throw SqlError(SqlState::kDatatypeMismatch, "cannot cast type " + FormatType(expr->type) + " to " + FormatType(type));
  }
  const bool explicit_cast = context == CastContext::kExplicit;
  if (expr->kind == BoundExprKind::kConstant) {
    engine::ExecContext exec = FoldingContext();
    exec.database = &database_;
    exec.search_path = session_.LookupPath();
    engine::InstallCatalogResolvers(exec);
    return engine::MakeConstant(engine::CastValue(expr->constant.is_null() ? Value::Null(expr->type) : expr->constant,
                                                  type, exec, explicit_cast));
  }
  return engine::MakeCast(std::move(expr), type, explicit_cast);
}

BoundExprPtr Binder::BindExprAs(const ast::Expr& expr, Scope& scope, const LogicalType& type) {
  return Coerce(BindExpr(expr, scope), type, CastContext::kAssignment);
}

BoundExprPtr Binder::BindLiteral(const ast::Expr& expr) {
  switch (expr.literal_kind) {
    case ast::LiteralKind::kNull:
      return engine::MakeConstant(Value::Null(LogicalType(TypeId::kUnknown)));
    case ast::LiteralKind::kBool:
      return engine::MakeConstant(Value::Bool(expr.text == "t" || expr.text == "true"));
    case ast::LiteralKind::kString:
      return engine::MakeConstant(Value::Text(expr.text, LogicalType(TypeId::kUnknown)));
    case ast::LiteralKind::kInteger:
    case ast::LiteralKind::kFloat: {
      const std::string& text = expr.text;
      const bool integral = text.find_first_of(".eE") == std::string::npos;
      if (integral) {
        errno = 0;
        char* end = nullptr;
        const long long number = std::strtoll(text.c_str(), &end, 10);
        if (errno == 0 && end != nullptr && *end == '\0') {
          if (number >= INT32_MIN && number <= INT32_MAX) return engine::MakeConstant(Value::Int32(static_cast<int32_t>(number)));
          return engine::MakeConstant(Value::Int64(number));
        }
      }
      return engine::MakeConstant(Value::Numeric(Decimal::Parse(text)));
    }
    case ast::LiteralKind::kBitString:
      break;
  }
  throw SqlError(SqlState::kFeatureNotSupported, "bit string literals are not supported");
}

BoundExprPtr Binder::BindColumnRef(const ast::Expr& expr, Scope& scope) {
  const auto& names = expr.names;
  std::string table, column;
  if (names.size() == 1) {
    column = names[0];
  } else if (names.size() >= 2) {
    table = names[names.size() - 2];
    column = names.back();
  }
  int depth = 0;
  bool table_seen = false;
  for (Scope* current = &scope; current != nullptr; current = current->outer, ++depth) {
    int found = -1;
    for (size_t index = 0; index < current->columns.size(); ++index) {
      const ScopeColumn& candidate = current->columns[index];
      if (!table.empty()) {
        if (candidate.table != table) continue;
        table_seen = true;
      } else if (candidate.qualified_only) {
        continue;
      }
      if (candidate.name != column) continue;
      if (found >= 0) {
        throw SqlError(SqlState::kAmbiguousColumn, "column reference \"" + column + "\" is ambiguous")
            .WithPosition(expr.location + 1);
      }
      found = static_cast<int>(index);
    }
    if (found < 0) continue;
    int position = found;
    if (current->grouped != nullptr && depth > 0 && !unchecked_outer_grouping_) {
      auto mapped = current->grouped->find(found);
      if (mapped == current->grouped->end()) {
        throw SqlError(SqlState::kGroupingError,
                       "subquery uses ungrouped column \"" + (table.empty() ? "" : table + ".") + column +
                           "\" from outer query")
            .WithPosition(expr.location + 1);
      }
      position = mapped->second;
    }
    const ScopeColumn& match = current->columns[found];
    if (references_ != nullptr && match.table_oid != 0 && match.attnum > 0) {
      references_->references.push_back(
          {NameReference::Kind::kColumn, match.table_oid, match.attnum - 1, expr.location, "", false});
    }
    BoundExprPtr bound;
    if (depth == 0) {
      bound = engine::MakeColumn(position, match.type, column);
    } else {
      bound = std::make_unique<BoundExpr>(BoundExprKind::kOuterColumn, match.type);
      bound->column = position;
      bound->depth = depth;
      bound->name = column;
      for (Scope* marked = &scope; marked != current; marked = marked->outer) marked->correlated = true;
    }
    return bound;
  }
  if (!table.empty() && !table_seen) {
    throw SqlError(SqlState::kUndefinedTable, "missing FROM-clause entry for table \"" + table + "\"")
        .WithPosition(expr.location + 1);
  }
  throw SqlError(SqlState::kUndefinedColumn,
                 "column " + (table.empty() ? "" : table + ".") + "\"" + column + "\" does not exist")
      .WithPosition(expr.location + 1);
}

BoundExprPtr Binder::MakeCall(const std::string& name, std::vector<BoundExprPtr> args, int location) {
  const auto* overloads = engine::BuiltinFunctions().Lookup(name);
  if (overloads == nullptr) overloads = SpecialFunctions().Lookup(name);
  auto describe = [&]() {
    std::string text = name + "(";
    for (size_t index = 0; index < args.size(); ++index) {
      if (index > 0) text += ", ";
      text += FormatType(args[index]->type);
    }
    return text + ")";
  };
  if (overloads == nullptr) {
    throw SqlError(SqlState::kUndefinedFunction, "function " + describe() + " does not exist")
        .WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
        .WithPosition(location + 1);
  }
  std::vector<LogicalType> inputs;
  for (const auto& arg : args) inputs.push_back(arg->type);
  const bool is_operator = name.size() <= 3 && !std::isalpha(static_cast<unsigned char>(name[0]));
  const OverloadChoice choice = ChooseOverload(*overloads, inputs, is_operator);
  const engine::ScalarFunction* best = choice.function;
  if (best == nullptr) {
    std::string signature = describe();
    if (is_operator) {
      signature = args.size() == 2 ? FormatType(args[0]->type) + " " + name + " " + FormatType(args[1]->type)
                                   : name + " " + FormatType(args[0]->type);
    }
    const std::string kind = is_operator ? "operator" : "function";
    if (choice.ambiguous) {
      throw SqlError(SqlState::kAmbiguousFunction,
                     is_operator ? "operator is not unique: " + signature : "function " + signature + " is not unique")
          .WithHint("Could not choose a best candidate " + kind + ". You might need to add explicit type casts.")
          .WithPosition(location + 1);
    }
    throw SqlError(SqlState::kUndefinedFunction,
                   is_operator ? "operator does not exist: " + signature : "function " + signature + " does not exist")
        .WithHint("No " + kind + " matches the given name and argument types. You might need to add explicit type casts.")
        .WithPosition(location + 1);
  }
  std::vector<LogicalType> actual;
  for (size_t index = 0; index < args.size(); ++index) {
    const LogicalType& want = best->arg_types[std::min(index, best->arg_types.size() - 1)];
    // VARIADIC "any" arguments are passed as they are (the kernel formats them); unknown literals become text.
    const bool keep_type = best->variadic_any && index + 1 >= best->arg_types.size() &&
                           args[index]->type.id != TypeId::kUnknown;
    if (!keep_type && args[index]->type.id != want.id) args[index] = Coerce(std::move(args[index]), LogicalType(want.id), CastContext::kExplicit);
    actual.push_back(args[index]->type);
  }
  LogicalType result_type = best->bind_return_type ? best->bind_return_type(actual) : best->return_type;
  // A strict function of a NULL constant is NULL without being called, as PostgreSQL's planner folds it
  // (so `NULL > 2147483647 * x` is NULL, never an overflow).
  if (best->strict && !keep_strict_calls_) {
    for (const auto& arg : args) {
      if (arg->kind == BoundExprKind::kConstant && arg->constant.is_null()) return engine::MakeConstant(Value::Null(result_type));
    }
  }
  auto call = engine::MakeFunction(best, std::move(args), result_type);
  // Fold constant calls now so that errors such as division by zero in constants surface here as they
  // would at run time, and so that plans stay small.
  if (call->IsConstant() && !no_folding_) {
    engine::ExecContext exec = FoldingContext();
    return engine::MakeConstant(engine::EvaluateConstant(*call, exec).WithType(result_type));
  }
  return call;
}

BoundExprPtr Binder::BindOperator(const std::string& name, std::vector<BoundExprPtr> args, int location) {
  // Comparison and arithmetic between different numeric types: PostgreSQL has cross-type operators; we
  // coerce both sides to the wider type.
  if (args.size() == 2) {
    const TypeId left = args[0]->type.id;
    const TypeId right = args[1]->type.id;
    const bool comparison = name == "=" || name == "<>" || name == "<" || name == "<=" || name == ">" || name == ">=";
    if (left != right && left != TypeId::kUnknown && right != TypeId::kUnknown) {
      if ((NumericRank(left) > 0 && NumericRank(right) > 0) ||
          (comparison && CategoryOf(left) == CategoryOf(right) &&
           (CategoryOf(left) == Category::kString || CategoryOf(left) == Category::kDateTime))) {
        LogicalType common = CommonType({args[0]->type, args[1]->type}, "operator");
        // real against another numeric type resolves to the float48 operators: the result is float8.
        if (left == TypeId::kFloat32 || right == TypeId::kFloat32) common = LogicalType(TypeId::kFloat64);
        args[0] = Coerce(std::move(args[0]), LogicalType(common.id), CastContext::kImplicit);
        args[1] = Coerce(std::move(args[1]), LogicalType(common.id), CastContext::kImplicit);
      }
    }
    if (name == "||" && (left != TypeId::kBytea || right != TypeId::kBytea)) {
      // text || anything: non-text operands are converted with their output function.
      for (auto& arg : args) {
        if (arg->type.id != TypeId::kText && arg->type.id != TypeId::kUnknown) {
          arg = Coerce(std::move(arg), LogicalType(TypeId::kText), CastContext::kExplicit);
        }
      }
    }
  }
  return MakeCall(name, std::move(args), location);
}

BoundExprPtr Binder::BindCase(const ast::Expr& expr, Scope& scope) {
  auto result = std::make_unique<BoundExpr>(BoundExprKind::kCase, LogicalType(TypeId::kUnknown));
  BoundExprPtr operand;
  if (expr.case_operand) operand = BindExpr(*expr.case_operand, scope);
  std::vector<BoundExprPtr> conditions, values;
  for (size_t index = 0; index < expr.when_conditions.size(); ++index) {
    BoundExprPtr condition;
    if (operand) {
      std::vector<BoundExprPtr> args;
      args.push_back(operand->Copy());
      args.push_back(BindExpr(*expr.when_conditions[index], scope));
      condition = BindOperator("=", std::move(args), expr.location);
    } else {
      condition = BindExpr(*expr.when_conditions[index], scope);
    }
    conditions.push_back(Coerce(std::move(condition), LogicalType(TypeId::kBool), CastContext::kAssignment,
                                "argument of CASE/WHEN must be type boolean"));
    values.push_back(BindExpr(*expr.when_results[index], scope));
  }
  if (expr.else_result) values.push_back(BindExpr(*expr.else_result, scope));
  // PostgreSQL's transformCaseExpr puts ELSE first, which decides the order of the types in errors.
  std::vector<LogicalType> types;
  if (expr.else_result) types.push_back(values.back()->type);
  for (size_t index = 0; index + (expr.else_result ? 1 : 0) < values.size(); ++index) types.push_back(values[index]->type);
  const LogicalType type = CommonType(types, "CASE");
  result->type = type;
  for (size_t index = 0; index < conditions.size(); ++index) {
    result->children.push_back(std::move(conditions[index]));
    result->children.push_back(Coerce(std::move(values[index]), type, CastContext::kImplicit));
  }
  if (expr.else_result) {
    result->has_else = true;
    result->children.push_back(Coerce(std::move(values.back()), type, CastContext::kImplicit));
  }
  return result;
}

BoundExprPtr Binder::BindExpr(const ast::Expr& expr, Scope& scope) {
  using Kind = ast::ExprKind;
  if ((expr.kind == Kind::kCase || expr.kind == Kind::kCoalesce) && set_functions_ != nullptr) {
    // PostgreSQL does not allow set-returning calls in CASE or COALESCE (they would run unconditionally).
    ScopedAssign not_here(set_functions_, nullptr);
    return BindExpr(expr, scope);
  }
  auto bind_bool = [&](const ast::Expr& child, const char* construct) {
    return Coerce(BindExpr(child, scope), LogicalType(TypeId::kBool), CastContext::kAssignment,
                  (std::string("argument of ") + construct + " must be type boolean").c_str());
  };
  switch (expr.kind) {
    case Kind::kLiteral:
      return BindLiteral(expr);
    case Kind::kColumnRef:
      return BindColumnRef(expr, scope);
    case Kind::kParam: {
      const size_t index = static_cast<size_t>(expr.param_number);
      if (expr.param_number < 1) throw SqlError(SqlState::kUndefinedParameter, "there is no parameter $" + std::to_string(expr.param_number));
      if (parameter_types_.size() < index) parameter_types_.resize(index, LogicalType(TypeId::kUnknown));
      auto param = std::make_unique<BoundExpr>(BoundExprKind::kParameter, parameter_types_[index - 1]);
      param->parameter = expr.param_number;
      return param;
    }
    case Kind::kStar:
      throw SqlError(SqlState::kFeatureNotSupported, "* is not allowed in this context").WithPosition(expr.location + 1);
    case Kind::kOperator: {
      // OPERATOR(pg_catalog.op) names a built-in operator; every operator Tessera has lives there.
      std::string name = expr.name;
      if (name.empty() && expr.names.size() == 2 && expr.names[0] == "pg_catalog") name = expr.names[1];
      if (name.empty()) throw SqlError(SqlState::kFeatureNotSupported, "qualified operator names are not supported");
      std::vector<BoundExprPtr> args;
      for (const auto& arg : expr.args) args.push_back(BindExpr(*arg, scope));
      if (!expr.quantifier.empty()) return BindArrayComparison(name, expr.quantifier, std::move(args), expr.location);
      return BindOperator(name, std::move(args), expr.location);
    }
    case Kind::kAnd:
    case Kind::kOr: {
      auto result = std::make_unique<BoundExpr>(expr.kind == Kind::kAnd ? BoundExprKind::kAnd : BoundExprKind::kOr,
                                                LogicalType(TypeId::kBool));
      for (const auto& arg : expr.args) result->children.push_back(bind_bool(*arg, expr.kind == Kind::kAnd ? "AND" : "OR"));
      return result;
    }
    case Kind::kNot: {
      auto result = std::make_unique<BoundExpr>(BoundExprKind::kNot, LogicalType(TypeId::kBool));
      result->children.push_back(bind_bool(*expr.args[0], "NOT"));
      return result;
    }
    case Kind::kFunction:
      return BindFunction(expr, scope);
    case Kind::kGrouping:
      return BindGrouping(expr, scope);
    case Kind::kCast: {
      const LogicalType type = ResolveType(*expr.type_name);
      if (IsEmptyArrayConstructor(*expr.args[0]) && engine::ArrayElementType(type.id).has_value()) {
        // ARRAY[]::type[] takes the cast's type, as PostgreSQL's transformArrayExpr does.
        return Coerce(engine::MakeConstant(Value::Text("{}", LogicalType(TypeId::kUnknown))), type,
                      CastContext::kExplicit);
      }
      BoundExprPtr input = BindExpr(*expr.args[0], scope);
      if (input->type == type) return input;
      if (engine::GetCastContext(input->type, type) == CastContext::kNone && input->type.id != TypeId::kUnknown) {
        throw SqlError(SqlState::kCannotCoerce, "cannot cast type " + FormatType(input->type) + " to " + FormatType(type))
            .WithPosition(expr.location + 1);
      }
      return Coerce(std::move(input), type, CastContext::kExplicit);
    }
    case Kind::kCase:
      return BindCase(expr, scope);
    case Kind::kNullTest: {
      auto result = std::make_unique<BoundExpr>(BoundExprKind::kIsNull, LogicalType(TypeId::kBool));
      result->negated = expr.negated;
      result->children.push_back(BindExpr(*expr.args[0], scope));
      return result;
    }
    case Kind::kBoolTest: {
      if (expr.bool_test == ast::BoolTestKind::kUnknown) {
        auto result = std::make_unique<BoundExpr>(BoundExprKind::kIsNull, LogicalType(TypeId::kBool));
        result->negated = expr.negated;
        result->children.push_back(bind_bool(*expr.args[0], "IS UNKNOWN"));
        return result;
      }
      auto result = std::make_unique<BoundExpr>(
          expr.bool_test == ast::BoolTestKind::kTrue ? BoundExprKind::kIsTrue : BoundExprKind::kIsFalse,
          LogicalType(TypeId::kBool));
      result->negated = expr.negated;
      result->children.push_back(bind_bool(*expr.args[0], "IS TRUE"));
      return result;
    }
    case Kind::kDistinctFrom: {
      std::vector<BoundExprPtr> args;
      args.push_back(BindExpr(*expr.args[0], scope));
      args.push_back(BindExpr(*expr.args[1], scope));
      // Resolve "=" for the pair; reuse its (coerced) arguments (even a NULL constant's).
      BoundExprPtr equal;
      {
        ScopedAssign keep_strict_calls(keep_strict_calls_, true);
        equal = BindOperator("=", std::move(args), expr.location);
      }
      if (equal->kind == BoundExprKind::kConstant) {
        // Both sides constant: evaluate the distinctness right away.
        auto left = BindExpr(*expr.args[0], scope);
        auto right = BindExpr(*expr.args[1], scope);
        const bool left_null = left->constant.is_null();
        const bool right_null = right->constant.is_null();
        bool distinct;
        if (left_null || right_null) distinct = left_null != right_null;
        else distinct = !equal->constant.GetBool();
        return engine::MakeConstant(Value::Bool(distinct != expr.negated));
      }
      auto result = std::make_unique<BoundExpr>(BoundExprKind::kDistinctFrom, LogicalType(TypeId::kBool));
      result->negated = expr.negated;
      result->function = equal->function;
      result->children = std::move(equal->children);
      return result;
    }
    case Kind::kIn: {
      // x IN (a, b, ...) is x = a OR x = b ...; NOT IN is its negation.
      std::vector<LogicalType> types;
      BoundExprPtr left = BindExpr(*expr.args[0], scope);
      std::vector<BoundExprPtr> items;
      types.push_back(left->type);
      for (size_t index = 1; index < expr.args.size(); ++index) {
        items.push_back(BindExpr(*expr.args[index], scope));
        types.push_back(items.back()->type);
      }
      const LogicalType common = CommonType(types, "IN");
      auto any = std::make_unique<BoundExpr>(BoundExprKind::kOr, LogicalType(TypeId::kBool));
      for (auto& item : items) {
        std::vector<BoundExprPtr> args;
        args.push_back(Coerce(left->Copy(), common, CastContext::kImplicit));
        args.push_back(Coerce(std::move(item), common, CastContext::kImplicit));
        any->children.push_back(BindOperator("=", std::move(args), expr.location));
      }
      BoundExprPtr result = any->children.size() == 1 ? std::move(any->children[0]) : std::move(any);
      if (!expr.negated) return result;
      auto negation = std::make_unique<BoundExpr>(BoundExprKind::kNot, LogicalType(TypeId::kBool));
      negation->children.push_back(std::move(result));
      return negation;
    }
    case Kind::kBetween: {
      auto bind_range = [&](const ast::Expr& low, const ast::Expr& high) {
        auto both = std::make_unique<BoundExpr>(BoundExprKind::kAnd, LogicalType(TypeId::kBool));
        std::vector<BoundExprPtr> lower_args, upper_args;
        lower_args.push_back(BindExpr(*expr.args[0], scope));
        lower_args.push_back(BindExpr(low, scope));
        upper_args.push_back(BindExpr(*expr.args[0], scope));
        upper_args.push_back(BindExpr(high, scope));
        both->children.push_back(BindOperator(">=", std::move(lower_args), expr.location));
        both->children.push_back(BindOperator("<=", std::move(upper_args), expr.location));
        return both;
      };
      BoundExprPtr result = bind_range(*expr.args[1], *expr.args[2]);
      if (expr.symmetric) {
        auto either = std::make_unique<BoundExpr>(BoundExprKind::kOr, LogicalType(TypeId::kBool));
        either->children.push_back(std::move(result));
        either->children.push_back(bind_range(*expr.args[2], *expr.args[1]));
        result = std::move(either);
      }
      if (!expr.negated) return result;
      auto negation = std::make_unique<BoundExpr>(BoundExprKind::kNot, LogicalType(TypeId::kBool));
      negation->children.push_back(std::move(result));
      return negation;
    }
    case Kind::kCoalesce: {
      // As PostgreSQL's planner, arguments after the first non-NULL constant are never evaluated, so
      // they are bound (and type-checked) without folding their constant calls, then dropped.
      std::vector<BoundExprPtr> args;
      std::vector<LogicalType> types;
      size_t used = expr.args.size();
      for (const auto& arg : expr.args) {
        ScopedAssign unused(no_folding_, no_folding_ || args.size() >= used);
        args.push_back(BindExpr(*arg, scope));
        types.push_back(args.back()->type);
        if (used == expr.args.size() && args.back()->kind == BoundExprKind::kConstant && !args.back()->constant.is_null()) {
          used = args.size();
        }
      }
      const LogicalType type = CommonType(types, "COALESCE");
      auto result = std::make_unique<BoundExpr>(BoundExprKind::kCoalesce, type);
      for (auto& arg : args) result->children.push_back(Coerce(std::move(arg), type, CastContext::kImplicit));
      result->children.resize(used);
      return result;
    }
    case Kind::kNullIf: {
      // NULLIF(a, b) = CASE WHEN a = b THEN NULL ELSE a END
      BoundExprPtr left = BindExpr(*expr.args[0], scope);
      std::vector<BoundExprPtr> args;
      args.push_back(left->Copy());
      args.push_back(BindExpr(*expr.args[1], scope));
      BoundExprPtr equal = BindOperator("=", std::move(args), expr.location);
      LogicalType type = left->type.id == TypeId::kUnknown ? LogicalType(TypeId::kText) : left->type;
      auto result = std::make_unique<BoundExpr>(BoundExprKind::kCase, type);
      result->has_else = true;
      result->children.push_back(std::move(equal));
      result->children.push_back(engine::MakeConstant(Value::Null(type)));
      result->children.push_back(Coerce(std::move(left), type, CastContext::kImplicit));
      return result;
    }
    case Kind::kGreatest:
    case Kind::kLeast: {
      std::vector<BoundExprPtr> args;
      std::vector<LogicalType> types;
      for (const auto& arg : expr.args) {
        args.push_back(BindExpr(*arg, scope));
        types.push_back(args.back()->type);
      }
      const LogicalType type = CommonType(types, expr.kind == Kind::kGreatest ? "GREATEST" : "LEAST");
      for (auto& arg : args) arg = Coerce(std::move(arg), type, CastContext::kImplicit);
      const engine::ScalarFunction* function = GreatestLeastFunction(expr.kind == Kind::kGreatest, type);
      auto call = engine::MakeFunction(function, std::move(args), type);
      if (call->IsConstant() && !no_folding_) {
        engine::ExecContext exec = FoldingContext();
        return engine::MakeConstant(engine::EvaluateConstant(*call, exec).WithType(type));
      }
      return call;
    }
    case Kind::kSubquery:
      return BindSubquery(expr, scope);
    case Kind::kSqlValue: {
      const std::string& name = expr.name;
      if (name == "current_user" || name == "current_role" || name == "session_user" || name == "user") {
        return engine::MakeConstant(Value::Text(session_.user, LogicalType(TypeId::kName)));
      }
      if (name == "current_catalog") return engine::MakeConstant(Value::Text(session_.database, LogicalType(TypeId::kName)));
      if (name == "current_schema") {
        return engine::MakeConstant(Value::Text(session_.search_path.empty() ? "public" : session_.search_path[0],
                                                LogicalType(TypeId::kName)));
      }
      if (name == "default") {
        throw SqlError(SqlState::kSyntaxError, "DEFAULT is not allowed in this context").WithPosition(expr.location + 1);
      }
      std::string function = name;
      if (name == "current_timestamp") function = "now";
      if (name == "localtimestamp") function = "localtimestamp";
      return MakeCall(function, {}, expr.location);
    }
    case Kind::kCollate:
      return BindExpr(*expr.args[0], scope);
    case Kind::kSubscript:
      if (expr.args.size() == 2) return BindSubscript(expr, scope);
      break;
    case Kind::kArray:
      if (IsEmptyArrayConstructor(expr)) {
        throw SqlError(SqlState::kIndeterminateDatatype, "cannot determine type of empty array")
            .WithHint("Explicitly cast to the desired type, for example ARRAY[]::integer[].")
            .WithPosition(expr.location + 1);
      }
      return BindArrayConstructor(expr, scope);
    case Kind::kRow:
    case Kind::kFieldSelect:
      break;
  }
  throw SqlError(SqlState::kFeatureNotSupported, "this expression (arrays, rows, subscripts) is not supported yet")
      .WithPosition(expr.location + 1);
}

BoundExprPtr Binder::BindArrayComparison(const std::string& op, const std::string& quantifier,
                                         std::vector<BoundExprPtr> args, int location) {
  BoundExprPtr& array = args[1];
  if (array->type.id == TypeId::kUnknown) {
    // An untyped literal takes the array type of the left operand.
    std::optional<LogicalType> type = engine::ArrayTypeOf(args[0]->type.id == TypeId::kUnknown ? TypeId::kText : args[0]->type.id);
    if (!type) throw SqlError(SqlState::kFeatureNotSupported, "arrays of type " + FormatType(args[0]->type) + " are not supported yet");
    array = Coerce(std::move(array), *type, CastContext::kImplicit);
  }
  const std::optional<LogicalType> element = engine::ArrayElementType(array->type.id);
  if (!element) {
    throw SqlError(SqlState::kWrongObjectType, "op ANY/ALL (array) requires array on right side").WithPosition(location + 1);
  }
  const bool any = quantifier == "any";
  if (!((op == "=" && any) || (op == "<>" && !any))) {
    throw SqlError(SqlState::kFeatureNotSupported, "only = ANY and <> ALL over arrays are supported yet").WithPosition(location + 1);
  }
  // The left operand is compared as the element type prints it.
  BoundExprPtr left = Coerce(std::move(args[0]), *element, CastContext::kImplicit);
  std::vector<BoundExprPtr> call;
  call.push_back(Coerce(std::move(left), LogicalType(TypeId::kText), CastContext::kExplicit));
  call.push_back(std::move(array));
  return MakeCall(any ? "_array_eq_any" : "_array_ne_all", std::move(call), location);
}

BoundExprPtr Binder::BindArrayConstructor(const ast::Expr& expr, Scope& scope) {
  std::vector<BoundExprPtr> elements;
  std::vector<LogicalType> types;
  for (const auto& arg : expr.args) {
    elements.push_back(BindExpr(*arg, scope));
    types.push_back(elements.back()->type);
  }
  LogicalType element = CommonType(types, "ARRAY");
  if (element.id == TypeId::kUnknown) element = LogicalType(TypeId::kText);
  const std::optional<LogicalType> array = engine::ArrayTypeOf(element.id);
  if (!array) {
    throw SqlError(SqlState::kFeatureNotSupported, "arrays of type " + FormatType(element) + " are not supported yet")
        .WithPosition(expr.location + 1);
  }
  // The constructor takes each element as its element type prints it.
  for (BoundExprPtr& value : elements) {
    value = Coerce(Coerce(std::move(value), element, CastContext::kImplicit), LogicalType(TypeId::kText),
                   CastContext::kExplicit);
  }
  return MakeCall(engine::ArrayConstructorName(array->id), std::move(elements), expr.location);
}

BoundExprPtr Binder::BindSubscript(const ast::Expr& expr, Scope& scope) {
  BoundExprPtr array = BindExpr(*expr.args[0], scope);
  const std::optional<LogicalType> element = engine::ArrayElementType(array->type.id);
  if (!element) {
    throw SqlError(SqlState::kDatatypeMismatch, "cannot subscript type " + FormatType(array->type) + " because it does not support subscripting")
        .WithPosition(expr.location + 1);
  }
  std::vector<BoundExprPtr> call;
  call.push_back(std::move(array));
  call.push_back(Coerce(BindExpr(*expr.args[1], scope), LogicalType(TypeId::kInt32), CastContext::kImplicit));
  return Coerce(MakeCall("_array_element", std::move(call), expr.location), *element, CastContext::kExplicit);
}

LogicalType Binder::ResolveType(const ast::TypeName& type_name) {
  if (type_name.names.empty()) throw SqlError(SqlState::kSyntaxError, "missing type name");
  const std::string name = Lower(type_name.names.back());
  auto type = TypeFromName(name);
  if (!type) {
    throw SqlError(SqlState::kUndefinedObject, "type \"" + name + "\" does not exist").WithPosition(type_name.location + 1);
  }
  if (type_name.array_dimensions > 0) {
    if (auto array = engine::ArrayTypeOf(type->id)) return *array;
    throw SqlError(SqlState::kFeatureNotSupported, "arrays of type " + FormatType(*type) + " are not supported yet");
  }
  const auto& mods = type_name.typmods;
  switch (type->id) {
    case TypeId::kNumeric:
      if (!mods.empty()) {
        const int precision = mods[0];
        const int scale = mods.size() > 1 ? mods[1] : 0;
        if (precision < 1 || precision > 1000) {
          throw SqlError(SqlState::kInvalidParameterValue, "NUMERIC precision " + std::to_string(precision) + " must be between 1 and 1000");
        }
        if (scale < 0 || scale > precision) {
          throw SqlError(SqlState::kInvalidParameterValue, "NUMERIC scale " + std::to_string(scale) + " must be between 0 and precision " + std::to_string(precision));
        }
        return LogicalType::Numeric(precision, scale);
      }
      break;
    case TypeId::kVarchar:
      if (!mods.empty()) {
        if (mods[0] < 1) throw SqlError(SqlState::kInvalidParameterValue, "length for type varchar must be at least 1");
        return LogicalType::Varchar(mods[0]);
      }
      break;
    case TypeId::kChar:
      // char without length is char(1), except in casts where PostgreSQL keeps the length unconstrained.
      return LogicalType::Char(mods.empty() ? 1 : mods[0]);
    case TypeId::kFloat64:
      if (name == "float" && !mods.empty()) {
        if (mods[0] < 1) throw SqlError(SqlState::kInvalidParameterValue, "precision for type float must be at least 1 bit");
        if (mods[0] <= 24) return LogicalType(TypeId::kFloat32);
        if (mods[0] > 53) throw SqlError(SqlState::kInvalidParameterValue, "precision for type float must be less than 54 bits");
      }
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTime:
    case TypeId::kTimeTz:
      if (!mods.empty()) return LogicalType(type->id, mods[0]);
      break;
    case TypeId::kVector:
      if (!mods.empty()) return LogicalType(TypeId::kVector, VectorTypmod(mods));
      break;
    case TypeId::kInterval:
      if (type_name.interval_fields >= 0 || !mods.empty()) {
        const int32_t range = type_name.interval_fields >= 0 ? type_name.interval_fields : datetime::kIntervalFullRange;
        const int32_t precision = mods.empty() ? datetime::kIntervalFullPrecision : mods[0];
        return LogicalType(TypeId::kInterval, datetime::MakeIntervalTypmod(range, precision));
      }
      break;
    default:
      break;
  }
  return *type;
}

engine::RelationPtr Binder::ResolveRelation(const std::vector<std::string>& names, bool missing_ok, Use use) {
  const std::string schema = names.size() >= 2 ? names[names.size() - 2] : "";
  const std::string& name = names.back();
  auto relation = database_.catalog().FindRelation(schema, name, session_.LookupPath());
  if (!relation && !missing_ok) {
    throw SqlError(SqlState::kUndefinedTable, "relation \"" + (schema.empty() ? name : schema + "." + name) + "\" does not exist");
  }
  if (relation && !relation->placement.empty() && use == Use::kOther) {
    // Its rows are on the workers; the coordinator's local storage for it stays empty (docs/CLUSTER.md).
    throw SqlError(SqlState::kFeatureNotSupported, "this use of the distributed table \"" + name + "\" is not supported yet")
        .WithHint("Distributed tables can be read with SELECT and written with INSERT, UPDATE and DELETE for now.");
  }
  return relation;
}

}  // namespace tessera::planner
