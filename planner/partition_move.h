// SPDX-License-Identifier: Apache-2.0
// Moving one partition of a distributed table from its worker to another, online (docs/CLUSTER.md,
// tessera.rebalance). The steps, run by the coordinator:
//   1. create the shard table on the new worker (dropping what a crashed move may have left there), with
//      an extra column kMoveRowColumn (planner/partition_copy_function.h), open a REPEATABLE READ
//      transaction on the old worker and have it copy the rows its snapshot sees, each with its row id
//      there, straight into the new worker by binary COPY (tessera.copy_partition) while writes go on;
//   2. hold the partition against writers (engine/partition_moves.h: its writers wait, reads go on);
//      if a writer held the partition since the copy began, have the old worker apply to the new copy
//      what changed since that snapshot (tessera.copy_partition_changes: rows deleted by their old row
//      ids, rows added); then drop the extra column;
//   3. switch the placement in the catalog and write a checkpoint, so the switch is durable before any
//      writer can use it; then let writers go (they now write to the new copy);
//   4. wait until every read that began before the switch has ended, and drop the old shard table.
// Writers of the partition thus wait for the catch-up and the switch only. A crash before the
// checkpoint of step 3 keeps the old placement (the old copy has every row), a crash after it the new
// one; either way one copy is left over, which DropLeftoverShardTables removes later.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "engine/catalog.h"
#include "engine/exec_context.h"

namespace tessera::planner {

// What a move reports as it goes.
struct MoveProgress {
  // Rows copied in step 1 and their size in memory on the old worker.
  std::function<void(int64_t rows, int64_t bytes)> copied;
  // Rows deleted plus added in the new copy by the catch-up of step 2, writers held back.
  std::function<void(int64_t rows)> caught_up;
};

// One copy of a shard table to another worker, the steps 1 and 2 above: partition `source`'s shard table
// (whose writers are held for the catch-up) copied to a new shard table, partition `destination`'s, on
// worker `to_worker`. A move copies a partition to itself elsewhere; a reference table's new copy
// (planner/reference_copies.h) is copy 0 copied to a new last partition.
struct ShardCopy {
  uint32_t table_oid = 0;
  size_t source = 0;
  size_t destination = 0;
  uint32_t to_worker = 0;
};

// Runs steps 1 and 2 for `copy`, then `switch_placement` (step 3: it changes the catalog durably and
// returns false when the table is gone), still holding the writers of `copy.source`. Returns the rows in
// the copy kept; nullopt when the table or partition is gone (the new copy is dropped then). Throws as
// MovePartition, the new copy dropped.
std::optional<int64_t> CopyShard(engine::ExecContext& context, const ShardCopy& copy, const MoveProgress& progress,
                                 const std::function<bool()>& switch_placement);

// Writes a checkpoint, so that a catalog change made just before is durable; on failure calls `undo`
// (which puts the change back) and throws.
void CheckpointCatalog(engine::Database& database, const std::function<void()>& undo);

// Drops `shard` on worker `worker_id`; a worker that cannot be reached (or is gone) keeps it for
// DropLeftoverShardTables.
void DropShardTableQuietly(engine::Database& database, uint32_t worker_id, const std::string& shard);

// Moves partition `partition` of table `table_oid` to worker `to_worker` and returns the rows in the
// copy kept.
// Throws a worker's error (08006 when it cannot be reached) with the old placement still in force; 57014
// when canceled (after the switch, the old copy is left for DropLeftoverShardTables).
int64_t MovePartition(engine::ExecContext& context, uint32_t table_oid, size_t partition, uint32_t to_worker,
                      const MoveProgress& progress);

// Drops the shard tables on the workers that the placement does not name there (copies of moves a crash
// or a failure interrupted). Shard tables of tables the catalog does not know are left alone (a CREATE
// TABLE may be making them); so are workers that cannot be reached. Returns the tables dropped.
int64_t DropLeftoverShardTables(engine::ExecContext& context);

}  // namespace tessera::planner
