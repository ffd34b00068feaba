// SPDX-License-Identifier: Apache-2.0
// The `tessera` schema's cluster functions (docs/CLUSTER.md): tessera.add_worker(host, port) and
// tessera.remove_worker(host, port) on a coordinator, and tessera.rebalance()/drain_worker (planner/rebalance.h).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/exec_context.h"
#include "engine/function/scalar_function.h"

namespace tessera::planner {

void RegisterClusterFunctions(engine::FunctionRegistry& registry);

// Throws unless `function` may change cluster metadata here and now: 55000 off a coordinator, 25001
// inside a transaction block (a ROLLBACK could not undo it).
void CheckCanOperate(const engine::ExecContext& context, const char* function);

// Reads the (host, port) arguments of row `row`; false when either is NULL (the functions are strict).
// Throws 22023 for an empty host or a port outside 1 .. 65535.
bool WorkerAddress(const std::vector<Vector>& args, idx_t row, std::string* host, int32_t* port);

// tessera.NAME(host text, port integer) returning integer: after CheckCanOperate, `call` for each row's
// worker; NULL when an argument is.
using WorkerCall = std::function<int32_t(engine::ExecContext& context, const std::string& host, int32_t port)>;
engine::ScalarFunction WorkerFunction(const char* name, WorkerCall call);

}  // namespace tessera::planner
