// SPDX-License-Identifier: Apache-2.0
// Writing rows into a distributed table on a coordinator (docs/CLUSTER.md), for INSERT and COPY FROM:
// each row goes to its partition's shard table (the shard key's hash, or round-robin without one), all
// of a statement's rows in one transaction on the worker, committed by Commit(). Rows for a second worker
// need two-phase commit, not built yet: Write throws 0A000 before sending any of them.
//
// Thread safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>

#include "base/vector.h"
#include "engine/catalog.h"
#include "engine/exec_context.h"

namespace tessera::engine {

class DistributedWriter {
 public:
  // Throws 0A000 inside a transaction block (a worker transaction spanning statements is not built).
  DistributedWriter(const RelationInfo& relation, ExecContext& context);
  // Rolls back what was written and not committed.
  ~DistributedWriter();
  DistributedWriter(const DistributedWriter&) = delete;
  DistributedWriter& operator=(const DistributedWriter&) = delete;

  // Sends `rows` (all the table's columns, in table order) to their shard tables.
  void Write(const Batch& rows);
  // Commits on the worker; returns the rows written.
  int64_t Commit();

 private:
  struct State;
  size_t PartitionOf(const Batch& rows, idx_t row);

  const RelationInfo& relation_;
  ExecContext& context_;
  std::unique_ptr<State> state_;
  size_t next_round_robin_;  // starts at a random partition, so that small writes spread out
};

}  // namespace tessera::engine
