// SPDX-License-Identifier: Apache-2.0
// INSERT ... ON CONFLICT (target) DO UPDATE into a distributed table on a coordinator (docs/CLUSTER.md),
// used by the distributed INSERT (engine/distributed_insert.cc). Under the table's write lock
// (engine/global_unique.h), for each batch: the rows holding the batch's arbiter keys are read from every
// partition; a row whose key is held gets the DO UPDATE (its WHERE and SET evaluated here over the held
// row and EXCLUDED), sent as an UPDATE of that row to its partition; the other rows are inserted through
// the writer. A key met twice in the statement is PostgreSQL's 21000. The new keys of the rows updated
// are then checked across partitions like inserted ones. Assigning the shard key, values without an
// exact SQL literal, and reference tables (whose every copy would need the update) answer 0A000.
#pragma once

#include <set>
#include <string>

#include "base/vector.h"
#include "engine/distributed.h"
#include "engine/exec_context.h"
#include "engine/global_unique.h"
#include "engine/plan.h"

namespace tessera::engine {

class DistributedUpsert {
 public:
  // REQUIRES: `node` is an INSERT with on_conflict_update into a distributed table; `writer` writes it.
  DistributedUpsert(const PlanNode& node, ExecContext& context, DistributedWriter& writer);

  // Inserts or updates the rows of `input` (all the table's columns); returns the rows as inserted or
  // updated, in input order (for RETURNING).
  Batch Apply(const Batch& input);
  int64_t rows_updated() const { return rows_updated_; }

 private:
  // Sends the UPDATE making row `held` (its values before) of its partition `updated`.
  void UpdateRow(const PartitionRow& held, const Batch& updated, idx_t row);

  const PlanNode& node_;
  const RelationInfo& relation_;
  const IndexInfo& arbiter_;
  ExecContext& context_;
  DistributedWriter& writer_;
  std::set<std::string> affected_;  // arbiter keys inserted or updated by the statement
  int64_t rows_updated_ = 0;
};

}  // namespace tessera::engine
