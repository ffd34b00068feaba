// SPDX-License-Identifier: Apache-2.0
// Distributed tables on a coordinator (docs/CLUSTER.md): a table's partitions are placed on the
// workers, each partition a shard table there named engine::ShardTableName(table oid, partition). The
// coordinator keeps the placement in the catalog (RelationInfo::placement); the rows live on the
// workers only.
//
// What exists: creating (placement and shard tables) and dropping distributed tables, and forwarding DDL
// (indexes, ALTER TABLE, TRUNCATE) to the shard tables.
// A reference table (WITH (distribution = 'reference')) has one partition per worker, each a full copy
// of the table; a worker added later gets no copy.
#pragma once

#include <functional>
#include <string>

#include "engine/catalog.h"

namespace tessera::planner {

class Session;

// Partitions per worker a new distributed table gets.
constexpr size_t kPartitionsPerWorker = 8;

// A coordinator's CREATE TABLE: places the new table's partitions on the workers (round-robin) and
// creates its shard tables there. Without a shard_key option the primary key's first column is the shard
// key (as SingleStore does), else a column that every unique constraint has, else rows are spread
// round-robin. A reference table gets one partition, a full copy, on each worker. Unique constraints
// without the shard key are global (engine/global_unique.h). Throws 55000 without workers and a worker's
// error (08006 when it cannot be reached); shard tables made before an error are dropped again (in a
// block, by its rollback).
void DistributeNewTable(Session& session, engine::RelationInfo& relation);

// The CREATE TABLE statement of partition `partition`'s shard table: the table's columns, NOT NULL and
// unique constraints. A partition move (planner/partition_move.h) creates the new copy with it too.
std::string ShardDefinition(const engine::RelationInfo& relation, size_t partition);

// DROP TABLE of a distributed table, after the catalog dropped it: drops its shard tables. A worker that
// cannot be reached keeps its shard tables (a notice says so); the table is gone from the catalog. In a
// transaction block a worker's error is the statement's (ROLLBACK brings the shard tables back).
void DropShards(Session& session, const engine::RelationInfo& relation);

// CREATE INDEX on a distributed table, after the coordinator's catalog has `index`: creates it on every
// shard table (as tessera_shards.i<index oid>_p<partition>). A global unique index (without the shard
// key) is first checked across partitions under the table's write lock. Throws 23505 when the table
// holds duplicates, and ExecuteOnShards' errors.
void CreateShardIndexes(Session& session, const engine::RelationInfo& relation, const engine::IndexInfo& index);

// DROP INDEX of a distributed table's index, after the coordinator's catalog dropped it: drops it on
// every shard table.
void DropShardIndexes(Session& session, const engine::RelationInfo& relation, const engine::IndexInfo& index);

// DDL on a distributed table (ALTER TABLE, CREATE/DROP INDEX, TRUNCATE), after the coordinator's catalog
// changed: runs `statements_for(partition)` (SQL text, possibly several statements, naming the
// partition's shard table) for each partition, in one transaction per worker, and commits on the workers
// only when every worker succeeded, so a shard's error (23505, 23502, ...) leaves every shard as it was.
// The coordinator's change is then undone by the statement's failure. A worker lost between the commits
// keeps its old definition (outside a block DDL commits one worker after the other).
// Inside a transaction block the statements run in the block's worker transactions
// (SessionState::worker_block), which the block's COMMIT commits (two-phase when several workers) and
// its ROLLBACK or ROLLBACK TO SAVEPOINT undoes, as it does the coordinator's change; so do
// DistributeNewTable's and DropShards'.
void ExecuteOnShards(Session& session, const engine::RelationInfo& relation,
                     const std::function<std::string(size_t partition)>& statements_for);

}  // namespace tessera::planner
