// SPDX-License-Identifier: Apache-2.0
// Scan filter pushdown: gives a filtered table scan the conjuncts of its filter that storage can
// evaluate itself (storage/scan_filter.h), so that scans skip row groups and segments by their
// statistics and select rows on encoded data.
#pragma once

#include "engine/plan.h"

namespace tessera::planner {

// Sets scan.scan_filter to the conjuncts of scan.predicate of the forms `column <op> constant` (either
// side), `column IS [NOT] NULL`, `column` and `NOT column` (boolean columns) whose meaning in storage's
// order equals the engine's operator. The predicate itself stays whole: the scan filter is a hint.
// Does nothing unless `scan` is a kScan with a predicate.
void PushFilterToScan(engine::PlanNode& scan);

}  // namespace tessera::planner
