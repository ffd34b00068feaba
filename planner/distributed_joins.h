// SPDX-License-Identifier: Apache-2.0
// Join tiers on a coordinator (docs/CLUSTER.md): chooses, for each join of two distributed tables in a
// plan, whether it runs on the workers, and rewrites the join (with a filter right above it) into a
// kDistributedFragment node (engine/distributed_join.h) when it does. Tried in order:
//   reference   one side is a reference table: each partition of the other side is joined on its worker
//               with the copy there (a LEFT JOIN only when the reference table is the nullable side);
//   co-located  both tables have the same placement and are joined on an equality of their shard keys:
//               each partition is joined with the other table's same partition;
//   broadcast   a side of at most kBroadcastRowLimit rows (the workers' counts when planning; not a left
//               join's preserved side): the coordinator reads it once and copies it to each worker, where
//               each partition of the other side is joined with it;
//   repartition both sides joined on columns that hash alike, when the session allows it (below):
//               every partition read sends its rows to the worker of their key's hash
//               (planner/repartition_function.h), into a bucket table per side, and each worker joins
//               its two buckets;
//   pull        anything else: the coordinator joins the rows it reads (the join is left as it is and
//               EXPLAIN says why).
// Only inner and left joins of plain scans (with filters) whose every condition deparses exactly
// (planner/fragment_sql.h) go to the workers.
#pragma once

#include <cstdint>

#include "engine/database.h"
#include "engine/plan.h"
#include "planner/session_state.h"

namespace tessera::planner {

constexpr int64_t kBroadcastRowLimit = 10000;

// The session's choices: SET tessera.distributed_joins = off makes every join pull (to compare and
// measure); repartition joins run only after SET tessera.repartition_joins = on (as Citus's
// citus.enable_repartition_joins), since they move both tables between the workers. Read when a
// statement is planned.
struct JoinTierSettings {
  bool enabled = true;
  bool repartition = false;
};
JoinTierSettings ReadJoinTierSettings(const SessionState& state);

// Rewrites the joins of `plan` in place (subquery plans inside expressions are left alone). Asks the
// workers for row counts when a join could be a broadcast one.
void PlanDistributedJoins(const engine::PlanPtr& plan, engine::Database& database, const JoinTierSettings& settings);

}  // namespace tessera::planner
