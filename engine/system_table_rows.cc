// SPDX-License-Identifier: Apache-2.0
// Row generators of the pg_catalog system tables, from the Catalog snapshot and the function registry.
#include "engine/system_table_rows.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "base/vector_value.h"
#include "engine/database.h"
#include "engine/function/scalar_function.h"
#include "engine/partition_moves.h"
#include "engine/prepared_transactions.h"
#include "engine/distributed.h"
#include "engine/remote/remote_connection.h"
#include "engine/statistics.h"

namespace tessera::engine {

using Row = std::vector<Value>;
using Rows = std::vector<Row>;

namespace {

Value Int2(int64_t value) { return Value::Int16(static_cast<int16_t>(value)); }
Value Int4(int64_t value) { return Value::Int32(static_cast<int32_t>(value)); }
Value BoolValue(bool value) { return Value::Bool(value); }

// The type OIDs pg_type lists: every type Tessera has.
constexpr uint32_t kTypeOids[] = {16,  21,  23,  20,   700,  701,  1700, 25,   1043, 1042, 19,   17,   1082, 1083, 1114,
                                  1184, 1186, 26, 24, 2202, 2203, 2205, 2206, 4089, 4096, 1009, 1005, 1007, 1016, 1028,
                                  2950, 1266, kVectorTypeOid, 1021, 1022, 114};

uint32_t ArrayTypeOf(uint32_t element) {
  switch (element) {
    case 25: return 1009;
    case 21: return 1005;
    case 23: return 1007;
    case 20: return 1016;
    case 26: return 1028;
    case 700: return 1021;
    case 701: return 1022;
    case 114: return 199;  // _json, which Tessera does not have as a type
    case 2950: return 2951;  // _uuid, which Tessera does not have as a type
    default: return 0;
  }
}

uint32_t ElementTypeOf(uint32_t array) {
  for (uint32_t element : {25u, 21u, 23u, 20u, 26u, 700u, 701u}) {
    if (ArrayTypeOf(element) == array) return element;
  }
  return 0;
}

char TypeCategory(const LogicalType& type) {
  if (IsArrayType(type.id)) return 'A';
  switch (type.id) {
    case TypeId::kBool: return 'B';
    case TypeId::kText: case TypeId::kVarchar: case TypeId::kChar: case TypeId::kName: return 'S';
    case TypeId::kBytea: case TypeId::kUuid: case TypeId::kVector: case TypeId::kJson: return 'U';
    case TypeId::kDate: case TypeId::kTime: case TypeId::kTimeTz: case TypeId::kTimestamp: case TypeId::kTimestampTz:
      return 'D';
    case TypeId::kInterval: return 'T';
    default: return 'N';
  }
}

char TypeAlign(const LogicalType& type) {
  switch (TypeLength(type)) {
    case 1: return 'c';
    case 2: return 's';
    case 8: return 'd';
    default:
      if (type.id == TypeId::kTimeTz || type.id == TypeId::kInt64Array || type.id == TypeId::kFloat64Array) return 'd';
      return type.id == TypeId::kName || type.id == TypeId::kUuid ? 'c' : 'i';
  }
}

bool TypeByValue(const LogicalType& type) {
  const int16_t length = TypeLength(type);
  return length == 1 || length == 2 || length == 4 || length == 8;
}

uint32_t TypeCollation(const LogicalType& type) {
  if (type.id == TypeId::kName) return 950;  // C
  return IsStringFamily(type.id) || type.id == TypeId::kTextArray ? kDefaultCollationOid : 0;
}

std::string TypeName(const LogicalType& type) {
  return type.id == TypeId::kOid && type.oid_flavour != 0 ? FormatType(type) : std::string(TypeInternalName(type.id));
}

Rows TypeRows() {
  Rows rows;
  for (uint32_t oid : kTypeOids) {
    const std::optional<LogicalType> type = TypeFromOid(oid);
    if (!type) continue;
    const bool preferred = oid == 25 || oid == 701 || oid == 26 || oid == 16 || oid == 1184 || oid == 1186;
    rows.push_back({OidValue(oid), NameValue(TypeName(*type)), OidValue(kPgCatalogNamespaceOid),
                    OidValue(kBootstrapSuperuserOid), Int2(TypeLength(*type)), BoolValue(TypeByValue(*type)),
                    CharValue('b'), CharValue(TypeCategory(*type)), BoolValue(preferred), BoolValue(true),
                    CharValue(','), OidValue(0), IsArrayType(type->id) ? TextValue("array_subscript_handler") : TextValue("-"),
                    OidValue(ElementTypeOf(oid)), OidValue(ArrayTypeOf(oid)), TextValue(TypeName(*type) + "in"),
                    TextValue(TypeName(*type) + "out"), CharValue(TypeAlign(*type)),
                    CharValue(TypeLength(*type) < 0 ? 'x' : 'p'), BoolValue(false), OidValue(0), Int4(-1), Int4(0),
                    OidValue(TypeCollation(*type)), NullValue()});
  }
  return rows;
}

std::map<std::string, uint32_t> SchemaOids(const Catalog& catalog) {
  std::map<std::string, uint32_t> oids;
  for (const SchemaInfo& schema : catalog.AllSchemas()) oids[schema.name] = schema.oid;
  return oids;
}

Rows NamespaceRows(const Catalog& catalog) {
  Rows rows;
  for (const SchemaInfo& schema : catalog.AllSchemas()) {
    const uint32_t owner = schema.oid == kPublicNamespaceOid ? kDatabaseOwnerRoleOid : kBootstrapSuperuserOid;
    rows.push_back({OidValue(schema.oid), NameValue(schema.name), OidValue(owner), NullValue()});
  }
  return rows;
}

// One pg_class row; `kind` is PostgreSQL's relkind.
// `tuples`: pg_class.reltuples, -1 for a table never analyzed (as PostgreSQL 14 and later).
Row ClassRow(uint32_t oid, const std::string& name, uint32_t namespace_oid, char kind, size_t num_columns, bool has_index,
             double tuples = -1) {
  const uint32_t am = kind == 'r' ? kHeapAmOid : (kind == 'i' ? kBtreeAmOid : 0);
  return {OidValue(oid), NameValue(name), OidValue(namespace_oid), OidValue(0), OidValue(0),
          OidValue(kBootstrapSuperuserOid), OidValue(am), OidValue(kind == 'v' ? 0 : oid), OidValue(0), Int4(0),
          Value::Float32(static_cast<float>(tuples)), Int4(0), OidValue(0), BoolValue(has_index), BoolValue(false), CharValue('p'),
          CharValue(kind), Int2(static_cast<int64_t>(num_columns)), Int2(0), BoolValue(false), BoolValue(false),
          BoolValue(false), BoolValue(false), BoolValue(false), BoolValue(true), CharValue(kind == 'r' ? 'd' : 'n'),
          BoolValue(false), OidValue(0), NullValue(), NullValue(), NullValue()};
}

char RelKind(const RelationInfo& relation) {
  switch (relation.kind) {
    case RelationKind::kTable: return 'r';
    case RelationKind::kView: return 'v';
    case RelationKind::kSequence: return 'S';
  }
  return 'r';
}

// A sequence's columns as PostgreSQL lists them in pg_attribute.
const std::vector<std::pair<std::string, LogicalType>>& SequenceColumns() {
  static const std::vector<std::pair<std::string, LogicalType>> columns = {
      {"last_value", LogicalType(TypeId::kInt64)}, {"log_cnt", LogicalType(TypeId::kInt64)}, {"is_called", LogicalType(TypeId::kBool)}};
  return columns;
}

Rows ClassRows(const Catalog& catalog, const StatisticsStore& statistics) {
  Rows rows;
  const auto schema_oids = SchemaOids(catalog);
  for (const SystemTable& table : AllSystemTables()) {
    if (!SystemTableListed(table, catalog)) continue;
    const uint32_t namespace_oid = table.schema == "pg_catalog"          ? kPgCatalogNamespaceOid
                                   : table.schema == "information_schema" ? kInformationSchemaNamespaceOid
                                                                          : kTesseraNamespaceOid;
    rows.push_back(ClassRow(table.oid, table.name, namespace_oid, table.is_view ? 'v' : 'r', table.column_names.size(),
                            false));
  }
  for (const RelationPtr& relation : catalog.AllRelations()) {
    const uint32_t namespace_oid = schema_oids.at(relation->schema);
    const size_t columns = relation->kind == RelationKind::kSequence ? SequenceColumns().size() : relation->columns.size();
    const auto analyzed = statistics.Find(relation->oid);
    rows.push_back(ClassRow(relation->oid, relation->name, namespace_oid, RelKind(*relation), columns,
                            !relation->indexes.empty(), analyzed ? static_cast<double>(analyzed->rows) : -1));
    for (const IndexInfo& index : relation->indexes) {
      rows.push_back(ClassRow(index.oid, index.name, namespace_oid, 'i', index.columns.size(), false));
    }
  }
  return rows;
}

Row AttributeRow(uint32_t relation_oid, const std::string& name, const LogicalType& type, int attnum, bool not_null,
                 bool has_default) {
  return {OidValue(relation_oid), NameValue(name), OidValue(TypeOid(type)), Int4(-1), Int2(TypeLength(type)),
          Int2(attnum), Int4(IsArrayType(type.id) ? 1 : 0), Int4(-1), Int4(type.typmod), BoolValue(TypeByValue(type)),
          CharValue(TypeAlign(type)), CharValue(TypeLength(type) < 0 ? 'x' : 'p'), CharValue(0), BoolValue(not_null),
          BoolValue(has_default), BoolValue(false), CharValue(0), CharValue(0), BoolValue(false), BoolValue(true),
          Int4(0), OidValue(TypeCollation(type)), NullValue(), NullValue()};
}

Rows AttributeRows(const Catalog& catalog) {
  Rows rows;
  for (const SystemTable& table : AllSystemTables()) {
    if (!SystemTableListed(table, catalog)) continue;
    for (size_t column = 0; column < table.column_names.size(); ++column) {
      rows.push_back(AttributeRow(table.oid, table.column_names[column], table.column_types[column],
                                  static_cast<int>(column + 1), false, false));
    }
  }
  for (const RelationPtr& relation : catalog.AllRelations()) {
    if (relation->kind == RelationKind::kSequence) {
      for (size_t column = 0; column < SequenceColumns().size(); ++column) {
        const auto& [name, type] = SequenceColumns()[column];
        rows.push_back(AttributeRow(relation->oid, name, type, static_cast<int>(column + 1), true, false));
      }
      continue;
    }
    for (size_t column = 0; column < relation->columns.size(); ++column) {
      const ColumnInfo& info = relation->columns[column];
      rows.push_back(AttributeRow(relation->oid, info.name, info.type, static_cast<int>(column + 1), info.not_null,
                                  !info.default_sql.empty()));
    }
    for (const IndexInfo& index : relation->indexes) {
      for (size_t key = 0; key < index.columns.size(); ++key) {
        const ColumnInfo& info = relation->columns[index.columns[key]];
        rows.push_back(AttributeRow(index.oid, info.name, info.type, static_cast<int>(key + 1), false, false));
      }
    }
  }
  return rows;
}

// pg_attrdef OIDs are numbered in catalog order from here (stable while the catalog does not change).
constexpr uint32_t kFirstAttrdefOid = 1000000000;

Rows AttrdefRows(const Catalog& catalog, const std::vector<std::string>& search_path) {
  Rows rows;
  uint32_t oid = kFirstAttrdefOid;
  for (const RelationPtr& relation : catalog.AllRelations()) {
    for (size_t column = 0; column < relation->columns.size(); ++column) {
      const ColumnInfo& info = relation->columns[column];
      if (info.default_sql.empty()) continue;
      rows.push_back({OidValue(oid++), OidValue(relation->oid), Int2(static_cast<int64_t>(column + 1)),
                      TextValue(DeparseDefault(*relation, info, search_path))});
    }
  }
  return rows;
}

// int2vector-style text of the index's column numbers ("1 3").
std::string IndexKeyText(const IndexInfo& index, bool options) {
  std::string text;
  for (size_t key = 0; key < index.columns.size(); ++key) {
    if (key > 0) text += " ";
    // indoption: INDOPTION_DESC (1) | INDOPTION_NULLS_FIRST (2), as DESC implies NULLS FIRST.
    text += std::to_string(options ? (index.descending[key] ? 3 : 0) : index.columns[key] + 1);
  }
  return text;
}

std::string IndexCollations(const RelationInfo& table, const IndexInfo& index) {
  std::string text;
  for (size_t key = 0; key < index.columns.size(); ++key) {
    text += (key > 0 ? " " : "") + std::to_string(TypeCollation(table.columns[index.columns[key]].type));
  }
  return text;
}

Rows IndexRows(const Catalog& catalog) {
  Rows rows;
  for (const RelationPtr& relation : catalog.AllRelations()) {
    for (const IndexInfo& index : relation->indexes) {
      const auto keys = static_cast<int64_t>(index.columns.size());
      rows.push_back({OidValue(index.oid), OidValue(relation->oid), Int2(keys), Int2(keys), BoolValue(index.unique),
                      BoolValue(false), BoolValue(index.primary), BoolValue(false), BoolValue(true), BoolValue(false),
                      BoolValue(true), BoolValue(false), BoolValue(true), BoolValue(true), BoolValue(false),
                      TextValue(IndexKeyText(index, false)), TextValue(IndexCollations(*relation, index)), NullValue(),
                      TextValue(IndexKeyText(index, true)), NullValue(), NullValue()});
    }
  }
  return rows;
}

// PRIMARY KEY and UNIQUE constraints; each is listed under its index's OID.
Rows ConstraintRows(const Catalog& catalog) {
  Rows rows;
  const auto schema_oids = SchemaOids(catalog);
  for (const RelationPtr& relation : catalog.AllRelations()) {
    for (const IndexInfo& index : relation->indexes) {
      if (!index.constraint) continue;
      std::string keys = "{";
      for (size_t key = 0; key < index.columns.size(); ++key) keys += (key > 0 ? "," : "") + std::to_string(index.columns[key] + 1);
      rows.push_back({OidValue(index.oid), NameValue(index.name), OidValue(schema_oids.at(relation->schema)),
                      CharValue(index.primary ? 'p' : 'u'), BoolValue(false), BoolValue(false), BoolValue(true),
                      OidValue(relation->oid), OidValue(0), OidValue(index.oid), OidValue(0), OidValue(0), CharValue(' '),
                      CharValue(' '), CharValue(' '), BoolValue(true), Int4(0), BoolValue(true),
                      Value::Text(keys + "}", LogicalType(TypeId::kInt16Array)), NullValue(), NullValue()});
    }
  }
  return rows;
}

Rows ProcRows() {
  Rows rows;
  for (const ProcEntry& entry : BuiltinProcs()) {
    const ScalarFunction& function = *entry.function;
    std::string arg_types;
    for (const auto& type : function.arg_types) arg_types += (arg_types.empty() ? "" : " ") + std::to_string(TypeOid(type));
    const uint32_t variadic = function.variadic && !function.arg_types.empty() ? TypeOid(function.arg_types.back()) : 0;
    rows.push_back({OidValue(entry.oid), NameValue(function.name), OidValue(kPgCatalogNamespaceOid),
                    OidValue(kBootstrapSuperuserOid), OidValue(12), Value::Float32(1), Value::Float32(0),
                    OidValue(variadic), TextValue("-"), CharValue('f'), BoolValue(false), BoolValue(false),
                    BoolValue(function.strict), BoolValue(false), CharValue(function.is_volatile ? 'v' : 'i'),
                    CharValue('s'), Int2(static_cast<int64_t>(function.arg_types.size())), Int2(0),
                    OidValue(TypeOid(function.return_type)), TextValue(arg_types), NullValue(), NullValue(),
                    NullValue(), TextValue(function.name)});
  }
  return rows;
}

// The bootstrap superuser takes the connecting user's name; pg_database_owner owns schema public.
Rows RoleRows(const ExecContext& context, bool view_layout) {
  Rows rows;
  for (const auto& [oid, name, super] : {std::tuple{kBootstrapSuperuserOid, context.user, true},
                                         std::tuple{kDatabaseOwnerRoleOid, std::string("pg_database_owner"), false}}) {
    if (view_layout) {
      rows.push_back({NameValue(name), BoolValue(super), BoolValue(true), BoolValue(super), BoolValue(super),
                      BoolValue(super), BoolValue(super), Int4(-1), TextValue("********"),
                      Value::Null(LogicalType(TypeId::kTimestampTz)), BoolValue(super), NullValue(), OidValue(oid)});
    } else {
      rows.push_back({OidValue(oid), NameValue(name), BoolValue(super), BoolValue(true), BoolValue(super),
                      BoolValue(super), BoolValue(super), BoolValue(super), BoolValue(super), Int4(-1), NullValue(),
                      Value::Null(LogicalType(TypeId::kTimestampTz))});
    }
  }
  return rows;
}

Rows UserRows(const ExecContext& context) {
  return {{NameValue(context.user), OidValue(kBootstrapSuperuserOid), BoolValue(true), BoolValue(true), BoolValue(true),
           BoolValue(true), TextValue("********"), Value::Null(LogicalType(TypeId::kTimestampTz)), NullValue()}};
}

Rows SequenceRows(const Catalog& catalog) {
  Rows rows;
  for (const RelationPtr& relation : catalog.AllRelations()) {
    if (relation->kind != RelationKind::kSequence) continue;
    const SequenceState& sequence = *relation->sequence;
    rows.push_back({OidValue(relation->oid), OidValue(20), Value::Int64(sequence.start), Value::Int64(sequence.increment),
                    Value::Int64(sequence.max_value), Value::Int64(sequence.min_value), Value::Int64(1),
                    BoolValue(sequence.cycle)});
  }
  return rows;
}

// Serial columns' sequences depend on their column ('a': dropped with it).
Rows DependRows(const Catalog& catalog) {
  Rows rows;
  for (const RelationPtr& relation : catalog.AllRelations()) {
    for (size_t column = 0; column < relation->columns.size(); ++column) {
      const std::string& sequence_name = relation->columns[column].sequence_name;
      if (sequence_name.empty()) continue;
      RelationPtr sequence = catalog.FindRelation(relation->schema, sequence_name, {});
      if (!sequence) continue;
      rows.push_back({OidValue(kPgClassOid), OidValue(sequence->oid), Int4(0), OidValue(kPgClassOid),
                      OidValue(relation->oid), Int4(static_cast<int64_t>(column + 1)), CharValue('a')});
    }
  }
  return rows;
}

// Whether the worker answers a login with the cluster secret and a query within the worker timeout (at
// most two seconds, so that listing many unreachable workers stays short).
bool WorkerAnswers(const WorkerInfo& worker, const DatabaseOptions& options) {
  const std::chrono::milliseconds timeout = std::min(WorkerTimeout(options), std::chrono::milliseconds(2000));
  try {
    remote::RemoteConnection connection = remote::RemoteConnection::Connect(WorkerEndpoint(worker, options), timeout);
    connection.Execute("SELECT 1", timeout);
    return true;
  } catch (const SqlError&) {
    return false;
  }
}

Rows WorkerRows(const Catalog& catalog, const DatabaseOptions& options) {
  Rows rows;
  for (const WorkerInfo& worker : catalog.Workers()) {
    rows.push_back({Int4(worker.id), TextValue(worker.host), Int4(worker.port),
                    TextValue(worker.draining                   ? "draining"
                              : WorkerAnswers(worker, options) ? "active"
                                                               : "unreachable")});
  }
  return rows;
}

Rows PlacementRows(const Catalog& catalog) {
  Rows rows;
  for (const RelationPtr& relation : catalog.AllRelations()) {
    for (size_t partition = 0; partition < relation->placement.size(); ++partition) {
      rows.push_back({NameValue(relation->schema), NameValue(relation->name), Int4(static_cast<int64_t>(partition)),
                      Int4(relation->placement[partition]),
                      TextValue(ShardTableName(relation->oid, partition))});
    }
  }
  return rows;
}

// The analyzed tables' columns: `make_row` makes the row of one column of one table.
template <typename MakeRow>
Rows StatisticsRows(const Catalog& catalog, const StatisticsStore& statistics, MakeRow make_row) {
  Rows rows;
  for (const RelationPtr& relation : catalog.AllRelations()) {
    const auto analyzed = statistics.Find(relation->oid);
    if (!analyzed || analyzed->rows == 0) continue;  // as PostgreSQL, which keeps none for empty tables
    for (size_t column = 0; column < relation->columns.size() && column < analyzed->columns.size(); ++column) {
      rows.push_back(make_row(*relation, *analyzed, column));
    }
  }
  return rows;
}

Rows PgStatsRows(const Catalog& catalog, const StatisticsStore& statistics) {
  return StatisticsRows(catalog, statistics, [](const RelationInfo& relation, const TableStatistics& stats, size_t column) {
    return Row{NameValue(relation.schema), NameValue(relation.name), NameValue(relation.columns[column].name),
               BoolValue(false), Value::Float32(static_cast<float>(stats.NullFraction(column))),
               Int4(stats.AverageWidth(column)), Value::Float32(static_cast<float>(stats.Distinct(column))),
               NullValue(), NullValue(), NullValue(), Value::Null(LogicalType(TypeId::kFloat32)), NullValue(),
               NullValue(), NullValue()};
  });
}

Rows ColumnStatisticsRows(const Catalog& catalog, const StatisticsStore& statistics, ExecContext& context) {
  const LogicalType text(TypeId::kText);
  const auto as_text = [&](const Value& value) {
    return value.is_null() ? Value::Null(text) : CastValue(value, text, context, true);
  };
  return StatisticsRows(catalog, statistics, [&](const RelationInfo& relation, const TableStatistics& stats, size_t column) {
    const ColumnStatistics& values = stats.columns[column];
    return Row{NameValue(relation.schema), NameValue(relation.name), NameValue(relation.columns[column].name),
               Value::Int64(stats.rows), Value::Int64(stats.rows - values.non_null), Int4(stats.AverageWidth(column)),
               Value::Float64(stats.Distinct(column)), as_text(values.min), as_text(values.max),
               Value::FromString(LogicalType(TypeId::kBytea), values.distinct.Serialize())};
  });
}

// tessera.rebalance_progress: rate over the time so far, ETA from the partitions still to move.
Rows RebalanceProgressRows(Database& database) {
  const RebalanceProgress progress = database.partition_moves().progress();
  if (progress.operation.empty()) return {};
  const bool running = progress.state == "running";
  const auto end = running ? std::chrono::steady_clock::now() : progress.finished;
  const double elapsed = std::chrono::duration<double>(end - progress.started).count();
  const int64_t remaining = progress.partitions_total - progress.partitions_moved;
  Value eta = NullValue();
  if (!running) {
    eta = Value::Float64(0);
  } else if (progress.partitions_moved > 0) {
    eta = Value::Float64(elapsed / static_cast<double>(progress.partitions_moved) * static_cast<double>(remaining));
  }
  auto text_or_null = [](const std::string& text) { return text.empty() ? NullValue() : TextValue(text); };
  return {{TextValue(progress.operation), TextValue(progress.state), Value::Int64(progress.partitions_total),
           Value::Int64(progress.partitions_moved), Value::Int64(progress.partitions_caught_up),
           Value::Int64(progress.rows_copied), Value::Int64(progress.rows_caught_up),
           Value::Int64(progress.bytes_copied), Value::Float64(elapsed),
           Value::Float64(elapsed > 0 ? static_cast<double>(progress.rows_copied) / elapsed : 0), eta,
           text_or_null(progress.current_move), text_or_null(progress.error)}};
}

// pg_prepared_xacts. A transaction id (>= 2^62, storage/version_stamp.h) is shown as an xid counted
// from 3, PostgreSQL's first normal xid, modulo 2^32 as xids wrap.
Rows PreparedXactRows(Database& database) {
  Rows rows;
  LogicalType xid(TypeId::kOid);
  xid.oid_flavour = kXidFlavour;
  for (const auto& prepared : database.prepared().List()) {
    const uint32_t shown = static_cast<uint32_t>(prepared.txn_id - storage::kFirstTxnId + 3);
    rows.push_back({Value::FromInt(xid, shown), TextValue(prepared.info.gid),
                    Value::TimestampTz(prepared.info.prepared_at), NameValue(prepared.info.owner),
                    NameValue(prepared.info.database)});
  }
  return rows;
}

Rows DatabaseRows(const ExecContext& context) {
  return {{OidValue(kCurrentDatabaseOid), NameValue(context.database_name), OidValue(kBootstrapSuperuserOid), Int4(6),
           CharValue('c'), BoolValue(false), BoolValue(true), Int4(-1), OidValue(1663), TextValue("C"), TextValue("C"),
           NullValue(), NullValue(), NullValue()}};
}

}  // namespace

std::vector<std::vector<Value>> SystemTableRows(const SystemTable& table, ExecContext& context) {
  const Catalog& catalog = context.database->catalog();
  const std::string& name = table.name;
  if (table.schema == "information_schema") return InformationSchemaRows(table, context);
  if (table.schema == "tessera" && name == "workers") return WorkerRows(catalog, context.database->options());
  if (table.schema == "tessera" && name == "placements") return PlacementRows(catalog);
  if (table.schema == "tessera" && name == "rebalance_progress") return RebalanceProgressRows(*context.database);
  if (name == "pg_namespace") return NamespaceRows(catalog);
  if (name == "pg_class") return ClassRows(catalog, context.database->statistics());
  if (name == "pg_stats") return PgStatsRows(catalog, context.database->statistics());
  if (table.schema == "tessera" && name == "column_statistics") {
    return ColumnStatisticsRows(catalog, context.database->statistics(), context);
  }
  if (name == "pg_attribute") return AttributeRows(catalog);
  if (name == "pg_attrdef") return AttrdefRows(catalog, context.search_path);
  if (name == "pg_index") return IndexRows(catalog);
  if (name == "pg_constraint") return ConstraintRows(catalog);
  if (name == "pg_type") return TypeRows();
  if (name == "pg_proc") return ProcRows();
  if (name == "pg_roles") return RoleRows(context, true);
  if (name == "pg_authid") return RoleRows(context, false);
  if (name == "pg_user") return UserRows(context);
  if (name == "pg_database") return DatabaseRows(context);
  if (name == "pg_prepared_xacts") return PreparedXactRows(*context.database);
  if (name == "pg_sequence") return SequenceRows(catalog);
  if (name == "pg_depend") return DependRows(catalog);
  if (name == "pg_am") {
    return {{OidValue(kHeapAmOid), NameValue("heap"), TextValue("heap_tableam_handler"), CharValue('t')},
            {OidValue(kBtreeAmOid), NameValue("btree"), TextValue("bthandler"), CharValue('i')}};
  }
  if (name == "pg_collation") {
    auto collation = [](uint32_t oid, const char* collation_name, char provider, const char* locale) -> Row {
      return {OidValue(oid), NameValue(collation_name), OidValue(kPgCatalogNamespaceOid), OidValue(kBootstrapSuperuserOid),
              CharValue(provider), Value::Bool(true), Int4(-1), locale ? TextValue(locale) : NullValue(),
              locale ? TextValue(locale) : NullValue()};
    };
    return {collation(kDefaultCollationOid, "default", 'd', nullptr), collation(950, "C", 'c', "C"),
            collation(951, "POSIX", 'c', "POSIX")};
  }
  if (name == "pg_tablespace") {
    return {{OidValue(1663), NameValue("pg_default"), OidValue(kBootstrapSuperuserOid), NullValue(), NullValue()},
            {OidValue(1664), NameValue("pg_global"), OidValue(kBootstrapSuperuserOid), NullValue(), NullValue()}};
  }
  // pg_description, pg_inherits, pg_trigger, pg_policy, ...: Tessera has no such objects.
  return {};
}

}  // namespace tessera::engine
