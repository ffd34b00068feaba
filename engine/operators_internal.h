// SPDX-License-Identifier: Apache-2.0
// Factories of the operators that live in their own files (private to engine/).
#pragma once

#include <functional>

#include <atomic>
#include <memory>
#include <vector>

#include "engine/operator.h"

namespace tessera::engine {

struct PlanNode;
struct SortKey;

std::unique_ptr<Operator> MakeIndexScanOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeAggregateOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeJoinOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeSortOperator(const PlanNode& node, ExecContext& context);
// A kSort node whose consumer needs only its first `bound` rows (LIMIT + OFFSET): the same rows in the
// same order as the full stable sort's, from a bounded buffer (engine/top_n.cc).
std::unique_ptr<Operator> MakeTopNOperator(const PlanNode& node, ExecContext& context, size_t bound);
// Orders row `left` of `left_keys` against row `right` of `right_keys` (the evaluated `keys`) as ORDER BY
// does: each key ascending or descending, NULLs first or last. Returns <0, 0 or >0.
int CompareSortKeys(const std::vector<SortKey>& keys, const std::vector<Vector>& left_keys, idx_t left,
                    const std::vector<Vector>& right_keys, idx_t right);
std::unique_ptr<Operator> MakeDistinctOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeSetOperationOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeWindowOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeProjectSetOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeDmlOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeRecursiveOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeBatchListOperator(std::vector<Batch> batches);
// Distributed tables on a coordinator (engine/distributed.cc): kScan and kInsert of a relation with a
// placement.
std::unique_ptr<Operator> MakeDistributedScanOperator(const PlanNode& node, ExecContext& context);
std::unique_ptr<Operator> MakeDistributedInsertOperator(const PlanNode& node, ExecContext& context);
// kDistributedStatement (engine/distributed_statement.cc).
std::unique_ptr<Operator> MakeDistributedStatementOperator(const PlanNode& node, ExecContext& context);
// The partitions a scan of a distributed table reads: the one an equality on the shard key pins, else all.
std::vector<size_t> PartitionsToRead(const PlanNode& scan);

// Parallel sections (engine/gather.cc). True when `node` is marked parallel and `context` is not
// already a task's (tasks run their part of the section serially).
bool RunsInParallel(const PlanNode& node, const ExecContext& context);
// The partition count of the one table scan in the chain below `node`.
int PartitionsBelow(const PlanNode& node);
// One context per task: copies of `parent` that read only partition `index` and stop when a sibling
// task failed.
std::vector<std::unique_ptr<ExecContext>> MakeTaskContexts(const ExecContext& parent, int partitions,
                                                           const std::atomic<bool>& sibling_failed);
// A parallel aggregate's section may hold a UNION ALL of chains (planner/parallel_selection.cc); its
// tasks then read pieces: a partition of one of its scans, in the order the serial plan reads them.
struct SectionPiece {
  const PlanNode* scan;
  int partition;
};
std::vector<SectionPiece> PiecesBelow(const PlanNode& node);
// One context per piece, as MakeTaskContexts; a task's UNION ALL reads only the arm of its piece's scan.
std::vector<std::unique_ptr<ExecContext>> MakePieceContexts(const ExecContext& parent,
                                                            const std::vector<SectionPiece>& pieces,
                                                            const std::atomic<bool>& sibling_failed);
// The child of a UNION ALL `node` that holds `scan`. REQUIRES: one of them does.
const PlanNode& ArmHolding(const PlanNode& node, const PlanNode& scan);
// Runs the chain under `node` (inclusive) per partition in parallel and returns its rows in partition
// order.
std::unique_ptr<Operator> MakeGatherOperator(const PlanNode& node, ExecContext& context);
// The same with each task's operator made by `make_task` from the task's context (engine/top_n.cc: a
// top-N per partition).
using TaskOperatorFactory = std::function<std::unique_ptr<Operator>(ExecContext& task)>;
std::unique_ptr<Operator> MakeGatherOperator(const PlanNode& node, ExecContext& context, TaskOperatorFactory make_task);

}  // namespace tessera::engine
