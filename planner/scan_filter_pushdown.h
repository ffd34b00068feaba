// SPDX-License-Identifier: Apache-2.0
// Scan filter pushdown: gives a filtered table scan the conjuncts of its filter that storage can
// evaluate itself (storage/scan_filter.h), so that scans skip row groups and segments by their
// statistics and select rows on encoded data.
#pragma once

#include "engine/plan.h"

namespace tessera::planner {

// Sets scan.scan_filter to the conjuncts of scan.predicate of the forms `column <op> constant` (either
// side), `column IS [NOT] NULL`, `column` and `NOT column` (boolean columns) whose meaning in storage's
// order equals the engine's operator, and marks the filter exact when every conjunct is among them (the
// scan then need not evaluate scan.predicate, which stays whole for EXPLAIN and for scans that cannot
// apply the filter).
// Does nothing unless `scan` is a kScan with a predicate.
void PushFilterToScan(engine::PlanNode& scan);

}  // namespace tessera::planner
