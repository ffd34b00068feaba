// SPDX-License-Identifier: Apache-2.0
// ALTER TABLE (and ALTER VIEW/INDEX ... RENAME): each command copies the published RelationInfo, changes
// the copy (and the table's data where needed) and publishes it, which bumps the catalog version so views
// and prepared statements re-bind. Each command records its undo in the session's undo log, so a failed
// statement or a ROLLBACK puts the previous definition and data shape back. On a distributed table the
// commands that change the shards' columns are sent to every shard table afterwards (planner/
// distributed_tables.h); renames of the table and its indexes, and defaults, stay on the coordinator.
#include <algorithm>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/function/kernel_builder.h"
#include "planner/binder.h"
#include "planner/distributed_tables.h"
#include "planner/utility.h"
#include "planner/view_dependencies.h"

namespace tessera::planner {

namespace {

using engine::builtin::QuoteIdentifier;
using engine::builtin::QuoteLiteral;
using RelationCopy = std::shared_ptr<engine::RelationInfo>;

class AlterTableRunner {
 public:
  AlterTableRunner(Session& session, engine::ExecContext& context)
      : session_(session), context_(context), binder_(session.database(), session.state(), parameter_types_) {}

  void Run(const ast::AlterTableStatement& alter) {
    engine::RelationPtr relation = Resolve(alter);
    if (relation == nullptr) return;
    session_.state().NoteRelation(relation->oid, relation);  // before any command changes its storage
    for (const auto& command : alter.commands) {
      auto copy = std::make_shared<engine::RelationInfo>(*relation);
      if (!Apply(command, *copy)) continue;
      catalog().PutRelation(copy, true);
      // The catalog outlives the session's undo log; this runner does not.
      RecordUndo([catalog = &catalog(), previous = relation] {
        catalog->PutRelation(std::const_pointer_cast<engine::RelationInfo>(previous), true);
      });
      PublishRenamedViews(command, *relation);
      relation = copy;
    }
    if (!shard_commands_.empty()) {
      ExecuteOnShards(
          session_, *relation,
          [&](size_t partition) {
            std::string sql;
            for (const std::string& command : shard_commands_) {
              sql += (sql.empty() ? "" : ";") + ("ALTER TABLE " + engine::ShardTableName(relation->oid, partition) + " ") + command;
            }
            return sql;
          });
    }
  }

 private:
  engine::Catalog& catalog() { return session_.database().catalog(); }

  // Notes `command` (an ALTER TABLE command as SQL) for the shard tables when `relation` is distributed;
  // Run sends them once the coordinator's catalog took every command.
  void ForwardToShards(const engine::RelationInfo& relation, std::string command) {
    if (!relation.placement.empty()) shard_commands_.push_back(std::move(command));
  }

  // Before a rename of `relation` (its column `column` when >= 0): the views that use it, with their SQL
  // following the new name, for PublishRenamedViews.
  void PrepareViewRenames(const engine::RelationInfo& relation, int column, const std::string& new_name) {
    renamed_views_ = RenameInViews(session_, relation, column, new_name);
  }

  // After a rename is published: publishes the views' new SQL and checks that they still bind; throws
  // 0A000 (the undo log then restores the old names) when one does not.
  void PublishRenamedViews(const ast::AlterTableCommand& command, const engine::RelationInfo& previous) {
    std::vector<RenamedView> renamed = std::move(renamed_views_);
    renamed_views_.clear();
    for (const RenamedView& view : renamed) {
      auto updated = std::make_shared<engine::RelationInfo>(*view.view);
      updated->view_sql = view.view_sql;
      session_.state().NoteRelation(view.view->oid, view.view);
      catalog().PutRelation(updated, true);
      RecordUndo([catalog = &catalog(), old = view.view] {
        catalog->PutRelation(std::const_pointer_cast<engine::RelationInfo>(old), true);
      });
    }
    for (const RenamedView& view : renamed) {
      if (ViewBinds(session_, *catalog().FindRelationByOid(view.view->oid))) continue;
      const int column = command.action == ast::AlterTableAction::kRenameColumn ? previous.FindColumn(command.column) : -1;
      throw SqlError(SqlState::kFeatureNotSupported, "renaming " + Describe(previous, column) + " used by " +
                                                         Describe(*view.view) + " is not supported yet");
    }
  }

  // Adds an undo action; data changes record theirs before the catalog's, so undo runs them after.
  void RecordUndo(std::function<void()> undo) {
    if (context_.undo_log == nullptr) return;
    session_.state().NoteCatalogChange(true);  // of the relation noted by Run or of a view noted here
    context_.undo_log->push_back(std::move(undo));
  }

  void Notice(const std::string& message) {
    session_.state().notices.push_back(ErrorInfo{SqlState::kSuccessfulCompletion, message});
  }

  // The relation to alter, or nullptr for a missing one with IF EXISTS. ALTER INDEX names the owning
  // table's index.
  engine::RelationPtr Resolve(const ast::AlterTableStatement& alter) {
    const std::string& name = alter.table.back();
    engine::RelationPtr relation;
    if (alter.object_kind == ast::ObjectKind::kIndex) {
      const std::string schema = alter.table.size() >= 2 ? alter.table[alter.table.size() - 2] : "";
      relation = catalog().FindIndexOwner(schema, name, session_.state().search_path);
      index_name_ = name;
    } else {
      relation = binder_.ResolveRelation(alter.table, true, Binder::Use::kDdl);
    }
    if (relation == nullptr) {
      if (alter.if_exists) {
        Notice("relation \"" + name + "\" does not exist, skipping");
        return nullptr;
      }
      throw SqlError(SqlState::kUndefinedTable, "relation \"" + name + "\" does not exist");
    }
    const bool is_view = relation->kind == engine::RelationKind::kView;
    const bool renames_only = alter.commands.size() == 1 && alter.commands[0].action == ast::AlterTableAction::kRenameTable;
    if (relation->kind == engine::RelationKind::kSequence) {
      throw SqlError(SqlState::kFeatureNotSupported, "ALTER on sequence \"" + relation->name + "\" is not supported yet");
    }
    if (is_view && !renames_only) throw SqlError(SqlState::kWrongObjectType, "\"" + relation->name + "\" is not a table");
    return relation;
  }

  // Applies one command to `relation`; returns false when it changed nothing (IF [NOT] EXISTS).
  bool Apply(const ast::AlterTableCommand& command, engine::RelationInfo& relation) {
    switch (command.action) {
      case ast::AlterTableAction::kAddColumn: return AddColumn(command, relation);
      case ast::AlterTableAction::kDropColumn: return DropColumn(command, relation);
      case ast::AlterTableAction::kRenameColumn: {
        const int column = FindColumn(relation, command.column);
        CheckNewColumnName(relation, command.new_name);
        PrepareViewRenames(relation, column, command.new_name);
        ForwardToShards(relation, "RENAME COLUMN " + QuoteIdentifier(relation.columns[column].name) + " TO " +
                                      QuoteIdentifier(command.new_name));
        relation.columns[column].name = command.new_name;
        return true;
      }
      case ast::AlterTableAction::kRenameTable: return Rename(command, relation);
      case ast::AlterTableAction::kSetDefault: {
        engine::ColumnInfo& column = relation.columns[FindColumn(relation, command.column)];
        const bool is_null = CheckColumnDefault(binder_, *command.default_value, column.name, column.type);
        column.default_sql = is_null ? "" : command.default_sql;
        return true;
      }
      case ast::AlterTableAction::kDropDefault:
        relation.columns[FindColumn(relation, command.column)].default_sql.clear();
        return true;
      case ast::AlterTableAction::kSetNotNull: {
        const int column = FindColumn(relation, command.column);
        CheckNoNulls(relation, column);
        relation.columns[column].not_null = true;
        ForwardToShards(relation, "ALTER COLUMN " + QuoteIdentifier(relation.columns[column].name) + " SET NOT NULL");
        return true;
      }
      case ast::AlterTableAction::kDropNotNull: {
        const int column = FindColumn(relation, command.column);
        for (const auto& index : relation.indexes) {
          if (!index.primary) continue;
          for (int key : index.columns) {
            if (key == column) {
              throw SqlError(SqlState::kInvalidTableDefinition, "column \"" + command.column + "\" is in a primary key");
            }
          }
        }
        relation.columns[column].not_null = false;
        ForwardToShards(relation, "ALTER COLUMN " + QuoteIdentifier(relation.columns[column].name) + " DROP NOT NULL");
        return true;
      }
      case ast::AlterTableAction::kAlterColumnType:
        throw SqlError(SqlState::kFeatureNotSupported, "ALTER TABLE ... ALTER COLUMN TYPE is not supported yet");
      case ast::AlterTableAction::kAddConstraint:
        throw SqlError(SqlState::kFeatureNotSupported, "ALTER TABLE ... ADD CONSTRAINT is not supported yet");
      case ast::AlterTableAction::kOther:
        break;
    }
    throw SqlError(SqlState::kFeatureNotSupported, "this ALTER TABLE command is not supported yet");
  }

  int FindColumn(const engine::RelationInfo& relation, const std::string& name) {
    const int column = relation.FindColumn(name);
    if (column < 0) {
      throw SqlError(SqlState::kUndefinedColumn, "column \"" + name + "\" of relation \"" + relation.name + "\" does not exist");
    }
    return column;
  }

  void CheckNewColumnName(const engine::RelationInfo& relation, const std::string& name) {
    if (relation.FindColumn(name) >= 0) {
      throw SqlError(SqlState::kDuplicateColumn, "column \"" + name + "\" of relation \"" + relation.name + "\" already exists");
    }
  }

  // Throws 23502 when a live row of the table has NULL in `column`.
  void CheckNoNulls(const engine::RelationInfo& relation, int column) {
    const auto& data = *relation.data;
    for (int partition = 0; partition < data.num_partitions(); ++partition) {
      storage::ScanPosition position;
      Batch batch;
      while (data.Scan(partition, position, {column}, context_.snapshot, &batch, nullptr)) {
        context_.CheckCancel();
        for (idx_t row = 0; row < batch.num_rows; ++row) {
          if (batch.columns[0].IsNull(row)) {
            throw SqlError(SqlState::kNotNullViolation, "column \"" + relation.columns[column].name + "\" of relation \"" +
                                                            relation.name + "\" contains null values");
          }
        }
      }
    }
  }

  bool AddColumn(const ast::AlterTableCommand& command, engine::RelationInfo& relation) {
    const ast::ColumnDef& def = *command.column_def;
    if (relation.FindColumn(def.name) >= 0 && command.if_exists) {
      Notice("column \"" + def.name + "\" of relation \"" + relation.name + "\" already exists, skipping");
      return false;
    }
    CheckNewColumnName(relation, def.name);
    if (def.is_serial) throw SqlError(SqlState::kFeatureNotSupported, "ADD COLUMN with a serial type is not supported yet");
    if (def.check) throw SqlError(SqlState::kFeatureNotSupported, "CHECK constraints are not supported yet");
    if (def.primary_key) {
      for (const auto& index : relation.indexes) {
        if (index.primary) {
          throw SqlError(SqlState::kInvalidTableDefinition,
                         "multiple primary keys for table \"" + relation.name + "\" are not allowed");
        }
      }
    }
    if (def.primary_key || def.unique) {
      throw SqlError(SqlState::kFeatureNotSupported, "ADD COLUMN with PRIMARY KEY or UNIQUE is not supported yet");
    }
    engine::ColumnInfo info;
    info.name = def.name;
    info.type = binder_.ResolveType(def.type);
    info.not_null = def.not_null;
    if (def.default_value && !CheckColumnDefault(binder_, *def.default_value, info.name, info.type)) {
      info.default_sql = def.default_sql;
    }
    // Existing rows take the default, evaluated per row group (per row for volatile defaults).
    engine::BoundExprPtr fill = BindDefault(binder_, info);
    ForwardAddColumn(relation, info, *fill);
    if (info.not_null && relation.data->CountLiveRows() > 0 && fill->kind == engine::BoundExprKind::kConstant &&
        fill->constant.is_null()) {
      throw SqlError(SqlState::kNotNullViolation, "column \"" + info.name + "\" of relation \"" + relation.name +
                                                      "\" contains null values");
    }
    relation.columns.push_back(info);
    relation.data->AddColumn(info.type, [&](idx_t num_rows) {
      Batch empty;
      empty.num_rows = num_rows;
      return engine::Evaluate(*fill, empty, context_);
    });
    if (info.not_null) CheckNoNullsAfterAdd(relation);
    const int added = static_cast<int>(relation.columns.size()) - 1;
    RecordUndo([data = relation.data, added] { data->DropColumn(added); });
    return true;
  }

  // A distributed table's shards get the column, their rows the default when it is a constant; the
  // default itself stays on the coordinator, which computes the rows it inserts.
  void ForwardAddColumn(const engine::RelationInfo& relation, const engine::ColumnInfo& info, const engine::BoundExpr& fill) {
    if (relation.placement.empty()) return;
    if (fill.kind != engine::BoundExprKind::kConstant) {
      throw SqlError(SqlState::kFeatureNotSupported,
                     "ADD COLUMN with a non-constant default on a distributed table is not supported yet");
    }
    const std::string column = QuoteIdentifier(info.name);
    std::string add = "ADD COLUMN " + column + " " + FormatType(info.type);
    if (!fill.constant.is_null()) add += " DEFAULT " + QuoteLiteral(fill.constant.ToString()) + "::" + FormatType(info.type);
    if (info.not_null) add += " NOT NULL";
    ForwardToShards(relation, add);
    if (!fill.constant.is_null()) ForwardToShards(relation, "ALTER COLUMN " + column + " DROP DEFAULT");
  }

  // A volatile default may still give NULL for some rows: then the new column is removed again.
  void CheckNoNullsAfterAdd(engine::RelationInfo& relation) {
    const int column = static_cast<int>(relation.columns.size()) - 1;
    try {
      CheckNoNulls(relation, column);
    } catch (...) {
      relation.data->DropColumn(column);
      throw;
    }
  }

  bool DropColumn(const ast::AlterTableCommand& command, engine::RelationInfo& relation) {
    const int column = relation.FindColumn(command.column);
    if (column < 0 && command.if_exists) {
      Notice("column \"" + command.column + "\" of relation \"" + relation.name + "\" does not exist, skipping");
      return false;
    }
    FindColumn(relation, command.column);
    if (column == relation.shard_column) {
      throw SqlError(SqlState::kFeatureNotSupported, "dropping the shard key column is not supported yet");
    }
    const std::vector<int> sort_columns = relation.data->SortColumns();
    if (std::find(sort_columns.begin(), sort_columns.end(), column) != sort_columns.end()) {
      throw SqlError(SqlState::kFeatureNotSupported, "dropping a sort key column is not supported yet");
    }
    for (const engine::RelationPtr& view : DropDependentViews(session_, Describe(relation, column),
                                                              FindDependentViews(session_, relation, column),
                                                              command.cascade)) {
      session_.state().NoteRelation(view->oid, view);
      RecordUndo([catalog = &catalog(), view] {
        catalog->PutRelation(std::const_pointer_cast<engine::RelationInfo>(view), false);
      });
    }
    // Indexes on the column go with it (PostgreSQL drops them too); the others shift down.
    std::vector<engine::IndexInfo> kept;
    for (auto& index : relation.indexes) {
      bool uses = false;
      for (int& key : index.columns) {
        uses = uses || key == column;
        if (key > column) --key;
      }
      if (!uses) kept.push_back(index);
    }
    relation.indexes = std::move(kept);
    if (relation.shard_column > column) --relation.shard_column;
    ForwardToShards(relation, "DROP COLUMN " + QuoteIdentifier(relation.columns[column].name));
    relation.columns.erase(relation.columns.begin() + column);
    auto detached = std::make_shared<storage::TableData::DetachedColumn>(relation.data->DropColumn(column));
    RecordUndo([data = relation.data, column, detached] { data->RestoreColumn(column, std::move(*detached)); });
    return true;
  }

  bool Rename(const ast::AlterTableCommand& command, engine::RelationInfo& relation) {
    const auto& search_path = session_.state().search_path;
    if (catalog().FindRelation(relation.schema, command.new_name, {}) ||
        catalog().FindIndexOwner(relation.schema, command.new_name, search_path)) {
      throw SqlError(SqlState::kDuplicateTable, "relation \"" + command.new_name + "\" already exists");
    }
    if (index_name_.empty()) {
      PrepareViewRenames(relation, -1, command.new_name);
      relation.name = command.new_name;
      return true;
    }
    for (auto& index : relation.indexes) {
      if (index.name == index_name_) index.name = command.new_name;
    }
    return true;
  }

  Session& session_;
  engine::ExecContext& context_;
  std::vector<LogicalType> parameter_types_;
  Binder binder_;
  std::string index_name_;  // ALTER INDEX: the index to rename
  std::vector<RenamedView> renamed_views_;  // set by PrepareViewRenames for the command being applied
  std::vector<std::string> shard_commands_;  // ALTER TABLE commands for a distributed table's shards
};

}  // namespace

void AlterTable(Session& session, const ast::AlterTableStatement& alter, engine::ExecContext& context) {
  AlterTableRunner(session, context).Run(alter);
}

}  // namespace tessera::planner
