// SPDX-License-Identifier: Apache-2.0
// How a partial aggregation (planner/distributed_pushdown.cc) splits aggregates with DISTINCT
// (count/sum/avg/min/max(DISTINCT x)) between the partitions and the coordinator.
//
//   kPerPartition  a GROUP BY key is the shard key, or every DISTINCT argument is: the values a DISTINCT
//                  call sees in one partition (or one worker's UNION ALL of partitions) are seen by no
//                  other read, so each read computes count/sum(DISTINCT x) and the coordinator adds them
//                  up like count/sum;
//   kMergedSets    otherwise: each read groups by the keys and every DISTINCT argument
//                  (GROUP BY keys, x1, .., xm), so it returns its distinct (keys, x1, .., xm); ordinary
//                  aggregates come as partials of those finer groups, and the coordinator groups by the
//                  keys alone, running the DISTINCT calls over the union of the reads' values.
// Both are exact for NULLs (GROUP BY keeps a NULL x as a group, DISTINCT calls skip it), for HAVING,
// ORDER BY and LIMIT (which run above the coordinator's aggregate) and for several DISTINCT arguments.
// A FILTER on a DISTINCT call splits only per partition (merged sets would need the filter per value).
#pragma once

#include <string>
#include <vector>

#include "engine/plan.h"

namespace tessera::planner {

enum class DistinctStrategy { kNone, kPerPartition, kMergedSets };

struct DistinctPlan {
  DistinctStrategy strategy = DistinctStrategy::kNone;
  // kMergedSets: the DISTINCT arguments as SQL, each once, in the order the calls name them.
  std::vector<std::string> arguments;
  // EXPLAIN: how the DISTINCT calls are split ("" for kNone).
  std::string explain;
};

// Chooses the strategy for `aggregate`, an Aggregate over a distributed scan of `relation` whose input
// columns are `columns` (SQL over the scan, "(...)" around a projected expression; "\x01" where one does
// not deparse). Throws nothing: a DISTINCT argument that does not deparse is the caller's to find.
DistinctPlan PlanDistinct(const engine::PlanNode& aggregate, const engine::RelationInfo& relation,
                          const std::vector<std::string>& columns);

// Whether a DISTINCT call of `function_name` splits by the strategies above (count, sum, avg, min, max).
bool DistinctSplits(const std::string& function_name);

}  // namespace tessera::planner
