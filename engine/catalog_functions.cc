// SPDX-License-Identifier: Apache-2.0
// System information functions that read the catalog: pg_table_is_visible, pg_get_expr,
// pg_get_indexdef, pg_get_constraintdef, pg_get_viewdef, pg_get_function_result/arguments,
// pg_relation_is_publishable, pg_get_statisticsobjdef_columns.
#include "engine/database.h"
#include "engine/function/kernel_builder.h"
#include "engine/system_tables.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of engine/function

namespace {

const Catalog& CatalogOf(const ExecContext& context) {
  if (context.database == nullptr) throw SqlError(SqlState::kFeatureNotSupported, "catalog functions need a database");
  return context.database->catalog();
}

uint32_t OidArg(const Vector& arg, idx_t row) { return static_cast<uint32_t>(arg.Data<int64_t>()[row]); }

// Registers `name(args...)` computing an optional text per row (nullopt: NULL).
template <typename Op>
void AddTextFunction(FunctionRegistry& registry, const char* name, std::vector<LogicalType> args, Op op) {
  AddFunction(registry, name, std::move(args), kTextType,
              RowKernel([op](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext& context) {
                std::optional<std::string> text = op(args, row, context);
                if (text) {
                  result.SetString(row, *text);
                } else {
                  result.SetNull(row, true);
                }
              }));
}

std::string KeyColumns(const RelationInfo& table, const IndexInfo& index) {
  std::string text;
  for (size_t key = 0; key < index.columns.size(); ++key) {
    text += (key > 0 ? ", " : "") + QualifiedIfHidden("", table.columns[index.columns[key]].name, true);
  }
  return text;
}

// pg_get_indexdef(index, column, pretty): the whole definition for column 0, else that key column.
std::optional<std::string> IndexDef(const std::vector<Vector>& args, idx_t row, ExecContext& context) {
  auto found = FindIndexByOid(CatalogOf(context), OidArg(args[0], row));
  if (!found) return std::nullopt;
  const int32_t column = args.size() > 1 ? args[1].Data<int32_t>()[row] : 0;
  if (column == 0) return IndexDefinition(*found->table, *found->index);
  if (column < 0 || static_cast<size_t>(column) > found->index->columns.size()) return std::nullopt;
  return QualifiedIfHidden("", found->table->columns[found->index->columns[column - 1]].name, true);
}

// pg_get_constraintdef: PRIMARY KEY / UNIQUE constraints are listed under their index's OID.
std::optional<std::string> ConstraintDef(const std::vector<Vector>& args, idx_t row, ExecContext& context) {
  auto found = FindIndexByOid(CatalogOf(context), OidArg(args[0], row));
  if (!found || !found->index->constraint) return std::nullopt;
  return std::string(found->index->primary ? "PRIMARY KEY (" : "UNIQUE (") + KeyColumns(*found->table, *found->index) + ")";
}

std::optional<std::string> ViewDef(const std::vector<Vector>& args, idx_t row, ExecContext& context) {
  RelationPtr relation = CatalogOf(context).FindRelationByOid(OidArg(args[0], row));
  if (!relation || relation->kind != RelationKind::kView) return std::nullopt;
  return relation->view_sql;
}

std::optional<std::string> FunctionTypes(const std::vector<Vector>& args, idx_t row, bool result_type) {
  const ScalarFunction* function = FindProcByOid(OidArg(args[0], row));
  if (function == nullptr) return std::nullopt;
  if (result_type) return FormatType(function->return_type);
  std::string text;
  for (size_t index = 0; index < function->arg_types.size(); ++index) {
    if (index > 0) text += ", ";
    if (function->variadic && index + 1 == function->arg_types.size()) text += "VARIADIC ";
    text += FormatType(function->arg_types[index]);
  }
  return text;
}

void AddVisibility(FunctionRegistry& registry) {
  AddFunction(registry, "pg_table_is_visible", {kOidType}, kBoolType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext& context) {
                result.Data<uint8_t>()[row] = RelationIsVisible(CatalogOf(context), OidArg(args[0], row), context.search_path);
              }));
  // Tables in user schemas may be published; system tables, views and sequences may not.
  LogicalType regclass(TypeId::kOid);
  regclass.oid_flavour = kRegclassFlavour;
  AddFunction(registry, "pg_relation_is_publishable", {regclass}, kBoolType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext& context) {
                RelationPtr relation = CatalogOf(context).FindRelationByOid(OidArg(args[0], row));
                result.Data<uint8_t>()[row] = relation && relation->kind == RelationKind::kTable;
              }));
}

}  // namespace

void RegisterCatalogFunctions(FunctionRegistry& target) {
  // Registered volatile so the binder never folds them: their results follow the catalog and the
  // session's search path at execution time.
  FunctionRegistry registry;
  AddVisibility(registry);
  // Expressions are stored as the text pg_get_expr prints (pg_attrdef.adbin, pg_index.indpred).
  auto expression = [](const std::vector<Vector>& args, idx_t row, ExecContext&) -> std::optional<std::string> {
    return std::string(args[0].GetString(row));
  };
  AddTextFunction(registry, "pg_get_expr", {kTextType, kOidType}, expression);
  AddTextFunction(registry, "pg_get_expr", {kTextType, kOidType, kBoolType}, expression);
  AddTextFunction(registry, "pg_get_indexdef", {kOidType}, IndexDef);
  AddTextFunction(registry, "pg_get_indexdef", {kOidType, kInt32Type, kBoolType}, IndexDef);
  AddTextFunction(registry, "pg_get_constraintdef", {kOidType}, ConstraintDef);
  AddTextFunction(registry, "pg_get_constraintdef", {kOidType, kBoolType}, ConstraintDef);
  AddTextFunction(registry, "pg_get_viewdef", {kOidType}, ViewDef);
  AddTextFunction(registry, "pg_get_viewdef", {kOidType, kBoolType}, ViewDef);
  AddTextFunction(registry, "pg_get_function_result", {kOidType},
                  [](const std::vector<Vector>& args, idx_t row, ExecContext&) { return FunctionTypes(args, row, true); });
  for (const char* name : {"pg_get_function_arguments", "pg_get_function_identity_arguments"}) {
    AddTextFunction(registry, name, {kOidType},
                    [](const std::vector<Vector>& args, idx_t row, ExecContext&) { return FunctionTypes(args, row, false); });
  }
  // Tessera has no extended statistics objects, so no OID names one.
  AddTextFunction(registry, "pg_get_statisticsobjdef_columns", {kOidType},
                  [](const std::vector<Vector>&, idx_t, ExecContext&) -> std::optional<std::string> { return std::nullopt; });
  registry.ForEach([&target](const ScalarFunction& function) {
    ScalarFunction copy = function;
    copy.is_volatile = true;
    target.Register(std::move(copy));
  });
}

}  // namespace tessera::engine
