// SPDX-License-Identifier: Apache-2.0
// Joins of distributed tables that run on the workers (docs/CLUSTER.md, the join tiers). The planner
// (planner/distributed_joins.h) turns a join whose tables meet on the workers into one kDistributedFragment
// node: per partition of the driving table, a SQL join of its shard table with what the same worker
// holds (a reference table's copy, the co-located partition of another table on the same shard key, or
// a small side the coordinator read and broadcast, or both sides' rows hashed to the workers by the
// join key), those of one worker sent as one UNION ALL. The
// node's operator sends each worker its fragment and returns the rows, whose columns are the replaced
// join's (and filter's) output columns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/exec_context.h"
#include "engine/operator.h"
#include "engine/plan.h"

namespace tessera::engine {

// One statement for one worker. The execution's unique name (of the tables a broadcast or repartition
// makes for it) goes into `sql` at each of `unique_at` (ascending).
struct FragmentTask {
  uint32_t worker_id = 0;
  std::string sql;
  std::vector<size_t> unique_at;
};

struct DistributedFragment {
  // The fragments to run, in order; empty on a join left to the coordinator (only `explain` is set).
  std::vector<FragmentTask> tasks;
  // The fragments select a constant because the plan needs no column; it is dropped from each batch.
  bool no_columns = false;
  // The tier and why it applies (or why none does), for EXPLAIN.
  std::string explain;
  // A broadcast join: the rows of the node's child (the small side, read by the coordinator) are copied
  // to each worker the tasks reach, into the table tessera_shards.broadcast_<unique name> made in a
  // transaction that is rolled back after the worker's task (so nothing is left behind, a crash
  // included). Its columns are `broadcast_columns`, e.g. "(id integer, name text)".
  bool broadcast = false;
  std::string broadcast_columns;
  // A repartition join: `setup` runs before the tasks (creating the bucket tables, then the workers
  // sending their rows to them), `teardown` after them, also after an error (dropping the tables).
  std::vector<FragmentTask> setup;
  std::vector<FragmentTask> teardown;
  // The distributed tables the tasks read, with the placement they were planned by: a partition move
  // since planning makes the statement fail with 40001 rather than read a copy being dropped.
  std::vector<std::shared_ptr<const RelationInfo>> relations;
  // The share of the distributed tables' partitions the tasks read (1 of 16 when a shard key pins one),
  // for EXPLAIN's estimated rows (planner/distributed_estimates.h); reference tables are read whole.
  double partitions_share = 1;
};

// The operator of a kDistributedFragment node.
std::unique_ptr<Operator> MakeDistributedFragmentOperator(const PlanNode& node, ExecContext& context);

}  // namespace tessera::engine
