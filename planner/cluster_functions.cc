// SPDX-License-Identifier: Apache-2.0
// Functions of the `tessera` schema that operate the cluster (docs/CLUSTER.md): adding and removing
// workers on a coordinator, and the node's role. Adding a worker first logs in to it as user
// tessera_cluster with the cluster secret and checks that it runs as a worker. Metadata changes take
// effect at once and durably (the catalog changed, so the statement's commit checkpoints), so they
// refuse to run inside a transaction block, where a ROLLBACK could not undo them.
#include "planner/cluster_functions.h"

#include <chrono>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/remote/remote_connection.h"
#include "planner/rebalance.h"
#include "planner/partition_copy_function.h"
#include "planner/repartition_function.h"

namespace tessera::planner {

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

namespace {

// Logs in to the server at host:port with the cluster secret and checks that it is a worker: throws
// 08006 when it cannot be reached in time, 28P01 when it refuses the secret, 55000 for another role.
void CheckWorker(const engine::DatabaseOptions& options, const std::string& host, int32_t port) {
  if (options.cluster_secret.empty()) {
    throw SqlError(SqlState::kObjectNotInPrerequisiteState, "the coordinator has no cluster secret to log in to workers with")
        .WithHint("Start the coordinator and its workers with the same --cluster-secret-file.");
  }
  const remote::RemoteEndpoint endpoint = engine::WorkerEndpoint(engine::WorkerInfo{0, host, port}, options);
  const std::chrono::milliseconds timeout = engine::WorkerTimeout(options);
  remote::RemoteConnection connection = remote::RemoteConnection::Connect(endpoint, timeout);
  std::string role;
  connection.Query("SELECT tessera.node_role()",
                   [&role](Batch batch) {
                     if (batch.num_rows > 0 && !batch.columns[0].IsNull(0)) role = std::string(batch.columns[0].GetString(0));
                   },
                   timeout);
  if (role != engine::RoleName(engine::Role::kWorker)) {
    throw SqlError(SqlState::kObjectNotInPrerequisiteState,
                   "server at " + endpoint.Name() + " is not a worker (its role is " + role + ")")
        .WithHint("Start it with --role worker.");
  }
}

}  // namespace

engine::ScalarFunction WorkerFunction(const char* name, WorkerCall call) {
  engine::ScalarFunction function;
  function.name = name;
  function.arg_types = {LogicalType(TypeId::kText), LogicalType(TypeId::kInt32)};
  function.return_type = LogicalType(TypeId::kInt32);
  function.is_volatile = true;
  function.kernel = [name, call](const std::vector<Vector>& args, idx_t count, Vector& result, engine::ExecContext& context) {
    CheckCanOperate(context, name);
    for (idx_t row = 0; row < count; ++row) {
      std::string host;
      int32_t port = 0;
      if (!WorkerAddress(args, row, &host, &port)) {
        result.SetNull(row, true);
        continue;
      }
      result.Data<int32_t>()[row] = call(context, host, port);
    }
  };
  return function;
}

void RegisterClusterFunctions(engine::FunctionRegistry& registry) {
  // tessera.add_worker(host, port) -> the new worker's id.
  registry.Register(WorkerFunction("tessera.add_worker", [](engine::ExecContext& context, const std::string& host, int32_t port) {
    CheckWorker(context.database->options(), host, port);
    return static_cast<int32_t>(context.database->catalog().AddWorker(host, port).id);
  }));
  // tessera.remove_worker(host, port) -> the removed worker's id. It need not be reachable.
  registry.Register(WorkerFunction("tessera.remove_worker", [](engine::ExecContext& context, const std::string& host, int32_t port) {
    return static_cast<int32_t>(context.database->catalog().RemoveWorker(host, port).id);
  }));
  // tessera.node_role() -> 'embedded', 'coordinator' or 'worker'.
  engine::ScalarFunction node_role;
  node_role.name = "tessera.node_role";
  node_role.return_type = LogicalType(TypeId::kText);
  node_role.is_volatile = true;  // evaluated where the statement runs, never folded without a database
  node_role.kernel = [](const std::vector<Vector>&, idx_t count, Vector& result, engine::ExecContext& context) {
    for (idx_t row = 0; row < count; ++row) result.SetString(row, engine::RoleName(context.database->options().role));
  };
  registry.Register(node_role);
  RegisterRebalanceFunctions(registry);
  RegisterRepartitionFunction(registry);
  RegisterPartitionCopyFunctions(registry);
}

}  // namespace tessera::planner
