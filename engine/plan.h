// SPDX-License-Identifier: Apache-2.0
// PlanNode: the physical plan the planner builds and the executor runs. Nodes are immutable once built and
// may be shared (subqueries, CTE references); each execution instantiates fresh operators from them
// (engine/operator.h). Every node has a fixed output layout: `output_types` (and names for EXPLAIN).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/aggregate.h"
#include "engine/catalog.h"
#include "engine/distributed_query.h"
#include "engine/expression.h"
#include "storage/scan_filter.h"

namespace tessera::engine {

enum class PlanKind {
  kResult,         // one row, no columns (SELECT without FROM)
  kValues,         // rows of expressions
  kScan,           // table scan: columns, optional pushed filter, optional row-id column
  kIndexScan,      // index lookup: equality keys or a range on the first key column
  kFilter,         // predicate
  kProject,        // expressions
  kAggregate,      // group keys + aggregate calls -> [keys..., aggregates...]
  kHashJoin,       // equi-join on keys (+ residual condition)
  kNestedLoopJoin, // any condition
  kSort,           // sort keys (limit >= 0 -> top-N)
  kLimit,          // limit/offset
  kDistinct,       // distinct rows (or DISTINCT ON first `distinct_on_count` columns after a sort)
  kSetOperation,   // UNION/INTERSECT/EXCEPT [ALL] of two children
  kWindow,         // window calls appended to the input columns
  kTableFunction,  // generate_series, regexp_split_to_table
  kInsert,
  kUpdate,
  kDelete,
  kVirtualTable,   // rows computed at execution by a callback (pg_catalog, information_schema)
  kRecursiveUnion, // WITH RECURSIVE: children[0] anchor, children[1] recursive term reading kWorkTable
  kWorkTable,      // the recursive term's view of the previous iteration
  kMaterialize,    // evaluates its child once per execution and replays it (CTEs used several times)
  kDistributedStatement,  // a statement run whole on the workers (engine/distributed_statement.h)
  kProjectSet,     // set-returning calls in a select list: input columns + one column per call, a row per
                   // output row of the longest call (the others padded with NULL), as PostgreSQL's ProjectSet
  kDistributedFragment,  // a coordinator's join run on the workers: `fragment` (engine/distributed_join.h)
};

struct SortKey {
  BoundExprPtr expr;
  bool descending = false;
  bool nulls_first = false;
  SortKey Copy() const { return SortKey{expr->Copy(), descending, nulls_first}; }
};

struct AggregateCall {
  const AggregateFunction* function = nullptr;
  std::vector<BoundExprPtr> args;
  bool distinct = false;
  BoundExprPtr filter;
  std::vector<SortKey> order_by;  // string_agg(x, ',' ORDER BY y)
  LogicalType type;
  std::string ToString() const;
};

enum class WindowFunctionKind {
  kAggregate, kRowNumber, kRank, kDenseRank, kPercentRank, kCumeDist, kNtile, kLag, kLead, kFirstValue,
  kLastValue, kNthValue
};

enum class FrameUnit { kRows, kRange, kGroups };
enum class FrameBoundType { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };
enum class FrameExclusion { kNoOthers, kCurrentRow, kGroup, kTies };

// A window frame. Without a written frame the binder fills in PostgreSQL's default, RANGE UNBOUNDED
// PRECEDING .. CURRENT ROW (the whole partition when there is no ORDER BY, as every row is a peer).
struct WindowFrame {
  FrameUnit unit = FrameUnit::kRange;
  FrameBoundType start = FrameBoundType::kUnboundedPreceding;
  FrameBoundType end = FrameBoundType::kCurrentRow;
  FrameExclusion exclusion = FrameExclusion::kNoOthers;
  // kPreceding / kFollowing: the offset, referencing no columns (bigint for ROWS and GROUPS; for RANGE the
  // type PostgreSQL's in_range uses for the ORDER BY column, e.g. interval for dates).
  BoundExprPtr start_offset, end_offset;
  // RANGE with an offset: per row, the ORDER BY value the bound reaches (key -/+ offset), and the ORDER BY
  // key in the same type, so the executor only compares. Integer keys are widened to numeric so the bound
  // cannot overflow.
  BoundExprPtr start_value, end_value, range_key;
};

// One window function call: the function, its arguments and its window (partition, order, frame). The
// window node appends one output column per call.
struct WindowCall {
  WindowFunctionKind kind = WindowFunctionKind::kAggregate;
  const AggregateFunction* aggregate = nullptr;  // kAggregate
  std::vector<BoundExprPtr> args;
  BoundExprPtr filter;  // kAggregate only
  std::vector<BoundExprPtr> partition_by;
  std::vector<SortKey> order_by;
  WindowFrame frame;
  LogicalType type;
  std::string name;
  std::string ToString() const;
};

enum class JoinKind { kInner, kLeft, kRight, kFull, kSemi, kAnti, kCross };
enum class SetOperationKind { kUnion, kIntersect, kExcept };

// A source of rows for kVirtualTable (system catalogs): called once per execution.
using VirtualTableFunction = std::function<std::vector<Batch>(ExecContext&)>;

struct PlanNode;
struct DistributedStatement;
struct DistributedFragment;
class PlanProfile;
using PlanPtr = std::shared_ptr<PlanNode>;

// Identifies one WITH RECURSIVE query: its kRecursiveUnion node and the kWorkTable nodes of its recursive
// term share it. The rows themselves live in ExecContext::work_tables, per execution, so a plan stays
// immutable and may run in several sessions at once.
struct WorkTableState {
  std::string name;  // the CTE's name
};

struct PlanNode {
  PlanKind kind;
  std::vector<LogicalType> output_types;
  std::vector<std::string> output_names;
  std::vector<PlanPtr> children;

  // kValues: rows of expressions (no column references).
  std::vector<std::vector<BoundExprPtr>> values;
  // kScan / kIndexScan / kInsert / kUpdate / kDelete
  RelationPtr relation;
  std::vector<int> column_ids;
  bool emit_row_ids = false;  // appends an int64 row id column
  // kIndexScan: the live rows of relation->indexes[index_number] whose key starts with one of
  // `index_lookups` (values for a prefix of the key columns; several for an IN list), or, when there are
  // none, whose first key column lies in the range. The values reference no column of the table (constants,
  // parameters, outer references). `index_condition` is the conjuncts the index answers, for EXPLAIN;
  // `predicate` filters the fetched rows.
  int index_number = -1;
  std::vector<std::vector<BoundExprPtr>> index_lookups;
  BoundExprPtr range_lower, range_upper;
  bool lower_inclusive = true, upper_inclusive = true;
  BoundExprPtr index_condition;
  // > 0: this node and the chain of filters and projections down to its one table scan run as one task
  // per partition on this many threads (planner/parallel_selection.cc). kAggregate: each task
  // aggregates its partition and the partial states are merged; other nodes: the tasks' rows are
  // gathered in partition order, the order the serial plan produces. The scan carries it too (EXPLAIN).
  int parallel_workers = 0;
  // kScan filter / kFilter predicate / join residual condition / kNestedLoopJoin condition
  BoundExprPtr predicate;
  // kScan: the conjuncts of `predicate` storage can evaluate itself (planner/scan_filter_pushdown.h). The
  // scan evaluates `predicate` on the rows storage returns unless the filter is exact and applies to
  // the table (storage::FilterApplies); a scan without `predicate` returns what the exact filter keeps.
  storage::ScanFilter scan_filter;
  // kScan of a distributed table: what each partition computes when a pushed tier applies, or why the
  // pull tier reads it (engine/distributed_query.h); nullptr: the pull tier, nothing tried.
  std::shared_ptr<const DistributedQuery> distributed_query;
  // kProject
  std::vector<BoundExprPtr> expressions;
  // kAggregate
  std::vector<BoundExprPtr> group_keys;
  std::vector<AggregateCall> aggregates;
  // kHashJoin: left_keys evaluated on children[0], right_keys on children[1]
  JoinKind join_kind = JoinKind::kInner;
  std::vector<BoundExprPtr> left_keys, right_keys;
  // kSort
  std::vector<SortKey> sort_keys;
  // kLimit (expressions evaluated once; NULL limit = no limit). FETCH FIRST ... WITH TIES also sets
  // sort_keys: the rows after the limit that sort equal to the last one by them are kept too.
  BoundExprPtr limit, offset;
  // kDistinct: number of leading columns that define distinctness (DISTINCT ON), or -1 for all
  int distinct_on_count = -1;
  // kSetOperation
  SetOperationKind set_operation = SetOperationKind::kUnion;
  bool set_all = false;
  // kWindow
  std::vector<WindowCall> windows;
  // kTableFunction: name and argument expressions (constant or over outer/params)
  std::string function_name;
  std::vector<BoundExprPtr> function_args;
  // kProjectSet: the set-returning calls' names and arguments, evaluated on each input row (output types
  // after the input's in output_types)
  std::vector<std::string> set_function_names;
  std::vector<std::vector<BoundExprPtr>> set_function_args;
  // kInsert: children[0] produces rows in table column order (types already the table's);
  // kUpdate: children[0] produces [row id, new values of update_columns...];
  // kDelete: children[0] produces [row id].
  std::vector<int> update_columns;
  // RETURNING: expressions over the table's columns (full row), evaluated on each affected row.
  std::vector<BoundExprPtr> returning;
  // kInsert ON CONFLICT. `conflict_index`: the arbiter, a unique index of `relation` (-1: DO NOTHING
  // without a target, where every unique index is one). DO UPDATE (`on_conflict_update`) changes the row
  // holding the arbiter key instead of inserting: `conflict_where` (may be null) and `conflict_set`
  // (new values of update_columns) are evaluated on [existing row columns..., EXCLUDED columns...].
  bool on_conflict_do_nothing = false;
  bool on_conflict_update = false;
  int conflict_index = -1;
  std::vector<BoundExprPtr> conflict_set;
  BoundExprPtr conflict_where;
  // kVirtualTable
  VirtualTableFunction virtual_table;
  std::string virtual_table_name;
  // kRecursiveUnion / kWorkTable
  std::shared_ptr<WorkTableState> work_table;
  // kDistributedStatement
  std::shared_ptr<const DistributedStatement> distributed_statement;
  // kDistributedFragment: the SQL each worker runs; on a join of distributed tables left to the
  // coordinator (the pull tier), why, for EXPLAIN.
  std::shared_ptr<const DistributedFragment> fragment;
  // Distributed scans, statements and fragments: the rows estimated to lie in what the workers read and
  // to come back to the coordinator, by the table statistics (planner/distributed_estimates.h), for
  // EXPLAIN; unset where unknown.
  std::optional<double> estimated_rows_read;
  std::optional<double> estimated_rows_returned;

  explicit PlanNode(PlanKind plan_kind) : kind(plan_kind) {}
  // Multi-line plan text, PostgreSQL EXPLAIN style.
  // With `profile` (EXPLAIN ANALYZE), each node also shows what it did when the plan ran.
  std::string Explain(const PlanProfile* profile = nullptr) const;
};

}  // namespace tessera::engine
