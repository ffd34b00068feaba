// SPDX-License-Identifier: Apache-2.0
// Top-N sort: ORDER BY ... LIMIT k [OFFSET m] keeps the first k + m rows in sort order without sorting
// (or holding) all the input. Rows go into a buffer of candidates; when it holds 2 * bound rows it is
// partially sorted and cut back to the best `bound`, whose last row becomes the threshold a new row must
// sort strictly before to be kept at all (an equal row came later in the input and loses the tie). The
// result is the full stable sort's first `bound` rows: ties keep input order through sequence numbers.
// Over a parallel section it runs per partition first and merges the partitions' rows.
#include <algorithm>
#include <numeric>

#include "engine/database.h"
#include "engine/operators_internal.h"
#include "engine/parallel.h"
#include "engine/plan.h"
#include "engine/plan_profile.h"
#include "engine/task_pool.h"
#include "simd/topk/topk.h"

namespace tessera::engine {
namespace {

class TopNOperator : public Operator {
 public:
  // Keeps the first `bound` rows of `child`'s (the rows of node.children[0], or of a PartitionTopN).
  TopNOperator(const PlanNode& node, ExecContext& context, std::unique_ptr<Operator> child, size_t bound)
      : node_(node), context_(context), child_(std::move(child)), bound_(bound) {
    const std::vector<LogicalType>& types = node.children[0]->output_types;
    candidates_ = Batch(types);
    for (const SortKey& key : node.sort_keys) candidate_keys_.emplace_back(key.expr->type);
  }

  bool Next(Batch* out) override {
    if (!done_) Run();
    if (next_ >= candidates_.num_rows) return false;
    const size_t count = std::min<size_t>(kBatchSize, candidates_.num_rows - next_);
    std::vector<sel_t> rows(count);
    std::iota(rows.begin(), rows.end(), static_cast<sel_t>(next_));
    out->columns.clear();
    for (const Vector& column : candidates_.columns) out->columns.push_back(column.Gather(rows.data(), count));
    out->num_rows = count;
    next_ += count;
    return true;
  }

 private:
  void Run() {
    done_ = true;
    if (context_.profile != nullptr) context_.profile->For(node_).top_n_sorts.fetch_add(1, std::memory_order_relaxed);
    Batch batch;
    while (bound_ > 0 && child_->Next(&batch)) {
      context_.CheckCancel();
      Add(batch);
      if (candidates_.num_rows >= 2 * bound_) Prune();
    }
    Prune();
  }

  // Appends the rows of `batch` that sort before the threshold (all of them while there is none).
  void Add(const Batch& batch) {
    std::vector<Vector> keys;
    for (const SortKey& key : node_.sort_keys) keys.push_back(Evaluate(*key.expr, batch, context_));
    std::vector<sel_t> keep;
    if (!KeepByKernel(keys, batch.num_rows, keep)) {
      for (idx_t row = 0; row < batch.num_rows; ++row) {
        if (!has_threshold_ || CompareSortKeys(node_.sort_keys, keys, row, candidate_keys_, bound_ - 1) < 0) {
          keep.push_back(static_cast<sel_t>(row));
        }
      }
    }
    if (keep.empty()) return;
    for (size_t column = 0; column < candidates_.columns.size(); ++column) {
      candidates_.columns[column].Append(batch.columns[column], keep.data(), keep.size());
    }
    for (size_t key = 0; key < keys.size(); ++key) candidate_keys_[key].Append(keys[key], keep.data(), keep.size());
    candidates_.num_rows += keep.size();
    for (size_t index = 0; index < keep.size(); ++index) sequence_.push_back(next_sequence_ + keep[index]);
    next_sequence_ += batch.num_rows;
  }

  // The rows before the threshold when the one sort key is a float8 in ascending order with NULLs last (a
  // distance, as ORDER BY v <-> '[...]'): a compare mask per block of values (simd/topk/topk.h) instead of
  // a comparison per row. NULL rows, whose values are garbage, never sort before a non-NULL threshold.
  // Returns false when the key is not of that kind.
  bool KeepByKernel(const std::vector<Vector>& keys, idx_t num_rows, std::vector<sel_t>& keep) const {
    if (!has_threshold_ || keys.size() != 1 || keys[0].type().id != TypeId::kFloat64) return false;
    const SortKey& key = node_.sort_keys[0];
    if (key.descending || key.nulls_first || candidate_keys_[0].IsNull(bound_ - 1)) return false;
    const double threshold = candidate_keys_[0].Data<double>()[bound_ - 1];
    keep.resize(num_rows);
    keep.resize(simd::SelectBelow(keys[0].Data<double>(), num_rows, threshold, keep.data()));
    if (keys[0].MayHaveNulls()) {
      std::erase_if(keep, [&](sel_t row) { return keys[0].IsNull(row); });
    }
    return true;
  }

  // Sorts the candidates' best `bound_` rows to the front in order and drops the rest.
  void Prune() {
    std::vector<sel_t> order(candidates_.num_rows);
    std::iota(order.begin(), order.end(), 0);
    const size_t kept = std::min(bound_, order.size());
    std::partial_sort(order.begin(), order.begin() + kept, order.end(), [&](sel_t left, sel_t right) {
      const int compared = CompareSortKeys(node_.sort_keys, candidate_keys_, left, candidate_keys_, right);
      return compared != 0 ? compared < 0 : sequence_[left] < sequence_[right];
    });
    // Copies, not gathers: the kept strings move to fresh heaps, so the batches they came from are freed.
    const auto keep_best = [&](Vector& vector) {
      Vector best(vector.type());
      best.AppendCopy(vector, order.data(), kept);
      vector = std::move(best);
    };
    for (Vector& column : candidates_.columns) keep_best(column);
    for (Vector& key : candidate_keys_) keep_best(key);
    std::vector<uint64_t> sequence(kept);
    for (size_t index = 0; index < kept; ++index) sequence[index] = sequence_[order[index]];
    sequence_ = std::move(sequence);
    candidates_.num_rows = kept;
    has_threshold_ = kept == bound_;
  }

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
  const size_t bound_;
  Batch candidates_;                    // input rows that may be among the first bound_
  std::vector<Vector> candidate_keys_;  // their sort key values
  std::vector<uint64_t> sequence_;      // their positions in the input
  uint64_t next_sequence_ = 0;
  bool has_threshold_ = false;  // candidates_ holds bound_ rows in order (after a Prune)
  bool done_ = false;
  size_t next_ = 0;
};

// A top-N keeps at most this many rows for its scan to narrow to nearest rows: beyond it, the sketch's
// thresholds cost more than the rows they save.
constexpr size_t kMaxNearestRows = 10000;

// The vector distance functions a nearest-rows scan bounds, with the metric and whether the key (the
// function's value) is the metric negated.
struct DistanceFunction {
  const char* name;
  storage::VectorMetric metric;
  bool negated;
};
constexpr DistanceFunction kDistanceFunctions[] = {
    {"<#>", storage::VectorMetric::kInnerProduct, true},
    {"inner_product", storage::VectorMetric::kInnerProduct, false},
    {"dot_product", storage::VectorMetric::kInnerProduct, false},
    {"<->", storage::VectorMetric::kSquaredL2, false},
    {"l2_distance", storage::VectorMetric::kSquaredL2, false},
    {"euclidean_distance", storage::VectorMetric::kSquaredL2, false},
};

// The scan below a top-N `sort` whose one key is a distance between a vector column of the scan and a
// constant (or parameter), through at most one projection, with the nearest rows that scan may narrow to
// (engine/exec_context.h, storage/vector_sketch.h); nullptr when the sort is not of that kind. A scan
// with a WHERE that storage does not apply exactly is not narrowed: the WHERE would drop rows after
// they set the threshold.
const PlanNode* NearestScan(const PlanNode& sort, ExecContext& context, size_t bound,
                            storage::NearestRows* nearest) {
  if (bound == 0 || bound > kMaxNearestRows || sort.sort_keys.size() != 1) return nullptr;
  const SortKey& key = sort.sort_keys[0];
  const BoundExpr* expr = key.expr.get();
  const PlanNode* below = sort.children[0].get();
  if (expr->kind == BoundExprKind::kColumn && expr->depth == 0 && below->kind == PlanKind::kProject) {
    expr = below->expressions[expr->column].get();
    // Rows left out are never projected: only projections that cannot fail or act on a row qualify.
    for (const BoundExprPtr& output : below->expressions) {
      if (output->kind != BoundExprKind::kColumn && output->kind != BoundExprKind::kConstant && output.get() != expr) {
        return nullptr;
      }
    }
    below = below->children[0].get();
  }
  if (below->kind != PlanKind::kScan || expr->kind != BoundExprKind::kFunction || expr->children.size() != 2) {
    return nullptr;
  }
  const PlanNode& scan = *below;
  if (!scan.relation || !scan.relation->data || !scan.relation->placement.empty() ||
      (scan.predicate != nullptr &&
       !storage::FilterAppliesExactly(scan.scan_filter, scan.relation->data->column_types()))) {
    return nullptr;
  }
  const DistanceFunction* function = nullptr;
  for (const DistanceFunction& candidate : kDistanceFunctions) {
    if (expr->function->name == candidate.name) function = &candidate;
  }
  if (function == nullptr) return nullptr;
  for (int side : {0, 1}) {
    const BoundExpr& column = *expr->children[side];
    const BoundExpr& query = *expr->children[1 - side];
    if (column.kind != BoundExprKind::kColumn || column.depth != 0 || column.type.id != TypeId::kVector ||
        query.type.id != TypeId::kVector || !(query.IsConstant() || query.kind == BoundExprKind::kParameter)) {
      continue;
    }
    const Value value = EvaluateConstant(query, context);
    if (value.is_null()) return nullptr;
    nearest->column = scan.column_ids[column.column];
    nearest->metric = function->metric;
    // Ascending by the function's value is ascending by the metric unless the function negates it.
    nearest->negate = function->negated != key.descending;
    nearest->query = value.GetString();
    nearest->limit = bound;
    return &scan;
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<Operator> MakeTopNOperator(const PlanNode& node, ExecContext& context, size_t bound) {
  // The scan's operators take the entry (engine/operators.cc); one left by an earlier run of this sort
  // (a subquery's, re-run with another bound) must not narrow a run that does not qualify.
  storage::NearestRows nearest;
  if (const PlanNode* scan = NearestScan(node, context, bound, &nearest)) {
    context.nearest_rows[scan] = nearest;
  } else {
    const PlanNode* below = node.children[0].get();
    while (below->kind == PlanKind::kProject) below = below->children[0].get();
    context.nearest_rows.erase(below);
  }
  if (RunsInParallel(node, context) && bound > 0) {
    // A parallel section's top-N (planner/parallel_selection.cc): one task per partition keeps its
    // partition's first `bound` rows, replayed in partition order, each task's in its sorted order. A
    // top-N over them gives the serial plan's rows: every row of the overall first `bound` is among its
    // partition's first `bound`, and equal rows keep the serial input order (partition, then position).
    auto per_partition = MakeGatherOperator(node, context, [&node, bound](ExecContext& task) -> std::unique_ptr<Operator> {
      return std::make_unique<TopNOperator>(node, task, CreateOperator(*node.children[0], task), bound);
    });
    return std::make_unique<TopNOperator>(node, context, std::move(per_partition), bound);
  }
  return std::make_unique<TopNOperator>(node, context, CreateOperator(*node.children[0], context), bound);
}

}  // namespace tessera::engine
