// SPDX-License-Identifier: Apache-2.0
// Binding of query expressions: SELECT lists, grouping, ORDER BY/LIMIT, set operations, VALUES, WITH.
#include <utility>
#include <algorithm>

#include "engine/aggregate.h"
#include "planner/binder.h"
#include "planner/session_state.h"

namespace tessera::planner {

using engine::BoundExpr;
using engine::BoundExprKind;
using engine::BoundExprPtr;
using engine::CastContext;
using engine::PlanKind;
using engine::PlanNode;
using engine::PlanPtr;

PlanPtr PlanJoins(std::vector<PlanPtr> items, const std::vector<size_t>& starts, size_t total_columns,
                  std::vector<BoundExprPtr> conjuncts);
void SplitWhere(BoundExprPtr where, std::vector<BoundExprPtr>& conjuncts);

bool AnyAggregateCall(const ast::Expr* expr, const std::function<bool(const ast::Expr& call)>& accept) {
  if (expr == nullptr) return false;
  if (expr->kind == ast::ExprKind::kSubquery) return false;
  if (expr->kind == ast::ExprKind::kFunction && !expr->over) {
    std::string name = expr->names.back();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (engine::IsAggregateName(name) && accept(*expr)) return true;
  }
  auto any = [&](const ast::Expr* item) { return AnyAggregateCall(item, accept); };
  for (const auto& arg : expr->args) {
    if (any(arg.get())) return true;
  }
  if (any(expr->case_operand.get()) || any(expr->else_result.get())) return true;
  for (const auto& item : expr->when_conditions) {
    if (any(item.get())) return true;
  }
  for (const auto& item : expr->when_results) {
    if (any(item.get())) return true;
  }
  if (any(expr->agg_filter.get())) return true;
  if (expr->over) {
    for (const auto& item : expr->over->partition_by) {
      if (any(item.get())) return true;
    }
    for (const auto& item : expr->over->order_by) {
      if (any(item.expr.get())) return true;
    }
  }
  return false;
}

bool ContainsAggregate(const ast::Expr* expr) {
  return AnyAggregateCall(expr, [](const ast::Expr&) { return true; });
}

namespace {

// Replaces window call placeholders by the window node's output columns (after its `input_width` inputs).
BoundExprPtr ReplaceWindowRefs(BoundExprPtr expr, size_t input_width) {
  if (expr->kind == BoundExprKind::kWindowRef) {
    return engine::MakeColumn(static_cast<int>(input_width) + expr->reference, expr->type, expr->name);
  }
  for (auto& child : expr->children) child = ReplaceWindowRefs(std::move(child), input_width);
  return expr;
}

// Replaces grouped expressions by references to the aggregate's output.
BoundExprPtr ReplaceGroupRefs(BoundExprPtr expr, const std::vector<BoundExprPtr>& keys, size_t num_keys) {
  for (size_t key = 0; key < keys.size(); ++key) {
    if (expr->Equals(*keys[key])) return engine::MakeColumn(static_cast<int>(key), expr->type, expr->name);
  }
  if (expr->kind == BoundExprKind::kAggregateRef) {
    return engine::MakeColumn(static_cast<int>(num_keys) + expr->reference, expr->type, expr->name);
  }
  if (expr->kind == BoundExprKind::kColumn) {
    throw SqlError(SqlState::kGroupingError, "column \"" + expr->name +
                                                 "\" must appear in the GROUP BY clause or be used in an aggregate function");
  }
  for (auto& child : expr->children) child = ReplaceGroupRefs(std::move(child), keys, num_keys);
  return expr;
}

PlanPtr MakeNode(PlanKind kind, PlanPtr child) {
  auto node = std::make_shared<PlanNode>(kind);
  node->output_types = child->output_types;
  node->output_names = child->output_names;
  node->children.push_back(std::move(child));
  return node;
}

// Replaces set-returning call placeholders by the ProjectSet node's columns (after its `input_width`).
BoundExprPtr ReplaceSetFunctionRefs(BoundExprPtr expr, size_t input_width) {
  if (expr->kind == BoundExprKind::kSetFunctionRef) {
    return engine::MakeColumn(static_cast<int>(input_width) + expr->reference, expr->type, expr->name);
  }
  for (auto& child : expr->children) child = ReplaceSetFunctionRefs(std::move(child), input_width);
  return expr;
}

// The ProjectSet node over `input`: its columns followed by one per call.
PlanPtr MakeProjectSetNode(PlanPtr input, std::vector<SetFunctionCall> calls) {
  auto node = std::make_shared<PlanNode>(PlanKind::kProjectSet);
  node->output_types = input->output_types;
  node->output_names = input->output_names;
  for (auto& call : calls) {
    node->output_types.push_back(call.type);
    node->output_names.push_back(call.name);
    node->set_function_names.push_back(std::move(call.name));
    node->set_function_args.push_back(std::move(call.args));
  }
  node->children.push_back(std::move(input));
  return node;
}

// Rewrites a window call's expressions to read the aggregate's output, as the select list's are.
void ReplaceGroupRefsInWindow(engine::WindowCall& call, const std::vector<BoundExprPtr>& keys) {
  auto replace = [&](BoundExprPtr& expr) {
    if (expr) expr = ReplaceGroupRefs(std::move(expr), keys, keys.size());
  };
  for (auto& arg : call.args) replace(arg);
  replace(call.filter);
  for (auto& expr : call.partition_by) replace(expr);
  for (auto& key : call.order_by) replace(key.expr);
  replace(call.frame.start_value);
  replace(call.frame.end_value);
  replace(call.frame.range_key);
}

// Builds the WindowAgg node over `input`: its columns followed by one per call.
PlanPtr MakeWindowNode(PlanPtr input, std::vector<engine::WindowCall> calls) {
  auto node = std::make_shared<PlanNode>(PlanKind::kWindow);
  node->output_types = input->output_types;
  node->output_names = input->output_names;
  node->output_names.resize(node->output_types.size());
  for (const auto& call : calls) {
    node->output_types.push_back(call.type);
    node->output_names.push_back(call.name);
  }
  node->windows = std::move(calls);
  node->children.push_back(std::move(input));
  return node;
}

// FOR UPDATE locks base-table rows; PostgreSQL refuses it where the query's rows are not those (0A000),
// in CheckSelectLocking's order.
void CheckLockingClause(const ast::SelectStmt& select, bool grouped, bool windowed) {
  if (!select.for_update) return;
  const char* reason = nullptr;
  if (select.op != ast::SetOpKind::kNone) {
    reason = "UNION/INTERSECT/EXCEPT";
  } else if (select.distinct || !select.distinct_on.empty()) {
    reason = "DISTINCT clause";
  } else if (!select.group_by.empty() || !select.grouping_sets.empty()) {
    reason = "GROUP BY clause";
  } else if (select.having) {
    reason = "HAVING clause";
  } else if (grouped) {
    reason = "aggregate functions";
  } else if (windowed) {
    reason = "window functions";
  }
  if (reason != nullptr) {
    throw SqlError(SqlState::kFeatureNotSupported, select.lock_strength + " is not allowed with " + reason);
  }
}

BoundExprPtr BindLimitExpr(Binder& binder, const ast::Expr* expr, const char* what) {
  if (expr == nullptr) return nullptr;
  Scope empty;
  BoundExprPtr bound = binder.BindExpr(*expr, empty);
  if (bound->ReferencesColumns()) {
    throw SqlError(SqlState::kInvalidColumnReference, std::string("argument of ") + what + " must not contain variables");
  }
  return binder.Coerce(std::move(bound), LogicalType(TypeId::kInt64), CastContext::kAssignment,
                       (std::string("argument of ") + what + " must be type bigint").c_str());
}

// json has no btree operator class, so PostgreSQL can neither sort it nor group it (42883).
void CheckComparable(const LogicalType& type, bool ordering) {
  if (type.id != TypeId::kJson) return;
  throw SqlError(SqlState::kUndefinedFunction,
                 std::string("could not identify an ") + (ordering ? "ordering" : "equality") + " operator for type json");
}

}  // namespace

void Binder::BindWith(const ast::WithClause& with, Scope* outer) {
  ctes_.emplace_back();
  for (const auto& cte : with.ctes) {
    if (ctes_.back().count(cte.name) != 0) {
      throw SqlError(SqlState::kDuplicateAlias, "WITH query name \"" + cte.name + "\" specified more than once")
          .WithPosition(cte.location + 1);
    }
    PlanPtr plan;
    std::vector<std::string> names;
    if (with.recursive && ReferencesCte(*cte.query, cte.name)) {
      std::tie(plan, names) = BindRecursiveCte(cte, outer);
    } else {
      BoundQuery query = BindQuery(*cte.query, outer);
      plan = query.plan;
      names = CteColumnNames(cte, query.names);
    }
    // A CTE is computed once per statement; one that reads the enclosing query's row would need
    // recomputing per row.
    if (outer != nullptr && PlanReferencesOuter(*plan) && !ReadsWorkTable(*plan)) {
      throw SqlError(SqlState::kFeatureNotSupported,
                     "WITH query \"" + cte.name + "\" referring to columns of an outer query is not supported yet");
    }
    if (ReadsWorkTable(*plan)) {
      ctes_.back()[cte.name] = {plan, names};
      continue;
    }
    auto node = std::make_shared<PlanNode>(PlanKind::kMaterialize);
    node->output_types = plan->output_types;
    node->output_names = names;
    node->children.push_back(plan);
    ctes_.back()[cte.name] = {node, names};
  }
}

BoundQuery Binder::BindQueryLevel(const ast::SelectStmt& select, Scope* outer, bool force_grouped) {
  const bool resolve_unknowns = std::exchange(resolve_unknowns_, true);
  // Window calls belong to one query level: subqueries start with none allowed.
  WindowContextGuard window_guard(*this);
  SetWindowContext(nullptr, nullptr);
  // WITH: each CTE is bound once and shared by its references through a materialising node. In WITH
  // RECURSIVE, a CTE that references itself becomes a recursive union.
  const bool has_with = select.with != nullptr;
  if (has_with) BindWith(*select.with, outer);
  struct PopCtes {
    Binder* binder;
    bool active;
    ~PopCtes() {
      if (active) binder->ctes().pop_back();
    }
  } pop{this, has_with};

  BoundQuery result;
  Scope scope;
  scope.outer = outer;
  scope.query = &select;
  // Output expressions and, for ORDER BY, hidden extra ones.
  std::vector<BoundExprPtr> targets;
  std::vector<std::string> names;
  std::vector<engine::SortKey> sort_keys;
  PlanPtr plan;
  size_t visible = 0;
  std::vector<BoundExprPtr> distinct_on;
  // Untyped outputs that ORDER BY, GROUP BY or DISTINCT use become text even when resolve_unknowns is off.
  std::vector<bool> resolve_as_text;
  bool grouped = false;
  std::vector<engine::AggregateCall> aggregates;
  std::vector<BoundExprPtr> keys;
  std::map<int, int> grouped_columns;
  // GROUPING SETS / ROLLUP / CUBE: the sets as indices into keys (empty for a plain GROUP BY).
  std::vector<std::vector<int>> grouping_sets;
  BoundExprPtr having;
  std::vector<engine::WindowCall> window_calls;
  std::vector<SetFunctionCall> set_calls;
  // Binds an expression evaluated after grouping (or directly over FROM when not grouped).
  auto bind_output = [&](const ast::Expr& expr) -> BoundExprPtr {
      if (!grouped) return BindExpr(expr, scope);
      const size_t windows_before = window_calls.size();
      BoundExprPtr bound;
      {
        // This level's aggregates collect here; subqueries read its grouped row.
        ScopedAssign level_aggregates(aggregates_, &aggregates);
        ScopedAssign level_scope(aggregate_scope_, &scope);
        ScopedAssign grouped_by(scope.grouped, &grouped_columns);
        ScopedAssign collected(scope.aggregates, &aggregates);
        ScopedAssign key_count(scope.num_group_keys, keys.size());
        ScopedAssign group_keys(scope.group_keys, &keys);
        ScopedAssign sets(scope.grouping_sets, &grouping_sets);
        bound = BindExpr(expr, scope);
      }
      for (size_t call = windows_before; call < window_calls.size(); ++call) {
        ReplaceGroupRefsInWindow(window_calls[call], keys);
      }
      return ReplaceGroupRefs(std::move(bound), keys, keys.size());
    };

  if (select.op != ast::SetOpKind::kNone) {
    CheckLockingClause(select, false, false);
    // The branches' untyped literals take the column's common type (text when all are untyped).
    LeaveUnknownOutputs();
    BoundQuery left = BindQuery(*select.left_query, outer);
    LeaveUnknownOutputs();
    BoundQuery right = BindQuery(*select.right_query, outer);
    const char* op_name = select.op == ast::SetOpKind::kUnion ? "UNION" : (select.op == ast::SetOpKind::kIntersect ? "INTERSECT" : "EXCEPT");
    if (left.plan->output_types.size() != right.plan->output_types.size()) {
      throw SqlError(SqlState::kSyntaxError, std::string("each ") + op_name + " query must have the same number of columns");
    }
    std::vector<LogicalType> types;
    for (size_t column = 0; column < left.plan->output_types.size(); ++column) {
      types.push_back(CommonType({left.plan->output_types[column], right.plan->output_types[column]}, op_name));
    }
    ResolveUnknownOutputs(*this, *left.plan, types);
    ResolveUnknownOutputs(*this, *right.plan, types);
    auto cast_side = [&](BoundQuery& side) {
      bool same = true;
      for (size_t column = 0; column < types.size(); ++column) same = same && side.plan->output_types[column] == types[column];
      if (same) return side.plan;
      std::vector<BoundExprPtr> exprs;
      for (size_t column = 0; column < types.size(); ++column) {
        exprs.push_back(Coerce(engine::MakeColumn(static_cast<int>(column), side.plan->output_types[column]), types[column], CastContext::kImplicit));
      }
      return MakeProject(side.plan, std::move(exprs), side.names);
    };
    auto node = std::make_shared<PlanNode>(PlanKind::kSetOperation);
    node->set_operation = select.op == ast::SetOpKind::kUnion ? engine::SetOperationKind::kUnion
                          : select.op == ast::SetOpKind::kIntersect ? engine::SetOperationKind::kIntersect
                                                                     : engine::SetOperationKind::kExcept;
    node->set_all = select.all;
    node->output_types = types;
    node->output_names = left.names;
    node->children = {cast_side(left), cast_side(right)};
    plan = node;
    names = left.names;
    for (size_t column = 0; column < types.size(); ++column) {
      ScopeColumn output;
      output.name = names[column];
      output.type = types[column];
      scope.columns.push_back(output);
      targets.push_back(engine::MakeColumn(static_cast<int>(column), types[column], names[column]));
    }
    visible = targets.size();
    result.table_oids.assign(visible, 0);
    result.attnums.assign(visible, 0);
  } else if (!select.values_rows.empty()) {
    const size_t width = select.values_rows[0].size();
    std::vector<std::vector<BoundExprPtr>> rows;
    Scope empty;
    empty.outer = outer;
    for (const auto& row : select.values_rows) {
      if (row.size() != width) throw SqlError(SqlState::kSyntaxError, "VALUES lists must all be the same length");
      std::vector<BoundExprPtr> bound;
      for (const auto& expr : row) bound.push_back(BindExpr(*expr, empty));
      rows.push_back(std::move(bound));
    }
    auto node = std::make_shared<PlanNode>(PlanKind::kValues);
    for (size_t column = 0; column < width; ++column) {
      std::vector<LogicalType> types;
      for (const auto& row : rows) types.push_back(row[column]->type);
      const LogicalType type = CommonType(types, "VALUES");
      for (auto& row : rows) row[column] = Coerce(std::move(row[column]), type, CastContext::kImplicit);
      node->output_types.push_back(type);
      names.push_back("column" + std::to_string(column + 1));
    }
    node->output_names = names;
    node->values = std::move(rows);
    plan = node;
    for (size_t column = 0; column < width; ++column) {
      ScopeColumn output;
      output.name = names[column];
      output.type = node->output_types[column];
      scope.columns.push_back(output);
      targets.push_back(engine::MakeColumn(static_cast<int>(column), node->output_types[column], names[column]));
    }
    visible = targets.size();
    result.table_oids.assign(visible, 0);
    result.attnums.assign(visible, 0);
  } else {
    if (!select.into_table.empty()) throw SqlError(SqlState::kFeatureNotSupported, "SELECT INTO is not supported yet");
    CheckWindowDefinitions(select.windows);
    SetWindowContext(nullptr, nullptr, SqlState::kWindowingError, "window functions are not allowed in JOIN conditions");
    // FROM
    std::vector<PlanPtr> items;
    std::vector<size_t> starts;
    for (const auto& ref : select.from) {
      starts.push_back(scope.columns.size());
      items.push_back(BindTableRef(*ref, scope, outer));
    }
    // WHERE
    std::vector<BoundExprPtr> conjuncts;
    SetWindowContext(nullptr, nullptr, SqlState::kWindowingError, "window functions are not allowed in WHERE");
    if (select.where) {
      if (ContainsOwnAggregate(select.where.get(), scope)) {
        throw SqlError(SqlState::kGroupingError, "aggregate functions are not allowed in WHERE");
      }
      SplitWhere(Coerce(BindExpr(*select.where, scope), LogicalType(TypeId::kBool), CastContext::kAssignment,
                        "argument of WHERE must be type boolean"),
                 conjuncts);
    }
    if (items.empty()) {
      plan = std::make_shared<PlanNode>(PlanKind::kResult);
      if (!conjuncts.empty()) {
        auto filter = MakeNode(PlanKind::kFilter, plan);
        std::vector<BoundExprPtr> all = std::move(conjuncts);
        if (all.size() == 1) {
          filter->predicate = std::move(all[0]);
        } else {
          filter->predicate = std::make_unique<BoundExpr>(BoundExprKind::kAnd, LogicalType(TypeId::kBool));
          filter->predicate->children = std::move(all);
        }
        plan = filter;
      }
    } else {
      plan = PlanJoins(items, starts, scope.columns.size(), std::move(conjuncts));
    }

    // Expand the select list.
    std::vector<const ast::Expr*> target_exprs;
    for (const auto& target : select.targets) {
      if (target.expr->kind == ast::ExprKind::kStar) {
        const std::string qualifier = target.expr->names.empty() ? "" : target.expr->names.back();
        bool any = false;
        for (size_t column = 0; column < scope.columns.size(); ++column) {
          const ScopeColumn& info = scope.columns[column];
          if (qualifier.empty() ? info.hidden : info.table != qualifier) continue;
          any = true;
          if (references_ != nullptr && info.table_oid != 0 && info.attnum > 0) {
            references_->references.push_back({NameReference::Kind::kStar, info.table_oid, info.attnum - 1,
                                               target.expr->location, "", query_depth_ == 1});
          }
          target_exprs.push_back(nullptr);
          targets.push_back(engine::MakeColumn(static_cast<int>(column), info.type, info.name));
          names.push_back(info.name);
          result.table_oids.push_back(info.table_oid);
          result.attnums.push_back(info.attnum);
        }
        if (!any && !qualifier.empty()) {
          throw SqlError(SqlState::kUndefinedTable, "missing FROM-clause entry for table \"" + qualifier + "\"");
        }
        if (!any && qualifier.empty() && select.from.empty()) {
          throw SqlError(SqlState::kSyntaxError, "SELECT * with no tables specified is not valid");
        }
        continue;
      }
      if (references_ != nullptr && target.alias.empty() && target.expr->kind == ast::ExprKind::kColumnRef) {
        references_->output_column_locations.push_back(target.expr->location);
      }
      target_exprs.push_back(target.expr.get());
      targets.push_back(nullptr);
      names.push_back(target.alias.empty() ? FigureColumnName(*target.expr) : target.alias);
      uint32_t oid = 0;
      int16_t attnum = 0;
      if (target.expr->kind == ast::ExprKind::kColumnRef) {
        // Remember the source column for RowDescription.
        for (const auto& column : scope.columns) {
          if (column.name == target.expr->names.back() &&
              (target.expr->names.size() == 1 || column.table == target.expr->names[target.expr->names.size() - 2])) {
            oid = column.table_oid;
            attnum = column.attnum;
          }
        }
      }
      result.table_oids.push_back(oid);
      result.attnums.push_back(attnum);
    }
    visible = targets.size();
    resolve_as_text.assign(visible, false);

    // Any HAVING makes the query one group, even without aggregate calls (HAVING 1 < 2).
    grouped = force_grouped || !select.group_by.empty() || !select.grouping_sets.empty() || select.having != nullptr;
    for (const auto& window : select.windows) {
      for (const auto& item : window.partition_by) grouped = grouped || ContainsOwnAggregate(item.get(), scope);
      for (const auto& item : window.order_by) grouped = grouped || ContainsOwnAggregate(item.expr.get(), scope);
    }
    for (const auto* expr : target_exprs) grouped = grouped || ContainsOwnAggregate(expr, scope);
    for (const auto& item : select.order_by) grouped = grouped || ContainsOwnAggregate(item.expr.get(), scope);

    SetWindowContext(nullptr, nullptr, SqlState::kWindowingError, "window functions are not allowed in GROUP BY");
    if (grouped) {
      // The key each GROUP BY expression binds to: the same expression written twice is one key.
      std::vector<int> key_of_item;
      for (const auto& key : select.group_by) {
        const ast::Expr* source = key.get();
        if (key->kind == ast::ExprKind::kLiteral && key->literal_kind == ast::LiteralKind::kInteger) {
          const int ordinal = std::stoi(key->text);
          if (ordinal < 1 || ordinal > static_cast<int>(target_exprs.size()) || target_exprs[ordinal - 1] == nullptr) {
            throw SqlError(SqlState::kInvalidColumnReference, "GROUP BY position " + key->text + " is not in select list")
                .WithPosition(key->location + 1);
          }
          source = target_exprs[ordinal - 1];
          resolve_as_text[ordinal - 1] = true;
        } else if (key->kind == ast::ExprKind::kColumnRef && key->names.size() == 1) {
          bool is_column = false;
          for (const auto& column : scope.columns) is_column = is_column || column.name == key->names[0];
          if (!is_column) {
            for (size_t index = 0; index < target_exprs.size(); ++index) {
              if (target_exprs[index] != nullptr && names[index] == key->names[0]) {
                source = target_exprs[index];
                resolve_as_text[index] = true;
              }
            }
          }
        }
        if (ContainsAggregate(source)) throw SqlError(SqlState::kGroupingError, "aggregate functions are not allowed in GROUP BY");
        BoundExprPtr bound = BindExpr(*source, scope);
        size_t index = 0;
        while (index < keys.size() && !keys[index]->Equals(*bound)) ++index;
        key_of_item.push_back(static_cast<int>(index));
        if (index < keys.size()) continue;
        CheckComparable(bound->type, false);
        if (bound->kind == BoundExprKind::kColumn) grouped_columns[bound->column] = static_cast<int>(keys.size());
        keys.push_back(std::move(bound));
      }
      for (const auto& set : select.grouping_sets) {
        std::vector<int> set_keys;
        for (int item : set) {
          if (std::find(set_keys.begin(), set_keys.end(), key_of_item[item]) == set_keys.end()) {
            set_keys.push_back(key_of_item[item]);
          }
        }
        grouping_sets.push_back(std::move(set_keys));
      }
      // Grouped output reads the row's set number after the keys: [keys..., set number, aggregates...].
      if (!grouping_sets.empty()) keys.push_back(MakeGroupingSetMarker());
    }
    SetWindowContext(&window_calls, &select.windows);
    // generate_series(...) in the select list of an ungrouped query runs in a ProjectSet node.
    {
      ScopedAssign set_functions(set_functions_, grouped ? nullptr : &set_calls);
      for (size_t index = 0; index < target_exprs.size(); ++index) {
        if (target_exprs[index] != nullptr) {
          targets[index] = bind_output(*target_exprs[index]);
        } else if (grouped) {
          targets[index] = ReplaceGroupRefs(std::move(targets[index]), keys, keys.size());
        }
      }
    }
    if (select.having) {
      SetWindowContext(nullptr, nullptr, SqlState::kWindowingError, "window functions are not allowed in HAVING");
      having = Coerce(bind_output(*select.having), LogicalType(TypeId::kBool), CastContext::kAssignment,
                      "argument of HAVING must be type boolean");
      SetWindowContext(&window_calls, &select.windows);
    }
  }

  CheckLockingClause(select, grouped, !window_calls.empty());

  // ORDER BY: output names and ordinals first, then expressions (added as hidden outputs).
  for (const auto& item : select.order_by) {
    engine::SortKey key;
    key.descending = item.direction == ast::SortDirection::kDesc;
    key.nulls_first = item.nulls == ast::NullsOrder::kFirst || (item.nulls == ast::NullsOrder::kDefault && key.descending);
    int output = -1;
    const ast::Expr& expr = *item.expr;
    if (expr.kind == ast::ExprKind::kLiteral && expr.literal_kind == ast::LiteralKind::kInteger) {
      const int ordinal = std::stoi(expr.text);
      if (ordinal < 1 || ordinal > static_cast<int>(visible)) {
        throw SqlError(SqlState::kInvalidColumnReference, "ORDER BY position " + expr.text + " is not in select list")
            .WithPosition(expr.location + 1);
      }
      output = ordinal - 1;
    } else if (expr.kind == ast::ExprKind::kColumnRef && expr.names.size() == 1) {
      int matches = 0;
      for (size_t index = 0; index < visible; ++index) {
        if (names[index] == expr.names[0]) {
          if (matches == 0) output = static_cast<int>(index);
          ++matches;
        }
      }
      if (matches > 1) {
        // Several outputs share the name: fine when they are the same expression.
        for (size_t index = 0; index < visible; ++index) {
          if (names[index] == expr.names[0] && !targets[index]->Equals(*targets[output])) {
            throw SqlError(SqlState::kAmbiguousColumn, "ORDER BY \"" + expr.names[0] + "\" is ambiguous").WithPosition(expr.location + 1);
          }
        }
      }
    }
    if (output < 0) {
      BoundExprPtr bound = bind_output(expr);
      for (size_t index = 0; index < targets.size() && output < 0; ++index) {
        if (targets[index]->Equals(*bound)) output = static_cast<int>(index);
      }
      if (output < 0) {
        if (select.distinct) {
          throw SqlError(SqlState::kInvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
              .WithPosition(expr.location + 1);
        }
        output = static_cast<int>(targets.size());
        targets.push_back(std::move(bound));
      }
    }
    CheckComparable(targets[output]->type, true);
    key.expr = engine::MakeColumn(output, targets[output]->type);
    sort_keys.push_back(std::move(key));
    if (static_cast<size_t>(output) < resolve_as_text.size()) resolve_as_text[output] = true;
  }
  for (const auto& expr : select.distinct_on) distinct_on.push_back(bind_output(*expr));
  for (const auto& expr : distinct_on) CheckComparable(expr->type, false);
  if (select.distinct) {
    for (const auto& target : targets) CheckComparable(target->type, false);
  }
  for (size_t index = 0; index < resolve_as_text.size(); ++index) {
    for (const auto& expr : distinct_on) resolve_as_text[index] = resolve_as_text[index] || targets[index]->Equals(*expr);
    resolve_as_text[index] = resolve_as_text[index] || select.distinct || resolve_unknowns;
  }

  if (grouped) {
    if (grouping_sets.empty()) {
      plan = MakeAggregatePlan(plan, keys, aggregates);
    } else {
      keys.pop_back();  // the set-number marker
      plan = MakeGroupingSetsPlan(plan, keys, grouping_sets, aggregates);
    }
    if (having) {
      auto filter = MakeNode(PlanKind::kFilter, plan);
      filter->predicate = std::move(having);
      plan = filter;
    }
  }

  if (!set_calls.empty()) {
    if (!window_calls.empty()) {
      throw SqlError(SqlState::kFeatureNotSupported,
                     "set-returning functions with window functions in one select list are not supported yet");
    }
    const size_t input_width = plan->output_types.size();
    plan = MakeProjectSetNode(plan, std::move(set_calls));
    for (auto& target : targets) target = ReplaceSetFunctionRefs(std::move(target), input_width);
  }
  // Window calls run after grouping, before the projection that reads their columns.
  if (!window_calls.empty()) {
    const size_t input_width = plan->output_types.size();
    plan = MakeWindowNode(plan, std::move(window_calls));
    for (auto& target : targets) target = ReplaceWindowRefs(std::move(target), input_width);
    for (auto& expr : distinct_on) expr = ReplaceWindowRefs(std::move(expr), input_width);
  }

  // Project: [DISTINCT ON keys...] targets [hidden sort keys...]
  const size_t lead = distinct_on.size();
  std::vector<BoundExprPtr> project;
  std::vector<std::string> project_names;
  for (auto& expr : distinct_on) {
    project.push_back(std::move(expr));
    project_names.emplace_back();
  }
  for (size_t index = 0; index < targets.size(); ++index) {
    if (targets[index]->type.id == TypeId::kUnknown && (index >= resolve_as_text.size() || resolve_as_text[index])) {
      targets[index] = Coerce(std::move(targets[index]), LogicalType(TypeId::kText), CastContext::kImplicit);
    }
    project_names.push_back(index < names.size() ? names[index] : std::string());
    project.push_back(std::move(targets[index]));
  }
  plan = MakeProject(plan, std::move(project), project_names);
  // FETCH FIRST ... WITH TIES also keeps the rows that sort equal to the last one within the limit.
  std::vector<engine::SortKey> tie_keys;
  if (select.limit_with_ties) {
    for (const auto& key : sort_keys) {
      tie_keys.push_back(key.Copy());
      tie_keys.back().expr->column += static_cast<int>(lead);
    }
  }
  if (lead > 0) {
    // DISTINCT ON: sort by the ON keys then the ORDER BY keys, keep the first row of each key.
    auto sort = MakeNode(PlanKind::kSort, plan);
    for (size_t index = 0; index < lead; ++index) {
      engine::SortKey key;
      key.expr = engine::MakeColumn(static_cast<int>(index), plan->output_types[index]);
      if (index < sort_keys.size()) {
        key.descending = sort_keys[index].descending;
        key.nulls_first = sort_keys[index].nulls_first;
      }
      sort->sort_keys.push_back(std::move(key));
    }
    for (const auto& key : sort_keys) {
      engine::SortKey shifted = key.Copy();
      shifted.expr->column += static_cast<int>(lead);
      sort->sort_keys.push_back(std::move(shifted));
    }
    auto distinct = MakeNode(PlanKind::kDistinct, sort);
    distinct->distinct_on_count = static_cast<int>(lead);
    plan = distinct;
    sort_keys.clear();
  } else if (select.distinct) {
    plan = MakeNode(PlanKind::kDistinct, plan);
  }
  if (!sort_keys.empty()) {
    auto sort = MakeNode(PlanKind::kSort, plan);
    sort->sort_keys = std::move(sort_keys);
    plan = sort;
  }
  if (select.limit || select.offset) {
    auto limit = MakeNode(PlanKind::kLimit, plan);
    limit->limit = BindLimitExpr(*this, select.limit.get(), "LIMIT");
    limit->offset = BindLimitExpr(*this, select.offset.get(), "OFFSET");
    limit->sort_keys = std::move(tie_keys);
    plan = limit;
  }
  // Drop DISTINCT ON keys and hidden ORDER BY outputs.
  if (plan->output_types.size() != visible) {
    std::vector<BoundExprPtr> outputs;
    for (size_t index = 0; index < visible; ++index) {
      outputs.push_back(engine::MakeColumn(static_cast<int>(lead + index), plan->output_types[lead + index]));
    }
    plan = MakeProject(plan, std::move(outputs), std::vector<std::string>(names.begin(), names.begin() + visible));
  }
  names.resize(visible);
  result.plan = plan;
  result.names = names;
  result.table_oids.resize(visible, 0);
  result.attnums.resize(visible, 0);
  return result;
}

}  // namespace tessera::planner
