// SPDX-License-Identifier: Apache-2.0
// System tables: pg_catalog and information_schema relations whose rows are generated from the Catalog
// (and the function registry) each time they are scanned, so they always show the current tables,
// columns, types, indexes and constraints. Columns carry PostgreSQL's names and types, with two
// substitutions where Tessera lacks the type: "char" columns are text, and pg_node_tree, aclitem[],
// int2vector and oidvector columns are text (or text[]), holding what PostgreSQL would print.
//
// Thread safety: all functions may be called concurrently; scans read catalog snapshots.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/vector.h"
#include "engine/catalog.h"
#include "engine/exec_context.h"

namespace tessera::engine {

struct ScalarFunction;

struct SystemTable {
  uint32_t oid = 0;
  std::string schema;  // "pg_catalog" or "information_schema"
  std::string name;
  bool is_view = false;
  std::vector<std::string> column_names;
  std::vector<LogicalType> column_types;
};

// PostgreSQL's fixed OIDs that system rows refer to.
constexpr uint32_t kBootstrapSuperuserOid = 10;
constexpr uint32_t kDatabaseOwnerRoleOid = 6171;  // pg_database_owner, owner of schema public
constexpr uint32_t kPgClassOid = 1259;
constexpr uint32_t kHeapAmOid = 2;
constexpr uint32_t kBtreeAmOid = 403;
constexpr uint32_t kDefaultCollationOid = 100;
constexpr uint32_t kCurrentDatabaseOid = 5;
constexpr uint32_t kFirstBuiltinProcOid = 8000;  // pg_proc OIDs of built-in functions, in BuiltinProcs order
constexpr uint32_t kRegprocFlavour = 24;
constexpr uint32_t kRegclassFlavour = 2205;
constexpr uint32_t kRegnamespaceFlavour = 4089;
constexpr uint32_t kXidFlavour = 28;

// Finds a system table; `schema` empty means pg_catalog (searched before user schemas).
const SystemTable* FindSystemTable(std::string_view schema, std::string_view name);
const std::vector<SystemTable>& AllSystemTables();
const SystemTable* FindSystemTableByOid(uint32_t oid);
// Whether pg_class, pg_attribute and information_schema list `table`: the `tessera` schema's tables only
// where the catalog has that schema (coordinators and workers).
bool SystemTableListed(const SystemTable& table, const Catalog& catalog);
// Generates the table's rows from the catalog of `context.database` (REQUIRES: database set).
std::vector<Batch> ScanSystemTable(const SystemTable& table, ExecContext& context);

// One pg_proc row: a built-in function with the OID it is listed under.
struct ProcEntry {
  uint32_t oid;
  const ScalarFunction* function;
};
// The built-in functions listed in pg_proc (named functions, not operators), in OID order.
const std::vector<ProcEntry>& BuiltinProcs();
const ScalarFunction* FindProcByOid(uint32_t oid);

// An index with its table, found by the index's OID.
struct IndexRef {
  RelationPtr table;
  const IndexInfo* index = nullptr;
};
std::optional<IndexRef> FindIndexByOid(const Catalog& catalog, uint32_t oid);

// Text PostgreSQL's pg_get_expr prints for a column default, e.g. nextval('t_id_seq'::regclass).
std::string DeparseDefault(const RelationInfo& relation, const ColumnInfo& column,
                           const std::vector<std::string>& search_path);
// pg_get_indexdef: "CREATE UNIQUE INDEX i ON s.t USING btree (a, b DESC)".
std::string IndexDefinition(const RelationInfo& table, const IndexInfo& index);
// `name`, or `schema.name` when not `visible`, each part quoted as quote_ident does (regclass output).
std::string QualifiedIfHidden(const std::string& schema, const std::string& name, bool visible);
// pg_table_is_visible: whether `oid` names a relation (or index) found first by its unqualified name.
bool RelationIsVisible(const Catalog& catalog, uint32_t oid, const std::vector<std::string>& search_path);

// Registers the functions that read the catalog (pg_table_is_visible, pg_get_expr, pg_get_indexdef, ...).
class FunctionRegistry;
void RegisterCatalogFunctions(FunctionRegistry& registry);

// Installs ExecContext's reg* resolvers (names <-> OIDs through the catalog). REQUIRES: database set.
void InstallCatalogResolvers(ExecContext& context);

}  // namespace tessera::engine
