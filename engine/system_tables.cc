// SPDX-License-Identifier: Apache-2.0
// The system table registry (names, OIDs, column layouts) and the catalog helpers the pg_* functions
// share: index lookup by OID, deparsed defaults and index definitions, visibility, reg* resolvers.
#include "engine/system_tables.h"

#include <algorithm>
#include <map>

#include "engine/database.h"
#include "engine/function/scalar_function.h"
#include "engine/system_table_rows.h"

namespace tessera::engine {

namespace {

LogicalType ColumnType(std::string_view code) {
  if (code == "oid") return LogicalType(TypeId::kOid);
  if (code == "name") return LogicalType(TypeId::kName);
  if (code == "char" || code == "text") return LogicalType(TypeId::kText);
  if (code == "bool") return LogicalType(TypeId::kBool);
  if (code == "int2") return LogicalType(TypeId::kInt16);
  if (code == "int4") return LogicalType(TypeId::kInt32);
  if (code == "int8") return LogicalType(TypeId::kInt64);
  if (code == "float4") return LogicalType(TypeId::kFloat32);
  if (code == "float8") return LogicalType(TypeId::kFloat64);
  if (code == "bytea") return LogicalType(TypeId::kBytea);
  if (code == "text[]") return LogicalType(TypeId::kTextArray);
  if (code == "int2[]") return LogicalType(TypeId::kInt16Array);
  if (code == "oid[]") return LogicalType(TypeId::kOidArray);
  if (code == "timestamptz") return LogicalType(TypeId::kTimestampTz);
  if (code == "xid") {
    LogicalType xid(TypeId::kOid);
    xid.oid_flavour = kXidFlavour;
    return xid;
  }
  throw SqlError(SqlState::kInternalError, "internal error: system column type " + std::string(code));
}

// Builds a table from "name type, name type, ..." (types as ColumnType reads them).
SystemTable Define(uint32_t oid, const char* schema, const char* name, bool is_view, std::string_view columns) {
  SystemTable table{oid, schema, name, is_view, {}, {}};
  while (!columns.empty()) {
    const size_t comma = columns.find(',');
    std::string_view column = columns.substr(0, comma);
    columns = comma == std::string_view::npos ? std::string_view() : columns.substr(comma + 1);
    while (column.starts_with(' ')) column.remove_prefix(1);
    const size_t space = column.find(' ');
    table.column_names.emplace_back(column.substr(0, space));
    table.column_types.push_back(ColumnType(column.substr(space + 1)));
  }
  return table;
}

std::vector<SystemTable> BuildSystemTables() {
  constexpr const char* kPg = "pg_catalog";
  constexpr const char* kInfo = "information_schema";
  constexpr const char* kTessera = "tessera";
  return {
      Define(2615, kPg, "pg_namespace", false, "oid oid, nspname name, nspowner oid, nspacl text[]"),
      Define(1259, kPg, "pg_class", false,
             "oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid, "
             "relfilenode oid, reltablespace oid, relpages int4, reltuples float4, relallvisible int4, "
             "reltoastrelid oid, relhasindex bool, relisshared bool, relpersistence char, relkind char, "
             "relnatts int2, relchecks int2, relhasrules bool, relhastriggers bool, relhassubclass bool, "
             "relrowsecurity bool, relforcerowsecurity bool, relispopulated bool, relreplident char, "
             "relispartition bool, relrewrite oid, relacl text[], reloptions text[], relpartbound text"),
      Define(1249, kPg, "pg_attribute", false,
             "attrelid oid, attname name, atttypid oid, attstattarget int4, attlen int2, attnum int2, "
             "attndims int4, attcacheoff int4, atttypmod int4, attbyval bool, attalign char, attstorage char, "
             "attcompression char, attnotnull bool, atthasdef bool, atthasmissing bool, attidentity char, "
             "attgenerated char, attisdropped bool, attislocal bool, attinhcount int4, attcollation oid, "
             "attacl text[], attoptions text[]"),
      Define(2604, kPg, "pg_attrdef", false, "oid oid, adrelid oid, adnum int2, adbin text"),
      Define(2610, kPg, "pg_index", false,
             "indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique bool, "
             "indnullsnotdistinct bool, indisprimary bool, indisexclusion bool, indimmediate bool, "
             "indisclustered bool, indisvalid bool, indcheckxmin bool, indisready bool, indislive bool, "
             "indisreplident bool, indkey text, indcollation text, indclass text, indoption text, "
             "indexprs text, indpred text"),
      Define(2606, kPg, "pg_constraint", false,
             "oid oid, conname name, connamespace oid, contype char, condeferrable bool, condeferred bool, "
             "convalidated bool, conrelid oid, contypid oid, conindid oid, conparentid oid, confrelid oid, "
             "confupdtype char, confdeltype char, confmatchtype char, conislocal bool, coninhcount int4, "
             "connoinherit bool, conkey int2[], confkey int2[], conbin text"),
      Define(2601, kPg, "pg_am", false, "oid oid, amname name, amhandler text, amtype char"),
      Define(1247, kPg, "pg_type", false,
             "oid oid, typname name, typnamespace oid, typowner oid, typlen int2, typbyval bool, typtype char, "
             "typcategory char, typispreferred bool, typisdefined bool, typdelim char, typrelid oid, "
             "typsubscript text, typelem oid, typarray oid, typinput text, typoutput text, typalign char, "
             "typstorage char, typnotnull bool, typbasetype oid, typtypmod int4, typndims int4, "
             "typcollation oid, typdefault text"),
      Define(3456, kPg, "pg_collation", false,
             "oid oid, collname name, collnamespace oid, collowner oid, collprovider char, "
             "collisdeterministic bool, collencoding int4, collcollate text, collctype text"),
      Define(1262, kPg, "pg_database", false,
             "oid oid, datname name, datdba oid, encoding int4, datlocprovider char, datistemplate bool, "
             "datallowconn bool, datconnlimit int4, dattablespace oid, datcollate text, datctype text, "
             "daticulocale text, datcollversion text, datacl text[]"),
      Define(12001, kPg, "pg_roles", true,
             "rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool, "
             "rolcanlogin bool, rolreplication bool, rolconnlimit int4, rolpassword text, "
             "rolvaliduntil timestamptz, rolbypassrls bool, rolconfig text[], oid oid"),
      Define(1260, kPg, "pg_authid", false,
             "oid oid, rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool, "
             "rolcanlogin bool, rolreplication bool, rolbypassrls bool, rolconnlimit int4, rolpassword text, "
             "rolvaliduntil timestamptz"),
      Define(12002, kPg, "pg_user", true,
             "usename name, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, usebypassrls bool, "
             "passwd text, valuntil timestamptz, useconfig text[]"),
      Define(12003, kPg, "pg_prepared_xacts", true,
             "transaction xid, gid text, prepared timestamptz, owner name, database name"),
      Define(1255, kPg, "pg_proc", false,
             "oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost float4, "
             "prorows float4, provariadic oid, prosupport text, prokind char, prosecdef bool, "
             "proleakproof bool, proisstrict bool, proretset bool, provolatile char, proparallel char, "
             "pronargs int2, pronargdefaults int2, prorettype oid, proargtypes text, proallargtypes oid[], "
             "proargmodes text[], proargnames text[], prosrc text"),
      Define(2609, kPg, "pg_description", false, "objoid oid, classoid oid, objsubid int4, description text"),
      Define(2611, kPg, "pg_inherits", false, "inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool"),
      Define(1213, kPg, "pg_tablespace", false,
             "oid oid, spcname name, spcowner oid, spcacl text[], spcoptions text[]"),
      Define(2224, kPg, "pg_sequence", false,
             "seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin int8, "
             "seqcache int8, seqcycle bool"),
      Define(2608, kPg, "pg_depend", false,
             "classid oid, objid oid, objsubid int4, refclassid oid, refobjid oid, refobjsubid int4, deptype char"),
      // Objects Tessera does not have yet: correctly shaped, always empty.
      Define(2620, kPg, "pg_trigger", false,
             "oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, tgtype int2, tgenabled char, "
             "tgisinternal bool, tgconstrrelid oid, tgconstrindid oid, tgconstraint oid, tgdeferrable bool, "
             "tginitdeferred bool, tgnargs int2, tgattr text, tgargs text, tgqual text, tgoldtable name, "
             "tgnewtable name"),
      Define(3256, kPg, "pg_policy", false,
             "oid oid, polname name, polrelid oid, polcmd char, polpermissive bool, polroles oid[], "
             "polqual text, polwithcheck text"),
      Define(2618, kPg, "pg_rewrite", false,
             "oid oid, rulename name, ev_class oid, ev_type char, ev_enabled char, is_instead bool, "
             "ev_qual text, ev_action text"),
      Define(3381, kPg, "pg_statistic_ext", false,
             "oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, stxstattarget int4, "
             "stxkeys text, stxkind text[], stxexprs text"),
      Define(6104, kPg, "pg_publication", false,
             "oid oid, pubname name, pubowner oid, puballtables bool, pubinsert bool, pubupdate bool, "
             "pubdelete bool, pubtruncate bool, pubviaroot bool"),
      Define(6106, kPg, "pg_publication_rel", false,
             "oid oid, prpubid oid, prrelid oid, prqual text, prattrs int2[]"),
      Define(6237, kPg, "pg_publication_namespace", false, "oid oid, pnpubid oid, pnnspid oid"),
      Define(3350, kPg, "pg_partitioned_table", false,
             "partrelid oid, partstrat char, partnatts int2, partdefid oid, partattrs text, partclass text, "
             "partcollation text, partexprs text"),
      Define(3118, kPg, "pg_foreign_table", false, "ftrelid oid, ftserver oid, ftoptions text[]"),
      // ANALYZE's statistics (engine/statistics.h). PostgreSQL's anyarray and real[] columns (most common
      // values, histograms) are text[] here and NULL: Tessera keeps no value lists.
      Define(12004, kPg, "pg_stats", true,
             "schemaname name, tablename name, attname name, inherited bool, null_frac float4, avg_width int4, "
             "n_distinct float4, most_common_vals text[], most_common_freqs text[], histogram_bounds text[], "
             "correlation float4, most_common_elems text[], most_common_elem_freqs text[], "
             "elem_count_histogram text[]"),
      Define(12010, kInfo, "schemata", true,
             "catalog_name name, schema_name name, schema_owner name, default_character_set_catalog name, "
             "default_character_set_schema name, default_character_set_name name, sql_path text"),
      Define(12011, kInfo, "tables", true,
             "table_catalog name, table_schema name, table_name name, table_type text, "
             "self_referencing_column_name name, reference_generation text, user_defined_type_catalog name, "
             "user_defined_type_schema name, user_defined_type_name name, is_insertable_into text, "
             "is_typed text, commit_action text"),
      Define(12012, kInfo, "columns", true,
             "table_catalog name, table_schema name, table_name name, column_name name, ordinal_position int4, "
             "column_default text, is_nullable text, data_type text, character_maximum_length int4, "
             "character_octet_length int4, numeric_precision int4, numeric_precision_radix int4, "
             "numeric_scale int4, datetime_precision int4, interval_type text, interval_precision int4, "
             "character_set_catalog name, character_set_schema name, character_set_name name, "
             "collation_catalog name, collation_schema name, collation_name name, domain_catalog name, "
             "domain_schema name, domain_name name, udt_catalog name, udt_schema name, udt_name name"),
      Define(12013, kInfo, "views", true,
             "table_catalog name, table_schema name, table_name name, view_definition text, check_option text, "
             "is_updatable text, is_insertable_into text, is_trigger_updatable text, "
             "is_trigger_deletable text, is_trigger_insertable_into text"),
      // The cluster's workers (docs/CLUSTER.md): empty unless this process is a coordinator. `state` is
      // 'active' when the worker answered a login and a query just now, else 'unreachable'.
      Define(12100, kTessera, "workers", true, "worker_id int4, host text, port int4, state text"),
      // Where each partition of each distributed table is: its worker and its shard table there.
      Define(12101, kTessera, "placements", true,
             "table_schema name, table_name name, partition int4, worker_id int4, shard_table text"),
      // ANALYZE's statistics with what pg_stats leaves out: exact counts, min/max as text and the distinct
      // values' HyperLogLog sketch, from which a coordinator merges its shards' statistics.
      Define(12110, kTessera, "column_statistics", true,
             "table_schema name, table_name name, column_name name, rows int8, null_count int8, avg_width int4, "
             "n_distinct float8, min_value text, max_value text, distinct_sketch bytea"),
      // The running or last rebalance since start-up (engine/partition_moves.h): one row, or none.
      Define(12102, kTessera, "rebalance_progress", true,
             "operation text, state text, partitions_total int8, partitions_moved int8, partitions_caught_up int8, "
             "rows_copied int8, rows_caught_up int8, bytes_copied int8, elapsed_seconds float8, rows_per_second float8, eta_seconds float8, "
             "current_move text, error text"),
  };
}

bool OnPath(const std::string& schema, const std::vector<std::string>& search_path) {
  return std::find(search_path.begin(), search_path.end(), schema) != search_path.end();
}

std::string QuoteIdentifier(const std::string& name) {
  bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) {
    plain = plain && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_');
  }
  if (plain) return name;
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

const std::vector<SystemTable>& AllSystemTables() {
  static const std::vector<SystemTable> tables = BuildSystemTables();
  return tables;
}

const SystemTable* FindSystemTable(std::string_view schema, std::string_view name) {
  const std::string_view wanted = schema.empty() ? "pg_catalog" : schema;
  for (const SystemTable& table : AllSystemTables()) {
    if (table.schema == wanted && table.name == name) return &table;
  }
  return nullptr;
}

bool SystemTableListed(const SystemTable& table, const Catalog& catalog) {
  return table.schema != "tessera" || catalog.has_cluster_schema();
}

const SystemTable* FindSystemTableByOid(uint32_t oid) {
  for (const SystemTable& table : AllSystemTables()) {
    if (table.oid == oid) return &table;
  }
  return nullptr;
}

std::vector<Batch> ScanSystemTable(const SystemTable& table, ExecContext& context) {
  Batch batch(table.column_types);
  for (const auto& row : SystemTableRows(table, context)) {
    for (size_t column = 0; column < row.size(); ++column) batch.columns[column].AppendValue(row[column]);
    ++batch.num_rows;
  }
  std::vector<Batch> batches;
  batches.push_back(std::move(batch));
  return batches;
}

const std::vector<ProcEntry>& BuiltinProcs() {
  static const std::vector<ProcEntry> procs = [] {
    std::vector<const ScalarFunction*> functions;
    BuiltinFunctions().ForEach([&](const ScalarFunction& function) {
      const char first = function.name.empty() ? ' ' : function.name[0];
      if (std::isalpha(static_cast<unsigned char>(first))) functions.push_back(&function);  // not operators, not _internal
    });
    // Order by name, then argument types, so OIDs do not depend on the registry's hash order.
    auto key = [](const ScalarFunction* function) {
      std::string text = function->name + "(";
      for (const auto& type : function->arg_types) text += std::to_string(TypeOid(type)) + ",";
      return text;
    };
    std::sort(functions.begin(), functions.end(), [&](auto* a, auto* b) { return key(a) < key(b); });
    std::vector<ProcEntry> entries;
    uint32_t oid = kFirstBuiltinProcOid;
    for (const ScalarFunction* function : functions) entries.push_back(ProcEntry{oid++, function});
    return entries;
  }();
  return procs;
}

const ScalarFunction* FindProcByOid(uint32_t oid) {
  const auto& procs = BuiltinProcs();
  if (oid < kFirstBuiltinProcOid || oid >= kFirstBuiltinProcOid + procs.size()) return nullptr;
  return procs[oid - kFirstBuiltinProcOid].function;
}

std::optional<IndexRef> FindIndexByOid(const Catalog& catalog, uint32_t oid) {
  for (const RelationPtr& relation : catalog.AllRelations()) {
    for (const IndexInfo& index : relation->indexes) {
      if (index.oid == oid) return IndexRef{relation, &index};
    }
  }
  return std::nullopt;
}

std::string DeparseDefault(const RelationInfo& relation, const ColumnInfo& column,
                           const std::vector<std::string>& search_path) {
  if (!column.sequence_name.empty()) {
    const std::string name = OnPath(relation.schema, search_path)
                                 ? QuoteIdentifier(column.sequence_name)
                                 : QuoteIdentifier(relation.schema) + "." + QuoteIdentifier(column.sequence_name);
    return "nextval('" + name + "'::regclass)";
  }
  return column.default_sql;
}

std::string IndexDefinition(const RelationInfo& table, const IndexInfo& index) {
  std::string text = std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " + QuoteIdentifier(index.name) +
                     " ON " + QuoteIdentifier(table.schema) + "." + QuoteIdentifier(table.name) + " USING btree (";
  for (size_t key = 0; key < index.columns.size(); ++key) {
    if (key > 0) text += ", ";
    text += QuoteIdentifier(table.columns[index.columns[key]].name);
    if (index.descending[key]) text += " DESC";
  }
  return text + ")";
}

std::string QualifiedIfHidden(const std::string& schema, const std::string& name, bool visible) {
  return visible ? QuoteIdentifier(name) : QuoteIdentifier(schema) + "." + QuoteIdentifier(name);
}

bool RelationIsVisible(const Catalog& catalog, uint32_t oid, const std::vector<std::string>& search_path) {
  if (FindSystemTableByOid(oid) != nullptr) return FindSystemTableByOid(oid)->schema == "pg_catalog";
  std::string schema, name;
  if (RelationPtr relation = catalog.FindRelationByOid(oid)) {
    schema = relation->schema;
    name = relation->name;
  } else if (auto index = FindIndexByOid(catalog, oid)) {
    schema = index->table->schema;
    name = index->index->name;
  } else {
    return false;
  }
  // Visible when no schema earlier on the path has a relation (or index) of the same name.
  for (const std::string& candidate : search_path) {
    if (candidate == schema) return true;
    if (candidate == "pg_catalog" && FindSystemTable("", name) != nullptr) return false;
    if (catalog.FindRelation(candidate, name, {}) || catalog.FindIndexOwner(candidate, name, {})) return false;
  }
  return false;
}

namespace {

std::optional<int64_t> ResolveRelationName(const Catalog& catalog, std::string_view text,
                                           const std::vector<std::string>& search_path) {
  std::string schema, name(text);
  const size_t dot = name.find('.');
  if (dot != std::string::npos) {
    schema = name.substr(0, dot);
    name = name.substr(dot + 1);
  }
  auto unquote = [](std::string& part) {
    if (part.size() >= 2 && part.front() == '"' && part.back() == '"') {
      part = part.substr(1, part.size() - 2);
    } else {
      std::transform(part.begin(), part.end(), part.begin(), [](unsigned char c) { return std::tolower(c); });
    }
  };
  unquote(schema);
  unquote(name);
  if (schema.empty() || schema == "pg_catalog" || schema == "information_schema") {
    if (const SystemTable* table = FindSystemTable(schema, name)) return table->oid;
  }
  if (RelationPtr relation = catalog.FindRelation(schema, name, search_path)) return relation->oid;
  if (RelationPtr owner = catalog.FindIndexOwner(schema, name, search_path)) {
    for (const IndexInfo& index : owner->indexes) {
      if (index.name == name) return index.oid;
    }
  }
  return std::nullopt;
}

std::optional<std::string> RelationName(const Catalog& catalog, int64_t oid, const std::vector<std::string>& search_path) {
  if (const SystemTable* table = FindSystemTableByOid(static_cast<uint32_t>(oid))) {
    return QualifiedIfHidden(table->schema, table->name, OnPath(table->schema, search_path));
  }
  const bool visible = RelationIsVisible(catalog, static_cast<uint32_t>(oid), search_path);
  if (RelationPtr relation = catalog.FindRelationByOid(static_cast<uint32_t>(oid))) {
    return QualifiedIfHidden(relation->schema, relation->name, visible);
  }
  if (auto index = FindIndexByOid(catalog, static_cast<uint32_t>(oid))) {
    return QualifiedIfHidden(index->table->schema, index->index->name, visible);
  }
  return std::nullopt;
}

}  // namespace

void InstallCatalogResolvers(ExecContext& context) {
  Database* database = context.database;
  const std::vector<std::string> path = context.search_path;
  context.resolve_object = [database, path](uint32_t flavour, std::string_view text) -> std::optional<int64_t> {
    if (flavour == kRegclassFlavour) return ResolveRelationName(database->catalog(), text, path);
    if (flavour == kRegnamespaceFlavour) {
      if (auto schema = database->catalog().FindSchema(std::string(text))) return schema->oid;
      return std::nullopt;
    }
    throw SqlError(SqlState::kFeatureNotSupported, "resolving names as " + FormatType(TypeFromOid(flavour).value_or(LogicalType(TypeId::kOid))) +
                                                       " is not supported yet");
  };
  context.object_name = [database, path](uint32_t flavour, int64_t oid) -> std::optional<std::string> {
    if (flavour == kRegclassFlavour) return RelationName(database->catalog(), oid, path);
    if (flavour == kRegnamespaceFlavour) {
      for (const SchemaInfo& schema : database->catalog().AllSchemas()) {
        if (schema.oid == oid) return QuoteIdentifier(schema.name);
      }
    }
    if (flavour == kRegprocFlavour) {
      if (const ScalarFunction* function = FindProcByOid(static_cast<uint32_t>(oid))) return function->name;
    }
    return std::nullopt;
  };
}

}  // namespace tessera::engine
