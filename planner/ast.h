// SPDX-License-Identifier: Apache-2.0
// Tessera's own SQL syntax tree. planner/parser/ turns libpg_query's protobuf tree into these nodes; nothing
// outside planner/parser/ sees protobuf. Nodes are plain owning trees (unique_ptr children). `location` is
// the 0-based byte offset of the construct in the statement text, or -1.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tessera::planner::ast {

struct Expr;
struct SelectStmt;
using ExprPtr = std::unique_ptr<Expr>;

// A type as written: names ("int4", "varchar", "numeric", "timestamptz", schema-qualified names keep
// the schema as first element; the parser maps SQL keywords to PostgreSQL's internal names exactly as
// libpg_query returns them, e.g. INTEGER -> {"pg_catalog","int4"}), its modifiers, and array bounds.
struct TypeName {
  std::vector<std::string> names;
  std::vector<int32_t> typmods;    // integer modifiers, e.g. numeric(10,2) -> {10, 2}
  int array_dimensions = 0;        // int[] -> 1
  int location = -1;
  // For INTERVAL with fields (INTERVAL DAY TO SECOND): the range mask libpg_query reports, else -1.
  int32_t interval_fields = -1;
};

enum class LiteralKind { kNull, kInteger, kFloat, kString, kBool, kBitString };

enum class ExprKind {
  kLiteral,      // literal_kind + text ("42", "1.5e3", "abc", "t"/"f"); kInteger fits in int64 only
                 // when libpg_query gave an Integer; larger integers come as kFloat text.
                 // The grammar folds a minus into a numeric constant: `- 14` is kInteger "-14".
                 // kBitString text keeps libpg_query's leading 'b' or 'x' ("b101", "x1F").
  kColumnRef,    // names: ["col"], ["t","col"], ["schema","t","col"]
  kStar,         // `*` or `t.*`: names holds the qualifier parts (empty for bare *)
  kParam,        // $n: param_number (1-based)
  kOperator,     // name: operator symbol ("+", "-", "*", "/", "%", "^", "=", "<>", "<", "<=", ">", ">=",
                 // "||", "~~" (LIKE), "!~~", "~~*" (ILIKE), "!~~*", "~", "!~", "~*", "!~*", "|/",
                 // "@", "&", "|", "#", "<<", ">>", "!" ...); args: 1 (prefix) or 2 operands.
                 // names holds the qualified operator name if written OPERATOR(pg_catalog.+).
  kAnd,          // args: 2 or more
  kOr,           // args: 2 or more
  kNot,          // args[0]
  kFunction,     // names (e.g. ["count"], ["pg_catalog","format_type"]), args, agg_star (count(*)),
                 // agg_distinct, agg_order (ORDER BY inside the call), agg_filter (FILTER (WHERE)),
                 // over (window), variadic
  kCast,         // args[0] cast to type_name (CAST(x AS t) and x::t)
  kCase,         // case_operand (CASE x WHEN ...) optional; when_conditions[i] -> when_results[i];
                 // else_result optional
  kNullTest,     // args[0] IS NULL; negated for IS NOT NULL
  kBoolTest,     // args[0] IS TRUE / IS FALSE / IS UNKNOWN: bool_test; negated for IS NOT ...
  kIn,           // args[0] IN (args[1..]); negated for NOT IN
  kBetween,      // args[0] BETWEEN args[1] AND args[2]; negated; symmetric for BETWEEN SYMMETRIC
  kDistinctFrom, // args[0] IS DISTINCT FROM args[1]; negated for IS NOT DISTINCT FROM
  kCoalesce,     // args
  kNullIf,       // args[0], args[1]
  kGreatest,     // args
  kLeast,        // args
  kSubquery,     // subquery_kind; subquery; for kAny/kAll: args[0] is the left operand and name is the
                 // operator ("=" for IN (SELECT ...)); for kIn: args[0] is the left operand
  kSqlValue,     // name: "current_date", "current_time", "current_timestamp", "localtime",
                 // "localtimestamp", "current_user", "current_role", "session_user", "user",
                 // "current_catalog", "current_schema"; typmod in param_number when given (-1 otherwise)
  kCollate,      // args[0] COLLATE names
  kArray,        // ARRAY[args...]
  kRow,          // ROW(args...) or (a, b)
  kSubscript,    // args[0][args[1]] (array element); args[2] present for slices [a:b]
  kFieldSelect,  // (args[0]).name
  kGrouping,     // GROUPING(args...): which of the grouping expressions args are not grouped by
};

enum class SubqueryKind { kScalar, kExists, kAny, kAll, kIn, kArray };
enum class BoolTestKind { kTrue, kFalse, kUnknown };

enum class SortDirection { kDefault, kAsc, kDesc };
enum class NullsOrder { kDefault, kFirst, kLast };

struct SortItem {
  ExprPtr expr;
  SortDirection direction = SortDirection::kDefault;
  NullsOrder nulls = NullsOrder::kDefault;
};

enum class FrameUnit { kRows, kRange, kGroups };
enum class FrameBoundKind {
  kUnboundedPreceding,
  kPreceding,       // offset expr
  kCurrentRow,
  kFollowing,       // offset expr
  kUnboundedFollowing,
};
struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kUnboundedPreceding;
  ExprPtr offset;
};

struct WindowSpec {
  std::string name;          // WINDOW w AS (...) definition name, or empty
  std::string ref_name;      // OVER w / OVER (w ORDER BY ...): the referenced window
  bool plain_reference = false;  // OVER w (no parentheses): the window w exactly, frame included
  std::vector<ExprPtr> partition_by;
  std::vector<SortItem> order_by;
  bool has_frame = false;    // false: default frame
  FrameUnit frame_unit = FrameUnit::kRange;
  FrameBound frame_start;
  FrameBound frame_end;      // kCurrentRow when only a start was written
  std::string frame_exclusion;  // "", "current row", "group", "ties"
  int location = -1;
};

struct Expr {
  ExprKind kind;
  int location = -1;

  LiteralKind literal_kind = LiteralKind::kNull;
  std::string text;                  // literal text
  std::string name;                  // operator / sql value / field name
  std::vector<std::string> names;    // qualified names
  std::vector<ExprPtr> args;
  int param_number = 0;
  bool negated = false;
  bool symmetric = false;
  BoolTestKind bool_test = BoolTestKind::kTrue;
  // kOperator: "any" / "all" for `x op ANY (array)` / `x op ALL (array)` (args[1] is the array), else "".
  std::string quantifier;

  // kCast
  std::optional<TypeName> type_name;

  // kCase
  ExprPtr case_operand;
  std::vector<ExprPtr> when_conditions;
  std::vector<ExprPtr> when_results;
  ExprPtr else_result;

  // kFunction
  bool agg_star = false;
  bool agg_distinct = false;
  bool variadic = false;
  bool within_group = false;
  std::vector<SortItem> agg_order;
  ExprPtr agg_filter;
  std::unique_ptr<WindowSpec> over;

  // kSubquery
  SubqueryKind subquery_kind = SubqueryKind::kScalar;
  std::unique_ptr<SelectStmt> subquery;

  explicit Expr(ExprKind expr_kind) : kind(expr_kind) {}
};

struct TargetItem {
  ExprPtr expr;
  std::string alias;  // AS name, empty when none
  int location = -1;
};

// FROM items.
enum class TableRefKind { kBaseTable, kSubquery, kJoin, kFunction, kValues };
enum class JoinType { kInner, kLeft, kRight, kFull, kCross };

struct TableRef {
  TableRefKind kind;
  int location = -1;
  // kBaseTable: names = [schema,] table
  std::vector<std::string> names;
  // Alias and column aliases (any kind).
  std::string alias;
  std::vector<std::string> column_aliases;
  // kSubquery (and kValues which is a SelectStmt with values rows)
  std::unique_ptr<SelectStmt> subquery;
  bool lateral = false;
  // kJoin
  JoinType join_type = JoinType::kInner;
  std::unique_ptr<TableRef> left;
  std::unique_ptr<TableRef> right;
  ExprPtr join_condition;                  // ON
  std::vector<std::string> using_columns;  // USING (...)
  bool natural = false;
  // kFunction: function call (kFunction expr) in FROM, e.g. generate_series(1, 10); WITH ORDINALITY
  ExprPtr function;
  bool with_ordinality = false;

  explicit TableRef(TableRefKind ref_kind) : kind(ref_kind) {}
};

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_names;
  std::unique_ptr<SelectStmt> query;
  int materialized = 0;  // 0 default, 1 MATERIALIZED, 2 NOT MATERIALIZED
  int location = -1;
};

struct WithClause {
  bool recursive = false;
  std::vector<CommonTableExpr> ctes;
};

enum class SetOpKind { kNone, kUnion, kIntersect, kExcept };

// A query expression: a simple SELECT, a VALUES list, or a set operation over two queries; ORDER BY,
// LIMIT/OFFSET and WITH apply to the whole.
struct SelectStmt {
  std::unique_ptr<WithClause> with;

  // Set operation (op != kNone): left_query and right_query; `all` for UNION ALL etc.
  SetOpKind op = SetOpKind::kNone;
  bool all = false;
  std::unique_ptr<SelectStmt> left_query;
  std::unique_ptr<SelectStmt> right_query;

  // VALUES (...), (...): each row a list of expressions (non-empty => this is a VALUES query).
  std::vector<std::vector<ExprPtr>> values_rows;

  // Simple SELECT.
  bool distinct = false;                 // SELECT DISTINCT
  std::vector<ExprPtr> distinct_on;      // SELECT DISTINCT ON (...)
  std::vector<TargetItem> targets;
  std::vector<std::unique_ptr<TableRef>> from;
  ExprPtr where;
  std::vector<ExprPtr> group_by;         // the grouping expressions, in order of appearance
  // GROUPING SETS / ROLLUP / CUBE / (): the expanded grouping sets, each a list of indices into group_by
  // (empty: one set of all of group_by, a plain GROUP BY).
  std::vector<std::vector<int>> grouping_sets;
  ExprPtr having;
  std::vector<WindowSpec> windows;       // WINDOW clause
  // SELECT ... INTO t (CREATE TABLE AS in disguise): target table names, else empty.
  std::vector<std::string> into_table;

  // Applies to the whole query expression.
  std::vector<SortItem> order_by;
  ExprPtr limit;                         // LIMIT n / FETCH FIRST n ROWS ONLY; NULL literal for LIMIT ALL
  ExprPtr offset;
  bool limit_with_ties = false;
  // FOR UPDATE/SHARE: accepted and ignored is wrong for a future MVCC; the parser records it.
  bool for_update = false;
  std::string lock_strength;  // "FOR UPDATE" or "FOR NO KEY UPDATE" when for_update
  int location = -1;
};

// --- Statements ---------------------------------------------------------------------------------------

enum class StmtKind {
  kSelect,
  kInsert,
  kUpdate,
  kDelete,
  kCreateTable,
  kCreateTableAs,
  kCreateView,
  kCreateSchema,
  kCreateIndex,
  kDrop,
  kTruncate,
  kAlterTable,
  kTransaction,
  kSet,
  kShow,
  kExplain,
  kCopy,
  kPrepare,
  kExecute,
  kDeallocate,
  kDiscard,
  kCreateSequence,
  kAnalyze,
  kVacuum,
  kCheckpoint,
  kComment,
  kUnsupported,  // anything else libpg_query parses: unsupported_name says what ("CREATE FUNCTION")
};

struct Statement {
  StmtKind kind;
  int location = 0;   // offset of the statement in the query string
  int length = 0;     // its length in bytes (0 = to the end)
  // The whole text ParseSql parsed (location and length, and the locations inside, index into it).
  std::shared_ptr<const std::string> source;
  explicit Statement(StmtKind stmt_kind) : kind(stmt_kind) {}
  virtual ~Statement() = default;
};
using StatementPtr = std::unique_ptr<Statement>;

struct SelectStatement : Statement {
  std::unique_ptr<SelectStmt> select;
  SelectStatement() : Statement(StmtKind::kSelect) {}
};

enum class OnConflictAction { kNone, kNothing, kUpdate };

struct SetClause {
  std::string column;
  ExprPtr value;          // DEFAULT is an Expr of kind kSqlValue named "default"
  int location = -1;
};

struct InsertStatement : Statement {
  std::vector<std::string> table;        // [schema,] name
  std::string alias;
  std::vector<std::string> columns;      // empty = all columns in order
  std::unique_ptr<SelectStmt> source;    // VALUES or SELECT; nullptr for DEFAULT VALUES
  // ON CONFLICT
  OnConflictAction on_conflict = OnConflictAction::kNone;
  std::vector<std::string> conflict_columns;  // the inference specification (a, b)
  std::string conflict_constraint;            // ON CONSTRAINT name
  std::vector<SetClause> conflict_set;
  ExprPtr conflict_where;
  std::vector<TargetItem> returning;
  std::unique_ptr<WithClause> with;
  InsertStatement() : Statement(StmtKind::kInsert) {}
};

struct UpdateStatement : Statement {
  std::vector<std::string> table;
  int table_location = -1;
  std::string alias;
  std::vector<SetClause> set;
  std::vector<std::unique_ptr<TableRef>> from;
  ExprPtr where;
  std::vector<TargetItem> returning;
  std::unique_ptr<WithClause> with;
  UpdateStatement() : Statement(StmtKind::kUpdate) {}
};

struct DeleteStatement : Statement {
  std::vector<std::string> table;
  int table_location = -1;
  std::string alias;
  std::vector<std::unique_ptr<TableRef>> using_tables;
  ExprPtr where;
  std::vector<TargetItem> returning;
  std::unique_ptr<WithClause> with;
  DeleteStatement() : Statement(StmtKind::kDelete) {}
};

struct ColumnDef {
  std::string name;
  TypeName type;
  bool not_null = false;
  bool explicit_null = false;  // NULL constraint written
  bool primary_key = false;
  bool unique = false;
  ExprPtr default_value;
  std::string default_sql;     // default_value as SQL text
  ExprPtr check;               // CHECK (expr) on the column
  bool is_serial = false;      // serial/bigserial/smallserial (type already mapped to int4/int8/int2)
  int location = -1;
};

enum class ConstraintKind { kPrimaryKey, kUnique, kCheck, kForeignKey, kNotNull, kOther };
struct TableConstraint {
  ConstraintKind kind;
  std::string name;
  std::vector<std::string> columns;
  ExprPtr check;
  int location = -1;
  // kForeignKey: REFERENCES [schema,] table (columns); a column-level REFERENCES becomes a table constraint
  // on that column. Empty referenced_columns means the referenced table's primary key.
  std::vector<std::string> referenced_table;
  std::vector<std::string> referenced_columns;
};

struct TableOption {
  std::string name;   // lower-case
  std::string value;  // as text ("ts", "8", "reference")
  int position = 0;   // 1-based character position in the statement text where known (COPY), else 0
};

struct CreateTableStatement : Statement {
  std::vector<std::string> table;
  bool if_not_exists = false;
  bool temporary = false;
  std::vector<ColumnDef> columns;
  std::vector<TableConstraint> constraints;
  std::vector<TableOption> options;       // WITH (...)
  // CREATE TABLE AS / SELECT INTO
  std::unique_ptr<SelectStmt> as_query;
  std::vector<std::string> as_column_names;
  bool with_no_data = false;
  CreateTableStatement(StmtKind kind = StmtKind::kCreateTable) : Statement(kind) {}
};

struct CreateViewStatement : Statement {
  std::vector<std::string> view;
  std::vector<std::string> column_names;
  std::unique_ptr<SelectStmt> query;
  std::string query_text;  // the view's SELECT as written (substring of the statement)
  bool or_replace = false;
  bool temporary = false;
  CreateViewStatement() : Statement(StmtKind::kCreateView) {}
};

struct CreateSchemaStatement : Statement {
  std::string schema;
  bool if_not_exists = false;
  CreateSchemaStatement() : Statement(StmtKind::kCreateSchema) {}
};

struct IndexColumn {
  std::string column;        // empty when expr is set
  ExprPtr expr;              // expression index
  SortDirection direction = SortDirection::kDefault;
  NullsOrder nulls = NullsOrder::kDefault;
};

struct CreateIndexStatement : Statement {
  std::string index_name;    // may be empty (name generated)
  std::vector<std::string> table;
  std::vector<IndexColumn> columns;
  bool unique = false;
  bool if_not_exists = false;
  bool concurrently = false;
  std::string access_method;  // "btree", "hash", "gist", ...
  ExprPtr where;              // partial index predicate
  CreateIndexStatement() : Statement(StmtKind::kCreateIndex) {}
};

enum class ObjectKind { kTable, kView, kIndex, kSchema, kSequence, kOther };

struct DropStatement : Statement {
  ObjectKind object_kind = ObjectKind::kTable;
  std::vector<std::vector<std::string>> objects;  // each [schema,] name
  bool if_exists = false;
  bool cascade = false;
  DropStatement() : Statement(StmtKind::kDrop) {}
};

struct TruncateStatement : Statement {
  std::vector<std::vector<std::string>> tables;
  bool restart_identity = false;  // RESTART IDENTITY: owned sequences start over
  TruncateStatement() : Statement(StmtKind::kTruncate) {}
};

enum class AlterTableAction {
  kAddColumn, kDropColumn, kRenameColumn, kRenameTable, kAlterColumnType, kSetNotNull, kDropNotNull,
  kSetDefault, kDropDefault, kAddConstraint, kOther
};
struct AlterTableCommand {
  AlterTableAction action = AlterTableAction::kOther;
  std::string column;        // target column
  std::string new_name;      // rename
  std::unique_ptr<ColumnDef> column_def;  // add column
  std::optional<TypeName> new_type;
  ExprPtr default_value;
  std::string default_sql;   // default_value as SQL text
  bool if_exists = false;    // DROP COLUMN IF EXISTS / ADD COLUMN IF NOT EXISTS
  bool cascade = false;      // DROP COLUMN ... CASCADE
  std::unique_ptr<TableConstraint> constraint;
};
struct AlterTableStatement : Statement {
  std::vector<std::string> table;
  bool if_exists = false;
  ObjectKind object_kind = ObjectKind::kTable;  // ALTER VIEW ... RENAME is kView
  std::vector<AlterTableCommand> commands;
  AlterTableStatement() : Statement(StmtKind::kAlterTable) {}
};

enum class TransactionKind {
  kBegin, kStart, kCommit, kRollback, kSavepoint, kRelease, kRollbackTo, kPrepare, kCommitPrepared,
  kRollbackPrepared
};
struct TransactionStatement : Statement {
  TransactionKind transaction_kind = TransactionKind::kBegin;
  std::string savepoint_name;   // or gid for 2PC
  std::string isolation_level;  // "read committed", "repeatable read", "serializable", or empty
  bool read_only = false;
  TransactionStatement() : Statement(StmtKind::kTransaction) {}
};

struct SetStatement : Statement {
  enum class Action { kSet, kSetDefault, kReset, kResetAll, kSetLocal };
  Action action = Action::kSet;
  std::string name;                 // lower-case; "timezone" for SET TIME ZONE; "transaction_isolation" ...
  std::vector<std::string> values;  // each value as text (numbers as written, identifiers lower-case)
  bool is_local = false;
  // SET TRANSACTION / SET SESSION CHARACTERISTICS AS TRANSACTION with several modes: name/values hold the
  // first ("transaction_isolation", "transaction_read_only", ... with a "default_" prefix for SESSION
  // CHARACTERISTICS), these the rest as (name, value); read-only/deferrable values are "on"/"off".
  std::vector<std::pair<std::string, std::string>> more_settings;
  SetStatement() : Statement(StmtKind::kSet) {}
};

struct ShowStatement : Statement {
  std::string name;  // lower-case; "all" for SHOW ALL
  ShowStatement() : Statement(StmtKind::kShow) {}
};

struct ExplainStatement : Statement {
  StatementPtr statement;
  bool analyze = false;
  bool verbose = false;
  bool costs = true;
  std::string format;  // "text" default
  ExplainStatement() : Statement(StmtKind::kExplain) {}
};

struct CopyStatement : Statement {
  std::vector<std::string> table;   // empty when query is set
  std::vector<std::string> columns;
  std::unique_ptr<SelectStmt> query;  // COPY (SELECT ...) TO
  bool is_from = false;             // FROM (load) vs TO (unload)
  std::string filename;             // empty = STDIN/STDOUT
  std::vector<TableOption> options; // format, header, delimiter, null, quote, escape ...
  CopyStatement() : Statement(StmtKind::kCopy) {}
};

struct PrepareStatement : Statement {
  std::string name;
  std::vector<TypeName> parameter_types;
  StatementPtr statement;
  PrepareStatement() : Statement(StmtKind::kPrepare) {}
};

struct ExecuteStatement : Statement {
  std::string name;
  std::vector<ExprPtr> params;
  ExecuteStatement() : Statement(StmtKind::kExecute) {}
};

struct DeallocateStatement : Statement {
  std::string name;  // empty = ALL
  DeallocateStatement() : Statement(StmtKind::kDeallocate) {}
};

struct CheckpointStatement : Statement {
  CheckpointStatement() : Statement(StmtKind::kCheckpoint) {}
};

struct DiscardStatement : Statement {
  std::string target;  // "all", "plans", "sequences", "temp"
  DiscardStatement() : Statement(StmtKind::kDiscard) {}
};

struct CreateSequenceStatement : Statement {
  std::vector<std::string> sequence;
  bool if_not_exists = false;
  std::vector<TableOption> options;  // start, increment, minvalue, maxvalue, cycle ...
  CreateSequenceStatement() : Statement(StmtKind::kCreateSequence) {}
};

// ANALYZE / VACUUM [table, ...]
struct MaintenanceStatement : Statement {
  std::vector<std::vector<std::string>> tables;
  bool analyze = false;  // ANALYZE, VACUUM ANALYZE, VACUUM (ANALYZE)
  explicit MaintenanceStatement(StmtKind kind) : Statement(kind) {}
};

struct CommentStatement : Statement {
  CommentStatement() : Statement(StmtKind::kComment) {}
};

struct UnsupportedStatement : Statement {
  std::string unsupported_name;  // e.g. "CREATE FUNCTION", "GRANT"
  UnsupportedStatement() : Statement(StmtKind::kUnsupported) {}
};

}  // namespace tessera::planner::ast
