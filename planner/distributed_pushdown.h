// SPDX-License-Identifier: Apache-2.0
// Distributed pushdown for SELECT plans on a coordinator (docs/CLUSTER.md, "Queries", tier 3): moves work
// from the coordinator into the SQL each partition of a distributed table runs
// (engine/distributed_query.h), after binding and planning, before execution.
#pragma once

#include <optional>
#include <string>

#include "engine/plan.h"

namespace tessera::planner {

// Rewrites, anywhere in `plan`:
//   - Aggregate over a distributed scan: each partition computes partial aggregates per group, the
//     coordinator combines them (sum of sums, sum of counts, min of mins, avg as sum / count) and the
//     plan above (HAVING, ORDER BY, LIMIT) runs as before;
//   - Limit over Sort over [Project over] a distributed scan: each partition returns its first
//     limit + offset rows in the sort's order, the coordinator sorts them and applies the limit.
// Aggregates with DISTINCT split by planner/distributed_distinct.h. Where a shape does not split exactly
// (string_agg(x ORDER BY y), a filter that does not deparse ...), the scan
// stays in the pull tier and records why for EXPLAIN. Does nothing to plans without distributed scans.
void PushDownToWorkers(const engine::PlanPtr& plan);

// The session setting that turns the rewrite off (`SET tessera.distributed_pushdown = off`, to compare
// with the pull tier or to rule it out), and whether its value (unset: on) leaves it on.
inline constexpr char kDistributedPushdownSetting[] = "tessera.distributed_pushdown";
bool DistributedPushdownEnabled(const std::optional<std::string>& value);

}  // namespace tessera::planner
