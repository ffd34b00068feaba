// SPDX-License-Identifier: Apache-2.0
// Index scan: looks the matching row ids up in an index once, then fetches those rows a batch at a time,
// skipping row versions the statement's snapshot does not see (index entries outlive deleted versions).
#include <algorithm>

#include "engine/operators_internal.h"
#include "engine/plan.h"

namespace tessera::engine {

namespace {

class IndexScanOperator : public Operator {
 public:
  IndexScanOperator(const PlanNode& node, ExecContext& context) : node_(node), context_(context) {}

  bool Next(Batch* out) override {
    if (!looked_up_) LookUp();
    const auto& data = *node_.relation->data;
    while (next_ < rows_.size()) {
      context_.CheckCancel();
      *out = Batch(node_.output_types);
      for (; next_ < rows_.size() && out->num_rows < kBatchSize; ++next_) {
        const storage::RowId row = rows_[next_];
        if (!data.IsVisible(row, context_.snapshot)) continue;
        for (size_t column = 0; column < node_.column_ids.size(); ++column) {
          out->columns[column].AppendValue(data.Fetch(row, node_.column_ids[column]));
        }
        if (node_.emit_row_ids) out->columns.back().AppendValue(Value::Int64(row));
        ++out->num_rows;
      }
      if (node_.predicate && out->num_rows > 0) {
        auto selected = EvaluateFilter(*node_.predicate, *out, context_);
        if (selected.size() != out->num_rows) out->Compact(selected.data(), selected.size());
      }
      if (out->num_rows > 0) return true;
    }
    return false;
  }

 private:
  // Collects the matching row ids, in row id order (the order a sequential scan meets them) and without
  // duplicates (an IN list may name a value twice).
  void LookUp() {
    looked_up_ = true;
    const Index& index = *node_.relation->indexes[node_.index_number].index;
    if (!node_.index_lookups.empty()) {
      for (const auto& lookup : node_.index_lookups) {
        std::vector<Value> key;
        for (const auto& expr : lookup) key.push_back(EvaluateConstant(*expr, context_));
        auto found = index.Lookup(key);
        rows_.insert(rows_.end(), found.begin(), found.end());
      }
    } else {
      std::optional<Value> lower, upper;
      if (node_.range_lower) lower = EvaluateConstant(*node_.range_lower, context_);
      if (node_.range_upper) upper = EvaluateConstant(*node_.range_upper, context_);
      // A comparison with NULL is never true.
      if ((lower && lower->is_null()) || (upper && upper->is_null())) return;
      rows_ = index.Range(lower, node_.lower_inclusive, upper, node_.upper_inclusive);
    }
    std::sort(rows_.begin(), rows_.end());
    rows_.erase(std::unique(rows_.begin(), rows_.end()), rows_.end());
  }

  const PlanNode& node_;
  ExecContext& context_;
  bool looked_up_ = false;
  std::vector<storage::RowId> rows_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Operator> MakeIndexScanOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<IndexScanOperator>(node, context);
}

}  // namespace tessera::engine
