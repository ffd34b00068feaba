// SPDX-License-Identifier: Apache-2.0
// Binding of function calls (scalar, aggregate) and subqueries.
#include <algorithm>
#include <set>

#include "engine/aggregate.h"
#include "engine/function/array_text.h"
#include "engine/set_function.h"
#include "planner/binder.h"
#include "planner/session_state.h"

namespace tessera::planner {

namespace {

// Thrown when an aggregate belongs to an outer query that was bound as not grouped: that query is bound
// again, grouped (BindQuery catches it at the level of `query`).
struct OuterLevelAggregate {
  const ast::SelectStmt* query;
};

}  // namespace

using engine::BoundExpr;
using engine::BoundExprKind;
using engine::BoundExprPtr;
using engine::CastContext;

constexpr uint32_t kRegtypeOid = 2206;

namespace {

// PostgreSQL's function-style cast: a one-argument call named after a type (`date('2021-03-01')`,
// `text(42)`) with no overload taking exactly that argument type is a cast when the argument is an
// untyped literal or the cast goes through text input/output. Returns the type to cast to, or nullopt.
std::optional<LogicalType> FunctionStyleCastTarget(const std::string& name, const BoundExpr& arg) {
  const std::optional<LogicalType> target = TypeFromName(name);
  if (!target || TypeInternalName(target->id) != name) return std::nullopt;  // pg_type names only
  if (const auto* overloads = engine::BuiltinFunctions().Lookup(name)) {
    for (const auto& overload : *overloads) {
      if (overload.arg_types.size() == 1 && overload.arg_types[0].id == arg.type.id) return std::nullopt;
    }
  }
  const bool literal = arg.type.id == TypeId::kUnknown && arg.kind == BoundExprKind::kConstant;
  const bool via_text = IsStringFamily(arg.type.id) || IsStringFamily(target->id);
  if (!literal && !via_text) return std::nullopt;
  return target;
}

}  // namespace

const engine::AggregateFunction* ResolveAggregate(const std::string& name, std::vector<BoundExprPtr>& args,
                                                  Binder& binder, int location) {
  std::vector<LogicalType> types;
  for (const auto& arg : args) types.push_back(arg->type.id == TypeId::kUnknown ? LogicalType(TypeId::kText) : arg->type);
  if (const auto* exact = engine::FindAggregate(name, types)) {
    for (size_t index = 0; index < args.size(); ++index) {
      args[index] = binder.Coerce(std::move(args[index]), LogicalType(exact->arg_types[index].id), CastContext::kImplicit);
    }
    return exact;
  }
  const engine::AggregateFunction* best = nullptr;
  int best_cost = 1 << 30;
  for (const auto* candidate : engine::AggregateOverloads(name)) {
    if (candidate->arg_types.size() != args.size()) continue;
    int cost = 0;
    bool viable = true;
    for (size_t index = 0; index < args.size(); ++index) {
      const TypeId want = candidate->arg_types[index].id;
      if (types[index].id == want) continue;
      if (args[index]->type.id == TypeId::kUnknown) {  // an untyped literal fits any parameter, text best
        cost += 1;
        continue;
      }
      if (engine::GetCastContext(types[index], LogicalType(want)) != CastContext::kImplicit) {
        viable = false;
        break;
      }
      cost += 1 + (want == TypeId::kFloat64 ? 1 : 0);
    }
    if (viable && cost < best_cost) {
      best = candidate;
      best_cost = cost;
    }
  }
  if (best == nullptr) {
    std::string text = "function " + name + "(";
    for (size_t index = 0; index < types.size(); ++index) text += (index > 0 ? ", " : "") + FormatType(types[index]);
    throw SqlError(SqlState::kUndefinedFunction, text + ") does not exist")
        .WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
        .WithPosition(location + 1);
  }
  for (size_t index = 0; index < args.size(); ++index) {
    args[index] = binder.Coerce(std::move(args[index]), LogicalType(best->arg_types[index].id), CastContext::kImplicit);
  }
  return best;
}

namespace {

// array_agg(anynonarray) returns an array of its input's own type: an untyped input fits both of
// PostgreSQL's overloads (42725), and an input whose array type Tessera lacks must not be cast to one it
// has (0A000).
void CheckArrayAggInput(const BoundExpr& arg, int location) {
  if (arg.type.id == TypeId::kUnknown) {
    throw SqlError(SqlState::kAmbiguousFunction, "function array_agg(unknown) is not unique")
        .WithHint("Could not choose a best candidate function. You might need to add explicit type casts.")
        .WithPosition(location + 1);
  }
  if (engine::FindAggregate("array_agg", {arg.type}) == nullptr) {
    throw SqlError(SqlState::kFeatureNotSupported, "array_agg of type " + FormatType(arg.type) + " is not supported yet")
        .WithPosition(location + 1);
  }
}

}  // namespace

BoundExprPtr Binder::BindAggregateCall(const ast::Expr& expr, const std::string& name, Scope& scope) {
  // Arguments are bound in the pre-aggregation scope (this level's columns are not grouped there), with
  // nested aggregates and window functions forbidden.
  ScopedAssign collecting(aggregates_, nullptr);
  ScopedAssign ungrouped(scope.grouped, nullptr);
  WindowContextGuard window_guard(*this);
  SetWindowContext(nullptr, nullptr, SqlState::kGroupingError, "aggregate function calls cannot contain window function calls");
  engine::AggregateCall call;
  std::vector<BoundExprPtr> args;
  if (!expr.agg_star) {
    for (const auto& arg : expr.args) args.push_back(BindExpr(*arg, scope));
  }
  if (name == "count" && expr.agg_star) {
    // count(*)
  } else if (args.empty()) {
    throw SqlError(SqlState::kUndefinedFunction, "function " + name + "() does not exist").WithPosition(expr.location + 1);
  }
  if (name == "array_agg" && args.size() == 1) CheckArrayAggInput(*args[0], expr.location);
  call.function = ResolveAggregate(name, args, *this, expr.location);
  call.args = std::move(args);
  call.distinct = expr.agg_distinct;
  if (expr.agg_filter) {
    call.filter = Coerce(BindExpr(*expr.agg_filter, scope), LogicalType(TypeId::kBool), CastContext::kAssignment);
  }
  for (const auto& item : expr.agg_order) {
    engine::SortKey key;
    key.expr = BindExpr(*item.expr, scope);
    key.descending = item.direction == ast::SortDirection::kDesc;
    key.nulls_first = item.nulls == ast::NullsOrder::kFirst || (item.nulls == ast::NullsOrder::kDefault && key.descending);
    call.order_by.push_back(std::move(key));
  }
  call.type = call.function->return_type;
  auto ref = std::make_unique<BoundExpr>(BoundExprKind::kAggregateRef, call.type);
  ref->reference = static_cast<int>(collecting.saved()->size());
  ref->name = name;
  collecting.saved()->push_back(std::move(call));
  return ref;
}

LogicalType Binder::BindSeriesArguments(std::vector<BoundExprPtr>& args) {
  if (args.size() < 2 || args.size() > 3) {
    throw SqlError(SqlState::kUndefinedFunction,
                   "function generate_series with " + std::to_string(args.size()) + " arguments does not exist");
  }
  LogicalType type(TypeId::kInt32);
  for (const auto& arg : args) {
    if (arg->type.id == TypeId::kInt64) type = LogicalType(TypeId::kInt64);
    if (arg->type.id == TypeId::kNumeric || arg->type.id == TypeId::kFloat64) type = LogicalType(TypeId::kNumeric);
    if (arg->type.id == TypeId::kTimestamp || arg->type.id == TypeId::kTimestampTz) type = arg->type;
  }
  for (size_t index = 0; index < args.size(); ++index) {
    const bool step = index == 2 && (type.id == TypeId::kTimestamp || type.id == TypeId::kTimestampTz);
    args[index] = Coerce(std::move(args[index]), step ? LogicalType(TypeId::kInterval) : type, CastContext::kImplicit);
  }
  return type;
}

// unnest(anyarray) over the one-dimensional arrays Tessera has: the element type.
LogicalType Binder::BindUnnestArgument(std::vector<BoundExprPtr>& args, int location) {
  if (args.size() == 1 && args[0]->type.id == TypeId::kUnknown) {
    throw SqlError(SqlState::kAmbiguousFunction, "function unnest(unknown) is not unique")
        .WithHint("Could not choose a best candidate function. You might need to add explicit type casts.")
        .WithPosition(location + 1);
  }
  const std::optional<LogicalType> element = args.size() == 1 ? engine::ArrayElementType(args[0]->type.id) : std::nullopt;
  if (!element) {
    std::string signature;
    for (const auto& arg : args) signature += (signature.empty() ? "" : ", ") + FormatType(arg->type);
    throw SqlError(SqlState::kUndefinedFunction, "function unnest(" + signature + ") does not exist")
        .WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
        .WithPosition(location + 1);
  }
  return *element;
}

LogicalType Binder::BindSetFunctionArguments(const std::string& name, std::vector<BoundExprPtr>& args, int location) {
  if (name == "generate_series") return BindSeriesArguments(args);
  if (name == "unnest") return BindUnnestArgument(args, location);
  // regexp_split_to_table(string text, pattern text [, flags text])
  bool matches = args.size() == 2 || args.size() == 3;
  for (const auto& arg : args) matches = matches && (arg->type.id == TypeId::kUnknown || IsStringFamily(arg->type.id));
  if (!matches) {
    std::string signature;
    for (const auto& arg : args) signature += (signature.empty() ? "" : ", ") + FormatType(arg->type);
    throw SqlError(SqlState::kUndefinedFunction, "function " + name + "(" + signature + ") does not exist")
        .WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
        .WithPosition(location + 1);
  }
  for (auto& arg : args) arg = Coerce(std::move(arg), LogicalType(TypeId::kText), CastContext::kImplicit);
  return LogicalType(TypeId::kText);
}

BoundExprPtr Binder::BindSetFunction(const ast::Expr& expr, const std::string& name, Scope& scope) {
  // Arguments may not hold set-returning calls themselves (PostgreSQL would nest ProjectSets).
  auto* calls = set_functions_;
  SetFunctionCall call;
  call.name = name;
  {
    ScopedAssign not_nested(set_functions_, nullptr);
    for (const auto& arg : expr.args) call.args.push_back(BindExpr(*arg, scope));
    call.type = BindSetFunctionArguments(name, call.args, expr.location);
  }
  auto ref = std::make_unique<BoundExpr>(BoundExprKind::kSetFunctionRef, call.type);
  ref->reference = static_cast<int>(calls->size());
  ref->name = name;
  calls->push_back(std::move(call));
  return ref;
}

BoundExprPtr Binder::BindFunction(const ast::Expr& expr, Scope& scope) {
  std::string name = expr.names.back();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  // Functions of the `tessera` schema (cluster operations, docs/CLUSTER.md) are registered qualified.
  if (expr.names.size() == 2 && expr.names[0] == "tessera") name = "tessera." + name;
  if (expr.names.size() > 1 && expr.names[0] != "pg_catalog" && expr.names[0] != "public" &&
      expr.names[0] != "tessera") {
    throw SqlError(SqlState::kUndefinedFunction, "function " + expr.names[0] + "." + name + " does not exist")
        .WithPosition(expr.location + 1);
  }
  if (expr.variadic) {
    // Binding the array as one ordinary argument would give another answer: concat(VARIADIC '{}') is ''.
    throw SqlError(SqlState::kFeatureNotSupported, "VARIADIC in function calls is not supported yet")
        .WithPosition(expr.location + 1);
  }
  if (expr.over) return BindWindowCall(expr, name, scope);
  if (IsWindowOnlyFunction(name)) {
    throw SqlError(SqlState::kWrongObjectType, "window function " + name + " requires an OVER clause")
        .WithPosition(expr.location + 1);
  }
  if (engine::IsAggregateName(name)) {
    // An aggregate belongs to the nearest query level its arguments read columns of (its own when none).
    Scope* own = aggregate_scope_ != nullptr ? aggregate_scope_ : &scope;
    const int level = AggregateLevel(expr, *own);
    if (level == 0) {
      if (aggregates_ == nullptr) {
        throw SqlError(SqlState::kGroupingError, "aggregate functions are not allowed in this context")
            .WithPosition(expr.location + 1);
      }
      return BindAggregateCall(expr, name, *own);
    }
    Scope* target = own;
    for (int step = 0; step < level; ++step) target = target->outer;
    if (target->aggregates == nullptr) {
      if (target->query == nullptr) {
        throw SqlError(SqlState::kGroupingError, "aggregate functions are not allowed in this context")
            .WithPosition(expr.location + 1);
      }
      throw OuterLevelAggregate{target->query};
    }
    BoundExprPtr ref;
    {
      ScopedAssign aggregates(aggregates_, target->aggregates);
      ScopedAssign aggregate_scope(aggregate_scope_, target);
      ref = BindAggregateCall(expr, name, *target);
    }
    // Read from here, the aggregate is a column of the outer level's grouped row.
    auto outer_ref = std::make_unique<BoundExpr>(BoundExprKind::kOuterColumn, ref->type);
    outer_ref->column = static_cast<int>(target->num_group_keys) + ref->reference;
    outer_ref->name = ref->name;
    outer_ref->depth = 0;
    for (Scope* marked = &scope; marked != nullptr && marked != target; marked = marked->outer) {
      marked->correlated = true;
      ++outer_ref->depth;
    }
    return outer_ref;
  }
  if (expr.agg_star || expr.agg_distinct || !expr.agg_order.empty() || expr.agg_filter) {
    throw SqlError(SqlState::kWrongObjectType, name + " is not an aggregate function").WithPosition(expr.location + 1);
  }
  if (engine::IsExecutableSetFunction(name) && set_functions_ != nullptr) return BindSetFunction(expr, name, scope);
  std::vector<BoundExprPtr> args;
  for (const auto& arg : expr.args) args.push_back(BindExpr(*arg, scope));
  if (name == "pg_typeof" && args.size() == 1) {  // the argument's type as regtype, known at bind time
    LogicalType regtype(TypeId::kOid);
    regtype.oid_flavour = kRegtypeOid;
    LogicalType type(args[0]->type.id);  // typmods do not show
    type.oid_flavour = args[0]->type.oid_flavour;
    return engine::MakeConstant(Value::Int64(TypeOid(type)).WithType(regtype));
  }
  // PostgreSQL's other set-returning functions, and those above where no ProjectSet can run them.
  static const std::set<std::string> kSetReturning = {
      "generate_series", "unnest", "generate_subscripts", "regexp_split_to_table", "regexp_matches",
      "json_array_elements", "json_array_elements_text", "jsonb_array_elements", "jsonb_array_elements_text",
      "json_each", "jsonb_each", "json_object_keys", "jsonb_object_keys", "pg_get_keywords"};
  if (kSetReturning.count(name) != 0) {
    throw SqlError(SqlState::kFeatureNotSupported, "set-returning function " + name + "() outside FROM is not supported yet")
        .WithPosition(expr.location + 1);
  }
  if (args.size() == 1) {
    if (auto target = FunctionStyleCastTarget(name, *args[0])) {
      return Coerce(std::move(args[0]), *target, CastContext::kExplicit);
    }
  }
  // Functions with SQL-level spellings that map to our built-ins.
  if (name == "substring" && args.size() >= 2) name = "substr";
  if (name == "ceiling") name = "ceil";
  if (name == "pow") name = "power";
  if (name == "char_length" || name == "character_length") name = "length";
  return MakeCall(name, std::move(args), expr.location);
}

void ForEachExpression(const engine::PlanNode& node, const std::function<void(const BoundExpr&)>& visit) {
  auto add = [&](const BoundExprPtr& bound) {
    if (bound) visit(*bound);
  };
  add(node.predicate);
  add(node.range_lower);
  add(node.range_upper);
  for (const auto& lookup : node.index_lookups) {
    for (const auto& bound : lookup) add(bound);
  }
  add(node.limit);
  add(node.offset);
  for (const auto& bound : node.expressions) add(bound);
  for (const auto& bound : node.group_keys) add(bound);
  for (const auto& bound : node.left_keys) add(bound);
  for (const auto& bound : node.right_keys) add(bound);
  for (const auto& bound : node.function_args) add(bound);
  for (const auto& key : node.sort_keys) add(key.expr);
  for (const auto& call : node.aggregates) {
    for (const auto& arg : call.args) add(arg);
    add(call.filter);
    for (const auto& key : call.order_by) add(key.expr);
  }
  for (const auto& call : node.windows) {
    for (const auto& arg : call.args) add(arg);
    add(call.filter);
    for (const auto& expr : call.partition_by) add(expr);
    for (const auto& key : call.order_by) add(key.expr);
    add(call.frame.start_value);
    add(call.frame.end_value);
  }
  for (const auto& row : node.values) {
    for (const auto& bound : row) add(bound);
  }
  for (const auto& args : node.set_function_args) {
    for (const auto& bound : args) add(bound);
  }
}

bool PlanReferencesOuter(const engine::PlanNode& plan) {
  // BindColumnRef marks the scope chain of a correlated query, which callers cannot see once it is bound,
  // so inspect the plan. Outer references of nested correlated subqueries count too (conservatively: they
  // may point to a level inside `plan`).
  std::vector<const engine::PlanNode*> stack = {&plan};
  bool found = false;
  std::function<void(const BoundExpr&)> visit = [&](const BoundExpr& bound) {
    if (bound.kind == BoundExprKind::kOuterColumn) found = true;
    if (bound.kind == BoundExprKind::kSubquery && bound.correlated) stack.push_back(bound.subquery_plan.get());
    for (const auto& child : bound.children) visit(*child);
  };
  while (!stack.empty() && !found) {
    const engine::PlanNode* node = stack.back();
    stack.pop_back();
    // A WITH RECURSIVE work table changes between iterations: never cache such a subquery.
    if (node->kind == engine::PlanKind::kWorkTable) return true;
    ForEachExpression(*node, visit);
    for (const auto& child : node->children) stack.push_back(child.get());
  }
  return found;
}

namespace {

// ReferencedLevel for an expression `nesting` subquery levels below the one asked about.
int ReferencedLevelAt(const BoundExpr& expr, int nesting) {
  int level = kNoLevel;
  if (expr.kind == BoundExprKind::kColumn && nesting == 0) level = 0;
  if (expr.kind == BoundExprKind::kOuterColumn && expr.depth >= nesting) level = expr.depth - nesting;
  if (expr.kind == BoundExprKind::kSubquery && expr.subquery_plan) {
    // FROM items and joins of the subquery are bound with the subquery's own outer scope, so every node
    // of its plan is one level below this expression.
    std::vector<const engine::PlanNode*> stack = {expr.subquery_plan.get()};
    while (!stack.empty()) {
      const engine::PlanNode* node = stack.back();
      stack.pop_back();
      ForEachExpression(*node, [&](const BoundExpr& bound) { level = std::min(level, ReferencedLevelAt(bound, nesting + 1)); });
      for (const auto& child : node->children) stack.push_back(child.get());
    }
  }
  for (const auto& child : expr.children) level = std::min(level, ReferencedLevelAt(*child, nesting));
  return level;
}

}  // namespace

int ReferencedLevel(const BoundExpr& expr) { return ReferencedLevelAt(expr, 0); }

BoundQuery Binder::BindQuery(const ast::SelectStmt& select, Scope* outer) {
  // Both attempts below bind the same query: each gets the caller's LeaveUnknownOutputs.
  const bool resolve_unknowns = resolve_unknowns_;
  ScopedAssign depth(query_depth_, query_depth_ + 1);
  // Each query level collects its own aggregates and set-returning calls.
  ScopedAssign aggregates(aggregates_, nullptr);
  ScopedAssign aggregate_scope(aggregate_scope_, nullptr);
  ScopedAssign set_functions(set_functions_, nullptr);
  try {
    return BindQueryLevel(select, outer, false);
  } catch (const OuterLevelAggregate& found) {
    if (found.query != &select) throw;
  }
  resolve_unknowns_ = resolve_unknowns;
  try {
    return BindQueryLevel(select, outer, true);
  } catch (const OuterLevelAggregate& found) {
    if (found.query != &select) throw;
    throw SqlError(SqlState::kGroupingError, "aggregate functions are not allowed in this context");
  }
}

int Binder::AggregateLevel(const ast::Expr& expr, Scope& scope) {
  if (scope.outer == nullptr) return 0;
  ScopedAssign no_aggregates(aggregates_, nullptr);
  ScopedAssign unchecked(unchecked_outer_grouping_, true);
  ScopedAssign ungrouped(scope.grouped, nullptr);
  WindowContextGuard window_guard(*this);
  SetWindowContext(nullptr, nullptr, SqlState::kGroupingError, "aggregate function calls cannot contain window function calls");
  int level = kNoLevel;
  auto visit = [&](const ast::Expr* item) {
    if (item != nullptr) level = std::min(level, ReferencedLevel(*BindExpr(*item, scope)));
  };
  for (const auto& arg : expr.args) visit(arg.get());
  visit(expr.agg_filter.get());
  for (const auto& item : expr.agg_order) visit(item.expr.get());
  return level == kNoLevel ? 0 : level;
}

bool Binder::ContainsOwnAggregate(const ast::Expr* expr, Scope& scope) {
  if (scope.outer == nullptr) return ContainsAggregate(expr);
  return AnyAggregateCall(expr, [&](const ast::Expr& call) { return AggregateLevel(call, scope) == 0; });
}

BoundExprPtr Binder::BindSubquery(const ast::Expr& expr, Scope& scope) {
  BoundQuery query = BindQuery(*expr.subquery, &scope);
  const bool correlated = PlanReferencesOuter(*query.plan);
  auto result = std::make_unique<BoundExpr>(BoundExprKind::kSubquery, LogicalType(TypeId::kBool));
  result->subquery_plan = query.plan;
  result->correlated = correlated;
  result->name = "subquery";
  const size_t width = query.plan->output_types.size();
  switch (expr.subquery_kind) {
    case ast::SubqueryKind::kExists:
      result->subquery_type = engine::SubqueryType::kExists;
      return result;
    case ast::SubqueryKind::kScalar:
      if (width != 1) throw SqlError(SqlState::kSyntaxError, "subquery must return only one column").WithPosition(expr.location + 1);
      result->subquery_type = engine::SubqueryType::kScalar;
      result->type = query.plan->output_types[0];
      if (result->type.id == TypeId::kUnknown) result->type = LogicalType(TypeId::kText);
      return result;
    case ast::SubqueryKind::kIn:
    case ast::SubqueryKind::kAny:
    case ast::SubqueryKind::kAll: {
      if (width != 1) throw SqlError(SqlState::kSyntaxError, "subquery has too many columns").WithPosition(expr.location + 1);
      BoundExprPtr left = BindExpr(*expr.args[0], scope);
      LogicalType right_type = query.plan->output_types[0];
      const LogicalType common = CommonType({left->type, right_type}, "IN");
      left = Coerce(std::move(left), common, CastContext::kImplicit);
      if (!(right_type == common)) {
        // Cast the subquery's column to the common type.
        std::vector<BoundExprPtr> project;
        project.push_back(Coerce(engine::MakeColumn(0, right_type), common, CastContext::kImplicit));
        result->subquery_plan = MakeProject(query.plan, std::move(project), query.names);
      }
      const std::string op = expr.subquery_kind == ast::SubqueryKind::kIn ? "=" : expr.name;
      std::vector<BoundExprPtr> probe;
      probe.push_back(engine::MakeColumn(0, common));
      probe.push_back(engine::MakeColumn(1, common));
      BoundExprPtr comparison = BindOperator(op, std::move(probe), expr.location);
      if (comparison->kind != BoundExprKind::kFunction) throw SqlError(SqlState::kFeatureNotSupported, "unsupported subquery comparison");
      result->function = comparison->function;
      result->subquery_type = expr.subquery_kind == ast::SubqueryKind::kAll ? engine::SubqueryType::kAll : engine::SubqueryType::kAny;
      result->children.push_back(std::move(left));
      return result;
    }
    case ast::SubqueryKind::kArray: {
      if (width != 1) throw SqlError(SqlState::kSyntaxError, "subquery must return only one column").WithPosition(expr.location + 1);
      const LogicalType element = query.plan->output_types[0];
      std::optional<LogicalType> array = engine::ArrayTypeOf(element.id == TypeId::kUnknown ? TypeId::kText : element.id);
      if (!array) break;
      result->subquery_type = engine::SubqueryType::kArray;
      result->type = *array;
      return result;
    }
  }
  throw SqlError(SqlState::kFeatureNotSupported, "ARRAY(subquery) is not supported yet").WithPosition(expr.location + 1);
}

}  // namespace tessera::planner
