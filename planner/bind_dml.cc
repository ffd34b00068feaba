// SPDX-License-Identifier: Apache-2.0
// Binding of INSERT, UPDATE and DELETE.
#include <algorithm>

#include "engine/catalog.h"
#include "planner/binder.h"
#include "planner/parser/parser.h"
#include "planner/session_state.h"

namespace tessera::planner {

using engine::BoundExprPtr;
using engine::CastContext;
using engine::PlanKind;
using engine::PlanNode;
using engine::PlanPtr;

PlanPtr PlanJoins(std::vector<PlanPtr> items, const std::vector<size_t>& starts, size_t total_columns,
                  std::vector<BoundExprPtr> conjuncts);
void SplitWhere(BoundExprPtr where, std::vector<BoundExprPtr>& conjuncts);

namespace {

// Restores the binder's CTE levels to those it had when made, when the statement is bound or failed.
class CteLevels {
 public:
  using Levels = std::vector<std::map<std::string, std::pair<PlanPtr, std::vector<std::string>>>>;
  explicit CteLevels(Levels& levels) : levels_(levels), size_(levels.size()) {}
  ~CteLevels() { levels_.resize(size_); }
  CteLevels(const CteLevels&) = delete;
  CteLevels& operator=(const CteLevels&) = delete;

 private:
  Levels& levels_;
  size_t size_;
};

engine::RelationPtr ResolveTable(Binder& binder, const std::vector<std::string>& names,
                                 Binder::Use use = Binder::Use::kOther) {
  auto relation = binder.ResolveRelation(names, false, use);
  if (relation->kind != engine::RelationKind::kTable) {
    throw SqlError(SqlState::kWrongObjectType, "cannot change relation \"" + relation->name + "\"");
  }
  return relation;
}

void AddTableScope(Scope& scope, const engine::RelationInfo& relation, const std::string& alias) {
  for (size_t column = 0; column < relation.columns.size(); ++column) {
    ScopeColumn info;
    info.table = alias.empty() ? relation.name : alias;
    info.name = relation.columns[column].name;
    info.type = relation.columns[column].type;
    info.table_oid = relation.oid;
    info.attnum = static_cast<int16_t>(column + 1);
    scope.columns.push_back(info);
  }
}

[[noreturn]] void ThrowReturningFromTable() {
  throw SqlError(SqlState::kFeatureNotSupported, "RETURNING a column of a FROM or USING table is not supported yet");
}

// Checks a `*` or `t.*` of RETURNING: only the target table's columns can be returned. `full_scope` holds
// the FROM or USING tables too (nullptr when there are none).
void CheckReturningStar(const ast::Expr& star, const engine::RelationInfo& relation, const std::string& alias,
                        const Scope* full_scope) {
  if (star.names.empty()) {
    if (full_scope != nullptr) ThrowReturningFromTable();  // PostgreSQL's * also expands the FROM tables
    return;
  }
  const std::string& qualifier = star.names.back();
  if (qualifier == (alias.empty() ? relation.name : alias)) return;
  if (full_scope != nullptr) {
    for (const auto& column : full_scope->columns) {
      if (column.table == qualifier) ThrowReturningFromTable();
    }
  }
  throw SqlError(SqlState::kUndefinedTable, "missing FROM-clause entry for table \"" + qualifier + "\"");
}

// Binds RETURNING over the written rows of the target table. With FROM or USING tables (`full_scope`),
// names are first resolved as PostgreSQL does, among all tables (so ambiguity and typos answer the same),
// and an item that needs a FROM table's column answers 0A000.
void BindReturning(Binder& binder, PlanNode& node, const std::vector<ast::TargetItem>& returning, const engine::RelationInfo& relation,
                   const std::string& alias, BoundQuery& result, const Scope* full_scope = nullptr) {
  if (returning.empty()) return;
  Scope scope;
  AddTableScope(scope, relation, alias);
  for (const auto& item : returning) {
    if (item.expr->kind == ast::ExprKind::kStar) {
      CheckReturningStar(*item.expr, relation, alias, full_scope);
      for (size_t column = 0; column < relation.columns.size(); ++column) {
        node.returning.push_back(engine::MakeColumn(static_cast<int>(column), relation.columns[column].type));
        result.names.push_back(relation.columns[column].name);
      }
      continue;
    }
    BoundExprPtr bound;
    if (full_scope != nullptr) {
      Scope all = *full_scope;
      binder.BindExpr(*item.expr, all);
      try {
        bound = binder.BindExpr(*item.expr, scope);
      } catch (const SqlError&) {
        ThrowReturningFromTable();
      }
    } else {
      bound = binder.BindExpr(*item.expr, scope);
    }
    if (bound->type.id == TypeId::kUnknown) bound = binder.Coerce(std::move(bound), LogicalType(TypeId::kText), CastContext::kImplicit);
    node.returning.push_back(std::move(bound));
    result.names.push_back(item.alias.empty() ? FigureColumnName(*item.expr) : item.alias);
  }
  for (const auto& expr : node.returning) node.output_types.push_back(expr->type);
  node.output_names = result.names;
}

// Binds the SET list of an UPDATE or ON CONFLICT DO UPDATE over `scope`: appends each assigned column to
// `node.update_columns` and returns its new value (DEFAULT takes the column's default).
std::vector<BoundExprPtr> BindSetList(Binder& binder, const std::vector<ast::SetClause>& set, const engine::RelationInfo& relation,
                                      Scope& scope, PlanNode& node) {
  std::vector<BoundExprPtr> values;
  for (const auto& clause : set) {
    const int column = relation.FindColumn(clause.column);
    if (column < 0) {
      throw SqlError(SqlState::kUndefinedColumn, "column \"" + clause.column + "\" of relation \"" + relation.name + "\" does not exist");
    }
    for (int seen : node.update_columns) {
      if (seen == column) throw SqlError(SqlState::kSyntaxError, "multiple assignments to same column \"" + clause.column + "\"");
    }
    const auto& info = relation.columns[column];
    if (clause.value->kind == ast::ExprKind::kSqlValue && clause.value->name == "default") {
      values.push_back(BindDefault(binder, info));
    } else {
      values.push_back(binder.Coerce(binder.BindExpr(*clause.value, scope), info.type, CastContext::kAssignment,
                                     ("column \"" + info.name + "\" is of type " + FormatType(info.type) + " but expression is of wrong type").c_str()));
    }
    node.update_columns.push_back(column);
  }
  return values;
}

bool SameColumnSet(std::vector<int> left, std::vector<int> right) {
  std::sort(left.begin(), left.end());
  left.erase(std::unique(left.begin(), left.end()), left.end());
  std::sort(right.begin(), right.end());
  return left == right;
}

// Returns the number of the unique index that arbitrates ON CONFLICT: the one of the PRIMARY KEY or UNIQUE
// constraint named by ON CONSTRAINT, or one whose key columns are the inference specification's columns
// (in any order). Returns -1 when the clause names no target.
int ConflictArbiter(const ast::InsertStatement& insert, const engine::RelationInfo& relation) {
  if (!insert.conflict_constraint.empty()) {
    for (size_t number = 0; number < relation.indexes.size(); ++number) {
      const auto& index = relation.indexes[number];
      if (index.constraint && index.name == insert.conflict_constraint) return static_cast<int>(number);
    }
    throw SqlError(SqlState::kUndefinedObject,
                   "constraint \"" + insert.conflict_constraint + "\" for table \"" + relation.name + "\" does not exist");
  }
  if (insert.conflict_columns.empty()) {
    if (insert.on_conflict == ast::OnConflictAction::kUpdate) {
      throw SqlError(SqlState::kSyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name")
          .WithHint("For example, ON CONFLICT (column_name).");
    }
    return -1;
  }
  std::vector<int> columns;
  for (const auto& name : insert.conflict_columns) {
    const int column = relation.FindColumn(name);
    if (column < 0) throw SqlError(SqlState::kUndefinedColumn, "column \"" + name + "\" does not exist");
    columns.push_back(column);
  }
  for (size_t number = 0; number < relation.indexes.size(); ++number) {
    const auto& index = relation.indexes[number];
    if (index.unique && SameColumnSet(columns, index.columns)) return static_cast<int>(number);
  }
  throw SqlError(SqlState::kInvalidColumnReference,
                 "there is no unique or exclusion constraint matching the ON CONFLICT specification");
}

// Binds ON CONFLICT DO UPDATE's SET list and WHERE over the existing row (the target table, under its
// alias) and EXCLUDED, the row proposed for insertion.
void BindConflictUpdate(Binder& binder, const ast::InsertStatement& insert, const engine::RelationInfo& relation, PlanNode& node) {
  Scope scope;
  AddTableScope(scope, relation, insert.alias);
  AddTableScope(scope, relation, "excluded");
  node.on_conflict_update = true;
  node.conflict_set = BindSetList(binder, insert.conflict_set, relation, scope, node);
  if (insert.conflict_where) {
    node.conflict_where = binder.Coerce(binder.BindExpr(*insert.conflict_where, scope), LogicalType(TypeId::kBool),
                                        CastContext::kAssignment, "argument of WHERE must be type boolean");
  }
}

}  // namespace

BoundQuery Binder::BindInsert(const ast::InsertStatement& insert) {
  if (insert.with) throw SqlError(SqlState::kFeatureNotSupported, "WITH in INSERT is not supported yet");
  auto relation = ResolveTable(*this, insert.table, Use::kInsert);
  const int arbiter = insert.on_conflict == ast::OnConflictAction::kNone ? -1 : ConflictArbiter(insert, *relation);
  std::vector<int> targets;
  if (insert.columns.empty()) {
    for (size_t column = 0; column < relation->columns.size(); ++column) targets.push_back(static_cast<int>(column));
  } else {
    for (const auto& name : insert.columns) {
      const int column = relation->FindColumn(name);
      if (column < 0) {
        throw SqlError(SqlState::kUndefinedColumn, "column \"" + name + "\" of relation \"" + relation->name + "\" does not exist");
      }
      for (int seen : targets) {
        if (seen == column) throw SqlError(SqlState::kDuplicateColumn, "column \"" + name + "\" specified more than once");
      }
      targets.push_back(column);
    }
  }
  PlanPtr source;
  std::vector<LogicalType> source_types;
  if (insert.source) {
    // VALUES with DEFAULT entries: bind row by row so DEFAULT can take the column's default.
    if (!insert.source->values_rows.empty() && insert.source->op == ast::SetOpKind::kNone) {
      auto values = std::make_shared<PlanNode>(PlanKind::kValues);
      Scope empty;
      const auto& rows = insert.source->values_rows;
      for (const auto& row : rows) {
        if (row.size() != rows[0].size()) throw SqlError(SqlState::kSyntaxError, "VALUES lists must all be the same length");
      }
      // Without a column list, shorter rows fill the leading columns and the rest take their defaults.
      if (insert.columns.empty() && rows[0].size() < targets.size()) targets.resize(rows[0].size());
      for (const auto& row : rows) {
        if (row.size() > targets.size()) throw SqlError(SqlState::kSyntaxError, "INSERT has more expressions than target columns");
        if (row.size() < targets.size()) throw SqlError(SqlState::kSyntaxError, "INSERT has more target columns than expressions");
        std::vector<BoundExprPtr> bound;
        for (size_t index = 0; index < row.size(); ++index) {
          const auto& column = relation->columns[targets[index]];
          if (row[index]->kind == ast::ExprKind::kSqlValue && row[index]->name == "default") {
            bound.push_back(BindDefault(*this, column));
          } else {
            bound.push_back(Coerce(BindExpr(*row[index], empty), column.type, CastContext::kAssignment,
                                   ("column \"" + column.name + "\" is of type " + FormatType(column.type) +
                                    " but expression is of wrong type").c_str()));
          }
        }
        values->values.push_back(std::move(bound));
      }
      for (int column : targets) values->output_types.push_back(relation->columns[column].type);
      values->output_names.resize(targets.size());
      source = values;
    } else {
      // Untyped literals in the SELECT list take the target columns' types.
      LeaveUnknownOutputs();
      BoundQuery query = BindQuery(*insert.source, nullptr);
      if (insert.columns.empty() && query.plan->output_types.size() < targets.size()) {
        targets.resize(query.plan->output_types.size());
      }
      std::vector<LogicalType> target_types;
      for (int column : targets) target_types.push_back(relation->columns[column].type);
      ResolveUnknownOutputs(*this, *query.plan, target_types);
      if (query.plan->output_types.size() > targets.size()) throw SqlError(SqlState::kSyntaxError, "INSERT has more expressions than target columns");
      if (query.plan->output_types.size() < targets.size()) throw SqlError(SqlState::kSyntaxError, "INSERT has more target columns than expressions");
      std::vector<BoundExprPtr> casts;
      for (size_t index = 0; index < targets.size(); ++index) {
        const auto& column = relation->columns[targets[index]];
        casts.push_back(Coerce(engine::MakeColumn(static_cast<int>(index), query.plan->output_types[index]), column.type,
                               CastContext::kAssignment,
                               ("column \"" + column.name + "\" is of type " + FormatType(column.type) +
                                " but expression is of type " + FormatType(query.plan->output_types[index])).c_str()));
      }
      source = MakeProject(query.plan, std::move(casts));
    }
  } else {
    source = std::make_shared<PlanNode>(PlanKind::kResult);
    targets.clear();
  }
  auto node = InsertPlan(relation, targets, source);
  node->on_conflict_do_nothing = insert.on_conflict == ast::OnConflictAction::kNothing;
  node->conflict_index = arbiter;
  if (insert.on_conflict == ast::OnConflictAction::kUpdate) BindConflictUpdate(*this, insert, *relation, *node);
  BoundQuery result;
  BindReturning(*this, *node, insert.returning, *relation, insert.alias, result);
  result.plan = node;
  return result;
}

PlanPtr Binder::InsertPlan(const engine::RelationPtr& relation, const std::vector<int>& targets, PlanPtr source) {
  // Full rows in table order: given columns from the source, defaults for the rest.
  std::vector<BoundExprPtr> row;
  for (size_t column = 0; column < relation->columns.size(); ++column) {
    int position = -1;
    for (size_t index = 0; index < targets.size(); ++index) {
      if (targets[index] == static_cast<int>(column)) position = static_cast<int>(index);
    }
    if (position >= 0) {
      row.push_back(engine::MakeColumn(position, relation->columns[column].type));
    } else {
      row.push_back(BindDefault(*this, relation->columns[column]));
    }
  }
  auto node = std::make_shared<PlanNode>(PlanKind::kInsert);
  node->relation = relation;
  node->children.push_back(MakeProject(source, std::move(row)));
  return node;
}

BoundQuery Binder::BindUpdate(const ast::UpdateStatement& update) {
  // WITH: its CTEs are visible to the whole statement, the level popped when it is bound.
  const CteLevels ctes(ctes_);
  if (update.with) BindWith(*update.with, nullptr);
  auto relation = ResolveTable(*this, update.table, Use::kModify);
  Scope scope;
  AddTableScope(scope, *relation, update.alias);
  auto scan = std::make_shared<PlanNode>(PlanKind::kScan);
  scan->relation = relation;
  for (size_t column = 0; column < relation->columns.size(); ++column) {
    scan->column_ids.push_back(static_cast<int>(column));
    scan->output_types.push_back(relation->columns[column].type);
  }
  scan->emit_row_ids = true;
  scan->output_types.push_back(LogicalType(TypeId::kInt64));
  ScopeColumn row_id;
  row_id.name = "ctid";
  row_id.type = LogicalType(TypeId::kInt64);
  row_id.hidden = true;
  scope.columns.push_back(row_id);
  std::vector<PlanPtr> items = {scan};
  std::vector<size_t> starts = {0};
  for (const auto& ref : update.from) {
    starts.push_back(scope.columns.size());
    items.push_back(BindTableRef(*ref, scope, nullptr));
  }
  std::vector<BoundExprPtr> conjuncts;
  if (update.where) {
    SplitWhere(Coerce(BindExpr(*update.where, scope), LogicalType(TypeId::kBool), CastContext::kAssignment,
                      "argument of WHERE must be type boolean"),
               conjuncts);
  }
  PlanPtr input = PlanJoins(items, starts, scope.columns.size(), std::move(conjuncts));
  std::vector<BoundExprPtr> project;
  const size_t width = relation->columns.size();
  for (size_t column = 0; column <= width; ++column) project.push_back(engine::MakeColumn(static_cast<int>(column), scope.columns[column].type));
  auto node = std::make_shared<PlanNode>(PlanKind::kUpdate);
  node->relation = relation;
  for (auto& value : BindSetList(*this, update.set, *relation, scope, *node)) project.push_back(std::move(value));
  node->children.push_back(MakeProject(input, std::move(project)));
  BoundQuery result;
  BindReturning(*this, *node, update.returning, *relation, update.alias, result, update.from.empty() ? nullptr : &scope);
  result.plan = node;
  return result;
}

BoundQuery Binder::BindDelete(const ast::DeleteStatement& del) {
  const CteLevels ctes(ctes_);
  if (del.with) BindWith(*del.with, nullptr);
  auto relation = ResolveTable(*this, del.table, Use::kModify);
  Scope scope;
  AddTableScope(scope, *relation, del.alias);
  auto scan = std::make_shared<PlanNode>(PlanKind::kScan);
  scan->relation = relation;
  for (size_t column = 0; column < relation->columns.size(); ++column) {
    scan->column_ids.push_back(static_cast<int>(column));
    scan->output_types.push_back(relation->columns[column].type);
  }
  scan->emit_row_ids = true;
  scan->output_types.push_back(LogicalType(TypeId::kInt64));
  ScopeColumn row_id;
  row_id.name = "ctid";
  row_id.type = LogicalType(TypeId::kInt64);
  row_id.hidden = true;
  scope.columns.push_back(row_id);
  std::vector<PlanPtr> items = {scan};
  std::vector<size_t> starts = {0};
  for (const auto& ref : del.using_tables) {
    starts.push_back(scope.columns.size());
    items.push_back(BindTableRef(*ref, scope, nullptr));
  }
  std::vector<BoundExprPtr> conjuncts;
  if (del.where) {
    SplitWhere(Coerce(BindExpr(*del.where, scope), LogicalType(TypeId::kBool), CastContext::kAssignment,
                      "argument of WHERE must be type boolean"),
               conjuncts);
  }
  PlanPtr input = PlanJoins(items, starts, scope.columns.size(), std::move(conjuncts));
  std::vector<BoundExprPtr> project;
  for (size_t column = 0; column <= relation->columns.size(); ++column) {
    project.push_back(engine::MakeColumn(static_cast<int>(column), scope.columns[column].type));
  }
  auto node = std::make_shared<PlanNode>(PlanKind::kDelete);
  node->relation = relation;
  node->children.push_back(MakeProject(input, std::move(project)));
  BoundQuery result;
  BindReturning(*this, *node, del.returning, *relation, del.alias, result, del.using_tables.empty() ? nullptr : &scope);
  result.plan = node;
  return result;
}

}  // namespace tessera::planner
