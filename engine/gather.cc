// SPDX-License-Identifier: Apache-2.0
// Gather: runs a parallel section (filters and projections over one table scan, or a top-N over them)
// as one task per partition and replays the tasks' rows in partition order, the order the serial plan produces.
#include "engine/database.h"
#include "engine/operators_internal.h"
#include "engine/parallel.h"
#include "engine/plan.h"
#include "engine/task_pool.h"

namespace tessera::engine {

namespace {

class GatherOperator : public Operator {
 public:
  GatherOperator(const PlanNode& node, ExecContext& context, TaskOperatorFactory make_task)
      : node_(node), context_(context), make_task_(std::move(make_task)) {}

  bool Next(Batch* out) override {
    if (!gathered_) Gather();
    while (partition_ < results_.size()) {
      auto& batches = results_[partition_];
      if (next_batch_ < batches.size()) {
        *out = std::move(batches[next_batch_++]);
        return true;
      }
      batches.clear();
      ++partition_;
      next_batch_ = 0;
    }
    return false;
  }

 private:
  // Each task creates and drains its own serial operators over its own context (CreateOperator sees
  // only_partition set and does not go parallel again) and writes only results_[partition].
  void Gather() {
    gathered_ = true;
    const int partitions = PartitionsBelow(node_);
    auto contexts = MakeTaskContexts(context_, partitions, sibling_failed_);
    results_.resize(partitions);
    ParallelFor(context_.database->pool(), node_.parallel_workers, partitions, sibling_failed_,
                [&](int partition) {
                  auto op = make_task_(*contexts[partition]);
                  Batch batch;
                  while (op->Next(&batch)) results_[partition].push_back(std::move(batch));
                });
  }

  const PlanNode& node_;
  ExecContext& context_;
  const TaskOperatorFactory make_task_;
  std::atomic<bool> sibling_failed_{false};
  bool gathered_ = false;
  std::vector<std::vector<Batch>> results_;
  size_t partition_ = 0;
  size_t next_batch_ = 0;
};

}  // namespace

bool RunsInParallel(const PlanNode& node, const ExecContext& context) {
  return node.parallel_workers > 1 && context.only_partition < 0 && context.database != nullptr;
}

int PartitionsBelow(const PlanNode& node) {
  const PlanNode* current = &node;
  while (current->kind != PlanKind::kScan) current = current->children[0].get();
  return current->relation->data->num_partitions();
}

std::vector<std::unique_ptr<ExecContext>> MakeTaskContexts(const ExecContext& parent, int partitions,
                                                           const std::atomic<bool>& sibling_failed) {
  std::vector<SectionPiece> pieces;
  for (int partition = 0; partition < partitions; ++partition) pieces.push_back({nullptr, partition});
  return MakePieceContexts(parent, pieces, sibling_failed);
}

std::vector<SectionPiece> PiecesBelow(const PlanNode& node) {
  std::vector<SectionPiece> pieces;
  if (node.kind == PlanKind::kScan) {
    for (int partition = 0; partition < node.relation->data->num_partitions(); ++partition) pieces.push_back({&node, partition});
    return pieces;
  }
  for (const auto& child : node.children) {
    const std::vector<SectionPiece> below = PiecesBelow(*child);
    pieces.insert(pieces.end(), below.begin(), below.end());
  }
  return pieces;
}

std::vector<std::unique_ptr<ExecContext>> MakePieceContexts(const ExecContext& parent,
                                                            const std::vector<SectionPiece>& pieces,
                                                            const std::atomic<bool>& sibling_failed) {
  std::vector<std::unique_ptr<ExecContext>> contexts;
  for (const SectionPiece& piece : pieces) {
    auto context = std::make_unique<ExecContext>(parent);
    context->subquery_cache.clear();  // a parallel section holds no subqueries
    context->undo_log = nullptr;      // nor writes
    context->transaction = nullptr;
    context->only_partition = piece.partition;
    context->only_scan = piece.scan;
    context->sibling_failed = &sibling_failed;
    contexts.push_back(std::move(context));
  }
  return contexts;
}

namespace {

bool Holds(const PlanNode& node, const PlanNode& scan) {
  if (&node == &scan) return true;
  for (const auto& child : node.children) {
    if (Holds(*child, scan)) return true;
  }
  return false;
}

}  // namespace

const PlanNode& ArmHolding(const PlanNode& node, const PlanNode& scan) {
  for (const auto& child : node.children) {
    if (Holds(*child, scan)) return *child;
  }
  throw SqlError(SqlState::kInternalError, "internal error: a parallel task's scan is in no arm of its UNION ALL");
}

std::unique_ptr<Operator> MakeGatherOperator(const PlanNode& node, ExecContext& context) {
  return MakeGatherOperator(node, context, [&node](ExecContext& task) { return CreateOperator(node, task); });
}

std::unique_ptr<Operator> MakeGatherOperator(const PlanNode& node, ExecContext& context, TaskOperatorFactory make_task) {
  return std::make_unique<GatherOperator>(node, context, std::move(make_task));
}

}  // namespace tessera::engine
