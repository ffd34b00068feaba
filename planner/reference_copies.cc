// SPDX-License-Identifier: Apache-2.0
// Adding and dropping copies of a reference table (planner/reference_copies.h).
#include "planner/reference_copies.h"

#include <algorithm>
#include <vector>

#include "engine/database.h"
#include "engine/partition_moves.h"

namespace tessera::planner {

namespace {

// Drops the last partition of reference table `table_oid` from its placement, its writers held, then
// its shard table once the reads begun before have ended. Does nothing when the table is gone or has
// one copy left.
void DropLastCopy(engine::ExecContext& context, uint32_t table_oid) {
  engine::Database& database = *context.database;
  engine::PartitionMoves& moves = database.partition_moves();
  uint32_t dropped_worker = 0;
  size_t dropped_partition = 0;
  {
    const engine::PartitionMoves::MoveGuard guard = moves.LockForMove(table_oid, 0);
    const engine::RelationPtr relation = database.catalog().FindRelationByOid(table_oid);
    if (relation == nullptr || relation->placement.size() < 2) return;
    std::vector<uint32_t> placement = relation->placement;
    dropped_worker = placement.back();
    dropped_partition = placement.size() - 1;
    placement.pop_back();
    if (!database.catalog().ReplacePlacement(table_oid, std::move(placement))) return;
    CheckpointCatalog(database, [&] { database.catalog().ReplacePlacement(table_oid, relation->placement); });
  }
  if (!moves.WaitForReadsBefore(moves.NextReadTicket(), [&context] { return context.IsCanceled(); })) {
    context.CheckCancel();  // the shard table is left for DropLeftoverShardTables
  }
  DropShardTableQuietly(database, dropped_worker, engine::ShardTableName(table_oid, dropped_partition));
}

}  // namespace

int64_t AddReferenceCopy(engine::ExecContext& context, uint32_t table_oid, uint32_t to_worker,
                         const MoveProgress& progress) {
  engine::Database& database = *context.database;
  const engine::RelationPtr relation = database.catalog().FindRelationByOid(table_oid);
  if (relation == nullptr || !relation->IsReferenceTable() || relation->placement.empty()) return 0;
  const std::vector<uint32_t>& placement = relation->placement;
  if (std::find(placement.begin(), placement.end(), to_worker) != placement.end()) return 0;
  const size_t destination = placement.size();
  // Runs holding copy 0, so no writer is between its look at the copies and its commit. Only one
  // rebalance runs at a time, so the placement changes only here.
  const auto switch_placement = [&database, table_oid, destination, to_worker] {
    const engine::RelationPtr current = database.catalog().FindRelationByOid(table_oid);
    if (current == nullptr || current->placement.size() != destination) return false;
    std::vector<uint32_t> added = current->placement;
    added.push_back(to_worker);
    if (!database.catalog().ReplacePlacement(table_oid, std::move(added))) return false;
    CheckpointCatalog(database, [&] { database.catalog().ReplacePlacement(table_oid, current->placement); });
    return true;
  };
  return CopyShard(context, ShardCopy{table_oid, 0, destination, to_worker}, progress, switch_placement).value_or(0);
}

void DropReferenceCopies(engine::ExecContext& context, uint32_t table_oid, uint32_t worker_id,
                         const MoveProgress& progress) {
  engine::Database& database = *context.database;
  for (;;) {
    context.CheckCancel();
    const engine::RelationPtr relation = database.catalog().FindRelationByOid(table_oid);
    if (relation == nullptr) return;
    const std::vector<uint32_t>& placement = relation->placement;
    const auto held = std::find(placement.begin(), placement.end(), worker_id);
    if (held == placement.end()) return;
    if (placement.size() == 1) {
      throw SqlError(SqlState::kObjectNotInPrerequisiteState, "worker " + std::to_string(worker_id) +
                                                                  " holds the only copy of reference table \"" +
                                                                  relation->name + "\"")
          .WithHint("Add another worker and run SELECT tessera.rebalance() first.");
    }
    // A copy that is not the last takes the last one's place: moved to the last one's worker, whose own
    // copy (the last partition) is then dropped.
    if (placement.back() != worker_id) {
      MovePartition(context, table_oid, static_cast<size_t>(held - placement.begin()), placement.back(), progress);
    }
    DropLastCopy(context, table_oid);
  }
}

}  // namespace tessera::planner
