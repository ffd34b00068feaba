// SPDX-License-Identifier: Apache-2.0
// INSERT into a distributed table on a coordinator (docs/CLUSTER.md): the rows, computed here in table
// column order, go through a DistributedWriter (engine/distributed.h) to their partitions.
//
// RETURNING is evaluated here on the rows as written, in the order they came, and returned once the
// write committed. ON CONFLICT DO NOTHING holds the table's write lock (engine/global_unique.h) and
// drops, before writing each batch, the rows whose arbiter key the table holds already (over every
// partition, as the writer's own transactions see them) or an earlier row of the batch has.
// ON CONFLICT DO UPDATE goes through a DistributedUpsert (engine/distributed_upsert.h).
#include <memory>
#include <optional>

#include "engine/distributed.h"
#include "engine/distributed_upsert.h"
#include "engine/expression.h"
#include "engine/global_unique.h"
#include "engine/operators_internal.h"
#include "engine/plan.h"

namespace tessera::engine {

namespace {

class DistributedInsertOperator : public Operator {
 public:
  DistributedInsertOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), child_(CreateOperator(*node.children[0], context)) {}

  bool Next(Batch* out) override {
    if (!written_) Write();
    if (next_returned_ >= returned_.size()) return false;
    *out = std::move(returned_[next_returned_++]);
    return true;
  }

  int64_t rows_affected() const override { return rows_affected_; }

 private:
  const RelationInfo& relation() const { return *node_.relation; }

  void Write() {
    written_ = true;
    DistributedWriter writer(relation(), context_);
    std::optional<DistributedUpsert> upsert;
    if (node_.on_conflict_do_nothing || node_.on_conflict_update) writer.LockTable();
    if (node_.on_conflict_update) upsert.emplace(node_, context_, writer);
    Batch input;
    while (child_->Next(&input)) {
      if (node_.on_conflict_do_nothing) DropConflicts(writer, input);
      if (input.num_rows == 0) continue;
      if (upsert) {
        input = upsert->Apply(input);
      } else {
        writer.Write(input);
      }
      if (!node_.returning.empty() && input.num_rows > 0) returned_.push_back(Returning(input));
    }
    rows_affected_ = writer.Commit() + (upsert ? upsert->rows_updated() : 0);
  }

  // Drops the rows of `rows` whose key of an arbiter index exists (DO NOTHING), one arbiter after
  // another: the named one, or every unique index without a target.
  void DropConflicts(DistributedWriter& writer, Batch& rows) {
    for (size_t number = 0; number < relation().indexes.size() && rows.num_rows > 0; ++number) {
      const IndexInfo& index = relation().indexes[number];
      const bool arbiter = node_.conflict_index < 0 ? index.unique : static_cast<int>(number) == node_.conflict_index;
      if (!arbiter) continue;
      const std::vector<bool> existing = ExistingKeys(*context_.database, writer.transaction(), relation(), index, rows);
      std::vector<sel_t> kept;
      for (idx_t row = 0; row < rows.num_rows; ++row) {
        if (!existing[row]) kept.push_back(static_cast<sel_t>(row));
      }
      if (kept.size() < rows.num_rows) rows.Compact(kept.data(), kept.size());
    }
  }

  Batch Returning(const Batch& written) {
    Batch out;
    for (const auto& expr : node_.returning) out.columns.push_back(Evaluate(*expr, written, context_));
    out.num_rows = written.num_rows;
    return out;
  }

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
  bool written_ = false;
  std::vector<Batch> returned_;  // RETURNING rows, sent once the write committed
  size_t next_returned_ = 0;
  int64_t rows_affected_ = 0;
};

}  // namespace

std::unique_ptr<Operator> MakeDistributedInsertOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<DistributedInsertOperator>(node, context);
}

}  // namespace tessera::engine
