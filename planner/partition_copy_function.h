// SPDX-License-Identifier: Apache-2.0
// The worker side of an online partition move (planner/partition_move.h): the old worker sends the
// partition's shard table straight to the new worker by binary COPY, and later only what changed.
//   tessera.copy_partition(shard text, target text, destination text) -> text
// reads every row of the local shard table `shard` that the statement's snapshot sees and appends it,
// with its row id on this worker as a last int8 column kMoveRowColumn, to table `destination` on worker
// `target` ("host:port"); returns "<rows> <bytes>" (bytes: the rows' size in memory here).
//   tessera.copy_partition_changes(shard text, target text, destination text) -> int8
// must run later in the same REPEATABLE READ transaction: it brings `destination` from that
// transaction's snapshot to the latest commits, deleting there the rows (by their kMoveRowColumn) that
// the snapshot saw and the latest commits do not, and appending those the latest commits see and the
// snapshot did not (an UPDATE is both); returns the rows deleted plus appended.
// Row ids are stable on a worker (no vacuum), and versions created after a snapshot held by a
// transaction keep their commit sequence numbers (the flusher freezes only versions every held snapshot
// sees), so the two snapshots tell exactly what changed. Only user tessera_cluster may call them, on a
// worker (planner/worker_copy.h).
#pragma once

#include "engine/function/scalar_function.h"

namespace tessera::planner {

// The column that carries the old worker's row ids in the new copy until the move switches over.
inline constexpr const char* kMoveRowColumn = "tessera_move_row";

void RegisterPartitionCopyFunctions(engine::FunctionRegistry& registry);

}  // namespace tessera::planner
