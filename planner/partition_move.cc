// SPDX-License-Identifier: Apache-2.0
// Moving one partition of a distributed table to another worker (planner/partition_move.h).
#include "planner/partition_move.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/durability.h"
#include "engine/function/kernel_builder.h"
#include "engine/partition_moves.h"
#include "engine/remote/connection_pool.h"
#include "engine/remote/remote_connection.h"
#include "planner/distributed_tables.h"
#include "planner/partition_copy_function.h"

namespace tessera::planner {

namespace {

using engine::ShardTableName;
using engine::builtin::QuoteLiteral;

// The copy is one statement on each side, bounded as a whole: longer than a single worker call.
constexpr std::chrono::minutes kMinimumCopyTimeout{10};

// Test-only fault points of a move (test/cluster/rebalance_test.sh): TESSERA_FAULT_MOVE=after-copy or
// after-switch makes the process exit at once there, as a kill -9 would; =slow makes every move hold
// its partition 300 ms longer after the copy, so that clients surely meet moves in progress.
bool Fault(const char* name) {
  static const char* const fault = std::getenv("TESSERA_FAULT_MOVE");
  return fault != nullptr && std::strcmp(fault, name) == 0;
}
void FaultPoint(const char* name) {
  if (Fault(name)) _exit(70);
  if (Fault("slow") && std::strcmp(name, "after-copy") == 0) usleep(300 * 1000);
}

// A connection to one worker from the database's pool, given back when it goes.
class WorkerConnection {
 public:
  WorkerConnection(engine::Database& database, const engine::WorkerInfo& worker)
      : database_(database),
        timeout_(engine::WorkerTimeout(database.options())),
        connection_(database.worker_connections().Acquire(engine::WorkerEndpoint(worker, database.options()), timeout_)) {}
  WorkerConnection(const WorkerConnection&) = delete;
  WorkerConnection& operator=(const WorkerConnection&) = delete;
  ~WorkerConnection() { database_.worker_connections().Release(std::move(connection_)); }

  remote::RemoteConnection* operator->() { return &connection_; }
  remote::RemoteConnection& get() { return connection_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  engine::Database& database_;
  std::chrono::milliseconds timeout_;
  remote::RemoteConnection connection_;
};

engine::WorkerInfo Worker(engine::Database& database, uint32_t worker_id) {
  const std::optional<engine::WorkerInfo> worker = database.catalog().FindWorker(worker_id);
  if (!worker) {
    throw SqlError(SqlState::kObjectNotInPrerequisiteState, "worker " + std::to_string(worker_id) + " is not registered");
  }
  return *worker;
}

// Drops `shard` on the connection's worker; a failure leaves it to DropLeftoverShardTables.
void DropQuietly(WorkerConnection& connection, const std::string& shard) {
  try {
    connection->Execute("DROP TABLE IF EXISTS " + shard, connection.timeout());
  } catch (const SqlError&) {
  }
}

// "SELECT function('source', 'host:port', 'destination')": `function` of the old worker sending to
// `to_worker`.
std::string CopyCall(const char* function, const ShardCopy& copy, const engine::WorkerInfo& to_worker) {
  return std::string("SELECT ") + function + "(" + QuoteLiteral(ShardTableName(copy.table_oid, copy.source)) + ", " +
         QuoteLiteral(to_worker.Name()) + ", " + QuoteLiteral(ShardTableName(copy.table_oid, copy.destination)) + ")";
}

// Step 1: has the old worker send the partition's rows that the read transaction open on `from` sees
// straight to the new worker's shard table (tessera.copy_partition). Returns the rows copied.
int64_t CopyRows(engine::ExecContext& context, const ShardCopy& copy, WorkerConnection& from,
                 const engine::WorkerInfo& to_worker, const MoveProgress& progress) {
  const std::chrono::milliseconds timeout = std::max<std::chrono::milliseconds>(from.timeout(), kMinimumCopyTimeout);
  std::string result;
  from->Query(CopyCall("tessera.copy_partition", copy, to_worker),
              [&result](Batch batch) {
                if (batch.num_rows > 0) result = std::string(batch.columns[0].GetString(0));
              },
              timeout);
  context.CheckCancel();
  int64_t rows = 0;
  int64_t bytes = 0;
  if (std::sscanf(result.c_str(), "%" SCNd64 " %" SCNd64, &rows, &bytes) != 2) {
    throw SqlError(SqlState::kInternalError, "tessera.copy_partition answered \"" + result + "\"");
  }
  progress.copied(rows, bytes);
  return rows;
}

// Step 2, holding writers: has the old worker apply to the new copy what changed since the snapshot of
// the read transaction on `from` (tessera.copy_partition_changes). Returns the rows deleted plus added.
int64_t CatchUp(const ShardCopy& copy, WorkerConnection& from, const engine::WorkerInfo& to_worker) {
  const std::chrono::milliseconds timeout = std::max<std::chrono::milliseconds>(from.timeout(), kMinimumCopyTimeout);
  int64_t changed = 0;
  from->Query(CopyCall("tessera.copy_partition_changes", copy, to_worker),
              [&changed](Batch batch) {
                if (batch.num_rows > 0) changed = batch.columns[0].Data<int64_t>()[0];
              },
              timeout);
  return changed;
}

// Points the catalog's placement of the partition at `to_worker` and makes that durable. Returns false
// when the table was dropped meanwhile. Throws (with the placement put back) when the checkpoint fails.
bool SwitchPlacement(engine::Database& database, uint32_t table_oid, size_t partition, uint32_t from_worker,
                     uint32_t to_worker) {
  if (!database.catalog().SetPlacement(table_oid, partition, to_worker)) return false;
  CheckpointCatalog(database, [&] { database.catalog().SetPlacement(table_oid, partition, from_worker); });
  return true;
}

// Whether the connection's worker holds a prepared two-phase transaction that no writer is committing
// now: one decided whose COMMIT PREPARED failed there, left to the resolver. Its rows may belong to the
// partition being moved, and a copy would miss them.
bool HoldsInDoubt(engine::Database& database, WorkerConnection& connection) {
  std::vector<std::string> gids;
  connection->Query("SELECT gid FROM pg_prepared_xacts WHERE substr(gid, 1, 12) = 'tessera_2pc_'",
                    [&gids](Batch batch) {
                      for (idx_t row = 0; row < batch.num_rows; ++row) gids.emplace_back(batch.columns[0].GetString(row));
                    },
                    connection.timeout());
  return std::any_of(gids.begin(), gids.end(),
                     [&database](const std::string& gid) { return !database.distributed_commits().InFlight(gid); });
}

// Holding the partition against writers: whether the copy taken since `stamp` may miss changes. Commits
// an in-doubt two-phase transaction on the old worker first (its rows then came after the copy); throws
// 55000 when it holds in-doubt transactions the resolver cannot finish now.
bool ChangedSince(engine::Database& database, WorkerConnection& from, const engine::WorkerInfo& from_worker,
                  uint32_t table_oid, size_t partition, const engine::PartitionMoves::WriteStamp& stamp) {
  if (!HoldsInDoubt(database, from)) return !database.partition_moves().UnchangedSince(table_oid, partition, stamp);
  database.distributed_commits().ResolveInDoubt();
  if (HoldsInDoubt(database, from)) {
    throw SqlError(SqlState::kObjectNotInPrerequisiteState,
                   "worker \"" + from_worker.Name() + "\" holds two-phase transactions that are not resolved yet")
        .WithHint("Try again when the coordinator has resolved them (it tries every few seconds).");
  }
  return true;
}

// Creates the partition's shard table on `to` anew, empty, with the column kMoveRowColumn that the copy
// fills with the old worker's row ids, for the catch-up to find rows by.
void CreateShardTable(WorkerConnection& to, const engine::RelationInfo& relation, size_t partition) {
  const std::string shard = ShardTableName(relation.oid, partition);
  to->Execute("CREATE SCHEMA IF NOT EXISTS tessera_shards; DROP TABLE IF EXISTS " + shard + "; " +
                  ShardDefinition(relation, partition) + "; ALTER TABLE " + shard + " ADD COLUMN " + kMoveRowColumn +
                  " int8",
              to.timeout());
}

// Parses "t<oid>_p<partition>", a shard table's name in schema tessera_shards.
bool ParseShardName(const std::string& name, uint32_t* table_oid, size_t* partition) {
  unsigned oid = 0;
  size_t number = 0;
  int consumed = 0;
  if (std::sscanf(name.c_str(), "t%u_p%zu%n", &oid, &number, &consumed) != 2) return false;
  if (static_cast<size_t>(consumed) != name.size()) return false;
  *table_oid = oid;
  *partition = number;
  return true;
}

}  // namespace

std::optional<int64_t> CopyShard(engine::ExecContext& context, const ShardCopy& copy, const MoveProgress& progress,
                                 const std::function<bool()>& switch_placement) {
  engine::Database& database = *context.database;
  engine::PartitionMoves& moves = database.partition_moves();
  const engine::RelationPtr relation = database.catalog().FindRelationByOid(copy.table_oid);
  if (relation == nullptr || copy.source >= relation->placement.size()) return std::nullopt;
  const engine::WorkerInfo from_info = Worker(database, relation->placement[copy.source]);
  WorkerConnection from(database, from_info);
  const engine::WorkerInfo to_info = Worker(database, copy.to_worker);
  WorkerConnection to(database, to_info);
  const std::string shard = ShardTableName(copy.table_oid, copy.destination);
  int64_t rows = 0;
  try {
    CreateShardTable(to, *relation, copy.destination);
    const engine::PartitionMoves::WriteStamp stamp = moves.Stamp(copy.table_oid, copy.source);
    // The read transaction's snapshot, held on the old worker until the catch-up, is the copy's.
    from->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ", from.timeout());
    rows = CopyRows(context, copy, from, to_info, progress);
    FaultPoint("after-copy");
    const engine::PartitionMoves::MoveGuard guard = moves.LockForMove(copy.table_oid, copy.source);
    if (ChangedSince(database, from, from_info, copy.table_oid, copy.source, stamp)) {
      const int64_t changed = CatchUp(copy, from, to_info);
      progress.caught_up(changed);
    }
    from->Execute("COMMIT", from.timeout());
    to->Execute("ALTER TABLE " + shard + " DROP COLUMN " + kMoveRowColumn, to.timeout());
    if (!switch_placement()) {
      DropQuietly(to, shard);
      return std::nullopt;
    }
    FaultPoint("after-switch");
  } catch (const SqlError&) {
    DropQuietly(to, shard);
    throw;
  }
  return rows;
}

void CheckpointCatalog(engine::Database& database, const std::function<void()>& undo) {
  engine::Durability* durability = database.durability();
  if (durability == nullptr) return;
  if (Status status = durability->Checkpoint(); !status.ok()) {
    undo();
    status.ThrowIfError();
  }
}

void DropShardTableQuietly(engine::Database& database, uint32_t worker_id, const std::string& shard) {
  if (const std::optional<engine::WorkerInfo> worker = database.catalog().FindWorker(worker_id)) {
    try {
      WorkerConnection connection(database, *worker);
      DropQuietly(connection, shard);
    } catch (const SqlError&) {
    }
  }
}

int64_t MovePartition(engine::ExecContext& context, uint32_t table_oid, size_t partition, uint32_t to_worker,
                      const MoveProgress& progress) {
  engine::Database& database = *context.database;
  const engine::RelationPtr relation = database.catalog().FindRelationByOid(table_oid);
  if (relation == nullptr || partition >= relation->placement.size()) return 0;
  const uint32_t from_worker = relation->placement[partition];
  if (from_worker == to_worker) return 0;
  // Only one move of a partition runs at a time (one rebalance at a time), so its placement changes only
  // here.
  const std::optional<int64_t> rows =
      CopyShard(context, ShardCopy{table_oid, partition, partition, to_worker}, progress, [&] {
        return SwitchPlacement(database, table_oid, partition, from_worker, to_worker);
      });
  if (!rows) return 0;
  // Step 4: reads that began before the switch may still read the old copy.
  engine::PartitionMoves& moves = database.partition_moves();
  if (!moves.WaitForReadsBefore(moves.NextReadTicket(), [&context] { return context.IsCanceled(); })) {
    context.CheckCancel();
  }
  DropShardTableQuietly(database, from_worker, ShardTableName(table_oid, partition));
  return *rows;
}

int64_t DropLeftoverShardTables(engine::ExecContext& context) {
  engine::Database& database = *context.database;
  int64_t dropped = 0;
  for (const engine::WorkerInfo& worker : database.catalog().Workers()) {
    try {
      WorkerConnection connection(database, worker);
      std::vector<std::string> names;
      connection->Query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'tessera_shards'",
                        [&names](Batch batch) {
                          for (idx_t row = 0; row < batch.num_rows; ++row) names.emplace_back(batch.columns[0].GetString(row));
                        },
                        connection.timeout());
      std::string sql;
      for (const std::string& name : names) {
        uint32_t table_oid = 0;
        size_t partition = 0;
        if (!ParseShardName(name, &table_oid, &partition)) continue;
        const engine::RelationPtr relation = database.catalog().FindRelationByOid(table_oid);
        if (relation == nullptr || relation->placement.empty()) continue;
        if (partition < relation->placement.size() && relation->placement[partition] == worker.id) continue;
        sql += "DROP TABLE IF EXISTS tessera_shards." + name + ";";
        ++dropped;
      }
      if (!sql.empty()) connection->Execute(sql, connection.timeout());
    } catch (const SqlError&) {
      // An unreachable worker keeps its leftovers until the next time.
    }
  }
  return dropped;
}

}  // namespace tessera::planner
