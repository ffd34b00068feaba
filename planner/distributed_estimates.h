// SPDX-License-Identifier: Apache-2.0
// Estimated rows of the distributed nodes of a plan, for EXPLAIN (docs/CLUSTER.md): from the table
// statistics a coordinator keeps (engine/statistics.h: ANALYZE, and the row counts of its own writes).
//
//   read      the rows of the partitions a node reads: the table's rows times the share of its
//             partitions read (a fragment: the sum over the tables it joins);
//   returned  the rows coming back to the coordinator, where the tier bounds them: a pull scan without
//             filter returns what it reads, a partial aggregate a group per key combination and read
//             (distinct values of each key by the column statistics, PostgreSQL's 200 for an expression
//             or a column never analyzed, never more than the rows read), top-N its limit per partition.
#pragma once

#include "engine/plan.h"

namespace tessera::engine {
class Database;
}

namespace tessera::planner {

// Sets estimated_rows_read / estimated_rows_returned on the distributed nodes of `plan` whose tables
// have a known row count; leaves the others unset.
void EstimateDistributedRows(const engine::PlanPtr& plan, engine::Database& database);

}  // namespace tessera::planner
