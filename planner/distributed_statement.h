// SPDX-License-Identifier: Apache-2.0
// Statement pushdown on a coordinator (docs/CLUSTER.md, tiers 1 "router" and UPDATE/DELETE pushdown):
// decides whether a bound statement over distributed tables can run whole on the workers, and if so
// replaces its plan by a kDistributedStatement node (engine/distributed_statement.h).
//
// A statement is pushed down when its text names only distributed tables (no views, local or system
// tables, no WITH), calls no volatile or coordinator-only function (random(), now(), nextval,
// current_user, tessera.*, pg_* ...), and
//   - SELECT: an equality on the shard key with a constant or parameter pins every table it reads (the
//     router tier); otherwise it keeps its pull-tier plan;
//   - UPDATE, DELETE: run on the partition the target's shard key pins, or on every partition; other
//     distributed tables they name must be pinned too. What cannot be pushed answers 0A000 saying why,
//     as does assigning the shard key column.
#pragma once

#include <vector>

#include "engine/plan.h"
#include "planner/ast.h"
#include "planner/binder.h"

namespace tessera::planner {

// Returns `plan` itself, or the kDistributedStatement plan that runs `statement` on the workers.
// `references`: what the binder recorded while binding it (Binder::RecordReferences). The session's
// settings that change what expressions compute (TimeZone, DateStyle, IntervalStyle,
// extra_float_digits, bytea_output) go with a write as SET LOCAL; a read under settings other than a new
// session's keeps the pull tier.
engine::PlanPtr PlanDistributedStatement(const ast::Statement& statement, engine::PlanPtr plan,
                                         const NameReferences& references, const SessionState& session);

}  // namespace tessera::planner
