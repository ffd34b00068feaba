// SPDX-License-Identifier: Apache-2.0
// tessera.rebalance(), tessera.drain_worker(host, port) and tessera.activate_worker(host, port) on a
// coordinator (docs/CLUSTER.md): plan which partitions go where, then move them one at a time, online
// (planner/partition_move.h), and add or drop copies of reference tables (planner/reference_copies.h).
// Progress shows in the view tessera.rebalance_progress (engine/partition_moves.h).
//
// A worker being drained is marked `draining` in the catalog (durably) before anything moves, and stays
// so when the drain fails or is interrupted: new tables place nothing on it, a rebalance moves nothing
// onto it and empties it (when it answers), and tessera.activate_worker makes it active again.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/catalog.h"
#include "engine/function/scalar_function.h"

namespace tessera::planner {

enum class MoveKind {
  kMove,      // partition `partition` goes to worker `to_worker`
  kAddCopy,   // reference table: a copy goes to worker `to_worker`
  kDropCopy,  // reference table: the copy on worker `to_worker` goes
};

// One step of a rebalance.
struct PlannedMove {
  uint32_t table_oid = 0;
  size_t partition = 0;
  uint32_t to_worker = 0;
  MoveKind kind = MoveKind::kMove;
};

// The fewest moves after which every distributed table has as many partitions on each of the workers
// of `workers` that are not draining as on any other, give or take one, and none on the draining ones
// (moved first, each to the emptiest); partitions on other workers stay. Ties go to the lower worker id,
// so the plan is deterministic.
std::vector<PlannedMove> PlanRebalance(const std::vector<engine::RelationPtr>& relations,
                                       const std::vector<engine::WorkerInfo>& workers);

// The moves that take every partition off worker `drained`, each to the other of `workers` holding the
// fewest partitions of its table. REQUIRES: `workers` holds `drained` and another worker.
std::vector<PlannedMove> PlanDrain(const std::vector<engine::RelationPtr>& relations,
                                   const std::vector<engine::WorkerInfo>& workers, uint32_t drained);

// For reference tables: a copy for each of `workers` not draining that lacks one, and the drop of each
// copy on a draining one (after the copies are added).
std::vector<PlannedMove> PlanReferenceCopies(const std::vector<engine::RelationPtr>& reference_tables,
                                             const std::vector<engine::WorkerInfo>& workers);

// Registers tessera.rebalance() and tessera.drain_worker(text, int4), both returning the partitions
// moved plus the reference table copies added or dropped, and tessera.activate_worker(text, int4),
// returning the worker's id.
void RegisterRebalanceFunctions(engine::FunctionRegistry& registry);

}  // namespace tessera::planner
