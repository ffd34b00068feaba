// SPDX-License-Identifier: Apache-2.0
// WITH RECURSIVE: the recursive union (anchor, then the recursive term run again and again over the rows
// the previous iteration produced, until one produces none) and the work table scan its recursive term
// reads. UNION (not ALL) drops rows already produced by any iteration, so cyclic data terminates.
// There is no iteration limit: a runaway query stops only when cancelled.
#include <unordered_set>

#include "engine/operators_internal.h"
#include "engine/plan.h"
#include "engine/row_key.h"

namespace tessera::engine {

namespace {

class RecursiveUnionOperator : public Operator {
 public:
  RecursiveUnionOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), term_(CreateOperator(*node.children[0], context)) {}

  ~RecursiveUnionOperator() override { context_.work_tables.erase(node_.work_table.get()); }

  bool Next(Batch* out) override {
    while (term_ != nullptr) {
      context_.CheckCancel();
      if (!term_->Next(out)) {
        StartIteration();
        continue;
      }
      if (!node_.set_all) DropSeenRows(out);
      if (out->num_rows == 0) continue;
      produced_.push_back(*out);
      return true;
    }
    return false;
  }

 private:
  // Runs the recursive term over the rows the last term produced, or ends when there were none.
  void StartIteration() {
    term_.reset();
    work_rows_ = std::move(produced_);
    produced_.clear();
    if (work_rows_.empty()) {
      context_.work_tables.erase(node_.work_table.get());
      return;
    }
    context_.work_tables[node_.work_table.get()] = &work_rows_;
    term_ = CreateOperator(*node_.children[1], context_);
  }

  void DropSeenRows(Batch* rows) {
    std::vector<sel_t> keep;
    for (idx_t row = 0; row < rows->num_rows; ++row) {
      if (seen_.insert(RowKey(rows->columns, row)).second) keep.push_back(static_cast<sel_t>(row));
    }
    if (keep.size() != rows->num_rows) rows->Compact(keep.data(), keep.size());
  }

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> term_;  // the anchor first, then each iteration's recursive term
  std::vector<Batch> work_rows_;    // read by the running recursive term
  std::vector<Batch> produced_;     // rows of the running term: the next iteration's work table
  std::unordered_set<std::string> seen_;
};

// Replays the work table of the iteration that was current when it was created.
class WorkTableScanOperator : public Operator {
 public:
  WorkTableScanOperator(const PlanNode& node, ExecContext& context) {
    auto found = context.work_tables.find(node.work_table.get());
    if (found == context.work_tables.end()) {
      throw SqlError(SqlState::kInternalError, "internal error: work table of \"" + node.work_table->name + "\" is not set");
    }
    rows_ = found->second;
  }

  bool Next(Batch* out) override {
    while (next_ < rows_->size()) {
      const Batch& batch = (*rows_)[next_++];
      if (batch.num_rows == 0) continue;
      *out = batch;
      return true;
    }
    return false;
  }

 private:
  const std::vector<Batch>* rows_;  // owned by the recursive union operator, which outlives this one
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Operator> MakeRecursiveOperator(const PlanNode& node, ExecContext& context) {
  if (node.kind == PlanKind::kWorkTable) return std::make_unique<WorkTableScanOperator>(node, context);
  return std::make_unique<RecursiveUnionOperator>(node, context);
}

}  // namespace tessera::engine
