// SPDX-License-Identifier: Apache-2.0
// tessera.rebalance(), tessera.drain_worker(host, port) and tessera.activate_worker(host, port):
// planning the moves and running them (planner/rebalance.h).
#include "planner/rebalance.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/partition_moves.h"
#include "engine/remote/connection_pool.h"
#include "engine/remote/remote_connection.h"
#include "planner/cluster_functions.h"
#include "planner/partition_move.h"
#include "planner/reference_copies.h"

namespace tessera::planner {

namespace {

// The partitions of one table on each of the workers considered, by worker id.
using Holdings = std::map<uint32_t, std::vector<size_t>>;

Holdings HoldingsOf(const engine::RelationInfo& relation, const std::vector<engine::WorkerInfo>& workers) {
  Holdings holdings;
  for (const engine::WorkerInfo& worker : workers) holdings[worker.id];
  for (size_t partition = 0; partition < relation.placement.size(); ++partition) {
    auto found = holdings.find(relation.placement[partition]);
    if (found != holdings.end()) found->second.push_back(partition);
  }
  return holdings;
}

// The worker with the fewest partitions (the lowest id among equals), leaving out `excluded`.
uint32_t Emptiest(const Holdings& holdings, uint32_t excluded) {
  uint32_t best = 0;
  size_t fewest = SIZE_MAX;
  for (const auto& [worker, partitions] : holdings) {
    if (worker != excluded && partitions.size() < fewest) {
      best = worker;
      fewest = partitions.size();
    }
  }
  return best;
}

// The worker with the most partitions (the lowest id among equals).
uint32_t Fullest(const Holdings& holdings) {
  uint32_t best = 0;
  size_t most = 0;
  for (const auto& [worker, partitions] : holdings) {
    if (partitions.size() > most) {
      best = worker;
      most = partitions.size();
    }
  }
  return best;
}

// Takes the highest partition off `from` and gives it to `to`.
PlannedMove Move(const engine::RelationInfo& relation, Holdings& holdings, uint32_t from, uint32_t to) {
  const size_t partition = holdings[from].back();
  holdings[from].pop_back();
  holdings[to].push_back(partition);
  return PlannedMove{relation.oid, partition, to};
}

// The hash-partitioned tables (`reference` false) or the reference tables, by oid. A reference table
// has one copy per worker, which no move may change: copies are added and dropped instead.
std::vector<engine::RelationPtr> DistributedTables(engine::Catalog& catalog, bool reference = false) {
  std::vector<engine::RelationPtr> tables;
  for (engine::RelationPtr& relation : catalog.AllRelations()) {
    if (!relation->placement.empty() && relation->IsReferenceTable() == reference) tables.push_back(std::move(relation));
  }
  std::sort(tables.begin(), tables.end(), [](const auto& a, const auto& b) { return a->oid < b->oid; });
  return tables;
}

// The workers that answer a query now (within the worker timeout, at most two seconds): a rebalance
// places partitions on these only, and leaves those on the others where they are.
std::vector<engine::WorkerInfo> ActiveWorkers(engine::Database& database) {
  const std::chrono::milliseconds timeout =
      std::min(engine::WorkerTimeout(database.options()), std::chrono::milliseconds(2000));
  std::vector<engine::WorkerInfo> active;
  for (const engine::WorkerInfo& worker : database.catalog().Workers()) {
    try {
      remote::RemoteConnection connection =
          database.worker_connections().Acquire(engine::WorkerEndpoint(worker, database.options()), timeout);
      connection.Execute("SELECT 1", timeout);
      database.worker_connections().Release(std::move(connection));
      active.push_back(worker);
    } catch (const SqlError&) {
    }
  }
  return active;
}

std::string Describe(engine::Catalog& catalog, const PlannedMove& move) {
  const engine::RelationPtr relation = catalog.FindRelationByOid(move.table_oid);
  const std::string name = relation != nullptr ? relation->schema + "." + relation->name : "?";
  if (move.kind == MoveKind::kAddCopy) return name + " copy: added on worker " + std::to_string(move.to_worker);
  if (move.kind == MoveKind::kDropCopy) return name + " copy: dropped on worker " + std::to_string(move.to_worker);
  const uint32_t from = relation != nullptr && move.partition < relation->placement.size()
                            ? relation->placement[move.partition]
                            : 0;
  return name + " partition " + std::to_string(move.partition) + ": worker " + std::to_string(from) + " -> worker " +
         std::to_string(move.to_worker);
}

// Runs a rebalance: removes what earlier moves left over, plans with `plan` and moves the partitions one
// at a time. Returns the partitions moved; throws 55006 while another rebalance runs.
int64_t RunRebalance(engine::ExecContext& context, const std::string& operation,
                     const std::function<std::vector<PlannedMove>()>& plan) {
  engine::Database& database = *context.database;
  engine::PartitionMoves& moves = database.partition_moves();
  if (!moves.BeginRebalance(operation, 0)) {
    throw SqlError(SqlState::kObjectInUse, "a rebalance is already running")
        .WithHint("Watch it in tessera.rebalance_progress.");
  }
  int64_t moved = 0;
  try {
    DropLeftoverShardTables(context);
    const std::vector<PlannedMove> planned = plan();
    moves.UpdateProgress([&](engine::RebalanceProgress& progress) {
      progress.partitions_total = static_cast<int64_t>(planned.size());
    });
    for (const PlannedMove& move : planned) {
      context.CheckCancel();
      const std::string description = Describe(database.catalog(), move);
      moves.UpdateProgress([&](engine::RebalanceProgress& progress) { progress.current_move = description; });
      MoveProgress observer;
      observer.copied = [&moves](int64_t rows, int64_t bytes) {
        moves.UpdateProgress([&](engine::RebalanceProgress& progress) {
          progress.rows_copied += rows;
          progress.bytes_copied += bytes;
        });
      };
      observer.caught_up = [&moves](int64_t rows) {
        moves.UpdateProgress([&](engine::RebalanceProgress& progress) {
          ++progress.partitions_caught_up;
          progress.rows_caught_up += rows;
        });
      };
      switch (move.kind) {
        case MoveKind::kMove: MovePartition(context, move.table_oid, move.partition, move.to_worker, observer); break;
        case MoveKind::kAddCopy: AddReferenceCopy(context, move.table_oid, move.to_worker, observer); break;
        case MoveKind::kDropCopy: DropReferenceCopies(context, move.table_oid, move.to_worker, observer); break;
      }
      ++moved;
      moves.UpdateProgress([&](engine::RebalanceProgress& progress) { ++progress.partitions_moved; });
    }
  } catch (const std::exception& error) {
    moves.EndRebalance(error.what());
    throw;
  }
  moves.EndRebalance("");
  return moved;
}

// The steps of a rebalance over `workers` (those answering now): copies of reference tables added to
// the workers that lack one, then `moves`, then the copies on draining workers dropped.
std::vector<PlannedMove> Steps(engine::Catalog& catalog, const std::vector<engine::WorkerInfo>& workers,
                               const std::vector<PlannedMove>& moves) {
  std::vector<PlannedMove> copies = PlanReferenceCopies(DistributedTables(catalog, true), workers);
  const auto drops = std::stable_partition(copies.begin(), copies.end(),
                                           [](const PlannedMove& step) { return step.kind == MoveKind::kAddCopy; });
  std::vector<PlannedMove> steps(copies.begin(), drops);
  steps.insert(steps.end(), moves.begin(), moves.end());
  steps.insert(steps.end(), drops, copies.end());
  return steps;
}

// The registered worker at host:port; 42704 when there is none.
engine::WorkerInfo FindWorker(const engine::Catalog& catalog, const std::string& host, int32_t port) {
  for (const engine::WorkerInfo& worker : catalog.Workers()) {
    if (worker.host == host && worker.port == port) return worker;
  }
  throw SqlError(SqlState::kUndefinedObject, "worker \"" + host + ":" + std::to_string(port) + "\" does not exist");
}

// Marks the worker at host:port draining or not, durably (a checkpoint) before anything else happens.
engine::WorkerInfo SetDraining(engine::Database& database, const std::string& host, int32_t port, bool draining) {
  engine::WorkerInfo worker = FindWorker(database.catalog(), host, port);
  if (worker.draining == draining) return worker;
  database.catalog().SetWorkerDraining(worker.id, draining);
  CheckpointCatalog(database, [&] { database.catalog().SetWorkerDraining(worker.id, !draining); });
  worker.draining = draining;
  return worker;
}

// The first step of tessera.drain_worker: the worker, marked draining. Throws 55000 when it is the
// only worker (marking nothing).
engine::WorkerInfo MarkDraining(engine::Database& database, const std::string& host, int32_t port) {
  const engine::WorkerInfo worker = FindWorker(database.catalog(), host, port);
  if (database.catalog().Workers().size() < 2) {
    throw SqlError(SqlState::kObjectNotInPrerequisiteState,
                   "worker \"" + worker.Name() + "\" cannot be drained: it is the only worker")
        .WithHint("Add a worker with SELECT tessera.add_worker('host', port) first.");
  }
  return SetDraining(database, host, port, true);
}

engine::ScalarFunction ActivateWorkerFunction() {
  return WorkerFunction("tessera.activate_worker", [](engine::ExecContext& context, const std::string& host, int32_t port) {
    return static_cast<int32_t>(SetDraining(*context.database, host, port, false).id);
  });
}

engine::ScalarFunction RebalanceFunction() {
  engine::ScalarFunction function;
  function.name = "tessera.rebalance";
  function.return_type = LogicalType(TypeId::kInt32);
  function.is_volatile = true;
  function.kernel = [](const std::vector<Vector>&, idx_t count, Vector& result, engine::ExecContext& context) {
    CheckCanOperate(context, "tessera.rebalance");
    for (idx_t row = 0; row < count; ++row) {
      engine::Database& database = *context.database;
      const int64_t moved = RunRebalance(context, "rebalance", [&database] {
        const std::vector<engine::WorkerInfo> workers = ActiveWorkers(database);
        return Steps(database.catalog(), workers, PlanRebalance(DistributedTables(database.catalog()), workers));
      });
      result.Data<int32_t>()[row] = static_cast<int32_t>(moved);
    }
  };
  return function;
}

engine::ScalarFunction DrainWorkerFunction() {
  return WorkerFunction("tessera.drain_worker", [](engine::ExecContext& context, const std::string& host, int32_t port) {
    const engine::WorkerInfo drained_worker = MarkDraining(*context.database, host, port);
    engine::Database& database = *context.database;
    const int64_t moved = RunRebalance(context, "drain_worker " + drained_worker.Name(), [&database, drained_worker] {
      std::vector<engine::WorkerInfo> targets = ActiveWorkers(database);
      targets.erase(std::remove_if(targets.begin(), targets.end(),
                                   [&](const engine::WorkerInfo& worker) {
                                     return worker.draining || worker.id == drained_worker.id;
                                   }),
                    targets.end());
      if (targets.empty()) {
        throw SqlError(SqlState::kObjectNotInPrerequisiteState,
                       "worker \"" + drained_worker.Name() + "\" cannot be drained: no other active worker answers")
            .WithHint("It stays draining; add a worker, or make it active again with tessera.activate_worker.");
      }
      targets.push_back(drained_worker);
      return Steps(database.catalog(), targets, PlanDrain(DistributedTables(database.catalog()), targets, drained_worker.id));
    });
    return static_cast<int32_t>(moved);
  });
}

}  // namespace

std::vector<PlannedMove> PlanRebalance(const std::vector<engine::RelationPtr>& relations,
                                       const std::vector<engine::WorkerInfo>& workers) {
  std::vector<PlannedMove> moves;
  const bool any_target = std::any_of(workers.begin(), workers.end(),
                                      [](const engine::WorkerInfo& worker) { return !worker.draining; });
  if (!any_target) return moves;
  for (const engine::RelationPtr& relation : relations) {
    Holdings holdings = HoldingsOf(*relation, workers);
    std::vector<size_t> drained;
    for (const engine::WorkerInfo& worker : workers) {
      if (!worker.draining) continue;
      drained.insert(drained.end(), holdings[worker.id].begin(), holdings[worker.id].end());
      holdings.erase(worker.id);
    }
    for (size_t partition : drained) {
      const uint32_t to = Emptiest(holdings, 0);
      holdings[to].push_back(partition);
      moves.push_back(PlannedMove{relation->oid, partition, to});
    }
    for (;;) {
      const uint32_t fullest = Fullest(holdings);
      const uint32_t emptiest = Emptiest(holdings, 0);
      if (holdings[fullest].size() <= holdings[emptiest].size() + 1) break;
      moves.push_back(Move(*relation, holdings, fullest, emptiest));
    }
  }
  return moves;
}

std::vector<PlannedMove> PlanDrain(const std::vector<engine::RelationPtr>& relations,
                                   const std::vector<engine::WorkerInfo>& workers, uint32_t drained) {
  std::vector<PlannedMove> moves;
  for (const engine::RelationPtr& relation : relations) {
    Holdings holdings = HoldingsOf(*relation, workers);
    while (!holdings[drained].empty()) moves.push_back(Move(*relation, holdings, drained, Emptiest(holdings, drained)));
  }
  return moves;
}

std::vector<PlannedMove> PlanReferenceCopies(const std::vector<engine::RelationPtr>& reference_tables,
                                             const std::vector<engine::WorkerInfo>& workers) {
  std::vector<PlannedMove> steps;
  for (const engine::RelationPtr& relation : reference_tables) {
    const std::vector<uint32_t>& placement = relation->placement;
    for (const engine::WorkerInfo& worker : workers) {
      const bool holds = std::find(placement.begin(), placement.end(), worker.id) != placement.end();
      if (!holds && !worker.draining) steps.push_back(PlannedMove{relation->oid, 0, worker.id, MoveKind::kAddCopy});
      if (holds && worker.draining) steps.push_back(PlannedMove{relation->oid, 0, worker.id, MoveKind::kDropCopy});
    }
  }
  return steps;
}

void RegisterRebalanceFunctions(engine::FunctionRegistry& registry) {
  registry.Register(RebalanceFunction());
  registry.Register(DrainWorkerFunction());
  registry.Register(ActivateWorkerFunction());
}

}  // namespace tessera::planner
