// SPDX-License-Identifier: Apache-2.0
// Adding and dropping copies of a reference table (docs/CLUSTER.md) on a coordinator, online, for
// tessera.rebalance and tessera.drain_worker (planner/rebalance.h). A reference table's placement lists
// one partition per copy; partition p is the shard table t<oid>_p<p> on worker placement[p].
//   Adding a copy on a worker: copy 0 is copied worker to worker into a new last partition, writes going
//   on, exactly as a partition move copies (planner/partition_move.h, CopyShard): its writers hold copy 0
//   before they look at the copies (engine/distributed.h), so holding copy 0 around the catch-up and the
//   switch holds them all, and a writer let go afterwards writes the new copy too.
//   Dropping a worker's copy: the placement can only lose its last partition (the names of the others
//   stay); a copy that is not last is first moved to the worker of the last one (a partition move), then
//   the last partition is dropped from the placement, writers held, and its shard table once the reads
//   begun before have ended.
#pragma once

#include <cstdint>

#include "engine/exec_context.h"
#include "planner/partition_move.h"

namespace tessera::planner {

// Copies reference table `table_oid` to worker `to_worker` as its new last partition; returns the rows
// copied (0 when the table is gone). Throws as MovePartition, the placement unchanged.
int64_t AddReferenceCopy(engine::ExecContext& context, uint32_t table_oid, uint32_t to_worker,
                         const MoveProgress& progress);

// Drops the copies of reference table `table_oid` on worker `worker_id` from its placement. Throws 55000
// when that worker holds the table's only copy.
void DropReferenceCopies(engine::ExecContext& context, uint32_t table_oid, uint32_t worker_id,
                         const MoveProgress& progress);

}  // namespace tessera::planner
