// SPDX-License-Identifier: Apache-2.0
// tessera.rebalance() and tessera.drain_worker(host, port) on a coordinator (docs/CLUSTER.md): plan
// which partitions go where, then move them one at a time, online (planner/partition_move.h). Progress
// shows in the view tessera.rebalance_progress (engine/partition_moves.h).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/catalog.h"
#include "engine/function/scalar_function.h"

namespace tessera::planner {

// One partition to move.
struct PlannedMove {
  uint32_t table_oid = 0;
  size_t partition = 0;
  uint32_t to_worker = 0;
};

// The fewest moves after which every distributed table has as many partitions on each of `workers` as
// on any other, give or take one; partitions on other workers stay. Ties go to the lower worker id, so
// the plan is deterministic.
std::vector<PlannedMove> PlanRebalance(const std::vector<engine::RelationPtr>& relations,
                                       const std::vector<engine::WorkerInfo>& workers);

// The moves that take every partition off worker `drained`, each to the other of `workers` holding the
// fewest partitions of its table. REQUIRES: `workers` holds `drained` and another worker.
std::vector<PlannedMove> PlanDrain(const std::vector<engine::RelationPtr>& relations,
                                   const std::vector<engine::WorkerInfo>& workers, uint32_t drained);

// Registers tessera.rebalance() and tessera.drain_worker(text, int4), both returning the partitions
// moved.
void RegisterRebalanceFunctions(engine::FunctionRegistry& registry);

}  // namespace tessera::planner
