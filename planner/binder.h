// SPDX-License-Identifier: Apache-2.0
// Binder: turns AST statements into executable plans. It resolves names against the catalog and the
// query's scopes, types every expression with PostgreSQL's coercion rules, collects aggregates, and plans
// joins (equi-join conditions from ON and WHERE become hash joins; single-table conditions are pushed to
// the scans).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/database.h"
#include "engine/exec_context.h"
#include "engine/plan.h"
#include "planner/ast.h"

namespace tessera::planner {

struct SessionState;

// Sets `target` to `value` for the guard's lifetime and puts the old value back when it ends, exception
// or not: the binder's per-level state (aggregate and set-returning call lists, flags) is saved this way.
template <typename T>
class ScopedAssign {
 public:
  ScopedAssign(T& target, std::type_identity_t<T> value) : target_(target), saved_(std::exchange(target, value)) {}
  ~ScopedAssign() { target_ = saved_; }
  ScopedAssign(const ScopedAssign&) = delete;
  ScopedAssign& operator=(const ScopedAssign&) = delete;
  // The value before the guard.
  const T& saved() const { return saved_; }

 private:
  T& target_;
  T saved_;
};

// One column visible in a scope.
struct ScopeColumn {
  std::string table;   // alias or table name ("" for unnamed subquery columns)
  std::string name;
  LogicalType type;
  uint32_t table_oid = 0;
  int16_t attnum = 0;
  bool hidden = false;  // not expanded by *
  bool qualified_only = false;  // a column merged by JOIN USING/NATURAL: only `table.name` finds it
};

struct Scope {
  std::vector<ScopeColumn> columns;
  Scope* outer = nullptr;
  // Set while binding expressions evaluated after grouping: maps a FROM column index to its group-key
  // position; columns missing here may not be referenced directly.
  const std::map<int, int>* grouped = nullptr;
  // Set by lookups that resolved through this scope's outer chain (the query is correlated).
  bool correlated = false;
  // The query this scope belongs to (nullptr for DML scopes), and while its grouped expressions are bound,
  // where aggregates of this level are collected: an aggregate written in a subquery whose arguments use
  // only this level's columns belongs here (PostgreSQL's rule), behind the group keys.
  const ast::SelectStmt* query = nullptr;
  std::vector<engine::AggregateCall>* aggregates = nullptr;
  size_t num_group_keys = 0;
  // Set with `grouped`: the query's group keys, for GROUPING(), and its grouping sets (indices into
  // group_keys; empty for a plain GROUP BY). With grouping sets, the keys end with the marker column
  // that numbers the set each output row belongs to (MakeGroupingSetMarker).
  const std::vector<engine::BoundExprPtr>* group_keys = nullptr;
  const std::vector<std::vector<int>>* grouping_sets = nullptr;
};

// The relations and table columns a query's text names, as the binder resolved them. Views use them to
// find what they depend on and to follow renames (planner/view_dependencies.cc).
struct NameReference {
  enum class Kind {
    kRelation,  // a table or view in FROM; location: its (possibly qualified) name
    kColumn,    // a column reference; location: its (possibly qualified) name
    kStar,      // a column that * or t.* expands to; location: the star's qualifier, or its *
    kUsing,     // a column that JOIN USING or NATURAL JOIN matches by name; no location
  };
  Kind kind;
  uint32_t relation_oid = 0;
  int column = -1;       // table column index (not for kRelation)
  int location = -1;     // offset in the query text
  std::string alias;     // kRelation: the alias it is given, if any
  bool top_level = false;  // kStar: in the outermost query's select list
};
struct NameReferences {
  std::vector<NameReference> references;
  // Select-list items that are a bare column reference and so take the column's name.
  std::vector<int> output_column_locations;
};

// A set-returning call (generate_series, regexp_split_to_table) of a select list, run by the ProjectSet node.
struct SetFunctionCall {
  std::string name;
  std::vector<engine::BoundExprPtr> args;
  LogicalType type;
};

struct BoundQuery {
  engine::PlanPtr plan;
  std::vector<std::string> names;
  std::vector<uint32_t> table_oids;
  std::vector<int16_t> attnums;
};

// True when an expression anywhere in `plan` (nested subqueries included) reads an outer query's row.
bool PlanReferencesOuter(const engine::PlanNode& plan);
// Calls `visit` on every expression `node` itself holds (not its children's nor nested subqueries').
void ForEachExpression(const engine::PlanNode& node, const std::function<void(const engine::BoundExpr&)>& visit);
// The nearest query level `expr` reads columns of, counted outwards from its own (0: its own level, 1: the
// enclosing query, ...), looking into nested subqueries; kNoLevel when it reads no column at all.
constexpr int kNoLevel = 1 << 30;
int ReferencedLevel(const engine::BoundExpr& expr);

class Binder {
 public:
  Binder(engine::Database& database, SessionState& session, std::vector<LogicalType>& parameter_types);

  BoundQuery BindQuery(const ast::SelectStmt& select, Scope* outer);
  // Makes the next BindQuery (not its subqueries) leave untyped output columns unknown instead of text,
  // unless ORDER BY, GROUP BY or DISTINCT use them (PostgreSQL's p_resolve_unknowns = false). The caller
  // must then type them with ResolveUnknownOutputs.
  void LeaveUnknownOutputs() { resolve_unknowns_ = false; }
  // Makes the binder record the relations and columns it resolves into `references` (nullptr: stop).
  // References inside views the query reads are not recorded: they are the views' own.
  void RecordReferences(NameReferences* references) { references_ = references; }
  NameReferences* references() { return references_; }
  // Whether `expr` calls an aggregate that belongs to `scope`'s query level (not one whose arguments use
  // only outer columns, which belongs to that outer level).
  bool ContainsOwnAggregate(const ast::Expr* expr, Scope& scope);
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

  // How a statement uses a relation it names: a distributed table (docs/CLUSTER.md) can be read, inserted
  // into, updated or deleted from (kModify: planner/distributed_statement.h pushes the statement down or
  // refuses it) and changed by DDL that forwards the change to its shards (kDdl, planner/
  // distributed_tables.h); anything else on it answers 0A000 for now.
  enum class Use { kOther, kRead, kInsert, kModify, kDdl };
  // Resolves a relation by [schema,] name; throws 42P01.
  engine::RelationPtr ResolveRelation(const std::vector<std::string>& names, bool missing_ok = false,
                                      Use use = Use::kOther);
  // Resolves a type name; throws 42704.
  LogicalType ResolveType(const ast::TypeName& type_name);

  // Coerces `expr` to `type`; throws 42804 when no cast exists in `context`.
  engine::BoundExprPtr Coerce(engine::BoundExprPtr expr, const LogicalType& type, engine::CastContext context,
                              const char* what = nullptr);

  engine::Database& database() { return database_; }
  SessionState& session() { return session_; }

 private:
  // A context for folding constants at bind time with the session's TimeZone, DateStyle and output settings.
  engine::ExecContext FoldingContext() const;

  // BindQuery once; `force_grouped` when an aggregate of this level was found in a subquery.
  BoundQuery BindQueryLevel(const ast::SelectStmt& select, Scope* outer, bool force_grouped);
  // Binds aggregate call `expr` in `scope`, collecting it into aggregates_; returns its kAggregateRef.
  engine::BoundExprPtr BindAggregateCall(const ast::Expr& expr, const std::string& name, Scope& scope);
  // The query level (see ReferencedLevel) of aggregate call `expr` written in `scope`'s level.
  int AggregateLevel(const ast::Expr& expr, Scope& scope);

  friend struct SelectBinder;
  engine::Database& database_;
  SessionState& session_;
  std::vector<LogicalType>& parameter_types_;
  // CTEs visible at each nesting level (innermost last).
  std::vector<std::map<std::string, std::pair<engine::PlanPtr, std::vector<std::string>>>> ctes_;
  // Aggregates collected while binding the current grouped query's expressions (nullptr: not allowed).
  std::vector<engine::AggregateCall>* aggregates_ = nullptr;
  Scope* aggregate_scope_ = nullptr;
  // Set-returning calls collected from the select list being bound (nullptr: not allowed here).
  std::vector<SetFunctionCall>* set_functions_ = nullptr;
  // While an aggregate's level is worked out: outer columns resolve without the grouping check.
  bool unchecked_outer_grouping_ = false;
  // Set while binding expressions that are never evaluated (COALESCE arguments after a non-NULL constant):
  // their constant calls are not folded, so errors such as division by zero stay unraised.
  bool no_folding_ = false;
  // Set while binding a call whose arguments are reused (IS DISTINCT FROM's "="): a strict call of a NULL
  // constant stays a call instead of becoming NULL.
  bool keep_strict_calls_ = false;
  // Window calls collected for the current query level, with its WINDOW clause (nullptr: window functions
  // are not allowed here; window_error_ says why, with its SQLSTATE).
  std::vector<engine::WindowCall>* windows_ = nullptr;
  const std::vector<ast::WindowSpec>* window_definitions_ = nullptr;
  SqlState window_error_state_ = SqlState::kWindowingError;
  std::string window_error_ = "window functions are not allowed here";
  bool resolve_unknowns_ = true;  // for the next BindQuery only (LeaveUnknownOutputs)
  NameReferences* references_ = nullptr;  // RecordReferences; not owned
  int query_depth_ = 0;  // active BindQuery calls: 1 while binding the outermost query

 public:
  // Internal helpers shared by the binder's files.
  engine::BoundExprPtr BindFunction(const ast::Expr& expr, Scope& scope);
  // A set-returning call in a select list: collected into set_functions_, returns its kSetFunctionRef.
  engine::BoundExprPtr BindSetFunction(const ast::Expr& expr, const std::string& name, Scope& scope);
  // Binds `name`(...) OVER (...) into windows_ and returns its kWindowRef (planner/bind_window.cc).
  engine::BoundExprPtr BindWindowCall(const ast::Expr& expr, const std::string& name, Scope& scope);
  engine::BoundExprPtr BindOperator(const std::string& name, std::vector<engine::BoundExprPtr> args, int location);
  engine::BoundExprPtr BindColumnRef(const ast::Expr& expr, Scope& scope);
  engine::BoundExprPtr BindSubquery(const ast::Expr& expr, Scope& scope);
  engine::BoundExprPtr BindLiteral(const ast::Expr& expr);
  engine::BoundExprPtr BindCase(const ast::Expr& expr, Scope& scope);
  // GROUPING(args): a bit per argument, set when the row's grouping set leaves it out
  // (planner/bind_grouping.cc).
  engine::BoundExprPtr BindGrouping(const ast::Expr& expr, Scope& scope);
  // `left op ANY|ALL (array)`: args are the bound operands.
  engine::BoundExprPtr BindArrayComparison(const std::string& op, const std::string& quantifier,
                                           std::vector<engine::BoundExprPtr> args, int location);
  // `ARRAY[a, b, ...]`: an array of the elements' common type.
  engine::BoundExprPtr BindArrayConstructor(const ast::Expr& expr, Scope& scope);
  // `array[index]`.
  engine::BoundExprPtr BindSubscript(const ast::Expr& expr, Scope& scope);
  engine::BoundExprPtr MakeCall(const std::string& name, std::vector<engine::BoundExprPtr> args, int location);
  // The result type of set-returning function `name` (generate_series, regexp_split_to_table) for `args`,
  // which are coerced to the types it takes; throws 42883 when no such call exists.
  LogicalType BindSetFunctionArguments(const std::string& name, std::vector<engine::BoundExprPtr>& args,
                                       int location);
  // generate_series's result type for `args`, which are coerced to it (the step of a timestamp series to
  // interval); throws 42883 for a wrong argument count.
  LogicalType BindSeriesArguments(std::vector<engine::BoundExprPtr>& args);
  // unnest's result type: the element type of its one array argument; 42725 for an untyped literal, 42883
  // for anything else.
  LogicalType BindUnnestArgument(std::vector<engine::BoundExprPtr>& args, int location);
  std::vector<SetFunctionCall>*& set_functions() { return set_functions_; }
  // Finds the common type of `types` for UNION/CASE/COALESCE/IN; `context` names the construct in errors.
  LogicalType CommonType(const std::vector<LogicalType>& types, const char* context);
  // Binds the CTEs of `with` into a new level of ctes_, which the caller pops when the statement is bound.
  void BindWith(const ast::WithClause& with, Scope* outer);
  // Binds a WITH RECURSIVE query that references itself (planner/bind_recursive.cc): returns the
  // recursive union and the CTE's column names.
  std::pair<engine::PlanPtr, std::vector<std::string>> BindRecursiveCte(const ast::CommonTableExpr& cte, Scope* outer);
  engine::PlanPtr BindTableRef(const ast::TableRef& ref, Scope& scope, Scope* outer);
  std::vector<engine::AggregateCall>*& aggregates() { return aggregates_; }
  // Allows window calls into `calls` (nullptr: forbids them, failing with `state` and `message`).
  void SetWindowContext(std::vector<engine::WindowCall>* calls, const std::vector<ast::WindowSpec>* definitions,
                        SqlState state = SqlState::kWindowingError,
                        std::string message = "window functions are not allowed here") {
    windows_ = calls;
    window_definitions_ = definitions;
    window_error_state_ = state;
    window_error_ = std::move(message);
  }
  // Saves the window context and restores it when destroyed.
  struct WindowContextGuard {
    explicit WindowContextGuard(Binder& binder)
        : binder(binder), calls(binder.windows_), definitions(binder.window_definitions_),
          state(binder.window_error_state_), message(binder.window_error_) {}
    ~WindowContextGuard() { binder.SetWindowContext(calls, definitions, state, std::move(message)); }
    Binder& binder;
    std::vector<engine::WindowCall>* calls;
    const std::vector<ast::WindowSpec>* definitions;
    SqlState state;
    std::string message;
  };
  Scope*& aggregate_scope() { return aggregate_scope_; }
  std::vector<std::map<std::string, std::pair<engine::PlanPtr, std::vector<std::string>>>>& ctes() { return ctes_; }
};

// Picks an aggregate overload for `args`' types, allowing implicit casts, and coerces the arguments;
// throws 42883 when none fits.
const engine::AggregateFunction* ResolveAggregate(const std::string& name, std::vector<engine::BoundExprPtr>& args,
                                                  Binder& binder, int location);

// Checks a WINDOW clause: unique names, references to earlier windows only, PostgreSQL's copy rules.
void CheckWindowDefinitions(const std::vector<ast::WindowSpec>& definitions);
// True for row_number, rank, lag and the other functions that exist only as window functions.
bool IsWindowOnlyFunction(const std::string& name);

// The placeholder group key that stands for the grouping-set number of an output row: the Aggregate of a
// query with grouping sets outputs [keys..., set number, aggregates...].
engine::BoundExprPtr MakeGroupingSetMarker();
// The Aggregate node grouping `input` by `keys` with `aggregates` (copied): [keys..., aggregates...].
engine::PlanPtr MakeAggregatePlan(engine::PlanPtr input, const std::vector<engine::BoundExprPtr>& keys,
                                  const std::vector<engine::AggregateCall>& aggregates);
// Groups `input` by each of `sets` (indices into `keys`) and unions the results as
// [keys..., set number, aggregates...], keys outside a row's set being NULL.
engine::PlanPtr MakeGroupingSetsPlan(engine::PlanPtr input, const std::vector<engine::BoundExprPtr>& keys,
                                     const std::vector<std::vector<int>>& sets,
                                     const std::vector<engine::AggregateCall>& aggregates);
// Builds a Project node over `child` with `expressions` (names optional).
engine::PlanPtr MakeProject(engine::PlanPtr child, std::vector<engine::BoundExprPtr> expressions,
                            std::vector<std::string> names = {});
// Rewrites column references through `mapping` (old index -> new index).
void RemapColumns(engine::BoundExpr& expr, const std::vector<int>& mapping);
// Whether `expr` calls an aggregate function at its own query level (not inside subqueries).
bool ContainsAggregate(const ast::Expr* expr);
// Whether `expr` holds, outside subqueries, an aggregate call for which `accept` is true; the walk goes on
// into the arguments of the calls it does not accept.
bool AnyAggregateCall(const ast::Expr* expr, const std::function<bool(const ast::Expr& call)>& accept);
// Whether `query` references the CTE `name` anywhere (a WITH RECURSIVE item that does is recursive).
bool ReferencesCte(const ast::SelectStmt& query, const std::string& name);
// Whether `plan` reads a WITH RECURSIVE work table: it then changes from one iteration to the next, so it
// must be neither materialised once nor cached as an uncorrelated subquery.
bool ReadsWorkTable(const engine::PlanNode& plan);
// The column names of CTE `cte` given its query's: its column list overrides them; throws 42P10 when the
// list is longer.
std::vector<std::string> CteColumnNames(const ast::CommonTableExpr& cte, std::vector<std::string> names);
// Checks a DEFAULT expression for column `name` of type `type` as PostgreSQL does at CREATE/ALTER TABLE
// (planner/column_default.cc): 0A000 for column references and subqueries, 42803 for aggregates, 42P20
// for window functions, 42804 when its type cannot be assigned to the column's. Returns whether the
// default is the NULL constant (PostgreSQL then stores no default).
bool CheckColumnDefault(Binder& binder, const ast::Expr& expr, const std::string& name, const LogicalType& type);
// The column's DEFAULT expression, bound and cast to its type (a NULL constant when it has none);
// volatile defaults (nextval, random) stay calls, evaluated per row.
engine::BoundExprPtr BindDefault(Binder& binder, const engine::ColumnInfo& column);
// Gives `plan`'s untyped output columns (unknown-type literals and NULLs that the query left unresolved,
// see Binder::LeaveUnknownOutputs) the types `types` (one per output), coercing them where they are computed,
// as PostgreSQL does for INSERT ... SELECT targets and set-operation branches (planner/unknown_outputs.cc).
void ResolveUnknownOutputs(Binder& binder, engine::PlanNode& plan, const std::vector<LogicalType>& types);
// The result column name of a select-list item without AS, by PostgreSQL's FigureColname rules: column
// and function names, the innermost such name under casts and CASE's ELSE, else the cast's type name or
// "case", else "?column?" (planner/column_name.cc).
std::string FigureColumnName(const ast::Expr& expr);
// Whether `expr` holds no subquery, no aggregate, window or set-returning placeholder, no volatile call and,
// unless `outer_columns`, no outer column reference: it computes the same from its row wherever it runs
// (in parallel tasks, below a projection, in each arm of a UNION ALL).
bool ComputedFromRow(const engine::BoundExpr& expr, bool outer_columns);
// Collects the input columns an expression references (outside subqueries).
void CollectColumns(const engine::BoundExpr& expr, std::vector<int>& columns);

}  // namespace tessera::planner
