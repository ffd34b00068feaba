// SPDX-License-Identifier: Apache-2.0
// Sort, DISTINCT and set operations (UNION / INTERSECT / EXCEPT, with and without ALL).
#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "engine/operators_internal.h"
#include "engine/plan.h"
#include "engine/plan_profile.h"
#include "engine/row_key.h"

namespace tessera::engine {

namespace {

// Emits the rows of a materialised batch in the order of `order`, a batch at a time.
class OrderedEmitter {
 public:
  OrderedEmitter() = default;
  OrderedEmitter(Batch rows, std::vector<sel_t> order) : rows_(std::move(rows)), order_(std::move(order)) {}
  bool Next(Batch* out) {
    if (next_ >= order_.size()) return false;
    const size_t count = std::min<size_t>(kBatchSize, order_.size() - next_);
    out->columns.clear();
    for (const auto& column : rows_.columns) out->columns.push_back(column.Gather(order_.data() + next_, count));
    out->num_rows = count;
    next_ += count;
    return true;
  }

 private:
  Batch rows_;
  std::vector<sel_t> order_;
  size_t next_ = 0;
};

class SortOperator : public Operator {
 public:
  SortOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), child_(CreateOperator(*node.children[0], context)) {}

  bool Next(Batch* out) override {
    if (!sorted_) Sort();
    return emitter_.Next(out);
  }

 private:
  void Sort() {
    sorted_ = true;
    if (context_.profile != nullptr) context_.profile->For(node_).full_sorts.fetch_add(1, std::memory_order_relaxed);
    Batch rows = Materialize(*child_, node_.children[0]->output_types, context_);
    std::vector<Vector> keys;
    for (const auto& key : node_.sort_keys) keys.push_back(Evaluate(*key.expr, rows, context_));
    std::vector<sel_t> order(rows.num_rows);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](sel_t left, sel_t right) {
      return CompareSortKeys(node_.sort_keys, keys, left, keys, right) < 0;
    });
    emitter_ = OrderedEmitter(std::move(rows), std::move(order));
  }

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
  OrderedEmitter emitter_;
  bool sorted_ = false;
};

// Keeps the first row of each distinct key (all columns, or the leading DISTINCT ON columns).
class DistinctOperator : public Operator {
 public:
  DistinctOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), child_(CreateOperator(*node.children[0], context)) {}

  bool Next(Batch* out) override {
    while (child_->Next(out)) {
      context_.CheckCancel();
      const size_t key_columns =
          node_.distinct_on_count < 0 ? out->columns.size() : static_cast<size_t>(node_.distinct_on_count);
      std::vector<sel_t> keep;
      for (idx_t row = 0; row < out->num_rows; ++row) {
        std::string key;
        for (size_t column = 0; column < key_columns; ++column) AppendKey(key, out->columns[column], row);
        if (seen_.insert(std::move(key)).second) keep.push_back(static_cast<sel_t>(row));
      }
      if (keep.empty()) continue;
      if (keep.size() != out->num_rows) out->Compact(keep.data(), keep.size());
      return true;
    }
    return false;
  }

 private:
  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
  std::unordered_set<std::string> seen_;
};

class SetOperationOperator : public Operator {
 public:
  SetOperationOperator(const PlanNode& node, ExecContext& context)
      : node_(node),
        context_(context),
        left_(CreateOperator(*node.children[0], context)),
        right_(CreateOperator(*node.children[1], context)) {}

  bool Next(Batch* out) override {
    if (node_.set_operation == SetOperationKind::kUnion) return NextUnion(out);
    if (!right_counted_) CountRight();
    while (left_->Next(out)) {
      context_.CheckCancel();
      std::vector<sel_t> keep;
      for (idx_t row = 0; row < out->num_rows; ++row) {
        std::string key = RowKey(out->columns, row);
        auto found = right_counts_.find(key);
        const bool in_right = found != right_counts_.end() && found->second > 0;
        bool emit;
        if (node_.set_operation == SetOperationKind::kIntersect) {
          emit = in_right;
          if (emit) {
            if (node_.set_all) {
              --found->second;
            } else {
              found->second = 0;
            }
          }
        } else if (node_.set_all) {
          emit = !in_right;
          if (in_right) --found->second;
        } else {
          emit = !in_right && seen_.insert(key).second;
        }
        if (emit) keep.push_back(static_cast<sel_t>(row));
      }
      if (keep.empty()) continue;
      if (keep.size() != out->num_rows) out->Compact(keep.data(), keep.size());
      return true;
    }
    return false;
  }

 private:
  bool NextUnion(Batch* out) {
    while (true) {
      Operator& source = on_right_ ? *right_ : *left_;
      if (!source.Next(out)) {
        if (on_right_) return false;
        on_right_ = true;
        continue;
      }
      context_.CheckCancel();
      if (node_.set_all) return true;
      std::vector<sel_t> keep;
      for (idx_t row = 0; row < out->num_rows; ++row) {
        if (seen_.insert(RowKey(out->columns, row)).second) keep.push_back(static_cast<sel_t>(row));
      }
      if (keep.empty()) continue;
      if (keep.size() != out->num_rows) out->Compact(keep.data(), keep.size());
      return true;
    }
  }

  void CountRight() {
    right_counted_ = true;
    Batch batch;
    while (right_->Next(&batch)) {
      for (idx_t row = 0; row < batch.num_rows; ++row) ++right_counts_[RowKey(batch.columns, row)];
    }
  }

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> left_;
  std::unique_ptr<Operator> right_;
  bool on_right_ = false;
  bool right_counted_ = false;
  std::unordered_set<std::string> seen_;
  std::unordered_map<std::string, int64_t> right_counts_;
};

}  // namespace

int CompareSortKeys(const std::vector<SortKey>& keys, const std::vector<Vector>& left_keys, idx_t left,
                    const std::vector<Vector>& right_keys, idx_t right) {
  for (size_t index = 0; index < keys.size(); ++index) {
    const bool left_null = left_keys[index].IsNull(left);
    const bool right_null = right_keys[index].IsNull(right);
    if (left_null || right_null) {
      if (left_null == right_null) continue;
      return left_null == keys[index].nulls_first ? -1 : 1;
    }
    const int order = CompareCells(left_keys[index], left, right_keys[index], right);
    if (order != 0) return keys[index].descending ? -order : order;
  }
  return 0;
}

std::unique_ptr<Operator> MakeSortOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<SortOperator>(node, context);
}

std::unique_ptr<Operator> MakeDistinctOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<DistinctOperator>(node, context);
}

std::unique_ptr<Operator> MakeSetOperationOperator(const PlanNode& node, ExecContext& context) {
  // A parallel task reads one partition of one scan of a UNION ALL (engine/operators_internal.h).
  if (context.only_scan != nullptr && node.set_operation == SetOperationKind::kUnion && node.set_all) {
    return CreateOperator(ArmHolding(node, *context.only_scan), context);
  }
  return std::make_unique<SetOperationOperator>(node, context);
}

}  // namespace tessera::engine
