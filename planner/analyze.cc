// SPDX-License-Identifier: Apache-2.0
// ANALYZE [table, ...] (and VACUUM (ANALYZE)): statistics for planning (engine/statistics.h) of each named
// table, or of every table of the database. A local table's rows are read at the statement's snapshot.
// A coordinator analyzes a distributed table on its workers: each worker analyzes the table's shard
// tables it holds and answers their statistics from tessera.column_statistics; the coordinator merges the
// shards' (counts add up, distinct-value sketches merge exactly, min/max of the min/max).
#include <chrono>
#include <map>
#include <set>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/exec_context.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/scalar_function.h"
#include "engine/remote/connection_pool.h"
#include "engine/remote/remote_connection.h"
#include "engine/statistics.h"
#include "planner/binder.h"
#include "planner/utility.h"

namespace tessera::planner {

namespace {

std::vector<engine::RelationPtr> TablesToAnalyze(Session& session, const ast::MaintenanceStatement& statement) {
  std::vector<engine::RelationPtr> tables;
  if (statement.tables.empty()) {
    for (const engine::RelationPtr& relation : session.database().catalog().AllRelations()) {
      if (relation->kind == engine::RelationKind::kTable) tables.push_back(relation);
    }
    return tables;
  }
  std::vector<LogicalType> parameter_types;
  Binder binder(session.database(), session.state(), parameter_types);
  for (const auto& names : statement.tables) {
    engine::RelationPtr relation = binder.ResolveRelation(names, false, Binder::Use::kRead);
    // Views and sequences have nothing to analyze (PostgreSQL warns and skips them too).
    if (relation->kind == engine::RelationKind::kTable) tables.push_back(std::move(relation));
  }
  return tables;
}

// The statistics of one shard table, as its worker's tessera.column_statistics lists them.
void AddShardColumn(const engine::RelationInfo& table, const Batch& batch, idx_t row, engine::ExecContext& context,
                    engine::TableStatistics& shard) {
  const int column = table.FindColumn(std::string(batch.columns[1].GetString(row)));
  if (column < 0) return;
  shard.rows = batch.columns[2].GetValue(row).GetInt();
  engine::ColumnStatistics& into = shard.columns[column];
  into.non_null = shard.rows - batch.columns[3].GetValue(row).GetInt();
  into.total_width = static_cast<double>(batch.columns[4].GetValue(row).GetInt()) * static_cast<double>(into.non_null);
  const LogicalType& type = table.columns[column].type;
  for (int bound = 0; bound < 2; ++bound) {
    const Value text = batch.columns[5 + bound].GetValue(row);
    if (text.is_null()) continue;
    (bound == 0 ? into.min : into.max) = engine::CastValue(text, type, context, true);
  }
  const auto sketch = engine::DistinctSketch::Deserialize(batch.columns[7].GetString(row));
  if (!sketch) throw SqlError(SqlState::kDataCorrupted, "a worker sent a malformed distinct-value sketch");
  into.distinct = *sketch;
}

engine::TableStatistics AnalyzeDistributed(Session& session, const engine::RelationInfo& table,
                                           engine::ExecContext& context) {
  engine::Database& database = session.database();
  std::map<uint32_t, std::vector<std::string>> shards_by_worker;  // shard tables, unqualified
  // A reference table's partitions are copies of the whole table: one of them is the table.
  const size_t partitions = table.IsReferenceTable() ? 1 : table.placement.size();
  for (size_t partition = 0; partition < partitions; ++partition) {
    const std::string shard = engine::ShardTableName(table.oid, partition);
    shards_by_worker[table.placement[partition]].push_back(shard.substr(shard.find('.') + 1));
  }
  const std::chrono::milliseconds timeout = engine::WorkerTimeout(database.options());
  engine::TableStatistics merged;
  merged.columns.resize(table.columns.size());
  for (const auto& [worker_id, shards] : shards_by_worker) {
    const std::optional<engine::WorkerInfo> worker = database.catalog().FindWorker(worker_id);
    if (!worker) throw SqlError(SqlState::kInternalError, "internal error: worker " + std::to_string(worker_id) + " is not registered");
    remote::RemoteConnection connection =
        database.worker_connections().Acquire(engine::WorkerEndpoint(*worker, database.options()), timeout);
    std::string analyze, names;
    for (const std::string& shard : shards) {
      analyze += (analyze.empty() ? "ANALYZE tessera_shards." : ", tessera_shards.") + shard;
      names += (names.empty() ? "" : ", ") + engine::builtin::QuoteLiteral(shard);
    }
    connection.Execute(analyze, timeout);
    std::map<std::string, engine::TableStatistics> by_shard;
    connection.Query(
        "SELECT table_name::text, column_name::text, rows, null_count, avg_width, min_value, max_value, "
        "distinct_sketch FROM tessera.column_statistics WHERE table_schema = 'tessera_shards' AND table_name IN (" +
            names + ")",
        [&](Batch batch) {
          for (idx_t row = 0; row < batch.num_rows; ++row) {
            engine::TableStatistics& shard = by_shard[std::string(batch.columns[0].GetString(row))];
            shard.columns.resize(table.columns.size());
            AddShardColumn(table, batch, row, context, shard);
          }
        },
        timeout);
    database.worker_connections().Release(std::move(connection));
    for (const auto& [name, shard] : by_shard) merged.Merge(shard);
  }
  return merged;
}

}  // namespace

void Analyze(Session& session, const ast::MaintenanceStatement& statement) {
  auto context = session.MakeContext({});
  for (const engine::RelationPtr& table : TablesToAnalyze(session, statement)) {
    context->CheckCancel();
    std::vector<LogicalType> types;
    for (const engine::ColumnInfo& column : table->columns) types.push_back(column.type);
    auto statistics = std::make_shared<engine::TableStatistics>(
        table->placement.empty() ? engine::ComputeStatistics(*table->data, context->snapshot, types)
                                 : AnalyzeDistributed(session, *table, *context));
    session.database().statistics().Set(table->oid, std::move(statistics));
  }
}

}  // namespace tessera::planner
