// SPDX-License-Identifier: Apache-2.0
// The simple operators (result, values, scans, filter, project, limit, table functions, virtual tables,
// materialize) and CreateOperator(), which instantiates any plan node.
#include <algorithm>
#include <chrono>
#include <optional>

#include "base/check.h"
#include "engine/distributed_join.h"
#include "engine/expression.h"
#include "engine/index.h"
#include "engine/operator.h"
#include "engine/operators_internal.h"
#include "engine/plan_profile.h"
#include "engine/set_function.h"
#include "engine/plan.h"

namespace tessera::engine {

namespace {

class ResultOperator : public Operator {
 public:
  bool Next(Batch* out) override {
    if (done_) return false;
    done_ = true;
    *out = Batch();
    out->num_rows = 1;
    return true;
  }

 private:
  bool done_ = false;
};

class ValuesOperator : public Operator {
 public:
  ValuesOperator(const PlanNode& node, ExecContext& context) : node_(node), context_(context) {}
  bool Next(Batch* out) override {
    if (next_row_ >= node_.values.size()) return false;
    *out = Batch(node_.output_types);
    const size_t end = std::min(node_.values.size(), next_row_ + kBatchSize);
    for (; next_row_ < end; ++next_row_) {
      const auto& row = node_.values[next_row_];
      for (size_t column = 0; column < row.size(); ++column) {
        out->columns[column].AppendValue(EvaluateConstant(*row[column], context_));
      }
      ++out->num_rows;
    }
    return true;
  }

 private:
  const PlanNode& node_;
  ExecContext& context_;
  size_t next_row_ = 0;
};

class ScanOperator : public Operator {
 public:
  ScanOperator(const PlanNode& node, ExecContext& context)
      : node_(node),
        context_(context),
        partition_(context.only_partition >= 0 ? context.only_partition : 0),
        end_partition_(context.only_partition >= 0 ? context.only_partition + 1
                                                   : node.relation->data->num_partitions()),
        evaluate_predicate_(node.predicate != nullptr &&
                            !storage::FilterAppliesExactly(node.scan_filter, node.relation->data->column_types())),
        filter_(node.scan_filter) {
    // A scan without a WHERE of its own relies on its exact filter (a count(*) scan reading no column).
    TESSERA_CHECK(node.predicate != nullptr || node.scan_filter.empty() ||
                  storage::FilterApplies(node.scan_filter, node.relation->data->column_types()));
    // A top-N above asked for its nearest rows (engine/top_n.cc); the entry is this operator's alone.
    if (auto nearest = context.nearest_rows.find(&node); nearest != context.nearest_rows.end()) {
      if (!evaluate_predicate_) {
        filter_.nearest = nearest->second;
        filter_.nearest->bound = std::make_shared<storage::NearestBound>(nearest->second);
      }
      context.nearest_rows.erase(nearest);
    }
  }
  ~ScanOperator() override {
    ReportSegments();
    if (context_.profile && filter_.nearest) {
      const storage::NearestFigures& figures = filter_.nearest->bound->figures();
      NodeProfile& profile = context_.profile->For(node_);
      profile.nearest_rows_bounded.fetch_add(figures.rows_bounded, std::memory_order_relaxed);
      profile.nearest_rows_computed.fetch_add(figures.rows_computed, std::memory_order_relaxed);
      profile.nearest_rows_returned.fetch_add(figures.rows_returned, std::memory_order_relaxed);
    }
  }
  bool Next(Batch* out) override {
    const auto& data = *node_.relation->data;
    while (partition_ < end_partition_) {
      context_.CheckCancel();
      std::vector<storage::RowId> row_ids;
      const storage::ScanFilter* filter = filter_.empty() ? nullptr : &filter_;
      if (!data.Scan(partition_, position_, node_.column_ids, context_.snapshot, out,
                     node_.emit_row_ids ? &row_ids : nullptr, filter)) {
        ++partition_;
        ReportSegments();
        position_ = storage::ScanPosition();
        continue;
      }
      if (node_.emit_row_ids) {
        Vector ids(LogicalType(TypeId::kInt64), row_ids.size());
        std::copy(row_ids.begin(), row_ids.end(), ids.Data<int64_t>());
        out->columns.push_back(std::move(ids));
      }
      if (evaluate_predicate_) {
        auto rows = EvaluateFilter(*node_.predicate, *out, context_);
        if (rows.size() != out->num_rows) out->Compact(rows.data(), rows.size());
      }
      if (out->num_rows > 0) return true;
    }
    return false;
  }

 private:
  const PlanNode& node_;
  ExecContext& context_;
  // EXPLAIN ANALYZE: what the scan of the current partition did in segment files.
  void ReportSegments() {
    if (!context_.profile || position_.segment_row_groups == 0) return;
    NodeProfile& profile = context_.profile->For(node_);
    profile.segment_row_groups.fetch_add(position_.segment_row_groups, std::memory_order_relaxed);
    profile.segment_row_groups_skipped.fetch_add(position_.segment_row_groups_skipped, std::memory_order_relaxed);
    position_.segment_row_groups = 0;
    position_.segment_row_groups_skipped = 0;
  }

  int partition_;
  int end_partition_;
  // False when storage applies the exact scan filter, which keeps exactly the rows the WHERE keeps.
  bool evaluate_predicate_;
  // The node's filter, with the nearest rows of a top-N above when it has them.
  storage::ScanFilter filter_;
  storage::ScanPosition position_;
};

class FilterOperator : public Operator {
 public:
  FilterOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), child_(CreateOperator(*node.children[0], context)) {}
  bool Next(Batch* out) override {
    while (child_->Next(out)) {
      context_.CheckCancel();
      auto rows = EvaluateFilter(*node_.predicate, *out, context_);
      if (rows.empty()) continue;
      if (rows.size() != out->num_rows) out->Compact(rows.data(), rows.size());
      return true;
    }
    return false;
  }

 private:
  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
};

class ProjectOperator : public Operator {
 public:
  ProjectOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), child_(CreateOperator(*node.children[0], context)) {}
  bool Next(Batch* out) override {
    Batch input;
    if (!child_->Next(&input)) return false;
    out->columns.clear();
    for (const auto& expr : node_.expressions) out->columns.push_back(Evaluate(*expr, input, context_));
    out->num_rows = input.num_rows;
    return true;
  }

 private:
  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
};

// `op`, counted for EXPLAIN ANALYZE as `node`'s operator when the statement is profiled.
std::unique_ptr<Operator> WithProfile(std::unique_ptr<Operator> op, const PlanNode& node, ExecContext& context);

// Reads a LIMIT/OFFSET expression: NULL means none (-1); negatives are errors as in PostgreSQL.
int64_t LimitValue(const BoundExpr* expr, ExecContext& context, bool is_offset) {
  if (expr == nullptr) return is_offset ? 0 : -1;
  const Value value = EvaluateConstant(*expr, context);
  if (value.is_null()) return is_offset ? 0 : -1;
  const int64_t number = value.GetInt();
  if (number < 0) {
    if (is_offset) throw SqlError(SqlState::kInvalidRowCountInResultOffsetClause, "OFFSET must not be negative");
    throw SqlError(SqlState::kInvalidRowCountInLimitClause, "LIMIT must not be negative");
  }
  return number;
}

// LIMIT/OFFSET; with node.sort_keys (FETCH FIRST ... WITH TIES) also the rows after the limit that are
// peers of the last row within it.
class LimitOperator : public Operator {
 public:
  LimitOperator(const PlanNode& node, ExecContext& context)
      : node_(node),
        context_(context),
        limit_(LimitValue(node.limit.get(), context, false)),
        offset_(LimitValue(node.offset.get(), context, true)),
        child_(CreateChild()) {
    if (!node.sort_keys.empty() && limit_ < 0) {
      throw SqlError(SqlState::kInvalidRowCountInLimitClause, "row count cannot be null in FETCH FIRST ... WITH TIES clause");
    }
  }
  bool Next(Batch* out) override {
    while ((limit_ != 0 || in_ties_) && child_->Next(out)) {
      idx_t start = 0;
      if (offset_ > 0) {
        const idx_t skip = std::min<idx_t>(out->num_rows, static_cast<idx_t>(offset_));
        offset_ -= static_cast<int64_t>(skip);
        start = skip;
      }
      idx_t end = out->num_rows;
      if (limit_ >= 0) {
        end = std::min<idx_t>(end, start + static_cast<idx_t>(limit_));
        const bool reached = limit_ > 0 && limit_ == static_cast<int64_t>(end - start);
        limit_ -= static_cast<int64_t>(end - start);
        if (!node_.sort_keys.empty()) end = ExtendByTies(*out, start, end, reached);
      }
      if (end <= start) continue;
      if (start != 0 || end != out->num_rows) {
        std::vector<sel_t> rows;
        for (idx_t row = start; row < end; ++row) rows.push_back(static_cast<sel_t>(row));
        out->Compact(rows.data(), rows.size());
      }
      return true;
    }
    return false;
  }

 private:
  // The sort key values of `row`.
  std::vector<Value> TieKey(const std::vector<Vector>& keys, idx_t row) const {
    std::vector<Value> key;
    for (const Vector& column : keys) key.push_back(column.GetValue(row));
    return key;
  }

  // Returns the end of the rows to emit from `batch` after [start, end) with the peers of the last row
  // within the limit; `reached` says the limit ran out at `end`.
  idx_t ExtendByTies(const Batch& batch, idx_t start, idx_t end, bool reached) {
    if (!reached && !in_ties_) return end;
    std::vector<Vector> keys;
    for (const SortKey& key : node_.sort_keys) keys.push_back(Evaluate(*key.expr, batch, context_));
    if (reached) {
      last_key_ = TieKey(keys, end - 1);
      in_ties_ = true;
    }
    for (; end < batch.num_rows; ++end) {
      const std::vector<Value> key = TieKey(keys, end);
      for (size_t column = 0; column < key.size(); ++column) {
        if (CompareValues(key[column], last_key_[column]) != 0) {
          in_ties_ = false;
          return end;
        }
      }
    }
    return end;
  }

  // A sort below needs to produce only the rows this limit emits (not with WITH TIES, whose last peers
  // it cannot bound).
  std::unique_ptr<Operator> CreateChild() const {
    const PlanNode& child = *node_.children[0];
    constexpr int64_t kMaxBound = int64_t{1} << 40;
    if (child.kind == PlanKind::kSort && node_.sort_keys.empty() && limit_ >= 0 && limit_ < kMaxBound &&
        offset_ < kMaxBound) {
      return WithProfile(MakeTopNOperator(child, context_, static_cast<size_t>(limit_ + offset_)), child, context_);
    }
    return CreateOperator(child, context_);
  }

  const PlanNode& node_;
  ExecContext& context_;
  int64_t limit_;
  int64_t offset_;
  std::unique_ptr<Operator> child_;
  bool in_ties_ = false;         // the rows so far are peers of last_key_
  std::vector<Value> last_key_;  // sort key of the last row within the limit
};

// A set-returning function in FROM (generate_series, regexp_split_to_table), arguments constant.
class TableFunctionOperator : public Operator {
 public:
  TableFunctionOperator(const PlanNode& node, ExecContext& context) : node_(node) {
    std::vector<Value> args;
    for (const auto& arg : node.function_args) args.push_back(EvaluateConstant(*arg, context));
    run_ = StartSetFunction(node.function_name, node.output_types[0], args);
  }
  bool Next(Batch* out) override {
    *out = Batch(node_.output_types);
    Vector& column = out->columns[0];
    column.Resize(kBatchSize);
    idx_t rows = 0;
    while (rows < kBatchSize && run_->Next(column, rows)) ++rows;
    out->SetSize(rows);
    return rows > 0;
  }

 private:
  const PlanNode& node_;
  std::unique_ptr<SetFunctionRun> run_;
};

// Replays a list of batches computed up front.
class BatchListOperator : public Operator {
 public:
  explicit BatchListOperator(std::vector<Batch> batches) : batches_(std::move(batches)) {}
  bool Next(Batch* out) override {
    while (next_ < batches_.size()) {
      Batch& batch = batches_[next_++];
      if (batch.num_rows == 0) continue;
      *out = std::move(batch);
      return true;
    }
    return false;
  }

 private:
  std::vector<Batch> batches_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Operator> MakeBatchListOperator(std::vector<Batch> batches) {
  return std::make_unique<BatchListOperator>(std::move(batches));
}

Batch Materialize(Operator& op, const std::vector<LogicalType>& types, ExecContext& context) {
  Batch all(types);
  Batch batch;
  while (op.Next(&batch)) {
    context.CheckCancel();
    for (size_t column = 0; column < types.size(); ++column) all.columns[column].Append(batch.columns[column]);
    all.num_rows += batch.num_rows;
  }
  return all;
}

namespace {

// EXPLAIN ANALYZE: times each Next() of `inner` and counts its rows against the node's profile.
class ProfiledOperator : public Operator {
 public:
  ProfiledOperator(std::unique_ptr<Operator> inner, NodeProfile& profile) : inner_(std::move(inner)), profile_(profile) {
    profile_.loops.fetch_add(1, std::memory_order_relaxed);
  }
  bool Next(Batch* out) override {
    const auto start = std::chrono::steady_clock::now();
    const bool more = inner_->Next(out);
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
    profile_.nanoseconds.fetch_add(static_cast<uint64_t>(elapsed.count()), std::memory_order_relaxed);
    if (more) profile_.rows.fetch_add(out->num_rows, std::memory_order_relaxed);
    return more;
  }
  int64_t rows_affected() const override { return inner_->rows_affected(); }

 private:
  std::unique_ptr<Operator> inner_;
  NodeProfile& profile_;
};

std::unique_ptr<Operator> CreateUnprofiledOperator(const PlanNode& node, ExecContext& context);

std::unique_ptr<Operator> WithProfile(std::unique_ptr<Operator> op, const PlanNode& node, ExecContext& context) {
  if (!context.profile) return op;
  return std::make_unique<ProfiledOperator>(std::move(op), context.profile->For(node));
}

}  // namespace

std::unique_ptr<Operator> CreateOperator(const PlanNode& node, ExecContext& context) {
  return WithProfile(CreateUnprofiledOperator(node, context), node, context);
}

namespace {

std::unique_ptr<Operator> CreateUnprofiledOperator(const PlanNode& node, ExecContext& context) {
  // A parallel aggregate merges its tasks' states; a parallel sort runs per partition only as a top-N.
  if (node.kind != PlanKind::kAggregate && node.kind != PlanKind::kSort && RunsInParallel(node, context)) {
    return MakeGatherOperator(node, context);
  }
  switch (node.kind) {
    case PlanKind::kResult:
      return std::make_unique<ResultOperator>();
    case PlanKind::kValues:
      return std::make_unique<ValuesOperator>(node, context);
    case PlanKind::kScan:
      if (!node.relation->placement.empty()) return MakeDistributedScanOperator(node, context);
      return std::make_unique<ScanOperator>(node, context);
    case PlanKind::kIndexScan:
      return MakeIndexScanOperator(node, context);
    case PlanKind::kFilter:
      return std::make_unique<FilterOperator>(node, context);
    case PlanKind::kProject:
      return std::make_unique<ProjectOperator>(node, context);
    case PlanKind::kLimit:
      return std::make_unique<LimitOperator>(node, context);
    case PlanKind::kTableFunction:
      return std::make_unique<TableFunctionOperator>(node, context);
    case PlanKind::kVirtualTable:
      return std::make_unique<BatchListOperator>(node.virtual_table(context));
    case PlanKind::kMaterialize: {
      auto found = context.subquery_cache.find(&node);
      if (found == context.subquery_cache.end()) {
        found = context.subquery_cache.emplace(&node, RunPlan(*node.children[0], context)).first;
      }
      return std::make_unique<BatchListOperator>(found->second);
    }
    case PlanKind::kAggregate:
      return MakeAggregateOperator(node, context);
    case PlanKind::kHashJoin:
    case PlanKind::kNestedLoopJoin:
      return MakeJoinOperator(node, context);
    case PlanKind::kSort:
      return MakeSortOperator(node, context);
    case PlanKind::kDistinct:
      return MakeDistinctOperator(node, context);
    case PlanKind::kSetOperation:
      return MakeSetOperationOperator(node, context);
    case PlanKind::kWindow:
      return MakeWindowOperator(node, context);
    case PlanKind::kProjectSet:
      return MakeProjectSetOperator(node, context);
    case PlanKind::kInsert:
      if (!node.relation->placement.empty()) return MakeDistributedInsertOperator(node, context);
      return MakeDmlOperator(node, context);
    case PlanKind::kUpdate:
    case PlanKind::kDelete:
      return MakeDmlOperator(node, context);
    case PlanKind::kRecursiveUnion:
    case PlanKind::kWorkTable:
      return MakeRecursiveOperator(node, context);
    case PlanKind::kDistributedStatement:
      return MakeDistributedStatementOperator(node, context);
    case PlanKind::kDistributedFragment:
      return MakeDistributedFragmentOperator(node, context);
  }
  throw SqlError(SqlState::kInternalError, "internal error: unknown plan node");
}

}  // namespace

}  // namespace tessera::engine
