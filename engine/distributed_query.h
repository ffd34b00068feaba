// SPDX-License-Identifier: Apache-2.0
// What a scan of a distributed table asks of each partition (docs/CLUSTER.md, "Queries"). The pull tier
// sends the columns it needs and the exact part of its filter, and evaluates the whole filter on the
// rows that come back. A pushed tier (planner/distributed_pushdown.cc) replaces that with its own select
// list, a filter that is the scan's whole filter, and a tail (GROUP BY, ORDER BY ... LIMIT): the scan's
// output is then what each partition computes, and the plan above it finishes the work.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace tessera::engine {

struct PlanNode;

struct DistributedQuery {
  // Pushed tiers: the SQL of each partition is
  //   SELECT <select_list> FROM <shard table> [WHERE <where>]<tail>
  std::string select_list;
  std::string where;
  std::string tail;
  // EXPLAIN: the tier's name and what the coordinator does with the partitions' rows
  // ("Distributed Partial Aggregate", "final aggregation on the coordinator").
  std::string tier;
  std::string coordinator_step;
  // The pull tier: why no pushed tier applied (EXPLAIN's "pull: ..."), empty when none was tried.
  std::string pull_reason;

  bool pushed() const { return !select_list.empty(); }
};

// The SQL a distributed scan sends for `partition`. REQUIRES: scan is a kScan of a distributed table.
std::string PartitionSql(const PlanNode& scan, size_t partition);

}  // namespace tessera::engine
