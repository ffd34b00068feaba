// SPDX-License-Identifier: Apache-2.0
// Statements a coordinator runs whole on the workers (docs/CLUSTER.md, the router tier and UPDATE/DELETE
// pushdown): the planner (planner/distributed_statement.cc) decides that a statement can run on each
// partition's shard tables and gives the text for a partition; the kDistributedStatement operator sends
// it, with the statement's parameters, to the partition's worker and streams the rows back with the
// coordinator's bound output types.
//
// Reads (the router tier) run on the one worker their pinned partitions share (or, for a table whose
// partitions are all on one worker, all of them: a 1-worker cluster runs every such read whole there),
// outside any transaction;
// when the pins' values (parameters) put the partitions on different workers, the statement runs its
// `fallback` plan (the pull tier) instead. Writes (UPDATE, DELETE) to one partition run as one statement,
// its own transaction on its worker; writes to several run in one transaction per worker
// (WorkerTransactions: one worker commits directly, several with two-phase commit). Their row counts are
// summed and their RETURNING rows returned once all committed.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/catalog.h"
#include "engine/expression.h"

namespace tessera::engine {

struct PlanNode;

// A distributed table a pushed-down statement names, and the value of its shard key that pins it to one
// partition (a constant or parameter, of the shard column's integer or text family), if any.
struct DistributedTableUse {
  RelationPtr relation;
  BoundExprPtr shard_key;  // null: every partition (only for tables[0] of a statement naming one table)
  std::string pinned_by;   // "id = 3", for EXPLAIN
  // A read of a table whose partitions are all on one worker: the statement reads the UNION ALL of all its
  // shard tables there (partition kEveryPartition in DistributedStatement::sql).
  bool whole = false;
};

// The partition of a `whole` table in DistributedStatement::sql's argument.
constexpr size_t kEveryPartition = static_cast<size_t>(-1);

struct DistributedStatement {
  // tables[0] decides where the statement runs: its pinned partition, or each of its partitions.
  std::vector<DistributedTableUse> tables;
  // The worker's text when table i reads partition partitions[i].
  std::function<std::string(const std::vector<size_t>& partitions)> sql;
  bool writes = false;  // UPDATE or DELETE
  bool removes_rows = false;  // DELETE: its row count is taken off the table's (StatisticsStore)
  // An UPDATE assigning the shard key: the text returns the table's columns before its own RETURNING,
  // and rows whose key leaves their partition move (engine/distributed_key_update.h).
  bool moves_shard_key = false;
  std::string settings_sql;  // writes: run in each worker's transaction first (SET LOCAL TimeZone ...)
  // UPDATE: the global unique indexes of tables[0] whose columns it assigns (positions in its indexes),
  // checked across partitions under the table's write lock before it commits (engine/global_unique.h).
  std::vector<size_t> checked_indexes;
  std::shared_ptr<const PlanNode> fallback;  // reads: the pull-tier plan
  // Writes: the tables the statement reads that the workers cannot (engine/distributed_ship.h). The rows
  // of shipped[i] are those of the node's child i, computed on the coordinator once per execution, and
  // replace shipped[i].placeholder in the text; `name` is what the statement called it, for EXPLAIN.
  struct Shipped {
    std::string placeholder;
    std::string name;
  };
  std::vector<Shipped> shipped;
};

// Whether the shard key pins of a statement are all constants that put its partitions on different
// workers: a read then runs its fallback plan at every execution, a write cannot run.
bool PinnedApart(const DistributedStatement& statement);

// EXPLAIN's line for a kDistributedStatement node and the SQL it sends (its first partition's).
std::string DescribeDistributedStatement(const PlanNode& node);
std::string DistributedStatementSqlForExplain(const PlanNode& node);

}  // namespace tessera::engine
