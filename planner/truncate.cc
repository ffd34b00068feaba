// SPDX-License-Identifier: Apache-2.0
// TRUNCATE [TABLE] name, ... [RESTART IDENTITY | CONTINUE IDENTITY] [CASCADE | RESTRICT]: each table gets
// new, empty data and indexes under the same OID; the old ones stay in the undo log, so ROLLBACK puts the
// rows back. A distributed table's shard tables are truncated on the workers. Tessera has no foreign
// keys, so CASCADE and RESTRICT truncate the same tables.
#include <mutex>

#include "engine/catalog.h"
#include "engine/database.h"
#include "planner/binder.h"
#include "planner/distributed_tables.h"
#include "planner/utility.h"

namespace tessera::planner {

namespace {

// The tables to truncate, all resolved before any is changed (42P01, 42809).
std::vector<engine::RelationPtr> ResolveTables(Session& session, const ast::TruncateStatement& truncate) {
  std::vector<LogicalType> parameter_types;
  Binder binder(session.database(), session.state(), parameter_types);
  std::vector<engine::RelationPtr> tables;
  for (const auto& names : truncate.tables) {
    engine::RelationPtr relation = binder.ResolveRelation(names, false, Binder::Use::kDdl);
    if (relation->kind != engine::RelationKind::kTable) {
      throw SqlError(SqlState::kWrongObjectType, "\"" + relation->name + "\" is not a table");
    }
    tables.push_back(std::move(relation));
  }
  return tables;
}

// A copy of `table` with no rows and empty indexes.
std::shared_ptr<engine::RelationInfo> Emptied(const engine::RelationInfo& table) {
  auto emptied = std::make_shared<engine::RelationInfo>(table);
  emptied->data = std::make_shared<storage::TableData>(table.data->column_types(), table.data->num_partitions(),
                                                       table.shard_column);
  emptied->data->SetSortColumns(table.data->SortColumns());
  for (auto& index : emptied->indexes) index.index = std::make_shared<engine::Index>();
  return emptied;
}

// RESTART IDENTITY: the table's serial sequences start over (undone by ROLLBACK, as in PostgreSQL).
void RestartSequences(Session& session, const engine::RelationInfo& table) {
  for (const auto& column : table.columns) {
    if (column.sequence_name.empty()) continue;
    auto sequence = session.database().catalog().FindRelation(table.schema, column.sequence_name, {});
    if (sequence == nullptr || sequence->sequence == nullptr) continue;
    std::shared_ptr<engine::SequenceState> state = sequence->sequence;
    std::lock_guard lock(state->mutex);
    RecordUndo(session, [state, next = state->next, called = state->called] {
      std::lock_guard undo_lock(state->mutex);
      state->next = next;
      state->called = called;
      state->logged = false;
    });
    state->next = state->start;
    state->called = false;
    state->logged = false;
  }
}

}  // namespace

void Truncate(Session& session, const ast::TruncateStatement& truncate) {
  for (const engine::RelationPtr& table : ResolveTables(session, truncate)) {
    ReplaceRelation(session, table, Emptied(*table));
    if (truncate.restart_identity) RestartSequences(session, *table);
    if (!table->placement.empty()) {
      ExecuteOnShards(session, *table, [&](size_t partition) { return "TRUNCATE " + engine::ShardTableName(table->oid, partition); });
    }
  }
}

}  // namespace tessera::planner
