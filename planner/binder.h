// SPDX-License-Identifier: Apache-2.0
// Binder: turns AST statements into executable plans. It resolves names against the catalog and the
// query's scopes, types every expression with PostgreSQL's coercion rules, collects aggregates, and plans
// joins (equi-join conditions from ON and WHERE become hash joins; single-table conditions are pushed to
// the scans).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/database.h"
#include "engine/plan.h"
#include "planner/ast.h"

namespace tessera::planner {

struct SessionState;

// One column visible in a scope.
struct ScopeColumn {
  std::string table;   // alias or table name ("" for unnamed subquery columns)
  std::string name;
  LogicalType type;
  uint32_t table_oid = 0;
  int16_t attnum = 0;
  bool hidden = false;  // not expanded by *
};

struct Scope {
  std::vector<ScopeColumn> columns;
  Scope* outer = nullptr;
  // Set while binding expressions evaluated after grouping: maps a FROM column index to its group-key
  // position; columns missing here may not be referenced directly.
  const std::map<int, int>* grouped = nullptr;
  // Set by lookups that resolved through this scope's outer chain (the query is correlated).
  bool correlated = false;
};

struct BoundQuery {
  engine::PlanPtr plan;
  std::vector<std::string> names;
  std::vector<uint32_t> table_oids;
  std::vector<int16_t> attnums;
};

class Binder {
 public:
  Binder(engine::Database& database, SessionState& session, std::vector<LogicalType>& parameter_types);

  BoundQuery BindQuery(const ast::SelectStmt& select, Scope* outer);
  engine::BoundExprPtr BindExpr(const ast::Expr& expr, Scope& scope);
  // Binds `expr` and coerces it to `type` (assignment context).
  engine::BoundExprPtr BindExprAs(const ast::Expr& expr, Scope& scope, const LogicalType& type);

  BoundQuery BindInsert(const ast::InsertStatement& insert);
  BoundQuery BindUpdate(const ast::UpdateStatement& update);
  BoundQuery BindDelete(const ast::DeleteStatement& del);
  // The kInsert node writing `source`'s columns into `targets` (table column numbers, in source order);
  // the other columns get their DEFAULT (NULL when none).
  engine::PlanPtr InsertPlan(const engine::RelationPtr& relation, const std::vector<int>& targets,
                             engine::PlanPtr source);

  // Resolves a relation by [schema,] name; throws 42P01.
  engine::RelationPtr ResolveRelation(const std::vector<std::string>& names, bool missing_ok = false);
  // Resolves a type name; throws 42704.
  LogicalType ResolveType(const ast::TypeName& type_name);

  // Coerces `expr` to `type`; throws 42804 when no cast exists in `context`.
  engine::BoundExprPtr Coerce(engine::BoundExprPtr expr, const LogicalType& type, engine::CastContext context,
                              const char* what = nullptr);

  engine::Database& database() { return database_; }
  SessionState& session() { return session_; }

 private:
  friend struct SelectBinder;
  engine::Database& database_;
  SessionState& session_;
  std::vector<LogicalType>& parameter_types_;
  // CTEs visible at each nesting level (innermost last).
  std::vector<std::map<std::string, std::pair<engine::PlanPtr, std::vector<std::string>>>> ctes_;
  // Aggregates collected while binding the current grouped query's expressions (nullptr: not allowed).
  std::vector<engine::AggregateCall>* aggregates_ = nullptr;
  Scope* aggregate_scope_ = nullptr;

 public:
  // Internal helpers shared by the binder's files.
  engine::BoundExprPtr BindFunction(const ast::Expr& expr, Scope& scope);
  engine::BoundExprPtr BindOperator(const std::string& name, std::vector<engine::BoundExprPtr> args, int location);
  engine::BoundExprPtr BindColumnRef(const ast::Expr& expr, Scope& scope);
  engine::BoundExprPtr BindSubquery(const ast::Expr& expr, Scope& scope);
  engine::BoundExprPtr BindLiteral(const ast::Expr& expr);
  engine::BoundExprPtr BindCase(const ast::Expr& expr, Scope& scope);
  // `left op ANY|ALL (array)`: args are the bound operands.
  engine::BoundExprPtr BindArrayComparison(const std::string& op, const std::string& quantifier,
                                           std::vector<engine::BoundExprPtr> args, int location);
  // `array[index]`.
  engine::BoundExprPtr BindSubscript(const ast::Expr& expr, Scope& scope);
  engine::BoundExprPtr MakeCall(const std::string& name, std::vector<engine::BoundExprPtr> args, int location);
  // Finds the common type of `types` for UNION/CASE/COALESCE/IN; `context` names the construct in errors.
  LogicalType CommonType(const std::vector<LogicalType>& types, const char* context);
  engine::PlanPtr BindTableRef(const ast::TableRef& ref, Scope& scope, Scope* outer);
  std::vector<engine::AggregateCall>*& aggregates() { return aggregates_; }
  Scope*& aggregate_scope() { return aggregate_scope_; }
  std::vector<std::map<std::string, std::pair<engine::PlanPtr, std::vector<std::string>>>>& ctes() { return ctes_; }
};

// Builds a Project node over `child` with `expressions` (names optional).
engine::PlanPtr MakeProject(engine::PlanPtr child, std::vector<engine::BoundExprPtr> expressions,
                            std::vector<std::string> names = {});
// Rewrites column references through `mapping` (old index -> new index).
void RemapColumns(engine::BoundExpr& expr, const std::vector<int>& mapping);
// Collects the input columns an expression references (outside subqueries).
void CollectColumns(const engine::BoundExpr& expr, std::vector<int>& columns);

}  // namespace tessera::planner
