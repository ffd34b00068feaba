// SPDX-License-Identifier: Apache-2.0
// Creating and dropping distributed tables' shard tables on the workers.
#include "planner/distributed_tables.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/distributed_transaction.h"
#include "engine/global_unique.h"
#include "engine/statistics.h"
#include "engine/function/kernel_builder.h"
#include "engine/remote/connection_pool.h"
#include "engine/remote/remote_connection.h"
#include "planner/session.h"
#include "planner/session_state.h"

namespace tessera::planner {

namespace {

using engine::ShardTableName;

using engine::builtin::QuoteIdentifier;

}  // namespace

namespace {

// The name of `index` on a shard table, in the shard table's schema.
std::string ShardIndexName(const engine::IndexInfo& index, size_t partition) {
  return "i" + std::to_string(index.oid) + "_p" + std::to_string(partition);
}

// CREATE [UNIQUE] INDEX of `index` on one shard table.
std::string ShardIndexSql(const engine::RelationInfo& relation, const engine::IndexInfo& index, size_t partition) {
  std::string columns;
  for (size_t key = 0; key < index.columns.size(); ++key) {
    columns += (key > 0 ? ", " : "") + QuoteIdentifier(relation.columns[index.columns[key]].name);
    if (index.descending[key]) columns += " DESC";
  }
  return std::string(index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + ShardIndexName(index, partition) +
         " ON " + ShardTableName(relation.oid, partition) + " (" + columns + ")";
}

}  // namespace

// The shard table's definition: the table's columns, NOT NULL and unique constraints (a shard enforces
// one that includes the shard key for the whole table, the coordinator a global one across shards:
// engine/global_unique.h), then its other indexes. Defaults and sequences
// stay on the coordinator, which computes the rows.
std::string ShardDefinition(const engine::RelationInfo& relation, size_t partition) {
  std::string sql = "CREATE TABLE " + ShardTableName(relation.oid, partition) + " (";
  for (size_t column = 0; column < relation.columns.size(); ++column) {
    const engine::ColumnInfo& info = relation.columns[column];
    sql += (column > 0 ? ", " : "") + QuoteIdentifier(info.name) + " " + FormatType(info.type);
    if (info.not_null) sql += " NOT NULL";
  }
  for (const engine::IndexInfo& index : relation.indexes) {
    if (!index.constraint) continue;
    sql += index.primary ? ", PRIMARY KEY (" : ", UNIQUE (";
    for (size_t key = 0; key < index.columns.size(); ++key) {
      sql += (key > 0 ? ", " : "") + QuoteIdentifier(relation.columns[index.columns[key]].name);
    }
    sql += ")";
  }
  sql += ")";
  for (const engine::IndexInfo& index : relation.indexes) {
    if (!index.constraint) sql += "; " + ShardIndexSql(relation, index, partition);
  }
  return sql;
}

namespace {

// Runs `sql` on `worker` over a connection from the database's pool.
void ExecuteOnWorker(engine::Database& database, const engine::WorkerInfo& worker, const std::string& sql) {
  const engine::DatabaseOptions& options = database.options();
  const std::chrono::milliseconds timeout = engine::WorkerTimeout(options);
  remote::RemoteConnection connection = database.worker_connections().Acquire(engine::WorkerEndpoint(worker, options), timeout);
  connection.Execute(sql, timeout);
  database.worker_connections().Release(std::move(connection));
}

// The partitions of `relation` on each worker, by worker id.
std::map<uint32_t, std::vector<size_t>> PartitionsByWorker(const engine::RelationInfo& relation) {
  std::map<uint32_t, std::vector<size_t>> partitions;
  for (size_t partition = 0; partition < relation.placement.size(); ++partition) {
    partitions[relation.placement[partition]].push_back(partition);
  }
  return partitions;
}

// Drops the shard tables of `relation` on every worker; returns the workers it could not reach.
std::vector<std::string> DropShardTables(engine::Database& database, const engine::RelationInfo& relation) {
  std::vector<std::string> unreachable;
  for (const auto& [worker_id, partitions] : PartitionsByWorker(relation)) {
    const std::optional<engine::WorkerInfo> worker = database.catalog().FindWorker(worker_id);
    if (!worker) continue;
    std::string sql;
    for (size_t partition : partitions) sql += "DROP TABLE IF EXISTS " + ShardTableName(relation.oid, partition) + ";";
    try {
      ExecuteOnWorker(database, *worker, sql);
    } catch (const SqlError&) {
      unreachable.push_back(worker->Name());
    }
  }
  return unreachable;
}

// The shard key of a table created without one: the primary key's first column (as SingleStore does);
// without a primary key, the first column of the first unique constraint that is in every unique
// constraint, so that each shard can enforce them; else -1 (rows spread round-robin).
int DefaultShardColumn(const engine::RelationInfo& relation) {
  for (const engine::IndexInfo& index : relation.indexes) {
    if (index.primary) return index.columns.front();
  }
  for (const engine::IndexInfo& index : relation.indexes) {
    for (int column : index.columns) {
      const bool in_every = std::all_of(relation.indexes.begin(), relation.indexes.end(), [&](const engine::IndexInfo& other) {
        return std::find(other.columns.begin(), other.columns.end(), column) != other.columns.end();
      });
      if (in_every) return column;
    }
  }
  return -1;
}

bool InTransactionBlock(Session& session) { return session.state().transaction != TransactionState::kIdle; }

// Runs `sql` on `worker_id` inside the session's transaction block (SessionState::worker_block), which
// commits or rolls it back with the block; counts the worker as written.
void ExecuteInBlock(Session& session, uint32_t worker_id, const std::string& sql) {
  engine::DistributedTransaction& block = WorkerBlock(session.state(), session.database());
  block.Write(worker_id).Execute(sql, block.timeout());
}

// Rolls back the transactions ExecuteOnShards opened on `connections` and gives them back to the pool.
void RollBackAll(engine::Database& database, std::vector<remote::RemoteConnection>& connections,
                 std::chrono::milliseconds timeout) {
  for (remote::RemoteConnection& connection : connections) {
    try {
      connection.Execute("ROLLBACK", timeout);
      database.worker_connections().Release(std::move(connection));
    } catch (const SqlError&) {
      // The worker ends a transaction whose connection went away by itself.
    }
  }
}

}  // namespace

void DistributeNewTable(Session& session, engine::RelationInfo& relation) {
  engine::Database& database = session.database();
  // A draining worker (tessera.drain_worker) gets nothing new.
  std::vector<engine::WorkerInfo> workers = session.database().catalog().Workers();
  std::erase_if(workers, [](const engine::WorkerInfo& worker) { return worker.draining; });
  if (workers.empty()) {
    throw SqlError(SqlState::kObjectNotInPrerequisiteState, "the coordinator has no active workers to place table \"" +
                                                                relation.name + "\" on")
        .WithHint("Add workers with SELECT tessera.add_worker('host', port).");
  }
  // A reference table has one partition per worker, each a full copy enforcing the unique constraints.
  const bool reference = relation.IsReferenceTable();
  if (relation.shard_column < 0 && !reference) relation.shard_column = DefaultShardColumn(relation);
  relation.placement.clear();
  for (size_t partition = 0; partition < (reference ? 1 : kPartitionsPerWorker) * workers.size(); ++partition) {
    relation.placement.push_back(workers[partition % workers.size()].id);
  }
  const bool in_block = InTransactionBlock(session);
  try {
    for (const engine::WorkerInfo& worker : workers) {
      std::string sql;
      for (size_t partition = 0; partition < relation.placement.size(); ++partition) {
        if (relation.placement[partition] == worker.id) sql += ShardDefinition(relation, partition) + ";";
      }
      if (!in_block) {
        ExecuteOnWorker(database, worker, "CREATE SCHEMA IF NOT EXISTS tessera_shards;" + sql);
        continue;
      }
      // The schema outside the block: it stays, and a worker prepares only changes of tables.
      ExecuteOnWorker(database, worker, "CREATE SCHEMA IF NOT EXISTS tessera_shards");
      ExecuteInBlock(session, worker.id, sql);
    }
  } catch (const SqlError&) {
    if (!in_block) DropShardTables(database, relation);  // in a block, its rollback drops them
    throw;
  }
  // A new table has no rows: its row count is known from now on (the writers add theirs).
  database.statistics().NoteCreated(relation.oid);
}

void DropShards(Session& session, const engine::RelationInfo& relation) {
  if (InTransactionBlock(session)) {
    for (const auto& [worker_id, partitions] : PartitionsByWorker(relation)) {
      std::string sql;
      for (size_t partition : partitions) sql += "DROP TABLE IF EXISTS " + ShardTableName(relation.oid, partition) + ";";
      ExecuteInBlock(session, worker_id, sql);
    }
    return;
  }
  for (const std::string& worker : DropShardTables(session.database(), relation)) {
    session.state().notices.push_back(ErrorInfo{
        SqlState::kWarning, "could not drop the shard tables of \"" + relation.name + "\" on worker " + worker});
  }
}

void CreateShardIndexes(Session& session, const engine::RelationInfo& relation, const engine::IndexInfo& index) {
  // A global unique index: the table's writers wait while the rows are checked across partitions (each
  // shard checks its own when it builds the index).
  engine::DistributedTransaction check(session.database(), "read committed");
  if (engine::IsGlobalUnique(relation, index)) {
    check.HoldTable(relation.oid, [&session] {
      if (session.cancel_requested()) throw SqlError(SqlState::kQueryCanceled, "canceling statement due to user request");
    });
    engine::CheckAllKeys(session.database(), check, relation, index, true);
  }
  ExecuteOnShards(
      session, relation, [&](size_t partition) { return ShardIndexSql(relation, index, partition); });
}

void DropShardIndexes(Session& session, const engine::RelationInfo& relation, const engine::IndexInfo& index) {
  ExecuteOnShards(
      session, relation,
      [&](size_t partition) { return "DROP INDEX IF EXISTS tessera_shards." + ShardIndexName(index, partition); });
}

void ExecuteOnShards(Session& session, const engine::RelationInfo& relation,
                     const std::function<std::string(size_t partition)>& statements_for) {
  if (InTransactionBlock(session)) {
    for (const auto& [worker_id, partitions] : PartitionsByWorker(relation)) {
      std::string sql;
      for (size_t partition : partitions) sql += statements_for(partition) + ";";
      ExecuteInBlock(session, worker_id, sql);
    }
    return;
  }
  engine::Database& database = session.database();
  const engine::DatabaseOptions& options = database.options();
  const std::chrono::milliseconds timeout = engine::WorkerTimeout(options);
  std::vector<remote::RemoteConnection> open;  // one per worker, each inside its transaction
  try {
    for (const auto& [worker_id, partitions] : PartitionsByWorker(relation)) {
      const std::optional<engine::WorkerInfo> worker = database.catalog().FindWorker(worker_id);
      if (!worker) throw SqlError(SqlState::kInternalError, "worker " + std::to_string(worker_id) + " is not registered");
      std::string sql = "BEGIN;";
      for (size_t partition : partitions) sql += statements_for(partition) + ";";
      open.push_back(database.worker_connections().Acquire(engine::WorkerEndpoint(*worker, options), timeout));
      open.back().Execute(sql, timeout);
    }
  } catch (const SqlError&) {
    RollBackAll(database, open, timeout);
    throw;
  }
  for (remote::RemoteConnection& connection : open) {
    connection.Execute("COMMIT", timeout);
    database.worker_connections().Release(std::move(connection));
  }
}

}  // namespace tessera::planner
