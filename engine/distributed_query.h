// SPDX-License-Identifier: Apache-2.0
// What a scan of a distributed table asks of each partition (docs/CLUSTER.md, "Queries"). The pull tier
// sends the columns it needs and the exact part of its filter, and evaluates the whole filter on the
// rows that come back. A pushed tier (planner/distributed_pushdown.cc) replaces that with its own select
// list, a filter that is the scan's whole filter, and a tail (GROUP BY, ORDER BY ... LIMIT): the scan's
// output is then what each partition computes, and the plan above it finishes the work.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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
  // Partial aggregates: a worker aggregates several of its partitions in one statement, over their
  // UNION ALL, so that it builds kMergedReadsPerWorker hash tables of all its groups instead of one per
  // partition with most of the same groups (8 partitions per worker build 8x the groups otherwise).
  // Without GROUP BY (an empty tail) the statement is the UNION ALL of each partition's one-row aggregate.
  bool merge_on_worker = false;
  // With merge_on_worker: the columns the select list uses, as each branch selects them
  // ("" when none: count(*) alone).
  std::string branch_columns;

  // For the estimated rows returned (planner/distributed_estimates.h). Partial aggregates: the table
  // column of each GROUP BY key of the SQL, in order (-1: an expression); unset for other tiers. Top-N:
  // the rows each partition returns at most.
  std::optional<std::vector<int>> group_columns;
  int64_t rows_per_read = 0;

  bool pushed() const { return !select_list.empty(); }
};

// Statements a merging scan sends to each worker. Two concurrent ones, each over half the partitions, ran
// the trades group-bys fastest on a 2-core worker, but a statement reading several partitions reads each
// worker over one connection, in one snapshot (engine/distributed_transaction.h), which would run them
// one after another: one statement over all of them is then faster.
constexpr size_t kMergedReadsPerWorker = 1;

// The partitions a distributed scan reads, grouped into its statements: one partition each, or with
// merge_on_worker up to kMergedReadsPerWorker groups per worker, by `placement` (the catalog's now, which
// a partition move may have changed since planning) or else the bound one. REQUIRES: a kScan of a
// distributed table.
std::vector<std::vector<size_t>> ReadGroups(const PlanNode& scan, const std::vector<uint32_t>* placement = nullptr);

// The SQL a distributed scan sends for a group of `partitions` on one worker (ReadGroups).
std::string PartitionsSql(const PlanNode& scan, const std::vector<size_t>& partitions);

}  // namespace tessera::engine
