// SPDX-License-Identifier: Apache-2.0
// Binding of FROM items (tables, views, CTEs, subqueries, table functions, joins) and join planning.
#include <utility>
#include <algorithm>
#include <set>

#include "engine/catalog.h"
#include "engine/system_tables.h"
#include "engine/set_function.h"
#include "planner/binder.h"
#include "planner/index_selection.h"
#include "planner/scan_filter_pushdown.h"
#include "planner/parser/parser.h"
#include "planner/session_state.h"

namespace tessera::planner {

using engine::BoundExpr;
using engine::BoundExprKind;
using engine::BoundExprPtr;
using engine::CastContext;
using engine::PlanKind;
using engine::PlanNode;
using engine::PlanPtr;

engine::PlanPtr MakeProject(PlanPtr child, std::vector<BoundExprPtr> expressions, std::vector<std::string> names) {
  auto node = std::make_shared<PlanNode>(PlanKind::kProject);
  for (const auto& expr : expressions) node->output_types.push_back(expr->type);
  node->output_names = names.empty() ? std::vector<std::string>(expressions.size()) : std::move(names);
  node->expressions = std::move(expressions);
  node->children.push_back(std::move(child));
  return node;
}

void RemapColumns(BoundExpr& expr, const std::vector<int>& mapping) {
  if (expr.kind == BoundExprKind::kColumn) expr.column = mapping[expr.column];
  for (auto& child : expr.children) RemapColumns(*child, mapping);
}

bool ComputedFromRow(const BoundExpr& expr, bool outer_columns) {
  switch (expr.kind) {
    case BoundExprKind::kSubquery:
    case BoundExprKind::kAggregateRef:
    case BoundExprKind::kWindowRef:
    case BoundExprKind::kSetFunctionRef:
      return false;
    case BoundExprKind::kOuterColumn:
      if (!outer_columns) return false;
      break;
    case BoundExprKind::kFunction:
      if (expr.function->is_volatile) return false;
      break;
    default:
      break;
  }
  return std::all_of(expr.children.begin(), expr.children.end(),
                     [outer_columns](const auto& child) { return ComputedFromRow(*child, outer_columns); });
}

void CollectColumns(const BoundExpr& expr, std::vector<int>& columns) {
  if (expr.kind == BoundExprKind::kColumn) columns.push_back(expr.column);
  for (const auto& child : expr.children) CollectColumns(*child, columns);
}

namespace {

void SplitConjuncts(BoundExprPtr expr, std::vector<BoundExprPtr>& out) {
  if (expr->kind == BoundExprKind::kAnd) {
    for (auto& child : expr->children) SplitConjuncts(std::move(child), out);
    return;
  }
  out.push_back(std::move(expr));
}

BoundExprPtr CombineConjuncts(std::vector<BoundExprPtr> conjuncts) {
  if (conjuncts.empty()) return nullptr;
  if (conjuncts.size() == 1) return std::move(conjuncts[0]);
  auto all = std::make_unique<BoundExpr>(BoundExprKind::kAnd, LogicalType(TypeId::kBool));
  all->children = std::move(conjuncts);
  return all;
}

// Items (FROM entries) a conjunct references, given each item's first column.
std::set<size_t> ItemsOf(const BoundExpr& expr, const std::vector<size_t>& starts) {
  std::vector<int> columns;
  CollectColumns(expr, columns);
  std::set<size_t> items;
  for (int column : columns) {
    size_t item = 0;
    while (item + 1 < starts.size() && static_cast<size_t>(column) >= starts[item + 1]) ++item;
    items.insert(item);
  }
  return items;
}

// True when `expr` holds a correlated subquery. Its outer references index the row of the operator that
// evaluates it and are not seen by CollectColumns or RemapColumns, so such a conjunct must run on rows in
// the scope's own column order.
bool HasCorrelatedSubquery(const BoundExpr& expr) {
  if (expr.kind == BoundExprKind::kSubquery && expr.correlated) return true;
  for (const auto& child : expr.children) {
    if (HasCorrelatedSubquery(*child)) return true;
  }
  return false;
}

bool IsSubset(const std::set<size_t>& items, const std::set<size_t>& of) {
  return std::includes(of.begin(), of.end(), items.begin(), items.end());
}

PlanPtr MakeFilter(PlanPtr child, BoundExprPtr predicate);

// Gives `expr`'s column references the names of the input they now read (for EXPLAIN).
void NameColumns(BoundExpr& expr, const std::vector<std::string>& names) {
  if (expr.kind == BoundExprKind::kColumn && static_cast<size_t>(expr.column) < names.size() &&
      !names[expr.column].empty()) {
    expr.name = names[expr.column];
  }
  for (auto& child : expr.children) NameColumns(*child, names);
}

// `child` filtered by `predicate` applied below it: in each arm of a UNION ALL (whose arms give its
// column types as they are), under a projection whose columns the predicate reads are bare columns of its
// input; so that the scans at the bottom take the predicate and storage skips and selects by it (as over
// a worker's shard tables, engine/distributed_query.h). nullptr when it cannot go below `child`.
PlanPtr FilterBelow(const PlanPtr& child, const BoundExpr& predicate) {
  if (child->kind == PlanKind::kSetOperation && child->set_operation == engine::SetOperationKind::kUnion &&
      child->set_all) {
    for (const auto& arm : child->children) {
      if (arm->output_types != child->output_types) return nullptr;
    }
    auto node = std::make_shared<PlanNode>(PlanKind::kSetOperation);
    node->set_operation = child->set_operation;
    node->set_all = true;
    node->output_types = child->output_types;
    node->output_names = child->output_names;
    for (const auto& arm : child->children) node->children.push_back(MakeFilter(arm, predicate.Copy()));
    return node;
  }
  if (child->kind == PlanKind::kProject) {
    std::vector<int> mapping(child->expressions.size(), -1);
    for (size_t column = 0; column < mapping.size(); ++column) {
      const BoundExpr& expr = *child->expressions[column];
      if (expr.kind == BoundExprKind::kColumn) mapping[column] = expr.column;
    }
    std::vector<int> read;
    CollectColumns(predicate, read);
    for (int column : read) {
      if (column < 0 || static_cast<size_t>(column) >= mapping.size() || mapping[column] < 0) return nullptr;
    }
    BoundExprPtr below = predicate.Copy();
    RemapColumns(*below, mapping);
    NameColumns(*below, child->children[0]->output_names);
    std::vector<BoundExprPtr> expressions;
    for (const auto& expr : child->expressions) expressions.push_back(expr->Copy());
    return MakeProject(MakeFilter(child->children[0], std::move(below)), std::move(expressions), child->output_names);
  }
  return nullptr;
}

PlanPtr MakeFilter(PlanPtr child, BoundExprPtr predicate) {
  if (!predicate) return child;
  if (ComputedFromRow(*predicate, false)) {
    if (PlanPtr below = FilterBelow(child, *predicate)) return below;
  }
  if (child->kind == PlanKind::kScan && !child->predicate) {
    auto scan = std::make_shared<PlanNode>(PlanKind::kScan);
    scan->relation = child->relation;
    scan->column_ids = child->column_ids;
    scan->emit_row_ids = child->emit_row_ids;
    scan->output_types = child->output_types;
    scan->output_names = child->output_names;
    scan->predicate = std::move(predicate);
    PlanPtr chosen = ChooseIndexScan(scan);
    PushFilterToScan(*chosen);
    return chosen;
  }
  auto node = std::make_shared<PlanNode>(PlanKind::kFilter);
  node->output_types = child->output_types;
  node->output_names = child->output_names;
  node->predicate = std::move(predicate);
  node->children.push_back(std::move(child));
  return node;
}

// An equality `left = right` whose sides reference only `left_items` and `right_items` respectively
// (either orientation). Returns the side expressions (left first) or false.
bool SplitEquiJoin(const BoundExpr& conjunct, const std::vector<size_t>& starts, const std::set<size_t>& left_items,
                   const std::set<size_t>& right_items, BoundExprPtr* left, BoundExprPtr* right) {
  if (conjunct.kind != BoundExprKind::kFunction || conjunct.function->name != "=" || conjunct.children.size() != 2) return false;
  const auto& a = *conjunct.children[0];
  const auto& b = *conjunct.children[1];
  const auto a_items = ItemsOf(a, starts);
  const auto b_items = ItemsOf(b, starts);
  if (a_items.empty() || b_items.empty()) return false;
  if (IsSubset(a_items, left_items) && IsSubset(b_items, right_items)) {
    *left = a.Copy();
    *right = b.Copy();
    return true;
  }
  if (IsSubset(b_items, left_items) && IsSubset(a_items, right_items)) {
    *left = b.Copy();
    *right = a.Copy();
    return true;
  }
  return false;
}

PlanPtr PlanJoinOrder(std::vector<PlanPtr> items, const std::vector<size_t>& starts, size_t total_columns,
                      std::vector<BoundExprPtr> conjuncts) {
  std::vector<std::set<size_t>> conjunct_items;
  for (const auto& conjunct : conjuncts) conjunct_items.push_back(ItemsOf(*conjunct, starts));
  std::vector<bool> used(conjuncts.size(), false);
  auto item_end = [&](size_t item) { return item + 1 < starts.size() ? starts[item + 1] : total_columns; };
  // Single-item conjuncts go to their item, all at once so that index selection sees them together.
  std::vector<std::vector<BoundExprPtr>> item_conjuncts(items.size());
  for (size_t index = 0; index < conjuncts.size(); ++index) {
    if (conjunct_items[index].size() != 1 || items.size() == 1) continue;
    const size_t item = *conjunct_items[index].begin();
    std::vector<int> mapping(total_columns, -1);
    for (size_t column = starts[item]; column < item_end(item); ++column) mapping[column] = static_cast<int>(column - starts[item]);
    BoundExprPtr local = conjuncts[index]->Copy();
    RemapColumns(*local, mapping);
    item_conjuncts[item].push_back(std::move(local));
    used[index] = true;
  }
  for (size_t item = 0; item < items.size(); ++item) {
    items[item] = MakeFilter(items[item], CombineConjuncts(std::move(item_conjuncts[item])));
  }
  // Greedy join order: start with the first item, add the item connected by an equality next.
  std::set<size_t> joined = {0};
  std::vector<int> position(total_columns, -1);  // global column -> position in `current`
  for (size_t column = starts[0]; column < item_end(0); ++column) position[column] = static_cast<int>(column);
  PlanPtr current = items[0];
  while (joined.size() < items.size()) {
    size_t next = items.size();
    for (size_t index = 0; index < conjuncts.size() && next == items.size(); ++index) {
      if (used[index]) continue;
      for (size_t candidate = 0; candidate < items.size(); ++candidate) {
        if (joined.count(candidate)) continue;
        BoundExprPtr left, right;
        if (SplitEquiJoin(*conjuncts[index], starts, joined, {candidate}, &left, &right)) {
          next = candidate;
          break;
        }
      }
    }
    if (next == items.size()) {
      for (size_t candidate = 0; candidate < items.size(); ++candidate) {
        if (!joined.count(candidate)) {
          next = candidate;
          break;
        }
      }
    }
    // Positions of the new item's columns after the current ones.
    const int offset = static_cast<int>(current->output_types.size());
    std::vector<int> right_local(total_columns, -1);
    for (size_t column = starts[next]; column < item_end(next); ++column) {
      position[column] = offset + static_cast<int>(column - starts[next]);
      right_local[column] = static_cast<int>(column - starts[next]);
    }
    std::set<size_t> after = joined;
    after.insert(next);
    auto join = std::make_shared<PlanNode>(PlanKind::kNestedLoopJoin);
    join->join_kind = engine::JoinKind::kInner;
    join->output_types = current->output_types;
    join->output_types.insert(join->output_types.end(), items[next]->output_types.begin(), items[next]->output_types.end());
    join->output_names.resize(join->output_types.size());
    std::vector<BoundExprPtr> residual;
    for (size_t index = 0; index < conjuncts.size(); ++index) {
      if (used[index] || !IsSubset(conjunct_items[index], after) || conjunct_items[index].empty()) continue;
      used[index] = true;
      BoundExprPtr left, right;
      if (SplitEquiJoin(*conjuncts[index], starts, joined, {next}, &left, &right)) {
        RemapColumns(*left, position);
        RemapColumns(*right, right_local);
        join->kind = PlanKind::kHashJoin;
        join->left_keys.push_back(std::move(left));
        join->right_keys.push_back(std::move(right));
        continue;
      }
      BoundExprPtr condition = conjuncts[index]->Copy();
      RemapColumns(*condition, position);
      residual.push_back(std::move(condition));
    }
    join->predicate = CombineConjuncts(std::move(residual));
    join->children = {current, items[next]};
    current = join;
    joined = after;
  }
  // Conjuncts on no column at all (constants, uncorrelated subqueries, outer references).
  std::vector<BoundExprPtr> rest;
  for (size_t index = 0; index < conjuncts.size(); ++index) {
    if (used[index]) continue;
    BoundExprPtr condition = conjuncts[index]->Copy();
    RemapColumns(*condition, position);
    rest.push_back(std::move(condition));
  }
  current = MakeFilter(current, CombineConjuncts(std::move(rest)));
  bool identity = true;
  for (size_t column = 0; column < total_columns; ++column) identity = identity && position[column] == static_cast<int>(column);
  if (identity) return current;
  std::vector<BoundExprPtr> reorder;
  for (size_t column = 0; column < total_columns; ++column) {
    reorder.push_back(engine::MakeColumn(position[column], current->output_types[position[column]]));
  }
  return MakeProject(current, std::move(reorder));
}

}  // namespace

// Plans the join of FROM items (bound plans whose columns start at `starts` in the scope) under the WHERE
// conjuncts; the result's columns are in FROM order.
PlanPtr PlanJoins(std::vector<PlanPtr> items, const std::vector<size_t>& starts, size_t total_columns,
                  std::vector<BoundExprPtr> conjuncts) {
  // Conjuncts with correlated subqueries run last, on the joined rows in FROM order.
  std::vector<BoundExprPtr> plain;
  std::vector<BoundExprPtr> correlated;
  for (auto& conjunct : conjuncts) (HasCorrelatedSubquery(*conjunct) ? correlated : plain).push_back(std::move(conjunct));
  return MakeFilter(PlanJoinOrder(std::move(items), starts, total_columns, std::move(plain)),
                    CombineConjuncts(std::move(correlated)));
}

void SplitWhere(BoundExprPtr where, std::vector<BoundExprPtr>& conjuncts) {
  if (!where) return;
  const size_t first = conjuncts.size();
  SplitConjuncts(std::move(where), conjuncts);
  // A conjunct that is a false or NULL constant makes the condition never true: PostgreSQL then runs
  // nothing else of it (a one-time filter), so neither does Tessera (the others could raise errors).
  for (size_t index = first; index < conjuncts.size(); ++index) {
    const auto& conjunct = conjuncts[index];
    if (conjunct->kind == engine::BoundExprKind::kConstant &&
        (conjunct->constant.is_null() || !conjunct->constant.GetBool())) {
      BoundExprPtr never = std::move(conjuncts[index]);
      conjuncts.resize(first);
      conjuncts.push_back(std::move(never));
      return;
    }
  }
}

namespace {

// `(a JOIN b ...) AS alias [(names)]`: the join's visible columns are named through the alias only, and
// the columns USING/NATURAL merged away are no longer reachable at all.
PlanPtr AliasJoin(const ast::TableRef& ref, Scope& scope, size_t start, PlanPtr join) {
  if (ref.alias.empty()) return join;
  size_t visible = 0;
  for (size_t column = start; column < scope.columns.size(); ++column) {
    ScopeColumn& entry = scope.columns[column];
    if (entry.hidden) {
      entry.table.clear();
      entry.qualified_only = true;
      continue;
    }
    entry.table = ref.alias;
    entry.table_oid = 0;
    if (visible < ref.column_aliases.size()) entry.name = ref.column_aliases[visible];
    ++visible;
  }
  if (ref.column_aliases.size() > visible) {
    throw SqlError(SqlState::kInvalidColumnReference, "join expression \"" + ref.alias + "\" has " +
                                                          std::to_string(visible) + " columns available but " +
                                                          std::to_string(ref.column_aliases.size()) +
                                                          " columns specified");
  }
  return join;
}

PlanPtr BindJoin(Binder& binder, const ast::TableRef& ref, Scope& scope, Scope* outer) {
  const size_t start = scope.columns.size();
  PlanPtr left = binder.BindTableRef(*ref.left, scope, outer);
  const size_t middle = scope.columns.size();
  PlanPtr right = binder.BindTableRef(*ref.right, scope, outer);
  const size_t end = scope.columns.size();
  // ON / USING conditions see only this join's columns (and the outer query).
  Scope join_scope;
  join_scope.outer = outer;
  join_scope.columns.assign(scope.columns.begin() + start, scope.columns.end());
  std::vector<BoundExprPtr> conjuncts;
  std::vector<std::string> using_columns = ref.using_columns;
  if (ref.natural) {
    for (size_t left_column = start; left_column < middle; ++left_column) {
      for (size_t right_column = middle; right_column < end; ++right_column) {
        if (!scope.columns[left_column].hidden && scope.columns[left_column].name == scope.columns[right_column].name) {
          using_columns.push_back(scope.columns[left_column].name);
        }
      }
    }
  }
  std::vector<std::pair<int, int>> using_pairs;
  for (const auto& name : using_columns) {
    auto find = [&](size_t from, size_t to, const char* side) {
      int found = -1;
      for (size_t column = from; column < to; ++column) {
        if (scope.columns[column].name != name || scope.columns[column].hidden) continue;
        if (found >= 0) {
          throw SqlError(SqlState::kAmbiguousColumn,
                         "common column name \"" + name + "\" appears more than once in " + side + " table");
        }
        found = static_cast<int>(column - start);
      }
      return found;
    };
    const int left_index = find(start, middle, "left");
    const int right_index = find(middle, end, "right");
    if (left_index < 0 || right_index < 0) {
      throw SqlError(SqlState::kUndefinedColumn, "column \"" + name + "\" specified in USING clause does not exist in " +
                                                     (left_index < 0 ? "left" : "right") + " table");
    }
    using_pairs.emplace_back(left_index, right_index);
    if (NameReferences* references = binder.references()) {
      for (const ScopeColumn* column : {&join_scope.columns[left_index], &join_scope.columns[right_index]}) {
        if (column->table_oid == 0 || column->attnum <= 0) continue;
        references->references.push_back({NameReference::Kind::kUsing, column->table_oid, column->attnum - 1, -1, "", false});
      }
    }
    std::vector<BoundExprPtr> args;
    args.push_back(engine::MakeColumn(left_index, join_scope.columns[left_index].type, name));
    args.push_back(engine::MakeColumn(right_index, join_scope.columns[right_index].type, name));
    conjuncts.push_back(binder.BindOperator("=", std::move(args), ref.location));
  }
  if (ref.join_condition) {
    SplitWhere(binder.Coerce(binder.BindExpr(*ref.join_condition, join_scope), LogicalType(TypeId::kBool),
                             CastContext::kAssignment, "argument of JOIN/ON must be type boolean"),
               conjuncts);
  }
  auto join = std::make_shared<PlanNode>(PlanKind::kNestedLoopJoin);
  switch (ref.join_type) {
    case ast::JoinType::kInner: join->join_kind = engine::JoinKind::kInner; break;
    case ast::JoinType::kCross: join->join_kind = engine::JoinKind::kInner; break;
    case ast::JoinType::kLeft: join->join_kind = engine::JoinKind::kLeft; break;
    case ast::JoinType::kRight: join->join_kind = engine::JoinKind::kRight; break;
    case ast::JoinType::kFull: join->join_kind = engine::JoinKind::kFull; break;
  }
  join->output_types = left->output_types;
  join->output_types.insert(join->output_types.end(), right->output_types.begin(), right->output_types.end());
  join->output_names.resize(join->output_types.size());
  const size_t left_width = middle - start;
  std::vector<size_t> starts = {0, left_width};
  std::vector<BoundExprPtr> residual;
  std::vector<int> right_local(end - start);
  for (size_t column = 0; column < right_local.size(); ++column) right_local[column] = static_cast<int>(column) - static_cast<int>(left_width);
  for (auto& conjunct : conjuncts) {
    BoundExprPtr left_key, right_key;
    if (SplitEquiJoin(*conjunct, starts, {0}, {1}, &left_key, &right_key)) {
      RemapColumns(*right_key, right_local);
      join->kind = PlanKind::kHashJoin;
      join->left_keys.push_back(std::move(left_key));
      join->right_keys.push_back(std::move(right_key));
    } else {
      residual.push_back(std::move(conjunct));
    }
  }
  join->predicate = CombineConjuncts(std::move(residual));
  join->children = {left, right};
  if (using_pairs.empty()) return join;
  // USING: the merged columns come first and are the ones unqualified names find.
  std::vector<BoundExprPtr> project;
  std::vector<ScopeColumn> columns;
  for (size_t pair = 0; pair < using_pairs.size(); ++pair) {
    const auto [left_index, right_index] = using_pairs[pair];
    ScopeColumn merged = join_scope.columns[left_index];
    merged.table.clear();
    merged.name = using_columns[pair];
    const LogicalType type = binder.CommonType({join_scope.columns[left_index].type, join_scope.columns[right_index].type}, "JOIN/USING");
    merged.type = type;
    auto left_value = binder.Coerce(engine::MakeColumn(left_index, join_scope.columns[left_index].type, merged.name), type, CastContext::kImplicit);
    auto right_value = binder.Coerce(engine::MakeColumn(right_index, join_scope.columns[right_index].type, merged.name), type, CastContext::kImplicit);
    if (ref.join_type == ast::JoinType::kFull) {
      auto coalesce = std::make_unique<BoundExpr>(BoundExprKind::kCoalesce, type);
      coalesce->children.push_back(std::move(left_value));
      coalesce->children.push_back(std::move(right_value));
      project.push_back(std::move(coalesce));
    } else {
      project.push_back(ref.join_type == ast::JoinType::kRight ? std::move(right_value) : std::move(left_value));
    }
    columns.push_back(merged);
  }
  for (size_t column = 0; column < join_scope.columns.size(); ++column) {
    ScopeColumn original = join_scope.columns[column];
    for (const auto& [left_index, right_index] : using_pairs) {
      if (static_cast<int>(column) == left_index || static_cast<int>(column) == right_index) {
        original.hidden = true;
        original.qualified_only = true;
      }
    }
    // Hidden USING columns stay reachable by qualified name only.
    columns.push_back(original);
    project.push_back(engine::MakeColumn(static_cast<int>(column), original.type, original.name));
  }
  scope.columns.resize(start);
  scope.columns.insert(scope.columns.end(), columns.begin(), columns.end());
  return MakeProject(join, std::move(project));
}

// A pg_catalog, information_schema or tessera table named by `ref`: pg_catalog is searched first for unqualified
// names, as PostgreSQL puts it implicitly first on the search path. Returns nullptr for other names.
template <typename AddColumns>
PlanPtr BindSystemTable(const ast::TableRef& ref, AddColumns& add_columns) {
  if (ref.names.size() > 2) return nullptr;
  const std::string schema = ref.names.size() == 2 ? ref.names[0] : "";
  if (!schema.empty() && schema != "pg_catalog" && schema != "information_schema" && schema != "tessera") {
    return nullptr;
  }
  const engine::SystemTable* table = engine::FindSystemTable(schema, ref.names.back());
  if (table == nullptr) return nullptr;
  auto node = std::make_shared<PlanNode>(PlanKind::kVirtualTable);
  node->output_types = table->column_types;
  node->output_names = table->column_names;
  node->virtual_table_name = table->schema + "." + table->name;
  node->virtual_table = [table](engine::ExecContext& context) { return engine::ScanSystemTable(*table, context); };
  add_columns(ref.alias.empty() ? table->name : ref.alias, table->column_names, table->column_types, table->oid);
  return node;
}

}  // namespace

PlanPtr Binder::BindTableRef(const ast::TableRef& ref, Scope& scope, Scope* outer) {
  const size_t start = scope.columns.size();
  auto add_columns = [&](const std::string& table, const std::vector<std::string>& names,
                         const std::vector<LogicalType>& types, uint32_t oid) {
    for (size_t index = 0; index < start && !table.empty(); ++index) {
      if (scope.columns[index].table == table) {
        throw SqlError(SqlState::kDuplicateAlias, "table name \"" + table + "\" specified more than once");
      }
    }
    if (ref.column_aliases.size() > names.size()) {
      throw SqlError(SqlState::kInvalidColumnReference, "table \"" + table + "\" has " + std::to_string(names.size()) +
                                                            " columns available but " + std::to_string(ref.column_aliases.size()) + " columns specified");
    }
    for (size_t index = 0; index < names.size(); ++index) {
      ScopeColumn column;
      column.table = table;
      column.name = index < ref.column_aliases.size() ? ref.column_aliases[index] : names[index];
      column.type = types[index];
      column.table_oid = oid;
      column.attnum = oid != 0 ? static_cast<int16_t>(index + 1) : 0;
      scope.columns.push_back(column);
    }
  };
  switch (ref.kind) {
    case ast::TableRefKind::kBaseTable: {
      // CTEs shadow tables.
      if (ref.names.size() == 1) {
        for (auto level = ctes_.rbegin(); level != ctes_.rend(); ++level) {
          auto found = level->find(ref.names[0]);
          if (found == level->end()) continue;
          const PlanPtr& cte = found->second.first;
          add_columns(ref.alias.empty() ? ref.names[0] : ref.alias, found->second.second, cte->output_types, 0);
          return cte;
        }
      }
      if (PlanPtr system = BindSystemTable(ref, add_columns)) return system;
      engine::RelationPtr relation = ResolveRelation(ref.names, false, Use::kRead);
      const std::string table = ref.alias.empty() ? relation->name : ref.alias;
      if (references_ != nullptr) {
        references_->references.push_back(
            {NameReference::Kind::kRelation, relation->oid, -1, ref.location, ref.alias, false});
      }
      if (relation->kind == engine::RelationKind::kView) {
        auto statements = ParseSql(relation->view_sql);
        auto& select = static_cast<ast::SelectStatement&>(*statements[0]);
        auto saved = std::move(ctes_);
        ctes_.clear();
        NameReferences* references = std::exchange(references_, nullptr);
        BoundQuery query;
        try {
          query = BindQuery(*select.select, nullptr);
        } catch (...) {
          ctes_ = std::move(saved);
          references_ = references;
          throw;
        }
        ctes_ = std::move(saved);
        references_ = references;
        std::vector<std::string> names;
        for (const auto& column : relation->columns) names.push_back(column.name);
        if (query.plan->output_types.size() > names.size()) {
          // The view's * now finds columns added since it was created: keep the view's own columns.
          std::vector<BoundExprPtr> kept;
          for (size_t column = 0; column < names.size(); ++column) {
            kept.push_back(engine::MakeColumn(static_cast<int>(column), query.plan->output_types[column]));
          }
          query.plan = MakeProject(query.plan, std::move(kept), names);
        }
        add_columns(table, names, query.plan->output_types, 0);
        return query.plan;
      }
      if (relation->kind != engine::RelationKind::kTable) {
        throw SqlError(SqlState::kFeatureNotSupported, "selecting from \"" + relation->name + "\" is not supported");
      }
      auto scan = std::make_shared<PlanNode>(PlanKind::kScan);
      scan->relation = relation;
      std::vector<std::string> names;
      for (size_t column = 0; column < relation->columns.size(); ++column) {
        scan->column_ids.push_back(static_cast<int>(column));
        scan->output_types.push_back(relation->columns[column].type);
        scan->output_names.push_back(relation->columns[column].name);
        names.push_back(relation->columns[column].name);
      }
      add_columns(table, names, scan->output_types, relation->oid);
      return scan;
    }
    case ast::TableRefKind::kSubquery:
    case ast::TableRefKind::kValues: {
      if (ref.lateral) throw SqlError(SqlState::kFeatureNotSupported, "LATERAL subqueries are not supported yet");
      BoundQuery query = BindQuery(*ref.subquery, outer);
      add_columns(ref.alias, query.names, query.plan->output_types, 0);
      return query.plan;
    }
    case ast::TableRefKind::kFunction: {
      const ast::Expr& call = *ref.function;
      std::string name = call.names.back();
      if (!engine::IsExecutableSetFunction(name)) {
        throw SqlError(SqlState::kFeatureNotSupported, "function " + name + "() in FROM is not supported yet");
      }
      Scope empty;
      empty.outer = outer;
      std::vector<BoundExprPtr> args;
      for (const auto& arg : call.args) args.push_back(BindExpr(*arg, empty));
      const LogicalType type = BindSetFunctionArguments(name, args, call.location);
      auto node = std::make_shared<PlanNode>(PlanKind::kTableFunction);
      node->function_name = name;
      node->function_args = std::move(args);
      node->output_types = {type};
      const std::string alias = ref.alias.empty() ? name : ref.alias;
      node->output_names = {alias};
      add_columns(alias, {ref.column_aliases.empty() ? alias : ref.column_aliases[0]}, {type}, 0);
      return node;
    }
    case ast::TableRefKind::kJoin:
      return AliasJoin(ref, scope, start, BindJoin(*this, ref, scope, outer));
  }
  throw SqlError(SqlState::kInternalError, "internal error: unknown FROM item");
}

}  // namespace tessera::planner
