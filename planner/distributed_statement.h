// SPDX-License-Identifier: Apache-2.0
// Statement pushdown on a coordinator (docs/CLUSTER.md, tiers 1 "router" and UPDATE/DELETE pushdown):
// decides whether a bound statement over distributed tables can run whole on the workers, and if so
// replaces its plan by a kDistributedStatement node (engine/distributed_statement.h).
//
// A statement is pushed down when its text calls no volatile or coordinator-only function (random(),
// now(), nextval, current_user, tessera.*, pg_* ...), and
//   - SELECT: it names only distributed tables (no views, local or system tables, no WITH) and an
//     equality on the shard key with a constant or parameter pins every table it reads (the router
//     tier), or a table's partitions are all on the one worker the others are pinned to (read there as
//     the UNION ALL of its shard tables; not for statements with an aggregate without GROUP BY, which
//     each partition answers); otherwise it keeps its pull-tier plan;
//   - UPDATE, DELETE: run on the partition the target's shard key pins, or on every partition. What
//     else they read is read there too when it is distributed tables pinned to partitions on the same
//     worker; otherwise it is computed on the coordinator and shipped in the statement's text
//     (engine/distributed_ship.h): other distributed tables, the target read again, views, local and
//     system tables, the CTEs of its WITH clause. An UPDATE assigning the shard key moves the rows
//     whose key changes partition (engine/distributed_key_update.h). What cannot be pushed (a function
//     above, a data-modifying WITH) answers 0A000 saying why.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/plan.h"
#include "planner/ast.h"
#include "planner/binder.h"

namespace tessera::planner {

// Binds a SELECT (the text of what a write ships) as the statement being planned would bind it.
using QueryPlanner = std::function<BoundQuery(const std::string& sql)>;

// Returns `plan` itself, or the kDistributedStatement plan that runs `statement` on the workers.
// `references`: what the binder recorded while binding it (Binder::RecordReferences). The session's
// settings that change what expressions compute (TimeZone, DateStyle, IntervalStyle,
// extra_float_digits, bytea_output) go with a write as SET LOCAL; a read under settings other than a new
// session's keeps the pull tier. `plan_query` plans the rows a write ships.
engine::PlanPtr PlanDistributedStatement(const ast::Statement& statement, engine::PlanPtr plan,
                                         const NameReferences& references, const SessionState& session,
                                         const QueryPlanner& plan_query);

}  // namespace tessera::planner
