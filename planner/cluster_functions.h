// SPDX-License-Identifier: Apache-2.0
// The `tessera` schema's cluster functions (docs/CLUSTER.md): tessera.add_worker(host, port) and
// tessera.remove_worker(host, port) on a coordinator.
#pragma once

#include "engine/function/scalar_function.h"

namespace tessera::planner {

void RegisterClusterFunctions(engine::FunctionRegistry& registry);

}  // namespace tessera::planner
