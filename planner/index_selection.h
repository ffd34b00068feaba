// SPDX-License-Identifier: Apache-2.0
// Index selection: replaces a filtered table scan by an index scan when an index answers part of the
// filter more cheaply than reading the table.
#pragma once

#include "engine/plan.h"

namespace tessera::planner {

// Returns an index scan equivalent to `scan` (a kScan node, usually with a pushed filter) when one of the
// table's indexes answers a conjunct of the filter and the rule in index_selection.cc deems it cheaper;
// the conjuncts the index does not answer stay as the index scan's filter. Otherwise returns `scan`.
engine::PlanPtr ChooseIndexScan(const engine::PlanPtr& scan);

}  // namespace tessera::planner
