// SPDX-License-Identifier: Apache-2.0
// Distributed tables on a coordinator (docs/CLUSTER.md): a table's partitions are placed on the
// workers, each partition a shard table there named engine::ShardTableName(table oid, partition). The
// coordinator keeps the placement in the catalog (RelationInfo::placement); the rows live on the
// workers only.
//
// What exists: creating (placement and shard tables) and dropping distributed tables. Reading and
// writing them is not built yet and answers 0A000 (Binder::ResolveRelation).
// A reference table (WITH (distribution = 'reference')) has one partition per worker, each a full copy
// of the table; a worker added later gets no copy.
#pragma once

#include <string>

#include "engine/catalog.h"

namespace tessera::planner {

class Session;

// Partitions per worker a new distributed table gets.
constexpr size_t kPartitionsPerWorker = 8;

// A coordinator's CREATE TABLE: places the new table's partitions on the workers (round-robin) and
// creates its shard tables there. Without a shard_key option the primary key's first column is the shard
// key (as SingleStore does), else rows are spread round-robin. A reference table gets one partition, a
// full copy, on each worker. Throws 55000 without workers, 0A000
// inside a transaction block and for unique constraints without the shard key, and a worker's error
// (08006 when it cannot be reached); shard tables made before an error are dropped again.
void DistributeNewTable(Session& session, engine::RelationInfo& relation);

// The CREATE TABLE statement of partition `partition`'s shard table: the table's columns, NOT NULL and
// unique constraints. A partition move (planner/partition_move.h) creates the new copy with it too.
std::string ShardDefinition(const engine::RelationInfo& relation, size_t partition);

// DROP TABLE of a distributed table, after the catalog dropped it: drops its shard tables. A worker that
// cannot be reached keeps its shard tables (a notice says so); the table is gone from the catalog.
void DropShards(Session& session, const engine::RelationInfo& relation);

}  // namespace tessera::planner
