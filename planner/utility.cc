// SPDX-License-Identifier: Apache-2.0
// DDL, transaction control, SET/SHOW and EXPLAIN.
#include "planner/utility.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/durability.h"
#include "engine/operator.h"
#include "engine/plan_profile.h"
#include "planner/binder.h"
#include "planner/distributed_tables.h"
#include "planner/session_state.h"
#include "planner/view_dependencies.h"

namespace tessera::planner {

namespace {

// EXPLAIN ANALYZE: runs `plan` (its rows are dropped; writes happen, as in PostgreSQL) and returns its
// EXPLAIN text with each node's actual time, rows and loops, and the whole run's time.
std::string ExplainAnalyze(Session& session, const engine::PlanNode& plan) {
  auto context = session.MakeContext({}, true);
  context->profile = std::make_shared<engine::PlanProfile>();
  const auto start = std::chrono::steady_clock::now();
  auto op = engine::CreateOperator(plan, *context);
  Batch batch;
  while (op->Next(&batch)) {
  }
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  char footer[64];
  std::snprintf(footer, sizeof footer, "Execution Time: %.3f ms", elapsed_ms);
  return plan.Explain(context->profile.get()) + footer;
}

Batch TextRows(const std::vector<std::string>& rows) {
  Batch batch({LogicalType(TypeId::kText)});
  for (const auto& row : rows) batch.columns[0].AppendValue(Value::Text(row));
  batch.num_rows = rows.size();
  return batch;
}

std::string ObjectName(const std::vector<std::string>& names) { return names.back(); }

// The columns of a sort_key option: a comma-separated list of column names, folded to lower case unless
// double-quoted, as identifiers in SQL.
std::vector<int> SortKeyColumns(const engine::RelationInfo& relation, const std::string& value) {
  std::vector<int> columns;
  size_t start = 0;
  for (;;) {
    const size_t comma = value.find(',', start);
    std::string_view item(value.data() + start, (comma == std::string::npos ? value.size() : comma) - start);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    std::string name;
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      name = item.substr(1, item.size() - 2);
    } else {
      for (char c : item) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (name.empty()) {
      throw SqlError(SqlState::kInvalidParameterValue, "invalid value for parameter \"sort_key\": \"" + value + "\"");
    }
    const int column = relation.FindColumn(name);
    if (column < 0) throw SqlError(SqlState::kUndefinedColumn, "sort key column \"" + name + "\" does not exist");
    if (std::find(columns.begin(), columns.end(), column) != columns.end()) {
      throw SqlError(SqlState::kDuplicateColumn, "column \"" + name + "\" appears twice in sort key");
    }
    columns.push_back(column);
    if (comma == std::string::npos) return columns;
    start = comma + 1;
  }
}

void CreateTable(Session& session, const ast::CreateTableStatement& create) {
  auto& catalog = session.database().catalog();
  const std::string schema = SchemaOf(session, create.table);
  const std::string name = ObjectName(create.table);
  if (!RelationNameIsFree(session, schema, name, create.if_not_exists)) return;
  std::vector<LogicalType> parameter_types;
  Binder binder(session.database(), session.state(), parameter_types);
  auto relation = std::make_shared<engine::RelationInfo>();
  relation->oid = catalog.AllocateOid();
  relation->schema = schema;
  relation->name = name;
  std::vector<std::vector<std::string>> unique_sets;
  std::vector<std::string> primary_key;
  auto set_primary_key = [&](std::vector<std::string> columns) {
    if (!primary_key.empty()) {
      throw SqlError(SqlState::kInvalidTableDefinition, "multiple primary keys for table \"" + name + "\" are not allowed");
    }
    primary_key = std::move(columns);
  };
  // Serial columns' sequences, added to the catalog once the whole definition has been checked.
  std::vector<std::shared_ptr<engine::RelationInfo>> sequences;
  for (const auto& column : create.columns) {
    if (relation->FindColumn(column.name) >= 0) {
      throw SqlError(SqlState::kDuplicateColumn, "column \"" + column.name + "\" specified more than once");
    }
    if (column.check) throw SqlError(SqlState::kFeatureNotSupported, "CHECK constraints are not supported yet");
    engine::ColumnInfo info;
    info.name = column.name;
    info.type = binder.ResolveType(column.type);
    info.not_null = column.not_null || column.primary_key;
    if (column.default_value && column.is_serial) {
      throw SqlError(SqlState::kSyntaxError, "multiple default values specified for column \"" + info.name + "\" of table \"" + name + "\"");
    }
    if (column.default_value && !CheckColumnDefault(binder, *column.default_value, info.name, info.type)) {
      info.default_sql = column.default_sql;
    }
    if (column.is_serial) {
      auto sequence = std::make_shared<engine::RelationInfo>();
      sequence->oid = catalog.AllocateOid();
      sequence->kind = engine::RelationKind::kSequence;
      sequence->schema = schema;
      sequence->name = name + "_" + column.name + "_seq";
      sequence->sequence = std::make_shared<engine::SequenceState>();
      sequences.push_back(sequence);
      info.default_sql = "nextval('" + sequence->name + "')";
      info.sequence_name = sequence->name;
      info.not_null = true;
    }
    if (column.primary_key) set_primary_key({column.name});
    if (column.unique) unique_sets.push_back({column.name});
    relation->columns.push_back(info);
  }
  for (const auto& constraint : create.constraints) {
    switch (constraint.kind) {
      case ast::ConstraintKind::kPrimaryKey:
        set_primary_key(constraint.columns);
        break;
      case ast::ConstraintKind::kUnique:
        unique_sets.push_back(constraint.columns);
        break;
      case ast::ConstraintKind::kNotNull:
        break;
      default:
        throw SqlError(SqlState::kFeatureNotSupported, "CHECK and FOREIGN KEY constraints are not supported yet");
    }
  }
  std::vector<int> sort_columns;
  for (const auto& option : create.options) {
    if (option.name == "shard_key") {
      relation->shard_column = relation->FindColumn(option.value);
      if (relation->shard_column < 0) throw SqlError(SqlState::kUndefinedColumn, "shard key column \"" + option.value + "\" does not exist");
    } else if (option.name == "sort_key") {
      sort_columns = SortKeyColumns(*relation, option.value);
    } else if (option.name == "distribution") {
      if (option.value != "reference") {
        throw SqlError(SqlState::kInvalidParameterValue, "invalid value for parameter \"distribution\": \"" + option.value + "\"")
            .WithHint("The only distribution is 'reference' (a full copy on every worker).");
      }
    } else {
      throw SqlError(SqlState::kInvalidParameterValue, "unrecognized parameter \"" + option.name + "\"");
    }
    relation->options.emplace_back(option.name, option.value);
  }
  if (relation->IsReferenceTable() && relation->shard_column >= 0) {
    throw SqlError(SqlState::kInvalidParameterValue, "a reference table has no shard key")
        .WithHint("Leave out shard_key, or distribution = 'reference'.");
  }
  auto add_index = [&](const std::vector<std::string>& columns, bool primary, std::string index_name) {
    engine::IndexInfo index;
    index.oid = catalog.AllocateOid();
    index.name = std::move(index_name);
    index.unique = true;
    index.primary = primary;
    index.constraint = true;
    for (const auto& column_name : columns) {
      const int column = relation->FindColumn(column_name);
      if (column < 0) throw SqlError(SqlState::kUndefinedColumn, "column \"" + column_name + "\" named in key does not exist");
      if (primary) relation->columns[column].not_null = true;
      index.columns.push_back(column);
      index.descending.push_back(false);
    }
    index.index = std::make_shared<engine::Index>();
    relation->indexes.push_back(index);
  };
  if (!primary_key.empty()) add_index(primary_key, true, name + "_pkey");
  for (const auto& columns : unique_sets) {
    std::string index_name = name;
    for (const auto& column : columns) index_name += "_" + column;
    add_index(columns, false, index_name + "_key");
  }
  std::vector<LogicalType> types;
  for (const auto& column : relation->columns) types.push_back(column.type);
  relation->data = std::make_shared<storage::TableData>(types, catalog.default_partitions(), relation->shard_column);
  relation->data->SetSortColumns(sort_columns);
  if (session.database().options().role == engine::Role::kCoordinator) DistributeNewTable(session, *relation);
  for (const auto& sequence : sequences) CreateRelation(session, sequence);
  CreateRelation(session, relation);
}

// Reads a sequence option's integer value; `what` names it in errors as PostgreSQL does.
int64_t SequenceOptionValue(const ast::TableOption& option, const char* what) {
  int64_t value = 0;
  const std::string& text = option.value;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw SqlError(SqlState::kInvalidParameterValue, std::string(what) + " requires an integer value, got \"" + text + "\"");
  }
  return value;
}

// CREATE SEQUENCE with PostgreSQL's option defaults and checks (sequence.c's init_params).
void CreateSequence(Session& session, const ast::CreateSequenceStatement& create) {
  auto& catalog = session.database().catalog();
  const std::string schema = SchemaOf(session, create.sequence);
  const std::string name = ObjectName(create.sequence);
  if (!RelationNameIsFree(session, schema, name, create.if_not_exists)) return;
  std::string type_name = "bigint";
  int64_t type_min = INT64_MIN, type_max = INT64_MAX;
  std::optional<int64_t> start, min_value, max_value;
  auto state = std::make_shared<engine::SequenceState>();
  for (const auto& option : create.options) {
    if (option.name == "increment") {
      state->increment = SequenceOptionValue(option, "INCREMENT");
    } else if (option.name == "start") {
      start = SequenceOptionValue(option, "START");
    } else if (option.name == "minvalue") {
      if (!option.value.empty()) min_value = SequenceOptionValue(option, "MINVALUE");
    } else if (option.name == "maxvalue") {
      if (!option.value.empty()) max_value = SequenceOptionValue(option, "MAXVALUE");
    } else if (option.name == "cycle") {
      state->cycle = option.value == "true" || option.value == "1";
    } else if (option.name == "cache") {
      if (SequenceOptionValue(option, "CACHE") <= 0) {
        throw SqlError(SqlState::kInvalidParameterValue, "CACHE (" + option.value + ") must be greater than zero");
      }
    } else if (option.name == "as") {
      type_name = option.value;  // "pg_catalog.int2" for smallint
      if (type_name.starts_with("pg_catalog.")) type_name.erase(0, 11);
      if (type_name == "smallint" || type_name == "int2") {
        type_name = "smallint", type_min = INT16_MIN, type_max = INT16_MAX;
      } else if (type_name == "integer" || type_name == "int4" || type_name == "int") {
        type_name = "integer", type_min = INT32_MIN, type_max = INT32_MAX;
      } else if (type_name != "bigint" && type_name != "int8") {
        throw SqlError(SqlState::kInvalidParameterValue, "sequence type must be smallint, integer, or bigint");
      }
    } else {
      throw SqlError(SqlState::kFeatureNotSupported, "sequence option \"" + option.name + "\" is not supported yet");
    }
  }
  if (state->increment == 0) throw SqlError(SqlState::kInvalidParameterValue, "INCREMENT must not be zero");
  const bool ascending = state->increment > 0;
  state->max_value = max_value.value_or(ascending ? type_max : -1);
  state->min_value = min_value.value_or(ascending ? 1 : type_min);
  auto check_range = [&](int64_t value, const char* what) {
    if (value < type_min || value > type_max) {
      throw SqlError(SqlState::kInvalidParameterValue, std::string(what) + " (" + std::to_string(value) +
                                                           ") is out of range for sequence data type " + type_name);
    }
  };
  check_range(state->max_value, "MAXVALUE");
  check_range(state->min_value, "MINVALUE");
  if (state->min_value >= state->max_value) {
    throw SqlError(SqlState::kInvalidParameterValue, "MINVALUE (" + std::to_string(state->min_value) +
                                                         ") must be less than MAXVALUE (" +
                                                         std::to_string(state->max_value) + ")");
  }
  state->start = start.value_or(ascending ? state->min_value : state->max_value);
  if (state->start < state->min_value) {
    throw SqlError(SqlState::kInvalidParameterValue, "START value (" + std::to_string(state->start) +
                                                         ") cannot be less than MINVALUE (" +
                                                         std::to_string(state->min_value) + ")");
  }
  if (state->start > state->max_value) {
    throw SqlError(SqlState::kInvalidParameterValue, "START value (" + std::to_string(state->start) +
                                                         ") cannot be greater than MAXVALUE (" +
                                                         std::to_string(state->max_value) + ")");
  }
  state->next = state->start;
  auto sequence = std::make_shared<engine::RelationInfo>();
  sequence->oid = catalog.AllocateOid();
  sequence->kind = engine::RelationKind::kSequence;
  sequence->schema = schema;
  sequence->name = name;
  sequence->sequence = std::move(state);
  CreateRelation(session, sequence);
}

void CreateView(Session& session, const ast::CreateViewStatement& create) {
  auto& catalog = session.database().catalog();
  std::vector<LogicalType> parameter_types;
  Binder binder(session.database(), session.state(), parameter_types);
  BoundQuery query = binder.BindQuery(*create.query, nullptr);
  if (create.column_names.size() > query.names.size()) {
    throw SqlError(SqlState::kSyntaxError, "CREATE VIEW specifies more column names than columns");
  }
  const std::string schema = SchemaOf(session, create.view);
  auto existing = catalog.FindRelation(schema, ObjectName(create.view), {});
  auto view = std::make_shared<engine::RelationInfo>();
  if (existing) {
    if (!create.or_replace || existing->kind != engine::RelationKind::kView) {
      throw SqlError(SqlState::kDuplicateTable, "relation \"" + ObjectName(create.view) + "\" already exists");
    }
    view->oid = existing->oid;
  } else {
    view->oid = catalog.AllocateOid();
  }
  view->kind = engine::RelationKind::kView;
  view->schema = schema;
  view->name = ObjectName(create.view);
  view->view_sql = create.query_text;
  for (size_t column = 0; column < query.names.size(); ++column) {
    engine::ColumnInfo info;
    info.name = column < create.column_names.size() ? create.column_names[column] : query.names[column];
    info.type = query.plan->output_types[column];
    view->columns.push_back(info);
  }
  if (existing) {
    ReplaceRelation(session, existing, view);
  } else {
    CreateRelation(session, view);
  }
}

void CreateIndex(Session& session, const ast::CreateIndexStatement& create) {
  auto& catalog = session.database().catalog();
  std::vector<LogicalType> parameter_types;
  Binder binder(session.database(), session.state(), parameter_types);
  auto relation = binder.ResolveRelation(create.table, false, Binder::Use::kDdl);
  if (relation->kind != engine::RelationKind::kTable) {
    throw SqlError(SqlState::kWrongObjectType, "\"" + relation->name + "\" is not a table");
  }
  if (create.where) throw SqlError(SqlState::kFeatureNotSupported, "partial indexes are not supported yet");
  std::string index_name = create.index_name;
  if (index_name.empty()) {
    index_name = relation->name;
    for (const auto& column : create.columns) index_name += "_" + column.column;
    index_name += "_idx";
  }
  if (catalog.FindIndexOwner(relation->schema, index_name, {}) || catalog.FindRelation(relation->schema, index_name, {})) {
    if (create.if_not_exists) return;
    throw SqlError(SqlState::kDuplicateTable, "relation \"" + index_name + "\" already exists");
  }
  engine::IndexInfo index;
  index.oid = catalog.AllocateOid();
  index.name = index_name;
  index.unique = create.unique;
  for (const auto& column : create.columns) {
    if (column.expr) throw SqlError(SqlState::kFeatureNotSupported, "expression indexes are not supported yet");
    const int position = relation->FindColumn(column.column);
    if (position < 0) throw SqlError(SqlState::kUndefinedColumn, "column \"" + column.column + "\" does not exist");
    index.columns.push_back(position);
    index.descending.push_back(column.direction == ast::SortDirection::kDesc);
  }
  index.index = std::make_shared<engine::Index>();
  // Fill from every row version some snapshot may still read, checking uniqueness among the versions
  // that hold their key (not deleted by a committed transaction or by this one).
  auto& data = *relation->data;
  const storage::Stamp own = session.state().txn ? session.state().txn->Id() : 0;
  auto holds_key = [&data, own](storage::RowId row) {
    const auto version = data.Version(row);
    return !(version.end != storage::kNever && (storage::IsCsn(version.end) || version.end == own));
  };
  engine::ForEachIndexKey(data, index.columns, [&](const std::vector<Value>& key, storage::RowId row) {
    const bool has_null = std::any_of(key.begin(), key.end(), [](const Value& value) { return value.is_null(); });
    if (index.unique && !has_null && holds_key(row)) {
      for (storage::RowId other : index.index->Lookup(key)) {
        if (holds_key(other)) {
          throw SqlError(SqlState::kUniqueViolation, "could not create unique index \"" + index_name + "\"");
        }
      }
    }
    index.index->Insert(key, row);
  });
  auto updated = std::make_shared<engine::RelationInfo>(*relation);
  updated->indexes.push_back(index);
  ReplaceRelation(session, relation, updated);
  if (!relation->placement.empty()) CreateShardIndexes(session, *updated, index);
}

void CreateSchema(Session& session, const ast::CreateSchemaStatement& create) {
  auto& catalog = session.database().catalog();
  if (!catalog.CreateSchema(create.schema, create.if_not_exists)) {
    session.state().notices.push_back(
        ErrorInfo{SqlState::kSuccessfulCompletion, "schema \"" + create.schema + "\" already exists, skipping"});
    return;
  }
  RecordUndo(session, [catalog = &catalog, name = create.schema] { catalog->DropSchema(name, true, true); });
}

// DROP SCHEMA [CASCADE]; ROLLBACK brings the schema back with the relations it held. The distributed
// tables it drops are added to `distributed`, whose shard tables the caller drops.
void DropSchema(Session& session, const std::string& name, bool if_exists, bool cascade,
                std::vector<engine::RelationPtr>* distributed) {
  auto& catalog = session.database().catalog();
  std::vector<engine::RelationPtr> in_schema;
  for (const engine::RelationPtr& relation : catalog.AllRelations()) {
    if (relation->schema == name && !relation->placement.empty()) in_schema.push_back(relation);
  }
  std::optional<engine::DroppedSchema> dropped = catalog.DropSchema(name, if_exists, cascade);
  if (!dropped) {
    session.state().notices.push_back(
        ErrorInfo{SqlState::kSuccessfulCompletion, "schema \"" + name + "\" does not exist, skipping"});
    return;
  }
  RecordUndo(session, [catalog = &catalog, dropped = std::move(*dropped)] { catalog->RestoreSchema(dropped); });
  distributed->insert(distributed->end(), in_schema.begin(), in_schema.end());
}

// Drops the statement's objects from the catalog (their undo recorded); adds the distributed tables
// dropped to `distributed`.
void DropObjects(Session& session, const ast::DropStatement& drop, std::vector<uint32_t>& dropped_too,
                 std::vector<engine::RelationPtr>* distributed) {
  auto& catalog = session.database().catalog();
  for (const auto& names : drop.objects) {
    if (drop.object_kind == ast::ObjectKind::kSchema) {
      DropSchema(session, names.back(), drop.if_exists, drop.cascade, distributed);
      continue;
    }
    const std::string schema = names.size() >= 2 ? names[names.size() - 2] : "";
    const auto path = session.state().LookupPath();
    if (drop.object_kind == ast::ObjectKind::kIndex) {
      auto owner = catalog.FindIndexOwner(schema, names.back(), path);
      if (!owner) {
        if (drop.if_exists) {
          session.state().notices.push_back(ErrorInfo{SqlState::kSuccessfulCompletion, "index \"" + names.back() + "\" does not exist, skipping"});
          continue;
        }
        throw SqlError(SqlState::kUndefinedObject, "index \"" + names.back() + "\" does not exist");
      }
      for (const auto& index : owner->indexes) {
        if (index.name != names.back() || !index.constraint) continue;
        // The index of a PRIMARY KEY or UNIQUE constraint goes with the constraint (even with CASCADE).
        throw SqlError(SqlState::kDependentObjectsStillExist, "cannot drop index " + index.name + " because constraint " +
                                                                  index.name + " on table " + owner->name + " requires it")
            .WithHint("You can drop constraint " + index.name + " on table " + owner->name + " instead.");
      }
      auto updated = std::make_shared<engine::RelationInfo>(*owner);
      updated->indexes.erase(std::remove_if(updated->indexes.begin(), updated->indexes.end(),
                                            [&](const engine::IndexInfo& index) { return index.name == names.back(); }),
                             updated->indexes.end());
      ReplaceRelation(session, owner, updated);
      for (const auto& index : owner->indexes) {
        if (index.name == names.back() && !owner->placement.empty()) DropShardIndexes(session, *owner, index);
      }
      continue;
    }
    auto relation = catalog.FindRelation(schema, names.back(), path);
    const engine::RelationKind want = drop.object_kind == ast::ObjectKind::kView ? engine::RelationKind::kView
                                      : drop.object_kind == ast::ObjectKind::kSequence ? engine::RelationKind::kSequence
                                                                                       : engine::RelationKind::kTable;
    const char* kind_name = want == engine::RelationKind::kView ? "view" : (want == engine::RelationKind::kSequence ? "sequence" : "table");
    if (!relation) {
      if (drop.if_exists) {
        session.state().notices.push_back(ErrorInfo{SqlState::kSuccessfulCompletion, std::string(kind_name) + " \"" + names.back() + "\" does not exist, skipping"});
        continue;
      }
      throw SqlError(SqlState::kUndefinedTable, std::string(kind_name) + " \"" + names.back() + "\" does not exist");
    }
    if (relation->kind != want) {
      throw SqlError(SqlState::kWrongObjectType, "\"" + names.back() + "\" is not a " + kind_name)
          .WithHint(std::string("Use DROP ") + (relation->kind == engine::RelationKind::kView ? "VIEW" : "TABLE") + " to remove a " +
                    (relation->kind == engine::RelationKind::kView ? "view" : "table") + ".");
    }
    DropDependentViews(session, Describe(*relation), FindDependentViews(session, *relation, -1), drop.cascade,
                       dropped_too);
    DropRelation(session, relation);
    if (!relation->placement.empty()) distributed->push_back(relation);
    for (const auto& column : relation->columns) {
      if (column.sequence_name.empty()) continue;
      if (auto sequence = catalog.FindRelation(relation->schema, column.sequence_name, {})) DropRelation(session, sequence);
    }
  }
}

void Drop(Session& session, const ast::DropStatement& drop) {
  auto& catalog = session.database().catalog();
  // Views that the statement drops itself do not keep the other objects from being dropped.
  std::vector<uint32_t> dropped_too;
  for (const auto& names : drop.objects) {
    if (drop.object_kind != ast::ObjectKind::kView) break;
    const std::string schema = names.size() >= 2 ? names[names.size() - 2] : "";
    if (auto relation = catalog.FindRelation(schema, names.back(), session.state().LookupPath())) {
      dropped_too.push_back(relation->oid);
    }
  }
  // Shard tables are dropped once every object was dropped from the catalog: an error before leaves them.
  std::vector<engine::RelationPtr> distributed;
  DropObjects(session, drop, dropped_too, &distributed);
  for (const engine::RelationPtr& relation : distributed) DropShards(session, *relation);
}

}  // namespace

std::string SchemaOf(Session& session, const std::vector<std::string>& names) {
  if (names.size() >= 2) return names[names.size() - 2];
  return session.state().search_path.empty() ? "public" : session.state().search_path[0];
}

void RecordUndo(Session& session, std::function<void()> undo, bool covered) {
  session.state().NoteCatalogChange(covered);
  session.state().undo_log.push_back(std::move(undo));
}

void CreateRelation(Session& session, std::shared_ptr<engine::RelationInfo> relation) {
  auto& catalog = session.database().catalog();
  catalog.PutRelation(relation, false);
  session.state().NoteRelation(relation->oid, nullptr);
  RecordUndo(session, [catalog = &catalog, oid = relation->oid] { catalog->DropRelation(oid); }, true);
}

void ReplaceRelation(Session& session, engine::RelationPtr previous, std::shared_ptr<engine::RelationInfo> updated) {
  auto& catalog = session.database().catalog();
  session.state().NoteRelation(previous->oid, previous);
  catalog.PutRelation(std::move(updated), true);
  RecordUndo(session, [catalog = &catalog, previous = std::move(previous)] {
    catalog->PutRelation(std::const_pointer_cast<engine::RelationInfo>(previous), true);
  }, true);
}

void DropRelation(Session& session, engine::RelationPtr relation) {
  auto& catalog = session.database().catalog();
  session.state().NoteRelation(relation->oid, relation);
  catalog.DropRelation(relation->oid);
  RecordUndo(session, [catalog = &catalog, relation = std::move(relation)] {
    catalog->PutRelation(std::const_pointer_cast<engine::RelationInfo>(relation), false);
  }, true);
}

bool RelationNameIsFree(Session& session, const std::string& schema, const std::string& name, bool if_not_exists) {
  if (!session.database().catalog().FindRelation(schema, name, {})) return true;
  if (if_not_exists) {
    session.state().notices.push_back(
        ErrorInfo{SqlState::kSuccessfulCompletion, "relation \"" + name + "\" already exists, skipping"});
    return false;
  }
  throw SqlError(SqlState::kDuplicateTable, "relation \"" + name + "\" already exists");
}

std::vector<ResultColumn> UtilityResultColumns(const ast::Statement& statement) {
  if (statement.kind == ast::StmtKind::kShow) {
    const auto& show = static_cast<const ast::ShowStatement&>(statement);
    return {ResultColumn{show.name == "all" ? "name" : DisplayName(SettingName(show.name)), LogicalType(TypeId::kText)}};
  }
  if (statement.kind == ast::StmtKind::kExplain) return {ResultColumn{"QUERY PLAN", LogicalType(TypeId::kText)}};
  return {};
}

UtilityResult RunUtility(Session& session, const ast::Statement& statement, engine::ExecContext& context) {
  auto& state = session.state();
  switch (statement.kind) {
    case ast::StmtKind::kCreateTable:
      CreateTable(session, static_cast<const ast::CreateTableStatement&>(statement));
      return {"CREATE TABLE", {}};
    case ast::StmtKind::kCreateTableAs:
      return CreateTableAs(session, static_cast<const ast::CreateTableStatement&>(statement), context);
    case ast::StmtKind::kCreateView:
      CreateView(session, static_cast<const ast::CreateViewStatement&>(statement));
      return {"CREATE VIEW", {}};
    case ast::StmtKind::kCreateSequence:
      CreateSequence(session, static_cast<const ast::CreateSequenceStatement&>(statement));
      return {"CREATE SEQUENCE", {}};
    case ast::StmtKind::kCreateSchema: {
      CreateSchema(session, static_cast<const ast::CreateSchemaStatement&>(statement));
      return {"CREATE SCHEMA", {}};
    }
    case ast::StmtKind::kCreateIndex:
      CreateIndex(session, static_cast<const ast::CreateIndexStatement&>(statement));
      return {"CREATE INDEX", {}};
    case ast::StmtKind::kDrop: {
      const auto& drop = static_cast<const ast::DropStatement&>(statement);
      Drop(session, drop);
      switch (drop.object_kind) {
        case ast::ObjectKind::kView: return {"DROP VIEW", {}};
        case ast::ObjectKind::kIndex: return {"DROP INDEX", {}};
        case ast::ObjectKind::kSchema: return {"DROP SCHEMA", {}};
        case ast::ObjectKind::kSequence: return {"DROP SEQUENCE", {}};
        default: return {"DROP TABLE", {}};
      }
    }
    case ast::StmtKind::kAlterTable: {
      const auto& alter = static_cast<const ast::AlterTableStatement&>(statement);
      AlterTable(session, alter, context);
      switch (alter.object_kind) {
        case ast::ObjectKind::kView: return {"ALTER VIEW", {}};
        case ast::ObjectKind::kIndex: return {"ALTER INDEX", {}};
        case ast::ObjectKind::kSequence: return {"ALTER SEQUENCE", {}};
        default: return {"ALTER TABLE", {}};
      }
    }
    case ast::StmtKind::kTruncate:
      Truncate(session, static_cast<const ast::TruncateStatement&>(statement));
      return {"TRUNCATE TABLE", {}};
    case ast::StmtKind::kTransaction:
      return {RunTransactionStatement(session, static_cast<const ast::TransactionStatement&>(statement), context), {}};
    case ast::StmtKind::kSet:
      return {RunSetStatement(state, static_cast<const ast::SetStatement&>(statement)), {}};
    case ast::StmtKind::kShow: {
      const auto& show = static_cast<const ast::ShowStatement&>(statement);
      std::optional<std::string> value = ReadSetting(state, show.name);
      if (!value) throw SqlError(SqlState::kUndefinedObject, "unrecognized configuration parameter \"" + show.name + "\"");
      return {"SHOW", {TextRows({*value})}};
    }
    case ast::StmtKind::kExplain: {
      const auto& explain = static_cast<const ast::ExplainStatement&>(statement);
      std::vector<LogicalType> parameter_types;
      // The plan is printed and dropped within this call, so the statement need not be owned here.
      std::shared_ptr<ast::Statement> inner(explain.statement.get(), [](ast::Statement*) {});
      auto bound = session.Bind(inner, parameter_types);
      if (!bound->plan) throw SqlError(SqlState::kFeatureNotSupported, "EXPLAIN of this statement is not supported");
      std::vector<std::string> lines;
      std::string text;
      if (explain.analyze) {
        text = ExplainAnalyze(session, *bound->plan);
      } else {
        text = bound->plan->Explain();
      }
      size_t start = 0;
      while (start < text.size()) {
        const size_t end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        if (end == std::string::npos) break;
        start = end + 1;
      }
      return {"EXPLAIN", {TextRows(lines)}};
    }
    case ast::StmtKind::kAnalyze:
    case ast::StmtKind::kVacuum: {
      const auto& maintenance = static_cast<const ast::MaintenanceStatement&>(statement);
      if (maintenance.analyze) Analyze(session, maintenance);
      return {statement.kind == ast::StmtKind::kAnalyze ? "ANALYZE" : "VACUUM", {}};
    }
    case ast::StmtKind::kDiscard:
      return {"DISCARD ALL", {}};
    case ast::StmtKind::kCheckpoint:
      // As PostgreSQL's writes every dirty buffer: every full, settled row group goes to a segment too.
      if (engine::Durability* durability = session.database().durability()) {
        durability->Flush(1, false).ThrowIfError();
        durability->Checkpoint().ThrowIfError();
      }
      return {"CHECKPOINT", {}};
    case ast::StmtKind::kUnsupported:
      throw SqlError(SqlState::kFeatureNotSupported,
                     static_cast<const ast::UnsupportedStatement&>(statement).unsupported_name + " is not supported");
    default:
      break;
  }
  throw SqlError(SqlState::kFeatureNotSupported, "this statement is not supported yet");
}

}  // namespace tessera::planner
