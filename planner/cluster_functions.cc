// SPDX-License-Identifier: Apache-2.0
// Functions of the `tessera` schema that operate the cluster (docs/CLUSTER.md): adding and removing
// workers on a coordinator. They change cluster metadata at once and durably (the catalog changed, so the
// statement's commit checkpoints), so they refuse to run inside a transaction block, where a ROLLBACK
// could not undo them.
#include "planner/cluster_functions.h"

#include "engine/catalog.h"
#include "engine/database.h"

namespace tessera::planner {

namespace {

// Throws unless `function` may change cluster metadata here and now.
void CheckCanOperate(const engine::ExecContext& context, const char* function) {
  if (context.database->options().role != engine::Role::kCoordinator) {
    throw SqlError(SqlState::kObjectNotInPrerequisiteState,
                   std::string(function) + " can only be called on a coordinator")
        .WithHint("Start the server with --role coordinator.");
  }
  if (context.in_transaction_block) {
    throw SqlError(SqlState::kActiveSqlTransaction, std::string(function) + " cannot run inside a transaction block");
  }
}

// Reads the (host, port) arguments of row `row`; false when either is NULL (the function is strict).
bool WorkerAddress(const std::vector<Vector>& args, idx_t row, std::string* host, int32_t* port) {
  if (args[0].IsNull(row) || args[1].IsNull(row)) return false;
  *host = std::string(args[0].GetString(row));
  *port = args[1].Data<int32_t>()[row];
  if (host->empty()) throw SqlError(SqlState::kInvalidParameterValue, "worker host must not be empty");
  if (*port < 1 || *port > 65535) {
    throw SqlError(SqlState::kInvalidParameterValue,
                   "worker port " + std::to_string(*port) + " is outside the valid range (1 .. 65535)");
  }
  return true;
}

engine::ScalarFunction WorkerFunction(const char* name,
                                      engine::WorkerInfo (*change)(engine::Catalog&, const std::string&, int32_t)) {
  engine::ScalarFunction function;
  function.name = name;
  function.arg_types = {LogicalType(TypeId::kText), LogicalType(TypeId::kInt32)};
  function.return_type = LogicalType(TypeId::kInt32);
  function.is_volatile = true;
  function.kernel = [name, change](const std::vector<Vector>& args, idx_t count, Vector& result,
                                   engine::ExecContext& context) {
    CheckCanOperate(context, name);
    for (idx_t row = 0; row < count; ++row) {
      std::string host;
      int32_t port = 0;
      if (!WorkerAddress(args, row, &host, &port)) {
        result.SetNull(row, true);
        continue;
      }
      result.Data<int32_t>()[row] = static_cast<int32_t>(change(context.database->catalog(), host, port).id);
    }
  };
  return function;
}

}  // namespace

void RegisterClusterFunctions(engine::FunctionRegistry& registry) {
  // tessera.add_worker(host, port) -> the new worker's id.
  registry.Register(WorkerFunction("tessera.add_worker", [](engine::Catalog& catalog, const std::string& host,
                                                            int32_t port) { return catalog.AddWorker(host, port); }));
  // tessera.remove_worker(host, port) -> the removed worker's id.
  registry.Register(WorkerFunction("tessera.remove_worker", [](engine::Catalog& catalog, const std::string& host,
                                                               int32_t port) { return catalog.RemoveWorker(host, port); }));
}

}  // namespace tessera::planner
