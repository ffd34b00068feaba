// SPDX-License-Identifier: Apache-2.0
// CREATE TABLE ... AS SELECT (WITH [NO] DATA, IF NOT EXISTS, column names) and SELECT ... INTO, which the
// parser turns into the same statement. Answers "SELECT n" like PostgreSQL 15 ("CREATE TABLE AS" for
// WITH NO DATA and for a skipped IF NOT EXISTS). On a coordinator the new table is distributed.
#include "base/memory_tracker.h"
#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/operator.h"
#include "planner/binder.h"
#include "planner/distributed_tables.h"
#include "planner/utility.h"

namespace tessera::planner {

namespace {

// Creates the empty table for the query's columns; returns it.
engine::RelationPtr CreateResultTable(Session& session, const ast::CreateTableStatement& create,
                                      const BoundQuery& query) {
  auto& catalog = session.database().catalog();
  const auto& types = query.plan->output_types;
  if (create.as_column_names.size() > types.size()) {
    throw SqlError(SqlState::kSyntaxError, "too many column names were specified");
  }
  auto relation = std::make_shared<engine::RelationInfo>();
  relation->oid = catalog.AllocateOid();
  relation->schema = create.table.size() >= 2 ? create.table[create.table.size() - 2]
                                              : (session.state().search_path.empty() ? "public" : session.state().search_path[0]);
  relation->name = create.table.back();
  std::vector<LogicalType> column_types;
  for (size_t column = 0; column < types.size(); ++column) {
    engine::ColumnInfo info;
    info.name = column < create.as_column_names.size() ? create.as_column_names[column] : query.names[column];
    if (relation->FindColumn(info.name) >= 0) {
      throw SqlError(SqlState::kDuplicateColumn, "column \"" + info.name + "\" specified more than once");
    }
    // A column of unknown type (SELECT 'x') becomes text, as in PostgreSQL 10 and later.
    info.type = types[column].id == TypeId::kUnknown ? LogicalType(TypeId::kText) : types[column];
    column_types.push_back(info.type);
    relation->columns.push_back(std::move(info));
  }
  relation->data = std::make_shared<storage::TableData>(column_types, catalog.default_partitions(), -1);
  // On a coordinator the table is distributed (rows spread round-robin), and the insert below writes
  // its shards.
  if (session.database().options().role == engine::Role::kCoordinator) DistributeNewTable(session, *relation);
  CreateRelation(session, relation);
  return relation;
}

// Runs `insert` to its end; returns the rows it wrote.
uint64_t RunInsert(const engine::PlanNode& plan, engine::ExecContext& context) {
  // The query and its insert run under --memory-limit, as a SELECT does (the insert's writes cannot fail).
  memory::MayFailScope query_memory(true);
  auto insert = engine::CreateOperator(plan, context);
  Batch ignored;
  while (insert->Next(&ignored)) {
  }
  return insert->rows_affected();
}

}  // namespace

UtilityResult CreateTableAs(Session& session, const ast::CreateTableStatement& create, engine::ExecContext& context) {
  const std::string schema = SchemaOf(session, create.table);
  if (!RelationNameIsFree(session, schema, create.table.back(), create.if_not_exists)) return {"CREATE TABLE AS", {}};
  std::vector<LogicalType> parameter_types;
  Binder binder(session.database(), session.state(), parameter_types);
  BoundQuery query = binder.BindQuery(*create.as_query, nullptr);
  engine::RelationPtr relation = CreateResultTable(session, create, query);
  if (create.with_no_data) return {"CREATE TABLE AS", {}};
  // A failed insert leaves its rows and the table in the undo log, which removes them.
  std::vector<int> targets;
  std::vector<engine::BoundExprPtr> casts;
  for (size_t column = 0; column < relation->columns.size(); ++column) {
    targets.push_back(static_cast<int>(column));
    casts.push_back(binder.Coerce(engine::MakeColumn(static_cast<int>(column), query.plan->output_types[column]),
                                  relation->columns[column].type, engine::CastContext::kAssignment));
  }
  // Operators refer to their plan nodes: the plan must outlive the insert.
  const engine::PlanPtr plan = binder.InsertPlan(relation, targets, MakeProject(query.plan, std::move(casts)));
  uint64_t rows = 0;
  try {
    rows = RunInsert(*plan, context);
  } catch (...) {
    // The undo log drops the table from the catalog; its shard tables go now (in a block, with its rollback).
    if (!relation->placement.empty() && session.state().transaction == TransactionState::kIdle) {
      DropShards(session, *relation);
    }
    throw;
  }
  return {"SELECT " + std::to_string(rows), {}};
}

}  // namespace tessera::planner
