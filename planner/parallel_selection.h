// SPDX-License-Identifier: Apache-2.0
// Parallel selection: marks the parts of a query plan that run as one task per partition.
#pragma once

#include "engine/plan.h"

namespace tessera::planner {

// Marks the parallel sections of `plan` (PlanNode::parallel_workers) for `workers` threads; leaves the
// plan serial when workers < 2. See parallel_selection.cc for which sections qualify.
void MarkParallelSections(const engine::PlanPtr& plan, int workers);

}  // namespace tessera::planner
