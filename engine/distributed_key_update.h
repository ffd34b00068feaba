// SPDX-License-Identifier: Apache-2.0
// UPDATE assigning a distributed table's shard key (docs/CLUSTER.md, statement pushdown). Each partition
// runs the UPDATE as written (PostgreSQL's assignment, NOT NULL and per-row unique checks happen there),
// returning its new rows: the table's columns first, then the statement's own RETURNING. A row whose new
// key hashes to another partition is then deleted from the partition it was updated in and inserted into
// its own through DistributedWriter, all in the statement's worker transactions (one commit, two-phase
// when several workers): a unique violation there is the 23505 of that partition's shard table.
//
// The moves run after every partition's UPDATE, so a new key meets the rows its partition holds after
// the statement's updates there: a row whose key another row of the statement leaves is free to take it
// (as in PostgreSQL when the leaving row is updated first).
#pragma once

#include <map>

#include "base/vector.h"
#include "engine/catalog.h"
#include "engine/exec_context.h"

namespace tessera::engine {

class WorkerTransactions;

class ShardKeyMoves {
 public:
  // `relation`: the table updated; it outlives this object.
  ShardKeyMoves(const RelationInfo& relation, ExecContext& context);

  // Keeps the rows of `returned` (what the UPDATE returned on `partition`) whose new key belongs to
  // another partition; returns the statement's RETURNING columns of all of them.
  Batch Take(Batch returned, size_t partition);
  // Deletes the rows kept from the partitions they were updated in and inserts them into theirs, in
  // `transactions` (the UPDATE's).
  void Move(WorkerTransactions& transactions);

 private:
  const RelationInfo& relation_;
  ExecContext& context_;
  std::vector<LogicalType> types_;  // the table's columns
  std::map<size_t, Batch> moved_;   // by the partition they were updated in
};

}  // namespace tessera::engine
