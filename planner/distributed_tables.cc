// SPDX-License-Identifier: Apache-2.0
// Creating and dropping distributed tables' shard tables on the workers.
#include "planner/distributed_tables.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "engine/database.h"
#include "engine/distributed.h"
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

// The shard table's definition: the table's columns, NOT NULL and unique constraints (each includes the
// shard key, so a shard enforces it for the whole table). Defaults and sequences stay on the coordinator,
// which computes the rows.
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
  return sql + ")";
}

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

// Throws 0A000 unless every unique constraint of `relation` includes its shard key.
void CheckUniqueConstraints(const engine::RelationInfo& relation) {
  for (const engine::IndexInfo& index : relation.indexes) {
    if (relation.shard_column >= 0 &&
        std::find(index.columns.begin(), index.columns.end(), relation.shard_column) != index.columns.end()) {
      continue;
    }
    throw SqlError(SqlState::kFeatureNotSupported,
                   "unique constraint \"" + index.name + "\" of a distributed table must include its shard key")
        .WithHint(relation.shard_column < 0 ? "Name a shard key with WITH (shard_key = 'column')."
                                            : "Add column \"" + relation.columns[relation.shard_column].name +
                                                  "\" to the constraint.");
  }
}

}  // namespace

void DistributeNewTable(Session& session, engine::RelationInfo& relation) {
  engine::Database& database = session.database();
  const std::vector<engine::WorkerInfo> workers = session.database().catalog().Workers();
  if (workers.empty()) {
    throw SqlError(SqlState::kObjectNotInPrerequisiteState, "the coordinator has no workers to place table \"" +
                                                                relation.name + "\" on")
        .WithHint("Add workers with SELECT tessera.add_worker('host', port).");
  }
  if (session.state().transaction != TransactionState::kIdle) {
    throw SqlError(SqlState::kFeatureNotSupported,
                   "creating a distributed table inside a transaction block is not supported yet");
  }
  if (relation.shard_column < 0) {
    for (const engine::IndexInfo& index : relation.indexes) {
      if (index.primary) relation.shard_column = index.columns.front();
    }
  }
  CheckUniqueConstraints(relation);
  relation.placement.clear();
  for (size_t partition = 0; partition < kPartitionsPerWorker * workers.size(); ++partition) {
    relation.placement.push_back(workers[partition % workers.size()].id);
  }
  try {
    for (const engine::WorkerInfo& worker : workers) {
      std::string sql = "CREATE SCHEMA IF NOT EXISTS tessera_shards;";
      for (size_t partition = 0; partition < relation.placement.size(); ++partition) {
        if (relation.placement[partition] == worker.id) sql += ShardDefinition(relation, partition) + ";";
      }
      ExecuteOnWorker(database, worker, sql);
    }
  } catch (const SqlError&) {
    DropShardTables(database, relation);
    throw;
  }
  // A new table has no rows: its row count is known from now on (the writers add theirs).
  database.statistics().NoteCreated(relation.oid);
}

void DropShards(Session& session, const engine::RelationInfo& relation) {
  for (const std::string& worker : DropShardTables(session.database(), relation)) {
    session.state().notices.push_back(ErrorInfo{
        SqlState::kWarning, "could not drop the shard tables of \"" + relation.name + "\" on worker " + worker});
  }
}

}  // namespace tessera::planner
